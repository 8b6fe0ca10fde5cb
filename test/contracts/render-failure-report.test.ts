import { describe, expect, it } from 'vitest';
import type { FailureReport } from '../../src/contracts/failure-report.ts';
import { renderFailureReportMarkdown } from '../../src/contracts/render-failure-report.ts';

function report(overrides: Partial<FailureReport> = {}): FailureReport {
  return {
    schemaVersion: 1,
    conclusion: 'failure',
    tools: ['tsc', 'vitest'],
    command: 'npm test',
    exitCode: 1,
    findings: [
      {
        kind: 'type-error',
        tool: 'tsc',
        severity: 'error',
        file: 'src/a.ts',
        line: 3,
        column: 7,
        code: 'TS2322',
        message: "Type 'string' is not assignable to type 'number'.",
        occurrences: 1,
      },
      {
        kind: 'test-failure',
        tool: 'vitest',
        severity: 'error',
        file: 'test/math.test.ts',
        line: 5,
        column: 10,
        testName: 'math > adds',
        message: 'AssertionError: expected 3 to be 4 // Object.is equality',
        expected: '4',
        actual: '3',
        frames: ['at test/math.test.ts:5:10'],
        occurrences: 2,
      },
    ],
    dropped: [{ tool: 'tsc', kind: 'type-error', count: 48, files: 12 }],
    testCounts: { passed: 40, failed: 1, skipped: 2, total: 43 },
    truncated: true,
    ...overrides,
  };
}

describe('contracts/render-failure-report', () => {
  it('renders findings grouped by tool with dropped totals', () => {
    expect(renderFailureReportMarkdown(report())).toMatchInlineSnapshot(`
      "**CI failed** (exit code 1) · \`npm test\` · tools: tsc, vitest
      Tests: 1 failed, 40 passed, 2 skipped (43 total)

      #### tsc
      - \`src/a.ts:3:7\` **TS2322** \`Type 'string' is not assignable to type 'number'.\`
      - +48 more tsc type errors in 12 files

      #### vitest
      - FAIL \`math > adds\` at \`test/math.test.ts:5:10\` (×2)
        \`AssertionError: expected 3 to be 4 // Object.is equality\`
        - Expected: \`4\`
        - Received: \`3\`

      _Some findings were left out to keep this short (counts above)._
      "
    `);
  });

  it('renders a passing report in one short line', () => {
    const text = renderFailureReportMarkdown(
      report({ conclusion: 'success', findings: [], dropped: [], exitCode: 0, truncated: false }),
    );

    expect(text).toBe('**CI passed** (exit code 0) · 40 tests passed, 2 skipped\n');
  });

  it('keeps code spans intact around backticks', () => {
    const text = renderFailureReportMarkdown(
      report({ findings: [{ ...report().findings[0]!, message: 'use `x` here' }], dropped: [] }),
    );

    expect(text).toContain('``use `x` here``');
  });

  it('never exceeds the cap and says what it cut', () => {
    const many = Array.from({ length: 200 }, (_, i) => ({
      ...report().findings[0]!,
      line: i + 1,
      excerpt: 'x'.repeat(300),
    }));

    for (const maxChars of [200, 500, 1000, 4000]) {
      const text = renderFailureReportMarkdown(report({ findings: many }), { maxChars });

      expect(text.length).toBeLessThanOrEqual(maxChars);
      expect(text).toMatch(/Report cut to \d+ characters: \d+ more findings not shown/);
    }
  });

  it('cuts a single over-long line visibly', () => {
    const text = renderFailureReportMarkdown(
      report({ command: 'x'.repeat(5000), findings: [], dropped: [] }),
      {
        maxChars: 300,
      },
    );

    expect(text.length).toBeLessThanOrEqual(300);
    expect(text).toContain('…[cut]');
  });
});
