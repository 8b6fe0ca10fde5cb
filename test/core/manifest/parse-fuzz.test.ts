/**
 * Property tests: whatever text comes in (random strings, mutations of the valid examples,
 * deep nesting, alias bombs), parseManifest returns a result and never throws; a rejection
 * always carries at least one located, one-line error.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../../src/core/manifest/parse.ts';
import type { ParseManifestResult } from '../../../src/core/manifest/parse.ts';

const examplesDir = 'examples/fleetwright-config/migrations';
const examples = readdirSync(examplesDir).map((name) => ({
  name,
  text: readFileSync(join(examplesDir, name), 'utf8'),
}));

function assertWellFormed(result: ParseManifestResult, text: string): void {
  if (result.ok) return;
  expect(result.errors.length).toBeGreaterThan(0);
  const lines = text.split('\n').length + 1;
  for (const error of result.errors) {
    expect(error.line).toBeGreaterThanOrEqual(1);
    expect(error.line).toBeLessThanOrEqual(lines);
    expect(error.column).toBeGreaterThanOrEqual(1);
    expect(error.message).not.toMatch(/[\r\n]/);
    expect(error.message.length).toBeGreaterThan(0);
  }
}

function parseSafely(text: string): ParseManifestResult {
  let result: ParseManifestResult | undefined;
  expect(() => {
    result = parseManifest(text, 'migrations/fuzz.yml', { requireIdMatchesFileName: false });
  }).not.toThrow();
  return result as ParseManifestResult;
}

/** A line-level mutation of a text: delete, duplicate, swap or replace lines, or splice bytes. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('delete-line' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate-line' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap-lines' as const), at: fc.nat(), with: fc.nat() }),
  fc.record({ kind: fc.constant('indent-line' as const), at: fc.nat(), by: fc.integer({ min: -4, max: 4 }) }),
  fc.record({
    kind: fc.constant('splice' as const),
    at: fc.nat(),
    remove: fc.nat({ max: 8 }),
    insert: fc.string({ unit: 'binary', maxLength: 8 }),
  }),
  fc.record({
    kind: fc.constant('insert-syntax' as const),
    at: fc.nat(),
    insert: fc.constantFrom(
      ':',
      '- ',
      '[',
      ']',
      '{',
      '}',
      '&a ',
      '*a',
      '!!binary ',
      '"',
      "'",
      '|',
      '>',
      '#',
      '? ',
      '\t',
      '---\n',
      '...\n',
      '%YAML 1.1\n',
      '<<: *a\n',
    ),
  }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function applyMutation(text: string, m: Mutation): string {
  const lines = text.split('\n');
  const i = m.at % Math.max(1, lines.length);
  switch (m.kind) {
    case 'delete-line':
      lines.splice(i, 1);
      return lines.join('\n');
    case 'duplicate-line':
      lines.splice(i, 0, lines[i] ?? '');
      return lines.join('\n');
    case 'swap-lines': {
      const j = m.with % Math.max(1, lines.length);
      [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''];
      return lines.join('\n');
    }
    case 'indent-line': {
      const line = lines[i] ?? '';
      lines[i] = m.by >= 0 ? ' '.repeat(m.by) + line : line.replace(new RegExp(`^ {0,${-m.by}}`), '');
      return lines.join('\n');
    }
    case 'splice': {
      const at = m.at % (text.length + 1);
      return text.slice(0, at) + m.insert + text.slice(at + m.remove);
    }
    case 'insert-syntax': {
      const at = m.at % (text.length + 1);
      return text.slice(0, at) + m.insert + text.slice(at);
    }
  }
}

describe('core/manifest/parse: never throws', () => {
  it('accepts the unmodified examples (the mutation seeds are valid)', () => {
    for (const example of examples) {
      expect(parseManifest(example.text, `migrations/${example.name}`).ok, example.name).toBe(true);
    }
  });

  it('returns errors for arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        const result = parseSafely(text);
        expect(result.ok).toBe(false);
        assertWellFormed(result, text);
      }),
      { numRuns: 400 },
    );
  }, 60_000);

  it('returns a result for mutated examples', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...examples),
        fc.array(mutation, { minLength: 1, maxLength: 6 }),
        (example, mutations) => {
          const text = mutations.reduce(applyMutation, example.text);
          assertWellFormed(parseSafely(text), text);
        },
      ),
      { numRuns: 400 },
    );
  }, 60_000);

  it('returns errors for arbitrary YAML-ish structures', () => {
    const scalar = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        scalar,
        fc.array(tie('node'), { maxLength: 4 }),
        fc.dictionary(fc.string({ maxLength: 10 }), tie('node'), { maxKeys: 4 }),
      ),
    })).node;
    fc.assert(
      fc.property(value, (data) => {
        const text = JSON.stringify(data) ?? 'null';
        assertWellFormed(parseSafely(text), text);
      }),
      { numRuns: 300 },
    );
  }, 60_000);

  it.each([
    ['deep flow nesting', `targets: ${'['.repeat(50_000)}${']'.repeat(50_000)}`],
    ['deep mapping nesting', `targets: ${'{a: '.repeat(20_000)}1${'}'.repeat(20_000)}`],
    ['deep block nesting', Array.from({ length: 700 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')],
    ['deep block sequences', Array.from({ length: 700 }, (_, i) => `${' '.repeat(i)}-`).join('\n')],
    [
      'billion laughs',
      [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        ...'bcdefghi'
          .split('')
          .map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`),
      ].join('\n'),
    ],
    ['self-referencing merge keys', 'base: &b\n  x: 1\n  <<: *b\nversion: 1\n'],
    ['undefined alias', 'version: 1\nid: *nope\n'],
    ['huge file', `prompt: "${'x'.repeat(300 * 1024)}"\n`],
    ['many keys', Array.from({ length: 20_000 }, (_, i) => `k${i}: ${i}`).join('\n')],
    ['long single line', `title: ${'y'.repeat(200_000)}`],
    ['control characters', 'version: 1\u0000\nid: m\u0007\n'],
    ['lone surrogates', 'version: 1\nid: \ud800\ntitle: \udfff\n'],
    ['byte order mark', '\uFEFFversion: 1\n'],
    ['CRLF line ends', 'version: 1\r\nid: m\r\n  title: x\r\n'],
    ['custom tags', 'version: !!js/function 1\nid: !custom m\nbin: !!binary aGVsbG8=\n'],
  ])('%s', (_name, text) => {
    const result = parseSafely(text);

    expect(result.ok).toBe(false);
    assertWellFormed(result, text);
  });

  it('locates the alias bomb at its first alias', () => {
    const text =
      'a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n';

    const result = parseManifest(text, 'migrations/m.yml');

    expect(result.ok ? [] : result.errors.map((e) => `${e.line}:${e.column}: ${e.message}`)).toEqual([
      '2:8: YAML: aliases expand to too many nodes (more than 100); expected plain values',
    ]);
  });

  it('treats non-string input as an error, not a crash', () => {
    const result = parseManifest(undefined as unknown as string, 'migrations/m.yml');

    expect(result.ok).toBe(false);
  });
});
