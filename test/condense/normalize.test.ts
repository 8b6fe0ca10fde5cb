import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createLineSplitter,
  normalizeLine,
  normalizeRoot,
  relativizePath,
  relativizeText,
  stripEscapes,
} from '../../src/condense/normalize.ts';

function split(chunks: (string | Uint8Array)[], max?: number): string[] {
  const lines: string[] = [];
  const splitter = createLineSplitter((line) => lines.push(line), max);
  for (const chunk of chunks) splitter.push(chunk);
  splitter.finish();
  return lines;
}

describe('condense/normalize createLineSplitter', () => {
  it('splits on newlines across chunks and flushes the unterminated tail', () => {
    expect(split(['a\nb', 'c\n', '\nd'])).toEqual(['a', 'bc', '', 'd']);
  });

  it('strips only well-formed runner timestamps, also after a line with the same date and hour', () => {
    const lines = [
      '2026-11-21T10:00:00.1234567Z a',
      '2026-11-21T10:0x:00.1Z b',
      '2026-11-21T10:01:02Z c',
      '2026-11-21T10:01:02.Z d',
      '2026-11-21T10:01:02.1234567890Z e',
      '2026-11-21T10:01:0',
      '2026-11-21T10:01:02.5Zf',
      '2026-11-21T11:01:02.5Z g',
      '2026-11-21T11:01:02.5 h',
    ];

    expect(split([lines.join('\n')])).toEqual([
      'a',
      '2026-11-21T10:0x:00.1Z b',
      'c',
      '2026-11-21T10:01:02.Z d',
      '2026-11-21T10:01:02.1234567890Z e',
      '2026-11-21T10:01:0',
      'f',
      'g',
      '2026-11-21T11:01:02.5 h',
    ]);
    // Each line on its own (no earlier timestamp to share a head with) gives the same text.
    expect(lines.map((line) => normalizeLine(line).text)).toEqual(split([lines.join('\n')]));
  });

  it('strips exactly the timestamps the regex accepts, line after line sharing a second or not', () => {
    // The splitter strips a clean line's timestamp itself, on the decoded piece.
    const second = fc.constantFrom('2026-11-21T10:04:05', '2026-11-21T10:04:06', '2026-11-21T1x:04:05');
    const fraction = fc.oneof(
      fc.constant(''),
      fc.stringMatching(/^\.\d{0,11}$/),
      fc.constantFrom('.', '.12a4', '.1234567'),
    );
    const tail = fc.constantFrom('Z ', 'Z', 'Zx', ' ', '', 'Z  y', 'z ');
    const line = fc
      .tuple(second, fraction, tail, fc.constantFrom('', 'npm test', '##[group]Run x'))
      .map((p) => p.join(''));
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 30 }), (lines) => {
        const lines2: string[] = [];
        const splitter = createLineSplitter((raw, clean) => lines2.push(normalizeLine(raw, clean).text));
        splitter.push(lines.join('\n'));
        splitter.finish();
        expect(lines2).toEqual(lines.map((raw) => normalizeLine(raw).text));
      }),
      { numRuns: 2000 },
    );
  });

  it('yields the same lines however bytes are split, including inside multi-byte characters', () => {
    const text = 'héllo wörld\r\n€ 2 ✓\n\u{1F600} end\nlast';
    const bytes = new TextEncoder().encode(text);
    const expected = split([text]);

    for (let i = 0; i <= bytes.length; i++) {
      for (let j = i; j <= bytes.length; j++) {
        expect(split([bytes.slice(0, i), bytes.slice(i, j), bytes.slice(j)])).toEqual(expected);
      }
    }
    expect(expected).toEqual(['héllo wörld', '€ 2 ✓', '\u{1F600} end', 'last']);
  });

  it('cleans \\r, NUL and the 8-bit CSI however the bytes are chunked (they are looked for in the bytes first)', () => {
    const normalized = (chunks: (string | Uint8Array)[]) => {
      const lines: string[] = [];
      const splitter = createLineSplitter((raw, clean) => lines.push(normalizeLine(raw, clean).text));
      for (const chunk of chunks) splitter.push(chunk);
      splitter.finish();
      return lines;
    };
    const piece = fc.constantFrom(
      'plain',
      ' ',
      '\n',
      '\r\n',
      'progress 10%\r',
      'done\r',
      'nul\u0000byte',
      '\u009b31mred\u009b0m',
      '\u001b[1mbold\u001b[0m',
      'é✓',
      '2026-11-21T10:04:05.1234567Z ',
      '##[error]',
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (pieces, cuts) => {
          const text = pieces.join('');
          const bytes = new TextEncoder().encode(text);
          // Cut anywhere (also between C2 and 9B), some chunks as views into a larger buffer.
          const at = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((x, y) => x - y);
          const chunks: Uint8Array[] = [];
          let from = 0;
          for (const to of [...at, bytes.length]) {
            const copy = new Uint8Array(to - from + 8);
            copy.set(bytes.subarray(from, to), 4);
            chunks.push(chunks.length % 2 === 0 ? bytes.slice(from, to) : copy.subarray(4, 4 + to - from));
            from = to;
          }
          const expected = text
            .split('\n')
            .map((raw) => normalizeLine(raw.endsWith('\r') ? raw.slice(0, -1) : raw).text);
          if (text.endsWith('\n') || text === '') expected.pop();
          expect(normalized(chunks)).toEqual(expected);
          expect(normalized([text])).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('decodes a large byte chunk piecewise without breaking characters or lines at piece edges', () => {
    // Multi-byte characters and lines of varied lengths, so the 16 KiB decode pieces fall inside
    // characters (2, 3 and 4 bytes) and inside lines.
    const lines = Array.from({ length: 3000 }, (_, i) => `${i} ✓ wörld \u{1F600} ${'x'.repeat(i % 37)}`);
    const bytes = new TextEncoder().encode(lines.join('\n'));
    expect(bytes.length).toBeGreaterThan(64 * 1024);

    expect(split([bytes])).toEqual(lines);
    expect(split([bytes.subarray(0, 50_001), bytes.subarray(50_001)])).toEqual(lines);
  });

  it('decodes invalid UTF-8 to replacement characters without throwing', () => {
    const bytes = new Uint8Array([0x61, 0xff, 0xfe, 0x0a, 0xc3, 0x28, 0x0a]);

    expect(split([bytes])).toEqual(['a\uFFFD\uFFFD', '\uFFFD(']);
  });

  it('caps a huge line, keeping its start, and counts the cut', () => {
    const lines: string[] = [];
    const splitter = createLineSplitter((line) => lines.push(line), 10);
    splitter.push('0123456789abcdef');
    splitter.push('ghij\nnext\n');
    splitter.push('x'.repeat(25) + '\n');
    splitter.finish();

    expect(lines).toEqual(['0123456789', 'next', 'xxxxxxxxxx']);
    expect(splitter.cutLines).toBe(2);
  });

  it('caps a line assembled from a carried tail plus a long remainder', () => {
    expect(split(['abcd', 'efghijklmnop\nq'], 6)).toEqual(['abcdef', 'q']);
  });
});

describe('condense/normalize normalizeLine', () => {
  it.each([
    ['plain text', 'plain text', undefined],
    ['2026-11-21T10:04:05.1234567Z hello', 'hello', undefined],
    ['2026-11-21T10:04:05Z hello', 'hello', undefined],
    ['\u001b[31merror\u001b[39m TS2322', 'error TS2322', undefined],
    ['\u001b]8;;https://x.dev\u0007link\u001b]8;;\u0007 text', 'link text', undefined],
    ['\u009b1;31mred', 'red', undefined],
    ['10%\r50%\r100% done', '100% done', undefined],
    ['progress\r\u001b[2K\r', 'progress', undefined],
    ['crlf line\r', 'crlf line', undefined],
    ['nul\u0000 bytes\u0000', 'nul bytes', undefined],
    ['2026-11-21T10:04:05.1234567Z ##[group]Run npm test', 'Run npm test', 'group'],
    ['##[endgroup]', '', 'endgroup'],
    ['##[error]Process completed with exit code 1.', 'Process completed with exit code 1.', 'error'],
    ['##[warning]deprecated', 'deprecated', 'warning'],
    ['\tindented\ttabs', '\tindented\ttabs', undefined],
  ])('normalizes %j', (raw, text, marker) => {
    const line = normalizeLine(raw);

    expect(line.text).toBe(text);
    expect(line.marker).toBe(marker);
  });
});

describe('condense/normalize stripEscapes', () => {
  // The regex stripEscapes is written out from; it must remove exactly the same text.
  const ESCAPES =
    // eslint-disable-next-line no-control-regex
    /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[ -/]*[0-~]|\u009b[0-?]*[ -/]*[@-~]/g;

  it.each([
    ['\u001b[1;31merror\u001b[0m x', 'error x'],
    ['\u001b]8;;https://x\u0007link\u001b]8;;\u001b\\ done', 'link done'],
    ['\u009b32mgreen\u009b0m', 'green'],
    ['a\u001b[', 'a'],
    ['a\u001b', 'a\u001b'],
    ['\u001b[?25l\u001b(B\u001b7x', 'x'],
  ])('strips the escapes of %j', (text, expected) => {
    expect(stripEscapes(text)).toBe(expected);
    expect(text.replace(ESCAPES, '')).toBe(expected);
  });

  it('removes exactly what the escape regex removes, on any text made of escape-like pieces', () => {
    const piece = fc.oneof(
      fc.constantFrom(
        '\u001b',
        '\u009b',
        '[',
        ']',
        '\u0007',
        '\\',
        ';',
        '?',
        '1',
        '31',
        'm',
        ' ',
        '/',
        '(',
        '@',
        '~',
        'x',
        '\u007f',
        '\u0000',
      ),
      fc.string({ maxLength: 3 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const text = pieces.join('');
        expect(stripEscapes(text)).toBe(text.replace(ESCAPES, ''));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('condense/normalize paths', () => {
  it.each([
    ['/home/runner/work/repo/repo/src/a.ts', '', 'src/a.ts'],
    ['D:\\a\\repo\\repo\\src\\x.ts', '', 'src/x.ts'],
    ['C:\\a\\repo\\repo\\src\\x.ts', '', 'src/x.ts'],
    ['/__w/repo/repo/lib/b.js', '', 'lib/b.js'],
    ['/github/workspace/pkg/c.go', '', 'pkg/c.go'],
    ['/Users/runner/work/r/r/Sources/App.swift', '', 'Sources/App.swift'],
    ['file:///home/me/proj/src/a.ts', '/home/me/proj', 'src/a.ts'],
    ['/home/me/proj/src/a.ts', '/home/me/proj/', 'src/a.ts'],
    ['c:\\work\\proj\\src\\a.ts', 'C:\\work\\proj', 'src/a.ts'],
    ['./src/a.ts', '', 'src/a.ts'],
    ['src\\win\\a.ts', '', 'src/win/a.ts'],
    ['/usr/lib/node/x.js', '/home/me/proj', '/usr/lib/node/x.js'],
  ])('relativizePath(%j, %j) = %j', (path, root, expected) => {
    expect(relativizePath(path, normalizeRoot(root))).toBe(expected);
  });

  it('strips checkout prefixes inside free text', () => {
    expect(relativizeText('at f (/home/runner/work/r/r/src/a.ts:3:1)', '')).toBe('at f (src/a.ts:3:1)');
    expect(relativizeText('at D:\\a\\r\\r\\src\\a.ts:3:1', '')).toBe('at src/a.ts:3:1');
    expect(relativizeText('see /srv/app/src/a.ts', normalizeRoot('/srv/app'))).toBe('see src/a.ts');
    expect(relativizeText("Can't resolve 'x' in '/srv/app'", normalizeRoot('/srv/app'))).toBe(
      "Can't resolve 'x' in '.'",
    );
    expect(relativizeText('/srv/application/a.ts', normalizeRoot('/srv/app'))).toBe('/srv/application/a.ts');
  });
});
