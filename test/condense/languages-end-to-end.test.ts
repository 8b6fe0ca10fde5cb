import { describe, expect, it } from 'vitest';
import { condenseText } from '../../src/condense/condense.ts';
import { FailureReport } from '../../src/contracts/failure-report.ts';
import { brief, readLog } from '../helpers/condense-lines.ts';

/** Wraps raw tool output the way a downloaded GitHub Actions job log looks. */
function asActionsLog(step: string, text: string, exitCode: number): string {
  const lines = [
    `##[group]Run ${step}`,
    `${step}`,
    'shell: /usr/bin/bash -e {0}',
    '##[endgroup]',
    ...text.split('\n'),
  ];
  if (exitCode !== 0) lines.push(`##[error]Process completed with exit code ${exitCode}.`);
  return lines
    .map((line, index) => `2026-11-21T10:04:${String(5 + (index % 50)).padStart(2, '0')}.1234567Z ${line}`)
    .join('\r\n');
}

describe('condense (end to end) with the language condensers', () => {
  it.each([
    ['go/build-error.log', 'go', 3],
    ['go/test-failure.log', 'go', 3],
    ['cargo/build-error.log', 'cargo', 2],
    ['cargo/test-failure.log', 'cargo', 3],
    ['python/pytest-failure.log', 'python', 4],
    ['python/unittest-failure.log', 'python', 2],
    ['maven/compile-error.log', 'jvm', 3],
    ['maven/test-failure.log', 'jvm', 2],
    ['gradle/kotlin-compile-error.log', 'jvm', 2],
    ['c/compile-error.log', 'cc', 2],
    ['cmake/missing-package.log', 'cc', 1],
    ['dotnet/build-error.log', 'dotnet', 2],
    ['rspec/failure.log', 'rspec', 3],
    ['phpunit/failure.log', 'phpunit', 3],
    ['swift/xctest-linux.log', 'swift', 2],
  ])('reports %s as a failure of %s with %i findings and nothing from the fallbacks', (log, tool, count) => {
    const report = condenseText(readLog(log));

    expect(() => FailureReport.parse(report)).not.toThrow();
    expect(report.conclusion).toBe('failure');
    expect(report.tools).toContain(tool);
    expect(report.tools).not.toContain('generic');
    expect(report.findings).toHaveLength(count);
    expect(report.findings.every((finding) => finding.tool !== 'generic')).toBe(true);
  });

  it.each([
    'go/passing.log',
    'cargo/passing.log',
    'python/pytest-passing.log',
    'c/passing.log',
    'dotnet/passing.log',
    'gradle/passing.log',
    'swift/passing.log',
  ])('reports %s as a success with no findings', (log) => {
    const report = condenseText(readLog(log), { exitCode: 0 });

    expect(report.conclusion).toBe('success');
    expect(report.findings).toEqual([]);
  });

  it('makes paths repo-relative and keeps test counts through the dispatcher', () => {
    const report = condenseText(readLog('python/unittest-failure.log'));

    expect(report.findings.map(brief)).toEqual([
      {
        kind: 'test-failure',
        tool: 'unittest',
        testName: 'tests.test_store.StoreTest.test_missing',
        file: 'tests/test_store.py',
        line: 12,
        message: "KeyError: 'nope'",
      },
      {
        kind: 'test-failure',
        tool: 'unittest',
        testName: 'tests.test_store.StoreTest.test_put_get',
        file: 'tests/test_store.py',
        line: 19,
        message: 'AssertionError: 1 != 2',
        actual: '1',
        expected: '2',
      },
    ]);
    expect(report.testCounts).toEqual({ passed: 1, failed: 2, skipped: 1, total: 4 });
  });

  it('reads a GitHub Actions job log (timestamps, groups, CRLF) with several tools in order', () => {
    const log = [
      asActionsLog('go vet ./...', readLog('go/vet.log'), 0),
      asActionsLog('cargo test', readLog('cargo/test-failure.log'), 101),
    ].join('\r\n');

    const report = condenseText(log);

    expect(report.conclusion).toBe('failure');
    expect(report.exitCode).toBe(101);
    expect(report.tools).toEqual(['go', 'cargo']);
    expect(
      report.findings.map((finding) => [
        finding.tool,
        finding.file,
        finding.line,
        finding.testName ?? finding.code,
      ]),
    ).toEqual([
      ['go', 'main.go', 7, 'vet'],
      ['cargo', 'src/lib.rs', 15, 'tests::adds_two_numbers'],
      ['cargo', 'src/lib.rs', 25, 'tests::checks_flag'],
      ['cargo', 'src/lib.rs', 6, 'tests::first_of_empty'],
    ]);
    expect(report.testCounts).toEqual({ passed: 1, failed: 3, skipped: 1, total: 5 });
  });

  it('reads Maven output with its ANSI colour codes', () => {
    const coloured = readLog('maven/test-failure.log')
      .split('\n')
      .map((line) =>
        line.replace(/^\[(ERROR|INFO)\]/, (_m, level: string) => `\u001b[1;31m[${level}]\u001b[m`),
      )
      .join('\n');

    const report = condenseText(coloured);

    expect(report.findings.map((finding) => finding.testName)).toEqual([
      'com.example.CalculatorTest.dividesByZero',
      'com.example.CalculatorTest.addsNumbers',
    ]);
  });

  it('falls back to the generic condenser for a tool no condenser knows', () => {
    const log = asActionsLog(
      'terraform validate',
      [
        '╷',
        'Error: Reference to undeclared resource',
        '',
        '  on main.tf line 14, in resource "aws_instance" "web":',
        '  14:   subnet_id = aws_subnet.mian.id',
      ].join('\n'),
      1,
    );

    const report = condenseText(log);

    expect(report.conclusion).toBe('failure');
    expect(report.tools).toContain('generic');
    expect(report.findings.map(brief)).toEqual([
      {
        kind: 'generic',
        tool: 'generic',
        file: 'main.tf',
        line: 14,
        message: 'Error: Reference to undeclared resource',
      },
    ]);
  });

  it('does not fail a run that exited 0 on generic guesses alone', () => {
    const report = condenseText('deploying\nERROR: retrying upload (attempt 1 of 3)\nuploaded\n', {
      exitCode: 0,
    });

    expect(report.conclusion).toBe('success');
    expect(report.findings).toEqual([]);
  });

  it('selects a language condenser by id', () => {
    const report = condenseText(readLog('go/build-error.log'), { tools: ['go'] });

    expect(report.tools).toEqual(['go']);
    expect(report.findings).toHaveLength(3);
  });
});
