import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  condenseStream,
  condenseText,
  createCondenseSession,
  UnknownCondenserError,
} from '../../src/condense/condense.ts';
import { buildTriggerIndex, splitAlternatives } from '../../src/condense/trigger-index.ts';
import { FailureReport } from '../../src/contracts/failure-report.ts';
import type { Condenser, CondenserFactory, LogLine, LogMarker } from '../../src/condense/types.ts';
import { makeFinding } from '../../src/condense/finding.ts';
import { normalizeLine } from '../../src/condense/normalize.ts';
import { condenserFactories } from '../../src/condense/registry.ts';

/** A test condenser: every line "E <file>:<line> <msg>" is an error; "W …" a warning. */
function fakeFactory(
  tool: string,
  options: { trigger?: RegExp; fallback?: boolean; markers?: LogMarker[] } = {},
): CondenserFactory & {
  seen: string[];
} {
  const seen: string[] = [];
  return {
    tool,
    description: tool,
    seen,
    ...(options.trigger && { trigger: options.trigger }),
    ...(options.fallback && { fallback: true }),
    ...(options.markers && { markers: options.markers }),
    create(): Condenser {
      const findings: ReturnType<typeof makeFinding>[] = [];
      let first: number | undefined;
      let block = false;
      return {
        tool,
        push(line: LogLine) {
          seen.push(line.text);
          if (line.text === 'BEGIN') block = true;
          if (line.text === 'END') block = false;
          const m = /^([EW]) (\S+):(\d+) (.*)$/.exec(line.text);
          if (!m) return;
          first ??= line.number;
          findings.push(
            makeFinding({
              kind: 'generic',
              tool,
              severity: m[1] === 'W' ? 'warning' : 'error',
              file: m[2],
              line: Number(m[3]),
              message: m[4] ?? '',
            }),
          );
        },
        wantsEveryLine: () => block,
        finish: () => ({
          detected: first !== undefined,
          findings,
          ...(first !== undefined && { firstLine: first }),
        }),
      };
    },
  };
}

