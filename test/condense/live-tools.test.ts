/**
 * Runs the real tools (tsc, ESLint, Vitest, node:test, Vite 8) on fixture projects with
 * injected errors and checks the exact facts the condensers extract from their real output.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { condenseText } from '../../src/condense/condense.ts';
import { FailureReport } from '../../src/contracts/failure-report.ts';

const repo = resolve(import.meta.dirname, '../..');
const projects = join(repo, 'test/fixtures/projects');
const outDir = mkdtempSync(join(tmpdir(), 'fw-live-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

/** Runs node with args in cwd; returns stdout+stderr (as a CI log would show) and the exit code. */
function runNode(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ log: string; exitCode: number }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      args,
      {
        cwd,
        // A clean environment: no VITEST_* from the outer run, no colour unless asked.
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', CI: 'true', ...env },
        maxBuffer: 16 * 1024 * 1024,
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const code = error && typeof error.code === 'number' ? error.code : error ? 1 : 0;
        done({ log: `${stdout}${stderr}`, exitCode: code });
      },
    );
  });
}

function condense(log: string, exitCode: number, root: string) {
  const report = condenseText(log, { exitCode, repoRoot: root });
  expect(FailureReport.parse(report)).toEqual(report);
  return report;
}

function facts(report: FailureReport) {
  return report.findings.map((f) => ({
    tool: f.tool,
    file: f.file,
    line: f.line,
    column: f.column,
    code: f.code,
    severity: f.severity,
    message: f.message,
  }));
}

