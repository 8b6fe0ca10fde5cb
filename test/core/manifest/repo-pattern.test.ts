import { describe, expect, it } from 'vitest';
import {
  matchesRepoPattern,
  parseRepoPattern,
  parseRepoRef,
} from '../../../src/core/manifest/repo-pattern.ts';

function matches(pattern: string, owner: string, name: string): boolean {
  const parsed = parseRepoPattern(pattern);
  if (!parsed.ok) throw new Error(parsed.message);
  return matchesRepoPattern(parsed.pattern, owner, name);
}

describe('core/manifest/repo-pattern', () => {
  it.each([
    ['*', 'api', true],
    ['api-*', 'api-gateway', true],
    ['api-*', 'web-api', false],
    ['API-*', 'api-gateway', true],
    ['web-?', 'web-1', true],
    ['web-?', 'web-12', false],
    ['web-[ab]', 'web-b', true],
    ['web-[!ab]', 'web-b', false],
    ['web-[a-c]x', 'web-bx', true],
    ['{api,web}-*', 'web-app', true],
    ['{api,web}-*', 'db-app', false],
    ['**', 'x.y_z-1', true],
    ['acme/api-*', 'api-x', true],
    ['other/api-*', 'api-x', false],
    ['my.repo', 'myXrepo', false],
  ])('%s vs %s → %s', (pattern, name, expected) => {
    expect(matches(pattern, 'acme', name)).toBe(expected);
  });

  it.each([
    ['', "empty pattern; expected a repository name or a glob such as 'api-*'"],
    [
      'a b',
      "'a b' contains a space, which never appears in a repository name; expected letters, digits, '.', '-', '_' and the glob characters * ? [ ] { }",
    ],
    [
      'a/b/c',
      "'/' in the wrong place in 'a/b/c'; expected 'name' or 'owner/name' (a repository name never contains '/')",
    ],
    [
      '/api',
      "'/' in the wrong place in '/api'; expected 'name' or 'owner/name' (a repository name never contains '/')",
    ],
    [
      'ac*e/api',
      "owner 'ac*e' in 'ac*e/api' is not a GitHub login; expected letters, digits and single hyphens (no glob characters)",
    ],
    ['web-[', "unclosed '[' in 'web-['; expected a class such as '[a-z]'"],
    ['web-[]', "unclosed '[' in 'web-[]'; expected a class such as '[a-z]'"],
    ['web-[!]', "empty character class in 'web-[!]' can never match"],
    [
      'web-[ .]',
      "character class in 'web-[ .]' contains ' ', which never appears in a repository name; expected letters, digits, '.', '-' or '_'",
    ],
    ['{a,{b}}', "nested '{' in '{a,{b}}' is not supported; expected '{a,b}'"],
    ['{a,b', "unclosed '{' in '{a,b'; expected '{a,b}'"],
    ['{}', "empty braces in '{}'; expected alternatives such as '{api,web}'"],
    ['!api', "negated pattern '!api' is not supported; expected it without '!' in targets.exclude"],
    ['..', "'..' can never be a repository name (1–100 characters, not '.' or '..')"],
    [
      'a'.repeat(101),
      `'${'a'.repeat(101)}' can never be a repository name (1–100 characters, not '.' or '..')`,
    ],
    [
      'api,web',
      "'api,web' contains ',', which never appears in a repository name; expected letters, digits, '.', '-', '_' and the glob characters * ? [ ] { }",
    ],
  ])('rejects %j', (pattern, message) => {
    expect(parseRepoPattern(pattern)).toEqual({ ok: false, message });
  });

  it('parses exact references', () => {
    expect(parseRepoRef('api')).toEqual({ ok: true, ref: { owner: undefined, name: 'api' } });
    expect(parseRepoRef('acme/api.js')).toEqual({ ok: true, ref: { owner: 'acme', name: 'api.js' } });
    expect(parseRepoRef('api-*')).toMatchObject({ ok: false });
    expect(parseRepoRef('my repo')).toMatchObject({ ok: false });
    expect(parseRepoRef('')).toMatchObject({ ok: false });
  });
});
