import { describe, expect, it } from 'vitest';
import { normalizeSignature } from '../../../src/core/target/normalize-signature.ts';

describe('core/target/normalize-signature', () => {
  it.each([
    [
      'quoted identifiers',
      {
        code: 'TS2345',
        message: "Argument of type 'string' is not assignable to parameter of type 'number'.",
      },
      {
        code: 'TS2345',
        message: "Argument of type 'Foo<Bar>' is not assignable to parameter of type 'Baz'.",
      },
    ],
    [
      'paths and line numbers',
      {
        message: 'Cannot find module ./lib/http.js imported from /home/runner/work/api/api/src/index.ts:12:4',
      },
      { message: 'Cannot find module ../client/fetch.js imported from D:\\a\\web\\web\\src\\main.ts:3:1' },
    ],
    [
      'hex SHAs and numbers',
      { message: 'commit 3f2a9c1d is 12 commits behind, 3 conflicts' },
      { message: 'commit 9e8d7c6b5a4f is 7 commits behind, 41 conflicts' },
    ],
    [
      'URLs and uuids',
      {
        message:
          'fetch https://registry.npmjs.org/left-pad failed (request 123e4567-e89b-12d3-a456-426614174000)',
      },
      { message: 'fetch https://example.test/a/b?c=d failed (request 00000000-0000-0000-0000-000000000001)' },
    ],
  ])('masks %s so different repos group together', (_name, a, b) => {
    expect(normalizeSignature(a)).toBe(normalizeSignature(b));
  });

  it.each([
    [
      { code: 'TS2345', message: 'x' },
      { code: 'TS2322', message: 'x' },
    ],
    [{ message: 'Cannot find module' }, { message: 'Unexpected token' }],
    [
      { tool: 'eslint', message: 'm' },
      { tool: 'tsc', message: 'm' },
    ],
  ])('keeps different problems apart', (a, b) => {
    expect(normalizeSignature(a)).not.toBe(normalizeSignature(b));
  });

  it('keeps the code, the words and the first line only', () => {
    expect(
      normalizeSignature({ code: 'E0308', message: 'mismatched types in `foo`\n  --> src/main.rs:4:5' }),
    ).toBe("E0308: mismatched types in '<id>'");
  });

  it('caps long messages and never throws on empty input', () => {
    expect(normalizeSignature({ message: 'word '.repeat(200) }).length).toBeLessThanOrEqual(200);
    expect(normalizeSignature({ message: '' })).toBe('');
    expect(normalizeSignature({ code: 'X1', message: '\n\n' })).toBe('X1');
  });
});
