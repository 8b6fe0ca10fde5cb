import { LineCounter, parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildManifestLocator } from '../../../src/core/manifest/locate.ts';

function locator(text: string) {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, keepSourceTokens: true });
  return buildManifestLocator(doc, lineCounter);
}

const text = [
  'version: 1', //                    1
  'targets:', //                      2
  '  repos:', //                      3
  '    - api', //                     4
  '    - "web app"', //               5
  '  patterns: [a-*, b-*]', //        6
  'budget: {maxIterations: 3}', //    7
  'empty:', //                        8
  'shared: &s', //                    9
  '  x: 1', //                        10
  'alias: *s', //                     11
  '',
].join('\n');

describe('core/manifest/locate', () => {
  it.each([
    [['version'], 'value', '1:10'],
    [['version'], 'key', '1:1'],
    [['targets'], 'value', '3:3'],
    [['targets'], 'key', '2:1'],
    [['targets', 'repos', 0], 'value', '4:7'],
    [['targets', 'repos', 1], 'value', '5:7'],
    [['targets', 'patterns', 1], 'value', '6:19'],
    [['budget', 'maxIterations'], 'value', '7:25'],
    [['budget', 'maxIterations'], 'key', '7:10'],
    [['empty'], 'value', '8:1'],
    [['alias', 'x'], 'value', '10:6'],
  ] as const)('%j (%s) is at %s', (path, target, expected) => {
    const at = locator(text).locate(path, target);

    expect(`${at.line}:${at.column}`).toBe(expected);
    expect(at.approximate).toBe(false);
  });

  it('falls back to the nearest existing ancestor for a missing key', () => {
    const at = locator(text).locate(['budget', 'maxTotalUsd']);

    expect(`${at.line}:${at.column}`).toBe('7:9');
    expect(at.approximate).toBe(true);
  });

  it('falls back to the document start for a missing top-level key', () => {
    const at = locator(text).locate(['title']);

    expect(`${at.line}:${at.column}`).toBe('1:1');
  });

  it('reports the end of a node', () => {
    const at = locator(text).locate(['targets', 'repos', 1]);

    expect(at).toMatchObject({ line: 5, column: 7, endLine: 5, endColumn: 16 });
  });

  it('answers has() for present and absent paths', () => {
    const l = locator(text);

    expect(l.has(['targets', 'repos', 1])).toBe(true);
    expect(l.has(['targets', 'repos', 2])).toBe(false);
    expect(l.has(['nope'])).toBe(false);
  });

  it('survives an empty document and a scalar document', () => {
    expect(locator('').locate(['id'])).toMatchObject({ line: 1, column: 1, approximate: true });
    expect(locator('hello').locate(['id', 'x'])).toMatchObject({ line: 1, column: 1, approximate: true });
  });
});
