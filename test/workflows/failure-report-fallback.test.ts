import { describe, expect, it } from 'vitest';
import type { FailureReport, Finding } from '../../src/contracts/failure-report.ts';
import { buildReportFromChecks, mergeFailureReports } from '../../src/workflows/failure-report-fallback.ts';

const finding = (index: number, tool = 'tsc'): Finding => ({
  kind: 'type-error',
  tool,
  file: `src/f${index % 3}.ts`,
  code: 'TS2345',
  severity: 'error',
  message: `error ${index}`,
  occurrences: 1,
});
const report = (findings: Finding[], extra: Partial<FailureReport> = {}): FailureReport => ({
  schemaVersion: 1,
  conclusion: 'failure',
  tools: [...new Set(findings.map((item) => item.tool))],
  findings,
  dropped: [],
  truncated: false,
  ...extra,
});

describe('workflows/failure-report-fallback', () => {
  it('merges job reports, caps findings and counts the rest', () => {
    const merged = mergeFailureReports(
      [
        report(
          Array.from({ length: 20 }, (_, index) => finding(index)),
          { testCounts: { passed: 3, failed: 1, skipped: 0 } },
        ),
        report(
          Array.from({ length: 15 }, (_, index) => finding(index, 'jest')),
          { testCounts: { passed: 5, failed: 2, skipped: 1 } },
        ),
      ],
      { producer: 'app-log-fallback' },
    );

    expect(merged.findings).toHaveLength(30);
    expect(merged.dropped).toEqual([{ tool: 'jest', kind: 'type-error', count: 5, files: 3 }]);
    expect(merged).toMatchObject({
      tools: ['tsc', 'jest'],
      truncated: true,
      testCounts: { passed: 8, failed: 3, skipped: 1 },
      source: { producer: 'app-log-fallback' },
    });
  });

  it('turns failing checks and statuses into one generic finding each', () => {
    const merged = buildReportFromChecks(
      {
        sha: 'a'.repeat(40),
        checkRuns: [
          {
            id: 1,
            name: 'circleci: test',
            headSha: 'a',
            status: 'completed',
            conclusion: 'failure',
            appSlug: 'circleci',
            checkSuiteId: 1,
            detailsUrl: null,
            startedAt: null,
            completedAt: null,
            output: { title: null, summary: '\n3 tests failed in api_test.go\nmore', text: null },
          },
          {
            id: 2,
            name: 'lint',
            headSha: 'a',
            status: 'completed',
            conclusion: 'success',
            appSlug: 'x',
            checkSuiteId: 1,
            detailsUrl: null,
            startedAt: null,
            completedAt: null,
            output: { title: 'ok', summary: null, text: null },
          },
        ],
        statuses: [
          {
            context: 'ci/jenkins',
            state: 'failure',
            description: 'Build #12 failed',
            targetUrl: null,
            creatorLogin: null,
          },
        ],
      },
      ['ci/jenkins', 'circleci: test'],
    );

    expect(merged.findings.map((item) => [item.tool, item.message])).toEqual([
      ['circleci: test', '3 tests failed in api_test.go'],
      ['ci/jenkins', 'Build #12 failed'],
    ]);
    expect(merged.source).toEqual({ producer: 'app-check-output' });
  });
});