describe('condense on live tool output', () => {
  const tsProject = join(projects, 'ts-errors');
  const tscExpected = [
    {
      tool: 'tsc',
      file: 'src/math.ts',
      line: 5,
      column: 37,
      code: 'TS2345',
      severity: 'error',
      message: "Argument of type 'string' is not assignable to parameter of type 'number'.",
    },
    {
      tool: 'tsc',
      file: 'src/user.ts',
      line: 7,
      column: 24,
      code: 'TS2551',
      severity: 'error',
      message: "Property 'nme' does not exist on type 'User'. Did you mean 'name'?",
    },
    {
      tool: 'tsc',
      file: 'src/user.ts',
      line: 10,
      column: 7,
      code: 'TS2741',
      severity: 'error',
      message: "Property 'name' is missing in type '{ id: number; }' but required in type 'User'.",
    },
  ];
  const tscBin = join(repo, 'node_modules/typescript/bin/tsc');

  it('tsc --pretty false', async () => {
    const { log, exitCode } = await runNode([tscBin, '-p', '.', '--pretty', 'false'], tsProject);

    const report = condense(log, exitCode, tsProject);

    expect(exitCode).toBe(2);
    expect(report.conclusion).toBe('failure');
    expect(report.tools).toEqual(['tsc']);
    expect(facts(report)).toEqual(tscExpected);
  });

  it('tsc --pretty (ANSI colours, code frames, related information)', async () => {
    const { log, exitCode } = await runNode([tscBin, '-p', '.', '--pretty', 'true'], tsProject);

    const report = condense(log, exitCode, tsProject);

    expect(log).toContain('\u001b[');
    expect(facts(report)).toEqual(tscExpected);
    expect(report.findings[2]?.excerpt).toContain("'name' is declared here.");
  });

  it('ESLint stylish output with absolute paths', async () => {
    const project = join(projects, 'eslint-errors');
    const { log, exitCode } = await runNode(
      [join(repo, 'node_modules/eslint/bin/eslint.js'), 'src'],
      project,
    );

    const report = condense(log, exitCode, project);

    expect(exitCode).toBe(1);
    expect(report.tools).toEqual(['eslint']);
    expect(facts(report)).toEqual([
      {
        tool: 'eslint',
        file: 'src/app.js',
        line: 2,
        column: 9,
        code: 'no-unused-vars',
        severity: 'error',
        message: "'unused' is assigned a value but never used",
      },
      {
        tool: 'eslint',
        file: 'src/app.js',
        line: 4,
        column: 12,
        code: 'no-undef',
        severity: 'error',
        message: "'missingHelper' is not defined",
      },
      {
        tool: 'eslint',
        file: 'src/loop.js',
        line: 2,
        column: 7,
        code: 'no-constant-condition',
        severity: 'error',
        message: 'Unexpected constant condition',
      },
      {
        tool: 'eslint',
        file: 'src/app.js',
        line: 3,
        column: 13,
        code: 'eqeqeq',
        severity: 'warning',
        message: "Expected '===' and instead saw '=='",
      },
    ]);
  });

  it('ESLint with --color', async () => {
    const project = join(projects, 'eslint-errors');
    const { log, exitCode } = await runNode(
      [join(repo, 'node_modules/eslint/bin/eslint.js'), '--color', 'src'],
      project,
    );

    const report = condense(log, exitCode, project);

    expect(log).toContain('\u001b[');
    expect(report.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.code}`)).toEqual([
      'src/app.js:2:9 no-unused-vars',
      'src/app.js:4:12 no-undef',
      'src/loop.js:2:7 no-constant-condition',
      'src/app.js:3:13 eqeqeq',
    ]);
  });

  it('Vitest failures with diffs, thrown errors and counts', async () => {
    const project = join(projects, 'vitest-failures');
    const { log, exitCode } = await runNode(
      [join(repo, 'node_modules/vitest/vitest.mjs'), 'run', '--root', project],
      project,
      { FORCE_COLOR: '1' },
    );

    const report = condense(log, exitCode, project);

    expect(exitCode).toBe(1);
    expect(report.tools).toEqual(['vitest']);
    expect(report.testCounts).toEqual({ passed: 2, failed: 3, skipped: 1, total: 6 });
    expect(report.findings).toEqual([
      expect.objectContaining({
        kind: 'test-failure',
        testName: 'math > adds two numbers',
        file: 'test/math.spec.ts',
        line: 6,
        column: 23,
        message: 'AssertionError: expected -1 to be 5 // Object.is equality',
        expected: '5',
        actual: '-1',
      }),
      expect.objectContaining({
        testName: 'users > returns the whole user',
        file: 'test/math.spec.ts',
        line: 24,
        column: 48,
        message:
          "AssertionError: expected { id: 2, name: 'Bob' } to deeply equal { id: 2, name: 'Bob', admin: false }",
        excerpt: expect.stringContaining('-   "admin": false,'),
      }),
      expect.objectContaining({
        testName: 'users > rejects a user without a name',
        file: 'src.ts',
        line: 7,
        column: 25,
        message: 'TypeError: user has no name',
        frames: ['parseUser (src.ts:7:25)', 'test/math.spec.ts:28:5'],
      }),
    ]);
  });

  const nodeTestProject = join(projects, 'node-test-failures');
  const nodeTestCounts = { passed: 1, failed: 3, skipped: 1, total: 5 };

  it('node:test spec reporter', async () => {
    const { log, exitCode } = await runNode(
      ['--test', '--test-reporter=spec', 'test/math.test.mjs'],
      nodeTestProject,
    );

    const report = condense(log, exitCode, nodeTestProject);

    expect(report.tools).toEqual(['node-test']);
    expect(report.testCounts).toEqual(nodeTestCounts);
    expect(report.findings).toEqual([
      expect.objectContaining({
        testName: 'adds two numbers',
        file: 'test/math.test.mjs',
        line: 9,
        column: 3,
        message: 'AssertionError [ERR_ASSERTION]: Expected values to be strictly equal: -1 !== 5',
        expected: '5',
        actual: '-1',
        frames: ['TestContext.<anonymous> (test/math.test.mjs:10:12)'],
      }),
      expect.objectContaining({
        testName: 'compares objects',
        file: 'test/math.test.mjs',
        line: 17,
        message: 'AssertionError [ERR_ASSERTION]: Expected values to be strictly deep-equal:',
        expected: '{ a: 1, b: [ 1, 3 ] }',
        actual: '{ a: 1, b: [ 1, 2 ] }',
      }),
      expect.objectContaining({
        testName: 'throws a plain error',
        file: 'test/math.test.mjs',
        line: 23,
        message: 'Error: database unreachable',
      }),
    ]);
  });

  it('node:test TAP reporter', async () => {
    const { log, exitCode } = await runNode(
      ['--test', '--test-reporter=tap', 'test/math.test.mjs'],
      nodeTestProject,
    );

    const report = condense(log, exitCode, nodeTestProject);

    expect(report.testCounts).toEqual(nodeTestCounts);
    expect(report.findings).toEqual([
      expect.objectContaining({
        testName: 'math > adds two numbers',
        file: 'test/math.test.mjs',
        line: 9,
        column: 3,
        message: 'Expected values to be strictly equal: -1 !== 5',
        expected: '5',
        actual: '-1',
        frames: ['TestContext.<anonymous> (test/math.test.mjs:10:12)'],
      }),
      expect.objectContaining({
        testName: 'math > compares objects',
        line: 17,
        message: 'Expected values to be strictly deep-equal:',
        excerpt: expect.stringContaining('+     2\n-     3'),
      }),
      expect.objectContaining({
        testName: 'math > throws a plain error',
        line: 23,
        message: 'database unreachable',
      }),
    ]);
  });

  it('Vite 8 (Rolldown) build errors', async () => {
    const project = join(projects, 'vite-errors');
    const { log, exitCode } = await runNode(
      [
        join(repo, 'node_modules/vite/bin/vite.js'),
        'build',
        '--outDir',
        join(outDir, 'vite'),
        '--emptyOutDir',
      ],
      project,
    );

    const report = condense(log, exitCode, project);

    expect(exitCode).toBe(1);
    expect(report.tools).toEqual(['vite']);
    expect(facts(report)).toEqual([
      {
        tool: 'vite',
        file: 'src/main.js',
        line: 2,
        column: 24,
        code: 'UNRESOLVED_IMPORT',
        severity: 'error',
        message: "Could not resolve './missing-helper.js' in src/main.js",
      },
    ]);
    expect(report.findings[0]?.excerpt).toContain('Module not found.');
  });
});