describe('condense/condense', () => {
  it('yields an empty success report for a passing log', () => {
    const report = condenseText('> vitest run\n\n Test Files  3 passed (3)\n', { exitCode: 0 });

    expect(report.conclusion).toBe('success');
    expect(report.findings).toEqual([]);
    expect(report.dropped).toEqual([]);
    expect(FailureReport.parse(report)).toEqual(report);
  });

  it('fails on a non-zero exit code without findings and reads it from the Actions log', () => {
    const report = condenseText('something\n##[error]Process completed with exit code 3.\n');

    expect(report.conclusion).toBe('failure');
    expect(report.exitCode).toBe(3);
    // Nothing error-shaped: the generic fallback (behind its trigger) has no tail to report.
    expect(report.findings).toEqual([]);
  });

  it('records the step that failed in an Actions log as the command', () => {
    const log = [
      '##[group]Run npm ci',
      'added 10 packages',
      '##[endgroup]',
      '##[group]Run npm run typecheck',
      "src/a.ts(1,1): error TS2304: Cannot find name 'x'.",
      '##[endgroup]',
      '##[error]Process completed with exit code 2.',
    ].join('\n');

    const report = condenseText(log);

    expect(report).toMatchObject({ command: 'npm run typecheck', exitCode: 2, conclusion: 'failure' });
    expect(condenseText(log, { command: 'make ci' }).command).toBe('make ci');
  });

  it('merges identical findings into occurrences', () => {
    const a = fakeFactory('a');

    const report = condenseText('E x.ts:1 boom\nE x.ts:1 boom\nE x.ts:1 boom\nE y.ts:2 other\n', {
      factories: [a],
    });

    expect(report.findings.map((f) => [f.file, f.occurrences])).toEqual([
      ['x.ts', 3],
      ['y.ts', 1],
    ]);
  });

  it('keeps the first places of a cascade and counts the rest as dropped', () => {
    const a = fakeFactory('a');
    const log = Array.from({ length: 8 }, (_, i) => `E f${i}.ts:1 Cannot find module 'react'`).join('\n');

    const report = condenseText(log, { factories: [a] });

    expect(report.findings.map((f) => f.file)).toEqual(['f0.ts', 'f1.ts', 'f2.ts']);
    expect(report.dropped).toEqual([{ tool: 'a', kind: 'generic', count: 5, files: 5 }]);
  });

  it('shares the total cap fairly between tools, errors before warnings', () => {
    const a = fakeFactory('a', { trigger: /^[EW] a/ });
    const b = fakeFactory('b', { trigger: /^[EW] b/ });
    const lines = [
      ...Array.from({ length: 6 }, (_, i) => `W a${i}.ts:1 warn ${i}`),
      ...Array.from({ length: 6 }, (_, i) => `E a${i}.ts:2 err ${i}`),
      'E b0.ts:1 only b',
    ];

    const report = condenseText(lines.join('\n'), {
      factories: [a, b],
      maxFindings: 5,
      maxFindingsPerTool: 4,
    });

    expect(report.findings.map((f) => `${f.tool}:${f.message}`)).toEqual([
      'a:err 0',
      'a:err 1',
      'a:err 2',
      'a:err 3',
      'b:only b',
    ]);
    expect(report.dropped).toEqual([{ tool: 'a', kind: 'generic', count: 8, files: 6 }]);
    expect(report.tools).toEqual(['a', 'b']);
  });

  it('orders tools by their first line in the log', () => {
    const a = fakeFactory('a', { trigger: /^E a/ });
    const b = fakeFactory('b', { trigger: /^E b/ });

    const report = condenseText('E b.ts:1 first\nE a.ts:1 second\n', { factories: [a, b] });

    expect(report.tools).toEqual(['b', 'a']);
    expect(report.findings.map((f) => f.tool)).toEqual(['b', 'a']);
  });

  it('feeds a condenser with markers the lines carrying them, plus its trigger lines', () => {
    const a = fakeFactory('a', { markers: ['error'] });
    const b = fakeFactory('b', { markers: ['warning'], trigger: /^E b/ });

    condenseText(
      [
        '2026-11-21T10:00:00.1234567Z ##[group]Run make',
        'E a.ts:1 plain',
        '##[error]E a.ts:2 marked',
        '\u001b[31m##[error]E a.ts:3 coloured\u001b[0m',
        '##[warning]careful',
        'E b.ts:4 triggered',
        '##[error]Process completed with exit code 2.',
      ].join('\n'),
      { factories: [a, b] },
    );

    expect(a.seen).toEqual(['E a.ts:2 marked', 'E a.ts:3 coloured', 'Process completed with exit code 2.']);
    expect(b.seen).toEqual(['careful', 'E b.ts:4 triggered']);
  });

  it('feeds triggered condensers only matching lines, and every line inside a block', () => {
    const a = fakeFactory('a', { trigger: /^(?:E a|BEGIN)/ });

    condenseText('noise\nE a.ts:1 x\nBEGIN\ninside\nEND\nafter\n', { factories: [a] });

    expect(a.seen).toEqual(['E a.ts:1 x', 'BEGIN', 'inside', 'END']);
  });

  it('feeds each condenser exactly its trigger, marker and in-block lines, in order, across dispatch batches', () => {
    // Lines are dispatched in batches (of lines, and of characters: hence the long lines); the
    // model below feeds one line at a time. Both must give every condenser the same lines.
    type Seen = { number: number; text: string; marker?: LogMarker };
    const recorder = (tool: string, options: { trigger?: RegExp; markers?: LogMarker[] }) => {
      const seen: Seen[] = [];
      const factory: CondenserFactory = {
        tool,
        description: tool,
        ...options,
        create: () => {
          let block = false;
          return {
            tool,
            push: (line: LogLine) => {
              seen.push({ ...line });
              if (line.text.startsWith('BEGIN ' + tool)) block = true;
              if (line.text.startsWith('END ' + tool)) block = false;
            },
            wantsEveryLine: () => block,
            finish: () => ({ detected: false, findings: [] }),
          };
        },
      };
      return { factory, seen, options };
    };
    const line = fc.oneof(
      fc.constantFrom('noise', '', 'E a.ts:1 x', 'BEGIN a', 'END a', 'BEGIN b', 'END b', '##[error]boom'),
      fc.constantFrom('##[group]Run x', 'b says', '\u001b[31mE a.ts:2 red\u001b[0m', 'BEGIN c', 'END c'),
      fc.constantFrom(5_000, 20_000, 40_000).map((n) => 'E a ' + 'x'.repeat(n)),
    );
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 200, maxLength: 700 }),
        fc.nat(4000),
        fc.integer({ min: 1, max: 300 }),
        fc.constantFrom(1024, 16 * 1024, 256 * 1024),
        (lines, cut, batchLines, batchChars) => {
          const a = recorder('a', { trigger: /^(?:E a|BEGIN a)/ });
          const b = recorder('b', { trigger: /^(?:b says|BEGIN b)/i, markers: ['error'] });
          const c = recorder('c', {});
          const log = lines.join('\n');
          const session = createCondenseSession({
            factories: [a.factory, b.factory, c.factory],
            batch: { lines: batchLines, chars: batchChars },
          });
          session.push(log.slice(0, cut));
          session.push(log.slice(cut));
          session.finish();
          for (const r of [a, b, c]) {
            const expected: Seen[] = [];
            let block = false;
            // The splitter yields no line for an empty log or after a final newline.
            const rawLines = log === '' ? [] : log.split('\n');
            if (log.endsWith('\n')) rawLines.pop();
            rawLines.forEach((raw, i) => {
              const { text, marker } = normalizeLine(raw);
              const selected =
                (r.options.trigger === undefined && r.options.markers === undefined) ||
                (r.options.trigger?.test(text) ?? false) ||
                (marker !== undefined && (r.options.markers?.includes(marker) ?? false));
              if (!block && !selected) return;
              expected.push({ number: i + 1, text, ...(marker !== undefined && { marker }) });
              if (text.startsWith('BEGIN ' + r.factory.tool)) block = true;
              if (text.startsWith('END ' + r.factory.tool)) block = false;
            });
            expect(r.seen).toEqual(expected);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('uses fallback findings only when no other condenser found anything', () => {
    const a = fakeFactory('a', { trigger: /^E a/ });
    const g = fakeFactory('g', { fallback: true });

    const withPrimary = condenseText('E g.ts:1 guess\nE a.ts:1 real\n', { factories: [a, g] });
    const alone = condenseText('E g.ts:1 guess\n', { factories: [a, g], exitCode: 1 });
    const passing = condenseText('E g.ts:1 guess\n', { factories: [a, g], exitCode: 0 });

    expect(withPrimary.findings.map((f) => f.message)).toEqual(['real']);
    expect(withPrimary.tools).toEqual(['a']);
    expect(alone.findings.map((f) => f.message)).toEqual(['guess']);
    expect(passing.conclusion).toBe('success');
    expect(passing.findings).toEqual([]);
  });

  it('makes paths repo-relative and drops frames outside the repo', () => {
    const factory: CondenserFactory = {
      tool: 'x',
      description: 'x',
      create: () => ({
        tool: 'x',
        push: () => undefined,
        finish: () => ({
          detected: true,
          findings: [
            makeFinding({
              kind: 'test-failure',
              tool: 'x',
              message: 'boom at /srv/app/src/a.ts',
              file: '/srv/app/src/a.ts',
              line: 1,
              frames: [
                'at f (/srv/app/src/a.ts:1:2)',
                'at g (/srv/app/node_modules/lib/i.js:3:4)',
                'at node:internal/process/task_queues:95:5',
                'at D:\\a\\app\\app\\test\\b.test.ts:9:1',
              ],
            }),
          ],
        }),
      }),
    };

    const report = condenseText('', { factories: [factory], repoRoot: '/srv/app' });

    expect(report.findings[0]).toMatchObject({
      file: 'src/a.ts',
      message: 'boom at src/a.ts',
      frames: ['at f (src/a.ts:1:2)', 'at test/b.test.ts:9:1'],
    });
  });

  it('rejects unknown tools', () => {
    expect(() => createCondenseSession({ tools: ['nope'] })).toThrow(UnknownCondenserError);
    expect(() => createCondenseSession({ tools: ['nope'] })).toThrow(
      /Unknown condenser 'nope'; known: npm, pnpm, yarn, tsc/,
    );
  });

  it('survives a condenser that throws', () => {
    const bad: CondenserFactory = {
      tool: 'bad',
      description: 'bad',
      create: () => ({
        tool: 'bad',
        push: () => {
          throw new Error('bug');
        },
        finish: () => {
          throw new Error('bug');
        },
      }),
    };
    const a = fakeFactory('a');

    const report = condenseText('E a.ts:1 fine\n', { factories: [bad, a] });

    expect(report.findings.map((f) => f.message)).toEqual(['fine']);
  });

  it('condenses a stream of byte chunks with Actions noise the same as clean text', async () => {
    const noisy =
      '2026-11-21T10:04:05.1234567Z ##[group]Run npx tsc\n' +
      "2026-11-21T10:04:06.0000000Z \u001b[96msrc/a.ts\u001b[0m:\u001b[93m3\u001b[0m:\u001b[93m7\u001b[0m - \u001b[91merror\u001b[0m\u001b[90m TS2322: \u001b[0mType \u0000'string' is not assignable to type 'number'.\r\n" +
      '2026-11-21T10:04:06.0000000Z ##[endgroup]\n';
    const bytes = new TextEncoder().encode(noisy);
    async function* chunks() {
      for (let i = 0; i < bytes.length; i += 7) yield bytes.slice(i, i + 7);
    }

    const report = await condenseStream(chunks());

    expect(report.findings).toEqual([
      expect.objectContaining({
        file: 'src/a.ts',
        line: 3,
        column: 7,
        code: 'TS2322',
        message: "Type 'string' is not assignable to type 'number'.",
      }),
    ]);
  });

  it('keeps working on a huge single line and marks the report truncated', () => {
    const report = condenseText(
      `${'x'.repeat(200_000)}\nsrc/a.ts(1,1): error TS2304: Cannot find name 'y'.\n`,
    );

    expect(report.findings).toHaveLength(1);
    expect(report.truncated).toBe(true);
  });

  it('refuses push after finish', () => {
    const session = createCondenseSession();
    session.finish();

    expect(() => session.push('x')).toThrow(/after finish/);
  });
});

describe('condense/condense buildTriggerIndex', () => {
  const hitsOf = (index: ReturnType<typeof buildTriggerIndex>, count: number, text: string) => {
    const hits = new Uint8Array(count);
    const marked = index?.(text, hits) ?? 0;
    expect(marked, text).toBe(hits.reduce((sum, h) => sum + h, 0));
    return { any: marked > 0, hits: [...hits].map((h) => h === 1) };
  };

  it('reports exactly the triggers that match each line', () => {
    const triggers = [
      /^npm (?:error|ERR!)/,
      /^\s*FAIL\s|^\s+● |error TS\d/,
      /^[>$] .*tsc|^(?:➤ )?YN\d{4}: /,
      /^\d+ passing/,
      /^\s*(?:✘|X) \[ERROR\] |^[✖×] \d+ problem|^ {3}Compiling |^\s* x/,
      /^(?:=== (?:RUN|CONT)|\s*--- (?:FAIL|PASS): |(?:ok {2}|FAIL)\t)|^(?:Run |\$ )?(?:go vet|lint)\b/,
      /^\s+(?:\s+two|(?:a|b)+c|(?:d)*e|(?:f){2}g)|^\s*(?:\s*h|i)/,
      /^[A-Z]{1,4}\d{1,4} |^[\w./-]+:\d+: \*\*\*|^g?make: \*\*\*|^[a-c\d]x|^[^q]q|^[-+]z|^\wy/,
      /^(?:[a-z_]\w*\.)*[A-Z]\w*Error\b|^x{0,2}w|^(?:ab)?c|^(?:d|)e/,
      // Class-led, with a leading \s*: its need (":") is looked for in the first word after the blanks.
      /^\s*[\w.]+:\d+ boom|^\s+\(?[a-z]+\)?:\d/,
      // Led by any character after the blanks, so it sits in the buckets of blank-led lines too.
      /^\s*\S*ld: /,
    ];
    const index = buildTriggerIndex(triggers.map((t) => t.source));
    const samples = [
      'npm error code E404',
      'npm warn deprecated',
      ' FAIL  test/a.test.ts > x',
      'FAIL test/a.js',
      '  ● suite › test',
      '● not indented',
      'src/a.ts(1,2): error TS2322: x',
      '> tsc --noEmit',
      '$ tsc',
      '> vitest',
      '➤ YN0028: │ lockfile',
      'YN0082: x',
      '12 passing (3ms)',
      'passing 12',
      '',
      '\t FAIL\tx',
      '\u00a0FAIL x',
      '\u2003\u00a0● a',
      '✘ [ERROR] Could not resolve',
      '  X [ERROR] x',
      '✖ 3 problems',
      '× 1 problem',
      '   Compiling foo v0.1.0',
      '  Compiling foo',
      '    x',
      'x',
      '𝒳 astral first',
      'npm error TS2322 > tsc',
      '=== RUN   TestA',
      '=== CONT  TestA',
      '=== PAUSE TestA',
      '    --- FAIL: TestA (0.00s)',
      '--- PASS: TestA',
      'ok  \tpkg\t0.1s',
      'FAIL\tpkg',
      'Run go vet ./...',
      '$ lint',
      'go vet',
      'go vetted',
      ' two',
      '  two',
      ' abac',
      ' c',
      ' e',
      ' ddde',
      ' ffg',
      ' fg',
      '   h',
      'h',
      'i',
      ' j',
      'E501 line too long',
      'e501 line too long',
      'src/a.c:3: *** missing separator',
      './Makefile:3: *** x',
      'make: *** [all] Error 2',
      'gmake: *** [all] Error 2',
      'amake: *** x',
      'bx',
      '7x',
      'dx',
      'qq',
      'aq',
      '-z',
      '+z',
      '_y',
      'éy',
      'foo.bar.BazError: x',
      'BazError',
      '.BazError',
      'xxw',
      'w',
      'xxxw',
      'abc',
      'c',
      'bc',
      'de',
      'e',
      // First-word needs (TokenNeed): the needed character before, at or after the first blank.
      'src/a.c :3: *** x',
      'src/a.c:3 *** x',
      'foo.bar.Baz Error',
      'foo.bar.BazError',
      '\u00a0E501 x',
      'AB12 x',
      'AB x12 ',
      'A1\u00a0x',
      '  a.ts:3 boom',
      '\u00a0\u2003a.ts:3 boom',
      '  a.ts :3 boom',
      'a.ts:3 boom',
      ' (abc):4',
      ' abc:4',
      ' (abc :4',
      '\t\tx.y:12 boom',
      '  /usr/bin/ld: cannot find -lfoo',
      '\u00a0ld: x',
      'ld: y',
      '  ld : z',
      '  build: w',
    ];

    for (const sample of samples) {
      const { any, hits } = hitsOf(index, triggers.length, sample);
      const expected = triggers.map((t) => t.test(sample));
      expect(hits, sample).toEqual(expected);
      expect(any, sample).toBe(expected.some(Boolean));
    }
  });

  it("looks for a class-led alternative's needed character in the first word, after leading blanks", () => {
    // Only alternatives with a need (":" for both): every first-character bucket gets the prefilter.
    const triggers = [/^\s*\S*ld: /, /^[\w./-]+:\d+: \*\*\*/, /^\s+\(?[a-z]+\)?:\d/];
    const index = buildTriggerIndex(triggers.map((t) => t.source));
    const samples = [
      '  /usr/bin/ld: cannot find -lfoo',
      '\u00a0\u2003ld: x',
      '\tld: y',
      'ld: z',
      '  ld : w',
      '  build: v',
      'Makefile:3: *** missing separator',
      'Makefile :3: *** x',
      '  (abc):4',
      '  abc :4',
      'no colon here',
    ];
    for (const sample of samples) {
      expect(hitsOf(index, triggers.length, sample).hits, sample).toEqual(
        triggers.map((t) => t.test(sample)),
      );
    }
    expect(triggers[0]?.test(samples[0] ?? '')).toBe(true);
  });

  it('agrees with every registered trigger on every line of the fixture logs', () => {
    const triggers = condenserFactories.flatMap((f) => (f.trigger ? [f.trigger] : []));
    const index = buildTriggerIndex(triggers.map((t) => t.source));
    // The committed test logs and the benchmark corpus (real tool output).
    const files = ['../fixtures/logs/', '../../bench/condense/corpus/'].flatMap((dir) => {
      const root = fileURLToPath(new URL(dir, import.meta.url));
      return readdirSync(root, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.log'))
        .map((f) => `${root}${f}`);
    });
    expect(files.length).toBeGreaterThan(70);
    let matched = 0;
    for (const file of files) {
      for (const raw of readFileSync(file, 'utf8').split('\n')) {
        const text = normalizeLine(raw).text;
        const expected = triggers.map((t) => t.test(text));
        if (expected.some(Boolean)) matched++;
        expect(hitsOf(index, triggers.length, text).hits, `${file}: ${text}`).toEqual(expected);
      }
    }
    expect(matched).toBeGreaterThan(100);
  });

  it('agrees with every registered trigger on random lines made of trigger-like pieces', () => {
    const triggers = condenserFactories.flatMap((f) => (f.trigger ? [f.trigger] : []));
    const index = buildTriggerIndex(triggers.map((t) => t.source));
    // Literal runs of the trigger sources, so random lines hit the tries and lookbehinds.
    const literals = [
      ...new Set(
        triggers.flatMap((t) => {
          const parts = t.source
            .replace(/\\[dswbDSWB]/g, '¶')
            .replace(/\\(.)/g, '$1')
            .split(/\(\?:|\(\?<?[=!]|[()|?*+{}[\]^$¶]/);
          // Neighbouring pieces too: "npm " + "error" starts a line npm's trigger matches.
          return [...parts, ...parts.slice(1).map((part, k) => `${parts[k] ?? ''}${part}`)];
        }),
      ),
    ].filter((l) => l.length > 0);
    const piece = fc.oneof(
      fc.constantFrom(...literals),
      fc.constantFrom(
        ' ',
        '  ',
        '\t',
        '\u00a0',
        ':',
        '.',
        '(',
        ')',
        '[',
        ']',
        '0',
        '42',
        'x',
        'E',
        '.go:',
        '.py:',
        ' FAILED',
        '===',
        '--- ',
      ),
      fc.string({ maxLength: 4 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const text = pieces.join('');
        expect(hitsOf(index, triggers.length, text).hits, text).toEqual(triggers.map((t) => t.test(text)));
      }),
      { numRuns: 5000 },
    );
  });

  it('is undefined without triggers', () => {
    expect(buildTriggerIndex([])).toBeUndefined();
  });
  it.each([
    ['a|b', ['a', 'b']],
    ['(?:a|b)|c', ['(?:a|b)', 'c']],
    ['[|]|\\|', ['[|]', '\\|']],
  ])('splits top-level alternatives of %j', (source, expected) => {
    expect(splitAlternatives(source)).toEqual(expected);
  });
});
