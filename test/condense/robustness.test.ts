/**
 * Robustness of the whole pipeline: arbitrary bytes never throw and always give a valid
 * report; chunk boundaries (even inside UTF-8 characters and escape codes) never change the
 * result; huge lines and huge logs stay bounded.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { condenseText, createCondenseSession } from '../../src/condense/condense.ts';
import { FailureReport } from '../../src/contracts/failure-report.ts';
import { renderFailureReportMarkdown } from '../../src/contracts/render-failure-report.ts';

const SAMPLE = [
  '2026-11-21T10:04:05.1234567Z ##[group]Run npm test',
  "2026-11-21T10:04:05.2234567Z \u001b[96msrc/ä.ts\u001b[0m:\u001b[93m3\u001b[0m:\u001b[93m7\u001b[0m - \u001b[91merror\u001b[0m\u001b[90m TS2322: \u001b[0mType \u0000'€' is not assignable.",
  '2026-11-21T10:04:05.3234567Z  RUN  v3.2.4 /home/runner/work/r/r',
  '2026-11-21T10:04:05.4234567Z  FAIL  test/a.test.ts > ✓ suite > works',
  '2026-11-21T10:04:05.5234567Z AssertionError: expected 1 to be 2',
  '2026-11-21T10:04:05.6234567Z - Expected',
  '2026-11-21T10:04:05.6234567Z + Received',
  '2026-11-21T10:04:05.6234567Z ',
  '2026-11-21T10:04:05.6234567Z - 2',
  '2026-11-21T10:04:05.6234567Z + 1',
  '2026-11-21T10:04:05.7234567Z  ❯ test/a.test.ts:3:9',
  '2026-11-21T10:04:05.8234567Z ⎯⎯⎯[1/1]⎯',
  '2026-11-21T10:04:05.9234567Z       Tests  1 failed | 4 passed (5)',
  'progress 10%\rprogress 100%\r',
  '2026-11-21T10:04:06.0000000Z ##[endgroup]',
  '2026-11-21T10:04:06.1000000Z ##[error]Process completed with exit code 1.',
].join('\r\n');

function condenseChunks(chunks: Uint8Array[]) {
  const session = createCondenseSession();
  for (const chunk of chunks) session.push(chunk);
  return session.finish();
}

describe('condense robustness', () => {
  it('gets the same report however the bytes are chunked', () => {
    const bytes = new TextEncoder().encode(SAMPLE);
    const whole = condenseChunks([bytes]);

    expect(whole.findings.map((f) => `${f.tool}:${f.file}:${f.line}`)).toEqual([
      'tsc:src/ä.ts:3',
      'vitest:test/a.test.ts:3',
    ]);
    expect(whole.findings[0]?.message).toBe("Type '€' is not assignable.");
    expect(whole.findings[1]).toMatchObject({ testName: '✓ suite > works', expected: '2', actual: '1' });
    expect(whole.exitCode).toBe(1);
    for (let i = 1; i < bytes.length; i++) {
      expect(condenseChunks([bytes.slice(0, i), bytes.slice(i)])).toEqual(whole);
    }
    for (let size = 1; size <= 7; size++) {
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.slice(i, i + size));
      expect(condenseChunks(chunks)).toEqual(whole);
    }
  });

  it('never throws on arbitrary bytes and always yields a valid, renderable report', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 6 }), (chunks) => {
        const report = condenseChunks(chunks);
        FailureReport.parse(report);
        expect(renderFailureReportMarkdown(report, { maxChars: 500 }).length).toBeLessThanOrEqual(500);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary text built from tool-looking fragments', () => {
    const fragment = fc.constantFrom(
      'error TS2322: ',
      'src/a.ts(1,2): ',
      ' FAIL  ',
      '  ● ',
      'npm error code ERESOLVE\n',
      'npm error ',
      '❯ ',
      '⎯⎯[1/1]⎯\n',
      '- Expected\n',
      '+ Received\n',
      'not ok 1 - x\n',
      '  ---\n',
      '  ...\n',
      'ERROR in ./a.js 1:0\n',
      '✘ [ERROR] x\n',
      '::error file=a,line=x::m\n',
      '##[error]',
      '\u001b[31m',
      '\r',
      '\n',
      '\u0000',
      '  1) ',
      '3 failing\n',
      'Failed to compile.\n',
      'error during build:\n',
      ' RUN  v1.0.0 /x\n',
      '    at f (a.js:1:2)\n',
      'x'.repeat(50),
    );
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 80 }), (parts) => {
        const report = condenseText(parts.join(''));
        FailureReport.parse(report);
      }),
      { numRuns: 500 },
    );
  });

  it('handles a huge single line and keeps going', () => {
    const session = createCondenseSession();
    const block = 'y'.repeat(1024 * 1024);
    for (let i = 0; i < 20; i++) session.push(block);
    session.push("\nsrc/a.ts(1,1): error TS2304: Cannot find name 'z'.\n");

    const report = session.finish();

    expect(report.findings).toEqual([expect.objectContaining({ file: 'src/a.ts', code: 'TS2304' })]);
    expect(report.truncated).toBe(true);
  });

  it('keeps the report small for a log with 100,000 errors in 1,000 files', () => {
    const session = createCondenseSession();
    for (let i = 0; i < 100_000; i++) {
      session.push(`src/m${i % 1000}.ts(${(i % 50) + 1},1): error TS2304: Cannot find name 'v${i}'.\n`);
    }

    const report = session.finish();

    expect(report.findings).toHaveLength(10);
    expect(report.dropped).toEqual([{ tool: 'tsc', kind: 'type-error', count: 99_990, files: 1000 }]);
    expect(JSON.stringify(report).length).toBeLessThan(6000);
  });
});
