import { describe, expect, it } from 'vitest';
import { FailureReport, type Finding } from '../../src/contracts/failure-report.ts';
import {
  buildAnnotations,
  combineStepReports,
  fitReportJson,
  relocateFindings,
  renderCheckRunTitle,
  toWorkspacePath,
  withOutcome,
} from '../../action/src/report.ts';

const finding = (overrides: Partial<Finding> = {}): Finding => ({
  kind: 'type-error',
  tool: 'tsc',
  file: 'src/a.ts',
  line: 3,
  column: 5,
  code: 'TS2322',
  severity: 'error',
  message: "Type 'string' is not assignable to type 'number'.",
  occurrences: 1,
  ...overrides,
});

const report = (overrides: Partial<FailureReport> = {}): FailureReport => ({
  schemaVersion: 1,
  conclusion: 'failure',
  tools: ['tsc'],
  findings: [finding()],
  dropped: [],
  truncated: false,
  ...overrides,
});

describe('action/report', () => {
  it('withOutcome: the exit code decides the conclusion', () => {
    expect(withOutcome(report({ findings: [] }), { command: 'tsc', exitCode: 2 })).toMatchObject({
      conclusion: 'failure',
      exitCode: 2,
      command: 'tsc',
    });
    expect(withOutcome(report({ conclusion: 'failure' }), { command: 'tsc', exitCode: 0 }).conclusion).toBe(
      'success',
    );
  });

  it('combineStepReports: first failing step wins, tools and test counts add up', () => {
    const combined = combineStepReports([
      {
        report: report({
          conclusion: 'success',
          tools: ['eslint'],
          findings: [],
          testCounts: { passed: 3, failed: 0, skipped: 1 },
        }),
        outcome: { command: 'npm run lint', exitCode: 0 },
      },
      {
        report: report({ tools: ['vitest'], testCounts: { passed: 10, failed: 2, skipped: 0 } }),
        outcome: { command: 'npm test', exitCode: 1 },
      },
    ]);

    expect(combined).toMatchObject({
      conclusion: 'failure',
      command: 'npm test',
      exitCode: 1,
      tools: ['eslint', 'vitest'],
      testCounts: { passed: 13, failed: 2, skipped: 1 },
    });
  });

  it('combineStepReports: all green joins the commands', () => {
    const combined = combineStepReports([
      { report: report({ findings: [], tools: [] }), outcome: { command: 'npm ci', exitCode: 0 } },
      { report: report({ findings: [], tools: ['vitest'] }), outcome: { command: 'npm test', exitCode: 0 } },
    ]);

    expect(combined).toMatchObject({ conclusion: 'success', command: 'npm ci && npm test', exitCode: 0 });
  });

  it.each<[string, string, string[], string | undefined]>([
    ['src/a.ts', '.', [], 'src/a.ts'],
    ['./src/../src/a.ts', '.', [], 'src/a.ts'],
    ['src/a.ts', 'packages/app', ['packages/app/src/a.ts'], 'packages/app/src/a.ts'],
    ['packages/app/src/a.ts', 'packages/app', ['packages/app/src/a.ts'], 'packages/app/src/a.ts'],
    ['src/missing.ts', 'packages/app', [], 'packages/app/src/missing.ts'],
    ['/home/runner/work/w/w/lib/x.go', '.', [], 'lib/x.go'],
    ['D:\\a\\w\\w\\src\\P.cs', '.', [], undefined],
    ['/usr/lib/node_modules/x.js', '.', [], undefined],
    ['../outside.ts', '.', [], undefined],
    ['../../../etc/passwd', 'packages/app', [], undefined],
  ])('toWorkspacePath(%s) from %s', (file, workingDirectory, existing, expected) => {
    expect(
      toWorkspacePath(file, workingDirectory, (path) => existing.includes(path), '/home/runner/work/w/w'),
    ).toBe(expected);
  });

  it('toWorkspacePath handles Windows workspaces case-insensitively', () => {
    expect(toWorkspacePath('d:\\A\\w\\w\\src\\P.cs', '.', () => false, 'D:\\a\\w\\w')).toBe('src/P.cs');
  });

  it('relocateFindings leaves findings without a file and unmappable files alone', () => {
    const relocated = relocateFindings(
      report({
        findings: [finding({ file: 'x.ts' }), finding({ file: undefined }), finding({ file: '/opt/y.ts' })],
      }),
      (file) => (file === 'x.ts' ? 'app/x.ts' : undefined),
    );

    expect(relocated.findings.map((entry) => entry.file)).toEqual(['app/x.ts', undefined, '/opt/y.ts']);
  });

  it('fitReportJson keeps a small report intact', () => {
    const { report: fitted, json } = fitReportJson(report());

    expect(fitted.truncated).toBe(false);
    expect(JSON.parse(json)).toEqual(fitted);
  });

  it('fitReportJson shortens texts, then moves findings to dropped, to fit the limit', () => {
    const big = report({
      findings: Array.from({ length: 200 }, (_, i) =>
        finding({
          file: `src/f${i % 40}.ts`,
          line: i + 1,
          message: `error ${i} ${'x'.repeat(300)}`,
          excerpt: 'y'.repeat(5000),
        }),
      ),
    });

    const { report: fitted, json } = fitReportJson(big, 65_535);

    expect(json.length).toBeLessThanOrEqual(65_535);
    expect(fitted.truncated).toBe(true);
    expect(fitted.findings.length).toBeGreaterThan(10);
    expect(fitted.findings.every((entry) => (entry.excerpt?.length ?? 0) <= 1000)).toBe(true);
    const dropped = fitted.dropped.find((entry) => entry.tool === 'tsc' && entry.kind === 'type-error');
    expect((dropped?.count ?? 0) + fitted.findings.length).toBe(200);
    expect(dropped?.files).toBe(40);
    expect(FailureReport.parse(JSON.parse(json))).toEqual(fitted);
  });

  it('buildAnnotations: one per located finding, deduplicated, with level, title and details', () => {
    const annotations = buildAnnotations([
      finding(),
      finding(),
      finding({
        severity: 'warning',
        line: 9,
        column: undefined,
        code: undefined,
        tool: 'eslint',
        message: 'Unused x',
      }),
      finding({ file: undefined }),
      finding({ file: '/abs/path.ts' }),
      finding({
        kind: 'test-failure',
        tool: 'vitest',
        code: undefined,
        testName: 'adds',
        expected: '3',
        actual: '4',
        line: 12,
        occurrences: 2,
      }),
    ]);

    expect(annotations).toEqual([
      {
        path: 'src/a.ts',
        start_line: 3,
        end_line: 3,
        start_column: 5,
        end_column: 5,
        annotation_level: 'failure',
        title: 'tsc TS2322',
        message: "Type 'string' is not assignable to type 'number'.",
      },
      {
        path: 'src/a.ts',
        start_line: 9,
        end_line: 9,
        annotation_level: 'warning',
        title: 'eslint',
        message: 'Unused x',
      },
      {
        path: 'src/a.ts',
        start_line: 12,
        end_line: 12,
        start_column: 5,
        end_column: 5,
        annotation_level: 'failure',
        title: 'vitest adds',
        message: "Type 'string' is not assignable to type 'number'. (×2)",
        raw_details: 'Expected: 3\n\nActual: 4',
      },
    ]);
  });

  it.each<[string, Partial<FailureReport>, string]>([
    ['green', { conclusion: 'success', findings: [] }, 'Passed'],
    [
      'green with tests',
      { conclusion: 'success', findings: [], testCounts: { passed: 5, failed: 0, skipped: 2 } },
      'Passed: 5 passed, 0 failed, 2 skipped',
    ],
    [
      'red with findings and dropped',
      { exitCode: 2, dropped: [{ tool: 'tsc', kind: 'type-error', count: 4, files: 2 }] },
      'Failed (exit code 2): 5 findings from tsc',
    ],
    [
      'red without findings',
      { exitCode: 1, findings: [], tools: [] },
      'Failed (exit code 1): no specific errors recognised',
    ],
    [
      'red tests',
      { exitCode: 1, tools: ['vitest'], testCounts: { passed: 1, failed: 1, skipped: 0 } },
      'Failed (exit code 1): 1 finding from vitest; tests 1 passed, 1 failed',
    ],
  ])('renderCheckRunTitle: %s', (_name, overrides, title) => {
    expect(renderCheckRunTitle(report(overrides))).toBe(title);
  });
});
