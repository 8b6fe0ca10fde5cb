/**
 * Condensers on real output recorded once by scripts/record-condense-fixtures.ts (Jest, Mocha,
 * Playwright, webpack, Vite 7, esbuild, npm/pnpm/yarn): exact facts per log.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { condenseText } from '../../src/condense/condense.ts';
import { FailureReport } from '../../src/contracts/failure-report.ts';

type RecordedLog =
  | 'jest/failures'
  | 'mocha/failures'
  | 'playwright/failures'
  | 'webpack/errors'
  | 'vite/unresolved-import'
  | 'esbuild/syntax-error'
  | 'next/type-error'
  | 'next/module-not-found'
  | 'npm/eresolve'
  | 'npm/etarget'
  | 'npm/e404'
  | 'npm/ci-out-of-sync'
  | 'pnpm/frozen-lockfile'
  | 'pnpm/no-matching-version'
  | 'yarn/frozen-lockfile'
  | 'yarn/no-matching-version';

const logs = resolve(import.meta.dirname, '../fixtures/logs');

function condenseRecorded(name: RecordedLog): FailureReport {
  const meta = JSON.parse(readFileSync(join(logs, `${name}.json`), 'utf8')) as {
    exitCode: number;
    root: string;
  };
  const report = condenseText(readFileSync(join(logs, `${name}.log`), 'utf8'), {
    exitCode: meta.exitCode,
    repoRoot: meta.root,
  });
  expect(FailureReport.parse(report)).toEqual(report);
  expect(report.conclusion).toBe('failure');
  return report;
}

describe('condense on recorded tool output', () => {
  it('Jest: names, Expected/Received, diff and repo frames', () => {
    const report = condenseRecorded('jest/failures');

    expect(report.tools).toEqual(['jest']);
    expect(report.testCounts).toEqual({ passed: 2, failed: 3, skipped: 1, total: 6 });
    expect(report.findings).toEqual([
      expect.objectContaining({
        tool: 'jest',
        kind: 'test-failure',
        testName: 'math › adds two numbers',
        file: 'test/math.test.js',
        line: 5,
        column: 23,
        message: 'expect(received).toBe(expected) // Object.is equality',
        expected: '5',
        actual: '-1',
      }),
      expect.objectContaining({
        testName: 'users › returns the whole user',
        file: 'test/math.test.js',
        line: 19,
        column: 48,
        message: 'expect(received).toEqual(expected) // deep equality',
        excerpt: expect.stringContaining('-   "admin": false,'),
      }),
      expect.objectContaining({
        testName: 'users › rejects a user without a name',
        file: 'src.js',
        line: 7,
        column: 25,
        message: 'TypeError: user has no name',
        frames: ['parseUser (src.js:7:25)', 'Object.parseUser (test/math.test.js:23:5)'],
      }),
    ]);
  });

  it('Mocha: full titles, assertion lines, + expected / - actual', () => {
    const report = condenseRecorded('mocha/failures');

    expect(report.testCounts).toEqual({ passed: 1, failed: 3, skipped: 1, total: 5 });
    expect(report.findings).toEqual([
      expect.objectContaining({
        tool: 'mocha',
        testName: 'math adds two numbers',
        file: 'test/math.spec.js',
        line: 6,
        column: 12,
        message: 'AssertionError [ERR_ASSERTION]: Expected values to be strictly equal: -1 !== 5',
        expected: '5',
        actual: '-1',
      }),
      expect.objectContaining({
        testName: 'users returns the whole user',
        line: 18,
        excerpt: expect.stringContaining('+  "admin": false'),
      }),
      expect.objectContaining({
        testName: 'users rejects a user without a name',
        file: 'src.js',
        line: 7,
        message: 'TypeError: user has no name',
        frames: ['parseUser (src.js:7:25)', 'Context.<anonymous> (test/math.spec.js:22:5)'],
      }),
    ]);
  });

  it('Playwright: test titles, expect() values and the failing line', () => {
    const report = condenseRecorded('playwright/failures');

    expect(report.testCounts).toEqual({ passed: 1, failed: 2, skipped: 1, total: 4 });
    expect(report.findings).toEqual([
      expect.objectContaining({
        tool: 'playwright',
        testName: 'cart › sums prices',
        file: 'tests/cart.spec.js',
        line: 9,
        column: 49,
        message: 'Error: expect(received).toBe(expected) // Object.is equality',
        expected: '5',
        actual: '6',
      }),
      expect.objectContaining({
        testName: 'cart › lists items',
        file: 'tests/cart.spec.js',
        line: 17,
        column: 31,
        excerpt: expect.stringContaining('-   "plum",\n+   "pear",'),
      }),
    ]);
  });

  it('webpack: parse error and missing module with 1-based columns', () => {
    const report = condenseRecorded('webpack/errors');

    expect(report.findings).toEqual([
      expect.objectContaining({
        tool: 'webpack',
        kind: 'build-error',
        file: 'src/format.js',
        line: 2,
        column: 26,
        message: 'Module parse failed: Unterminated template (2:25)',
      }),
      expect.objectContaining({
        file: 'src/index.js',
        line: 2,
        column: 1,
        message: "Module not found: Error: Can't resolve './does-not-exist.js' in 'src'",
      }),
    ]);
  });

  it('Vite 7 (Rollup): unresolved import', () => {
    const report = condenseRecorded('vite/unresolved-import');

    expect(report.findings).toEqual([
      expect.objectContaining({
        tool: 'vite',
        file: 'src/main.js',
        message: 'Could not resolve "./missing-helper.js" from "src/main.js"',
      }),
    ]);
  });

  it('esbuild: message, location (1-based column) and code frame', () => {
    const report = condenseRecorded('esbuild/syntax-error');

    expect(report.findings).toEqual([
      expect.objectContaining({
        tool: 'esbuild',
        file: 'src/app.ts',
        line: 4,
        column: 49,
        message: 'Expected ")" but found ";"',
        excerpt: expect.stringContaining('4 │ export const message: string = greet(config.name;'),
      }),
    ]);
  });

  it('Next.js: type errors after compiling, missing modules', () => {
    expect(condenseRecorded('next/type-error').findings).toEqual([
      expect.objectContaining({
        tool: 'next',
        kind: 'type-error',
        file: 'app/page.tsx',
        line: 2,
        column: 9,
        message: "Type 'string' is not assignable to type 'number'.",
        excerpt: expect.stringContaining("> 2 |   const count: number = 'three';"),
      }),
    ]);
    const missing = condenseRecorded('next/module-not-found');
    expect(missing.findings).toEqual([
      expect.objectContaining({
        tool: 'next',
        kind: 'build-error',
        file: 'app/page.tsx',
        message: "Module not found: Can't resolve '../lib/format'",
      }),
    ]);
    expect(missing.findings[0]?.excerpt).toBeUndefined();
  });

  it('npm ERESOLVE: the conflicting packages and versions', () => {
    const report = condenseRecorded('npm/eresolve');

    expect(report.findings).toEqual([
      expect.objectContaining({
        tool: 'npm',
        kind: 'dependency-error',
        code: 'ERESOLVE',
        message:
          'Unable to resolve dependency tree while resolving npm-eresolve-fixture@1.0.0: react-dom@18.2.0 needs peer react@^18.2.0, but found react@17.0.2',
        packages: ['react@17.0.2', 'react-dom@18.2.0', 'react@^18.2.0'],
      }),
    ]);
  });

  it('npm ETARGET and E404 name the package', () => {
    expect(condenseRecorded('npm/etarget').findings).toEqual([
      expect.objectContaining({
        code: 'ETARGET',
        message: 'No matching version found for is-number@999.0.0.',
        packages: ['is-number@999.0.0'],
      }),
    ]);
    expect(condenseRecorded('npm/e404').findings).toEqual([
      expect.objectContaining({
        code: 'E404',
        message: 'Package not found in the registry: @fleetwright-fixtures/not-a-real-package@1.0.0',
        packages: ['@fleetwright-fixtures/not-a-real-package@1.0.0'],
      }),
    ]);
  });

  it('npm ci out of sync: the missing lock entries, not the usage text', () => {
    const report = condenseRecorded('npm/ci-out-of-sync');

    expect(report.findings).toEqual([
      expect.objectContaining({
        tool: 'npm',
        code: 'lockfile-out-of-sync',
        file: 'package-lock.json',
        packages: ['is-number@7.0.0'],
        message: expect.stringContaining('Missing: is-number@7.0.0 from lock file'),
      }),
    ]);
    expect(report.findings[0]?.excerpt).toBeUndefined();
  });

  it('pnpm frozen lockfile and missing version', () => {
    expect(condenseRecorded('pnpm/frozen-lockfile').findings).toEqual([
      expect.objectContaining({
        tool: 'pnpm',
        code: 'ERR_PNPM_OUTDATED_LOCKFILE',
        file: 'pnpm-lock.yaml',
        message: expect.stringContaining(
          `specifiers in the lockfile ({}) don't match specs in package.json ({"is-number":"7.0.0"})`,
        ),
      }),
    ]);
    expect(condenseRecorded('pnpm/no-matching-version').findings).toEqual([
      expect.objectContaining({
        code: 'ERR_PNPM_NO_MATCHING_VERSION',
        message: 'No matching version found for is-number@999.0.0',
        packages: ['is-number@999.0.0'],
        excerpt: expect.stringContaining('The latest release of is-number is "7.0.0".'),
      }),
    ]);
  });

  it('yarn classic frozen lockfile and missing version', () => {
    expect(condenseRecorded('yarn/frozen-lockfile').findings).toEqual([
      expect.objectContaining({
        tool: 'yarn',
        code: 'lockfile-out-of-sync',
        file: 'yarn.lock',
        message: 'Your lockfile needs to be updated, but yarn was run with `--frozen-lockfile`.',
      }),
    ]);
    expect(condenseRecorded('yarn/no-matching-version').findings).toEqual([
      expect.objectContaining({
        message: 'Couldn\'t find any versions for "is-number" that matches "999.0.0"',
        packages: ['is-number@999.0.0'],
      }),
    ]);
  });

  it('a whole Actions job log: install, build and test tools all reported in log order', () => {
    const stamp = (line: string) => `2026-11-21T10:04:05.1234567Z ${line}`;
    const section = (title: string, name: RecordedLog) => [
      stamp(`##[group]Run ${title}`),
      ...readFileSync(join(logs, `${name}.log`), 'utf8')
        .split('\n')
        .map(stamp),
      stamp('##[endgroup]'),
    ];
    const log = [
      ...section('npm install', 'npm/etarget'),
      ...section('npx webpack', 'webpack/errors'),
      ...section('npx jest', 'jest/failures'),
      stamp('##[error]Process completed with exit code 1.'),
    ].join('\r\n');

    const report = condenseText(log);

    expect(report.tools).toEqual(['npm', 'webpack', 'jest']);
    expect(report.exitCode).toBe(1);
    expect(report.findings.map((f) => `${f.tool}:${f.code ?? f.testName ?? `${f.file}:${f.line}`}`)).toEqual([
      'npm:ETARGET',
      'webpack:src/format.js:2',
      'webpack:src/index.js:2',
      'jest:math › adds two numbers',
      'jest:users › returns the whole user',
      'jest:users › rejects a user without a name',
    ]);
  });
});
