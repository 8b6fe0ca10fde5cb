import { describe, expect, it } from 'vitest';
import { condenseText } from '../../src/condense/condense.ts';
import { parseTscLine } from '../../src/condense/tsc.ts';

describe('condense/tsc parseTscLine', () => {
  it.each([
    [
      "src/a.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.",
      { file: 'src/a.ts', line: 3, column: 7, code: 'TS2322', kind: 'type-error' },
    ],
    [
      "src/a.ts:3:7 - error TS2322: Type 'string' is not assignable to type 'number'.",
      { file: 'src/a.ts', line: 3, column: 7, code: 'TS2322', kind: 'type-error' },
    ],
    [
      "web:typecheck: src/b.tsx(12,1): error TS1005: ';' expected.",
      { file: 'src/b.tsx', line: 12, column: 1, code: 'TS1005', kind: 'compile-error' },
    ],
    [
      "error TS18003: No inputs were found in config file '/x/tsconfig.json'.",
      {
        code: 'TS18003',
        kind: 'type-error',
        message: "No inputs were found in config file '/x/tsconfig.json'.",
      },
    ],
    [
      "tsconfig.json:4:5 - error TS5023: Unknown compiler option 'foo'.",
      { file: 'tsconfig.json', line: 4, column: 5, code: 'TS5023' },
    ],
  ])('parses %j', (text, expected) => {
    const parsed = parseTscLine(text);

    expect(parsed?.input).toMatchObject(expected);
  });

  it.each([
    'this is not an error TS line',
    'console.log("error TS2322 is what we print")',
    'src/a.ts(3,7): warning TS2322: x',
  ])('ignores %j', (text) => {
    expect(parseTscLine(text)).toBeUndefined();
  });
});

describe('condense/tsc condenser', () => {
  it('keeps the message chain as excerpt and reads the echoed command', () => {
    const log = [
      '> app@1.0.0 typecheck',
      '> tsc --noEmit -p .',
      '',
      "src/b.ts(10,3): error TS2345: Argument of type 'X' is not assignable to parameter of type 'Y'.",
      "  Type 'X' is missing the following properties from type 'Y': a, b",
      'npm error Lifecycle script `typecheck` failed with error:',
    ].join('\n');

    const report = condenseText(log, { tools: ['tsc'] });

    expect(report.command).toBe('tsc --noEmit -p .');
    expect(report.findings).toEqual([
      {
        kind: 'type-error',
        tool: 'tsc',
        severity: 'error',
        file: 'src/b.ts',
        line: 10,
        column: 3,
        code: 'TS2345',
        message: "Argument of type 'X' is not assignable to parameter of type 'Y'.",
        excerpt: "  Type 'X' is missing the following properties from type 'Y': a, b",
        occurrences: 1,
      },
    ]);
  });

  it('reports 58 errors as 10 root causes plus "+48 more in N files"', () => {
    const lines: string[] = [];
    for (let i = 1; i <= 58; i++) {
      lines.push(`src/f${i % 13}.ts(${i},1): error TS2304: Cannot find name 'x${i}'.`);
    }
    lines.push('Found 58 errors in 13 files.');

    const report = condenseText(lines.join('\n'));

    expect(report.findings).toHaveLength(10);
    expect(report.findings[0]).toMatchObject({
      file: 'src/f1.ts',
      line: 1,
      message: "Cannot find name 'x1'.",
    });
    const kept = new Set(report.findings.map((f) => f.file));
    const droppedFiles = new Set(lines.slice(10, 58).map((l) => l.split('(')[0]));
    expect(report.dropped).toEqual([
      { tool: 'tsc', kind: 'type-error', count: 48, files: droppedFiles.size },
    ]);
    expect(kept.size).toBe(10);
    expect(report.truncated).toBe(true);
    expect(report.conclusion).toBe('failure');
  });
});
