import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.ts';
import { parseFailureReport } from '../../src/contracts/parse-failure-report.ts';
import { captureIo } from '../helpers/cli-io.ts';

const repo = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'fw-cli-condense-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TSC_LOG = [
  '> app@1.0.0 typecheck',
  '> tsc --noEmit',
  '',
  "/srv/app/src/a.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.",
  'Found 1 error in src/a.ts:3',
  '',
].join('\n');

describe('cli condense', () => {
  it('prints a Markdown report from stdin and exits 0 even for failures', async () => {
    const io = captureIo({ stdin: TSC_LOG, cwd: '/srv/app' });

    const code = await main(['condense', '--exit-code', '2'], io);

    expect(code).toBe(0);
    expect(io.out()).toBe(
      [
        '**CI failed** (exit code 2) · `tsc --noEmit` · tools: tsc',
        '',
        '#### tsc',
        "- `src/a.ts:3:7` **TS2322** `Type 'string' is not assignable to type 'number'.`",
        '',
      ].join('\n'),
    );
    expect(io.err()).toBe('');
  });

  it('prints the JSON contract with the command, exit code and producer', async () => {
    const io = captureIo({ stdin: TSC_LOG });

    const code = await main(
      [
        'condense',
        '--format',
        'json',
        '--command',
        'npm run typecheck',
        '--exit-code=2',
        '--repo-root',
        '/srv/app',
      ],
      io,
    );

    expect(code).toBe(0);
    const report = parseFailureReport(io.out());
    expect(report).toMatchObject({
      conclusion: 'failure',
      command: 'npm run typecheck',
      exitCode: 2,
      tools: ['tsc'],
      source: { producer: 'cli' },
      findings: [{ file: 'src/a.ts', line: 3, column: 7, code: 'TS2322' }],
    });
  });

  it('prints a one-line report for a passing log', async () => {
    const io = captureIo({ stdin: ' RUN  v3.2.4 /x\n      Tests  12 passed (12)\n' });

    expect(await main(['condense', '--exit-code', '0'], io)).toBe(0);

    expect(io.out()).toBe('**CI passed** (exit code 0) · 12 tests passed\n');
  });

  it('reads a file argument and restricts condensers with --tool', async () => {
    const file = join(dir, 'ci.log');
    writeFileSync(
      file,
      `${TSC_LOG}npm error code ETARGET\nnpm error notarget No matching version found for x@9.\n`,
    );
    const io = captureIo({ cwd: '/srv/app' });

    expect(await main(['condense', '--tool', 'npm', '--format', 'json', file], io)).toBe(0);

    const report = parseFailureReport(io.out());
    expect(report.tools).toEqual(['npm']);
    expect(report.findings.map((f) => f.code)).toEqual(['ETARGET']);
  });

  it('honours --max-chars and --max-findings', async () => {
    const many = Array.from(
      { length: 40 },
      (_, i) => `src/f${i}.ts(1,1): error TS2304: Cannot find name 'x${i}'.`,
    );
    const io = captureIo({ stdin: many.join('\n') });

    expect(await main(['condense', '--max-chars', '400', '--max-findings', '3'], io)).toBe(0);

    expect(io.out().length).toBeLessThanOrEqual(400);
    expect(io.out()).toContain('+37 more tsc type errors in 37 files');
  });

  it.each([
    [['--format', 'yaml'], "--format must be 'markdown' or 'json', got 'yaml'"],
    [['--tool', 'nope'], "Unknown condenser 'nope'"],
    [['--tool', 'tsc,'], '--tool has an empty name'],
    [['--exit-code', 'x'], "--exit-code must be an integer, got 'x'"],
    [['--max-chars', '0'], '--max-chars must be a positive integer'],
    [['--bogus'], "Unknown option '--bogus'"],
    [['a.log', 'b.log'], 'expected at most one FILE, got 2'],
    [['/definitely/not/here.log'], "cannot read '/definitely/not/here.log'"],
  ])('rejects %j with exit code 2', async (args, message) => {
    const io = captureIo();

    const code = await main(['condense', ...args], io);

    expect(code).toBe(2);
    expect(io.err()).toContain(message);
    expect(io.out()).toBe('');
  });

  it('rejects a directory as input', async () => {
    const io = captureIo();

    expect(await main(['condense', dir], io)).toBe(2);
    expect(io.err()).toContain('not a regular file');
  });

  it('documents itself and lists the condensers', async () => {
    const help = captureIo();
    const list = captureIo();

    expect(await main(['condense', '--help'], help)).toBe(0);
    expect(await main(['condense', '--list-tools'], list)).toBe(0);

    expect(help.out()).toContain('Usage: fleetwright condense [options] [FILE|-]');
    expect(help.out()).toContain('Exit status: 0 when a report was printed');
    expect(list.out()).toMatch(/^tsc\s+TypeScript compiler/m);
    expect(list.out()).toMatch(/^playwright\s+Playwright Test/m);
  });

  it('runs as a real executable reading a pipe', async () => {
    const { stdout } = await new Promise<{ stdout: string }>((done, fail) => {
      const child = execFile(
        process.execPath,
        [join(repo, 'bin/fleetwright.js'), 'condense', '--format', 'json', '-'],
        { cwd: repo },
        (error, out) => (error ? fail(error) : done({ stdout: out })),
      );
      child.stdin?.end(TSC_LOG);
    });

    expect(parseFailureReport(stdout).findings[0]).toMatchObject({ code: 'TS2322', line: 3 });
  });
});
