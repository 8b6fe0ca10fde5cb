/**
 * Repository-name globs for `targets.patterns` and `targets.exclude`, and exact references for
 * `targets.repos`. Written here rather than borrowed from a path-glob library because repository
 * names are not paths: they never contain `/`, use only `[A-Za-z0-9._-]`, and GitHub compares
 * them case-insensitively. Knowing that lets us reject patterns that can never match.
 */

/** Characters GitHub allows in a repository name. */
const NAME_CHAR = /[A-Za-z0-9._-]/;
/** A GitHub user or organisation login. */
export const OWNER_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
/** GitHub's longest repository name. */
export const MAX_REPO_NAME_LENGTH = 100;

/** A compiled pattern; `owner` is set when the pattern was written as `owner/glob`. */
export interface RepoPattern {
  owner: string | undefined;
  /** Anchored, case-insensitive matcher for the repository name (without owner). */
  name: RegExp;
}

export type RepoPatternResult = { ok: true; pattern: RepoPattern } | { ok: false; message: string };

const quote = (text: string) => `'${text}'`;
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');

function splitOwner(
  text: string,
): { ok: true; owner?: string; name: string } | { ok: false; message: string } {
  const parts = text.split('/');
  if (parts.length === 1) return { ok: true, name: text };
  const [owner, name] = parts;
  if (parts.length > 2 || !owner || !name) {
    return {
      ok: false,
      message: `'/' in the wrong place in ${quote(text)}; expected 'name' or 'owner/name' (a repository name never contains '/')`,
    };
  }
  if (!OWNER_LOGIN.test(owner)) {
    return {
      ok: false,
      message: `owner ${quote(owner)} in ${quote(text)} is not a GitHub login; expected letters, digits and single hyphens (no glob characters)`,
    };
  }
  return { ok: true, owner, name };
}

/** Compiles a name glob (`*`, `?`, `[a-z]`, `[!x]`, `{a,b}`) to a regular expression source. */
function compileNameGlob(
  glob: string,
  whole: string,
): { ok: true; source: string } | { ok: false; message: string } {
  let out = '';
  let inBraces = false;
  let alternatives = 0;
  for (let i = 0; i < glob.length; i += 1) {
    const char = glob[i] as string;
    if (char === '*') {
      while (glob[i + 1] === '*') i += 1; // `**` means the same as `*`: names have no '/'
      out += '[A-Za-z0-9._-]*';
    } else if (char === '?') {
      out += '[A-Za-z0-9._-]';
    } else if (char === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close === -1)
        return { ok: false, message: `unclosed '[' in ${quote(whole)}; expected a class such as '[a-z]'` };
      let body = glob.slice(i + 1, close);
      const negated = body.startsWith('!') || body.startsWith('^');
      if (negated) body = body.slice(1);
      if (body === '')
        return { ok: false, message: `empty character class in ${quote(whole)} can never match` };
      for (const member of body) {
        if (!NAME_CHAR.test(member)) {
          return {
            ok: false,
            message: `character class in ${quote(whole)} contains ${quote(member)}, which never appears in a repository name; expected letters, digits, '.', '-' or '_'`,
          };
        }
      }
      out += `[${negated ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = close;
    } else if (char === '{') {
      if (inBraces)
        return { ok: false, message: `nested '{' in ${quote(whole)} is not supported; expected '{a,b}'` };
      inBraces = true;
      alternatives = 1;
      out += '(?:';
    } else if (char === ',' && inBraces) {
      alternatives += 1;
      out += '|';
    } else if (char === '}' && inBraces) {
      inBraces = false;
      if (alternatives < 2 && out.endsWith('(?:')) {
        return {
          ok: false,
          message: `empty braces in ${quote(whole)}; expected alternatives such as '{api,web}'`,
        };
      }
      out += ')';
    } else if (NAME_CHAR.test(char)) {
      out += escapeRegExp(char);
    } else {
      const shown = char === ' ' ? 'a space' : quote(char);
      return {
        ok: false,
        message: `${quote(whole)} contains ${shown}, which never appears in a repository name; expected letters, digits, '.', '-', '_' and the glob characters * ? [ ] { }`,
      };
    }
  }
  if (inBraces) return { ok: false, message: `unclosed '{' in ${quote(whole)}; expected '{a,b}'` };
  return { ok: true, source: out };
}

/**
 * Parses a repository pattern (`api-*`, `my-org/web-{app,site}`). Returns a located-free error
 * message when the pattern is malformed or can never match a GitHub repository name.
 */
export function parseRepoPattern(text: string): RepoPatternResult {
  if (text.trim() === '')
    return { ok: false, message: "empty pattern; expected a repository name or a glob such as 'api-*'" };
  if (text.startsWith('!')) {
    return {
      ok: false,
      message: `negated pattern ${quote(text)} is not supported; expected it without '!' in targets.exclude`,
    };
  }
  const split = splitOwner(text);
  if (!split.ok) return split;
  const compiled = compileNameGlob(split.name, text);
  if (!compiled.ok) return compiled;
  const literal = !/[*?[{]/.test(split.name);
  if (literal && (split.name.length > MAX_REPO_NAME_LENGTH || split.name === '.' || split.name === '..')) {
    return {
      ok: false,
      message: `${quote(text)} can never be a repository name (1–100 characters, not '.' or '..')`,
    };
  }
  return { ok: true, pattern: { owner: split.owner, name: new RegExp(`^${compiled.source}$`, 'i') } };
}

/** An exact repository reference from `targets.repos`. */
export interface RepoRef {
  owner: string | undefined;
  name: string;
}

/** Parses `name` or `owner/name` (no glob characters). */
export function parseRepoRef(text: string): { ok: true; ref: RepoRef } | { ok: false; message: string } {
  if (text.trim() === '')
    return { ok: false, message: "empty repository name; expected 'name' or 'owner/name'" };
  if (/[*?[\]{}!]/.test(text)) {
    return {
      ok: false,
      message: `${quote(text)} contains glob characters; expected an exact 'name' or 'owner/name' (put globs in targets.patterns)`,
    };
  }
  const split = splitOwner(text);
  if (!split.ok) return split;
  for (const char of split.name) {
    if (!NAME_CHAR.test(char)) {
      const shown = char === ' ' ? 'a space' : quote(char);
      return {
        ok: false,
        message: `${quote(text)} contains ${shown}, which never appears in a repository name; expected letters, digits, '.', '-' and '_'`,
      };
    }
  }
  if (split.name.length > MAX_REPO_NAME_LENGTH || split.name === '.' || split.name === '..') {
    return {
      ok: false,
      message: `${quote(text)} can never be a repository name (1–100 characters, not '.' or '..')`,
    };
  }
  return { ok: true, ref: { owner: split.owner, name: split.name } };
}

/** True when `pattern` matches the repository `owner/name` (owner compared case-insensitively). */
export function matchesRepoPattern(pattern: RepoPattern, owner: string, name: string): boolean {
  if (pattern.owner !== undefined && pattern.owner.toLowerCase() !== owner.toLowerCase()) return false;
  return pattern.name.test(name);
}
