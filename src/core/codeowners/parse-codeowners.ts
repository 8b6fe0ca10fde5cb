/**
 * GitHub CODEOWNERS: parser and matcher (pure).
 *
 * Syntax, as GitHub documents it (docs.github.com "About code owners"): one rule per line, a
 * gitignore-like pattern followed by owners (`@user`, `@org/team`, or an e-mail address);
 * `#` starts a comment (also after the owners); the LAST matching rule wins, and a rule without
 * owners makes matching files unowned. Unlike gitignore, `!` negation and `[ ]` character ranges
 * are not supported, and `docs/*` matches only files directly inside `docs/`. Lines GitHub would
 * reject are skipped and reported with their line number, as GitHub does; nothing throws.
 *
 * Which file applies (`.github/CODEOWNERS`, then `CODEOWNERS`, then `docs/CODEOWNERS`, on the
 * base branch) is the caller's choice: see `CODEOWNERS_PATHS`.
 */

/** Where GitHub looks for the file, in order of precedence: the first one found is used. */
export const CODEOWNERS_PATHS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'] as const;

/** GitHub ignores CODEOWNERS files larger than 3 MB. */
export const MAX_CODEOWNERS_BYTES = 3 * 1024 * 1024;

export interface CodeownersRule {
  /** The pattern as written. */
  pattern: string;
  /** Owners as written (`@user`, `@org/team`, `user@example.com`); empty = explicitly unowned. */
  owners: string[];
  /** 1-based line in the file. */
  line: number;
  /** Compiled pattern, matched against repo-relative paths without a leading slash. */
  regex: RegExp;
}

export interface CodeownersProblem {
  line: number;
  message: string;
  /** The offending line as written. */
  text: string;
}

export interface Codeowners {
  /** Where the file came from (for messages), e.g. `.github/CODEOWNERS@main`. */
  source: string;
  rules: CodeownersRule[];
  /** Lines skipped because GitHub would not accept them. */
  problems: CodeownersProblem[];
}

const USER = /^@[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const TEAM = /^@[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}\/[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** True for `@user`, `@org/team` and e-mail owners. */
export function isValidOwner(owner: string): boolean {
  return USER.test(owner) || TEAM.test(owner) || EMAIL.test(owner);
}

/** Parses a CODEOWNERS file. Never throws: invalid lines are skipped and listed in `problems`. */
export function parseCodeowners(text: string, source = 'CODEOWNERS'): Codeowners {
  if (new TextEncoder().encode(text).length > MAX_CODEOWNERS_BYTES) {
    return {
      source,
      rules: [],
      problems: [{ line: 1, message: 'The file is larger than 3 MB; GitHub ignores it', text: '' }],
    };
  }
  const rules: CodeownersRule[] = [];
  const problems: CodeownersProblem[] = [];
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const lineNo = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const tokens = trimmed.split(/\s+/);
    const commentAt = tokens.findIndex((t, i) => i > 0 && t.startsWith('#'));
    const [pattern, ...owners] = commentAt < 0 ? tokens : tokens.slice(0, commentAt);
    if (pattern === undefined) continue;
    const problem = (message: string) => problems.push({ line: lineNo, message, text: raw });

    const invalidOwners = owners.filter((o) => !isValidOwner(o));
    if (invalidOwners.length > 0) {
      problem(
        `Invalid owner ${invalidOwners.map((o) => `"${o}"`).join(', ')}: use @user, @org/team or an e-mail address`,
      );
      continue;
    }
    const compiled = compilePattern(pattern);
    if (typeof compiled === 'string') {
      problem(compiled);
      continue;
    }
    rules.push({ pattern, owners, line: lineNo, regex: compiled });
  }
  return { source, rules, problems };
}

/**
 * Translates a CODEOWNERS pattern to a regular expression, or returns why it is not supported.
 * gitignore rules: a leading or middle `/` anchors to the root, otherwise the pattern matches at
 * any depth; a trailing `/` matches directories only; a match on a directory covers everything
 * below it, except for patterns ending in `/*` (GitHub: direct children only).
 */
function compilePattern(pattern: string): RegExp | string {
  if (pattern.startsWith('!')) return 'Negated patterns ("!") are not supported in CODEOWNERS';
  if (/[[\]]/.test(pattern)) return 'Character ranges ("[ ]") are not supported in CODEOWNERS';
  let p = pattern.startsWith('\\#') ? pattern.slice(1) : pattern;
  let anchored = p.startsWith('/');
  if (anchored) p = p.slice(1);
  const dirOnly = p.endsWith('/');
  if (dirOnly) p = p.replace(/\/+$/, '');
  if (p === '') return anchored ? /^.*$/ : 'Empty pattern';
  if (p.includes('/') && !p.startsWith('**/')) anchored = true;
  const directChildren = p.endsWith('/*');

  let body = '';
  for (let i = 0; i < p.length; i++) {
    const ch = p[i] as string;
    if (ch === '*' && p[i + 1] === '*') {
      const atStart = i === 0 || p[i - 1] === '/';
      const atEnd = i + 2 === p.length || p[i + 2] === '/';
      if (atStart && atEnd) {
        if (i + 2 === p.length) {
          body += '.*';
          i += 1;
        } else {
          body += '(?:.*/)?';
          i += 2; // also consume the following slash
        }
        continue;
      }
      body += '[^/]*';
      i += 1;
      continue;
    }
    if (ch === '*') body += '[^/]*';
    else if (ch === '?') body += '[^/]';
    else body += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  const prefix = anchored ? '^' : '^(?:.*/)?';
  const suffix = dirOnly ? '/.*$' : directChildren ? '$' : '(?:/.*)?$';
  return new RegExp(prefix + body + suffix);
}

/** Normalises a path for matching: forward slashes, no leading `./` or `/`. */
function normalisePath(path: string): string {
  return path
    .replace(/\\/g, '/')
    .replace(/^(?:\.\/)+/, '')
    .replace(/^\/+/, '');
}

/**
 * The rule that decides a path's owners: the last matching one. `undefined` when no rule matches.
 * A returned rule with no owners means the path is explicitly unowned.
 */
export function findCodeownersRule(codeowners: Codeowners, path: string): CodeownersRule | undefined {
  const target = normalisePath(path);
  for (let i = codeowners.rules.length - 1; i >= 0; i--) {
    const rule = codeowners.rules[i] as CodeownersRule;
    if (rule.regex.test(target)) return rule;
  }
  return undefined;
}

/**
 * Owners of a set of changed paths, for review requests: owners in first-seen order, deduplicated
 * case-insensitively (GitHub logins and team slugs are), plus the paths nobody owns.
 */
export function collectCodeowners(
  codeowners: Codeowners,
  paths: readonly string[],
): { owners: string[]; unowned: string[] } {
  const owners: string[] = [];
  const seen = new Set<string>();
  const unowned: string[] = [];
  for (const path of paths) {
    const rule = findCodeownersRule(codeowners, path);
    if (rule === undefined || rule.owners.length === 0) {
      unowned.push(path);
      continue;
    }
    for (const owner of rule.owners) {
      const key = owner.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      owners.push(owner);
    }
  }
  return { owners, unowned };
}
