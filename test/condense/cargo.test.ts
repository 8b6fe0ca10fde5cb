import { describe, expect, it } from 'vitest';
import { cargoCondenserFactory } from '../../src/condense/cargo.ts';
import { brief, condenseLines, condenseLog } from '../helpers/condense-lines.ts';

const cargo = cargoCondenserFactory;

describe('condense/cargo on real cargo 1.95 output (recorded by scripts/record-lang-fixtures.sh)', () => {
  it('reports rustc errors with code, location and primary label, once despite the summary lines', () => {
    const output = condenseLog(cargo, 'cargo/build-error.log');

    expect(output.detected).toBe(true);
    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'compile-error',
        tool: 'cargo',
        file: 'src/main.rs',
        line: 8,
        column: 16,
        code: 'E0425',
        message: 'cannot find value `undefined_name` in this scope',
      },
      {
        kind: 'compile-error',
        tool: 'cargo',
        file: 'src/main.rs',
        line: 7,
        column: 21,
        code: 'E0308',
        message: 'mismatched types: expected `u16`, found `&str`',
        expected: 'u16',
        actual: '&str',
      },
    ]);
  });

  it('reports clippy errors with the lint name as code and drops clippy warnings', () => {
    const output = condenseLog(cargo, 'cargo/clippy.log');

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'lint-error',
        tool: 'cargo',
        file: 'src/main.rs',
        line: 7,
        column: 8,
        code: 'clippy::eq_op',
        message: 'equal expressions as operands to `==`',
      },
      {
        kind: 'lint-error',
        tool: 'cargo',
        file: 'src/main.rs',
        line: 10,
        column: 13,
        code: 'clippy::approx_constant',
        message: 'approximate value of `f{32, 64}::consts::PI` found',
      },
    ]);
  });

  const testFailures = [
    {
      kind: 'test-failure',
      tool: 'cargo',
      testName: 'tests::adds_two_numbers',
      file: 'src/lib.rs',
      line: 15,
      column: 9,
      message: 'assertion `left == right` failed',
      actual: '4',
      expected: '3',
    },
    {
      kind: 'test-failure',
      tool: 'cargo',
      testName: 'tests::checks_flag',
      file: 'src/lib.rs',
      line: 25,
      column: 9,
      message: 'add(0, 0) should be zero',
    },
    {
      kind: 'test-failure',
      tool: 'cargo',
      testName: 'tests::first_of_empty',
      file: 'src/lib.rs',
      line: 6,
      column: 5,
      message: 'index out of bounds: the len is 0 but the index is 0',
    },
  ];

  it('reports test panics with left/right and the test result counts', () => {
    const output = condenseLog(cargo, 'cargo/test-failure.log');

    expect(output.findings.map(brief)).toEqual(testFailures);
    expect(output.testCounts).toEqual({ passed: 1, failed: 3, skipped: 1, total: 5 });
  });

  it('keeps only the crate frames of a RUST_BACKTRACE=1 backtrace', () => {
    const output = condenseLog(cargo, 'cargo/test-failure-backtrace.log');

    expect(output.findings.map(brief)).toEqual(testFailures);
    expect(output.findings[2]?.frames).toEqual([
      'test_failure::first (src/lib.rs:6)',
      'test_failure::tests::first_of_empty (src/lib.rs:20)',
      'test_failure::tests::first_of_empty::{{closure}} (src/lib.rs:19)',
    ]);
  });

  it('reports nothing but the counts for a passing run, summing every test binary', () => {
    const output = condenseLog(cargo, 'cargo/passing.log');

    expect(output).toEqual({
      detected: true,
      findings: [],
      testCounts: { passed: 1, failed: 0, skipped: 0, total: 1 },
    });
  });
});

describe('condense/cargo sample lines', () => {
  it('reads the pre-1.73 panic format with quoted message and backticked left/right', () => {
    const output = condenseLines(
      cargo,
      [
        '---- tests::parses stdout ----',
        "thread 'tests::parses' panicked at 'assertion failed: `(left == right)`",
        '  left: `Some(1)`,',
        " right: `None`', src/parse.rs:40:9",
      ].join('\n'),
    );
    const single = condenseLines(
      cargo,
      [
        '---- tests::t stdout ----',
        "thread 'tests::t' panicked at 'boom', src/lib.rs:3:5",
        'note: run with `RUST_BACKTRACE=1`',
      ].join('\n'),
    );

    expect(single.findings.map(brief)).toEqual([
      {
        kind: 'test-failure',
        tool: 'cargo',
        testName: 'tests::t',
        file: 'src/lib.rs',
        line: 3,
        column: 5,
        message: 'boom',
      },
    ]);
    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'test-failure',
        tool: 'cargo',
        testName: 'tests::parses',
        file: 'src/parse.rs',
        line: 40,
        column: 9,
        message: 'assertion failed: `(left == right)`',
        actual: 'Some(1)',
        expected: 'None',
      },
    ]);
  });

  it('reads a panic outside tests as a runtime error', () => {
    const output = condenseLines(
      cargo,
      "thread 'main' panicked at src/main.rs:4:5:\ncalled `Option::unwrap()` on a `None` value\n",
    );

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'runtime-error',
        tool: 'cargo',
        file: 'src/main.rs',
        line: 4,
        column: 5,
        message: 'called `Option::unwrap()` on a `None` value',
      },
    ]);
  });

  it('reads dependency resolution errors with the crate and requirement', () => {
    const output = condenseLines(
      cargo,
      [
        '    Updating crates.io index',
        'error: failed to select a version for the requirement `serde = "^9.9"`',
        "candidate versions found which didn't match: 1.0.210, 1.0.209",
        'location searched: crates.io index',
      ].join('\n'),
    );

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'dependency-error',
        tool: 'cargo',
        message: 'failed to select a version for the requirement `serde = "^9.9"`',
        packages: ['serde@^9.9'],
      },
    ]);
  });

  it('keeps -D warnings errors and drops plain warnings', () => {
    const output = condenseLines(
      cargo,
      [
        'warning: unused variable: `x`',
        ' --> src/lib.rs:2:9',
        '',
        'error: unused import: `std::fmt`',
        ' --> src/lib.rs:1:5',
        '  |',
        '1 | use std::fmt;',
        '  |     ^^^^^^^^',
        '  |',
        '  = note: `-D unused-imports` implied by `-D warnings`',
        '',
      ].join('\n'),
    );

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'lint-error',
        tool: 'cargo',
        file: 'src/lib.rs',
        line: 1,
        column: 5,
        code: 'unused-imports',
        message: 'unused import: `std::fmt`',
      },
    ]);
  });

  it('reports nothing for a warnings-only build', () => {
    const output = condenseLines(
      cargo,
      [
        '   Compiling demo v0.1.0 (/home/runner/work/demo/demo)',
        'warning: unused variable: `x`',
        ' --> src/lib.rs:2:9',
        '',
        'warning: `demo` (lib) generated 1 warning',
        '    Finished `dev` profile [unoptimized + debuginfo] target(s) in 0.50s',
      ].join('\n'),
    );

    expect(output).toEqual({ detected: true, findings: [] });
  });
});

describe('condense/cargo tests that return Err', () => {
  it('reports a failed test whose captured output has no panic', () => {
    const output = condenseLines(
      cargoCondenserFactory,
      [
        'running 2 tests',
        'test tests::parses ... FAILED',
        'test tests::ok ... ok',
        '',
        'failures:',
        '',
        '---- tests::parses stdout ----',
        'Error: ParseIntError { kind: InvalidDigit }',
        '',
        '',
        'failures:',
        '    tests::parses',
        '',
        'test result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s',
      ].join('\n'),
    );

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'test-failure',
        tool: 'cargo',
        testName: 'tests::parses',
        message: 'Error: ParseIntError { kind: InvalidDigit }',
      },
    ]);
    expect(output.testCounts).toEqual({ passed: 1, failed: 1, skipped: 0, total: 2 });
  });
});

describe('condense/cargo with cargo-nextest', () => {
  it('reports panics printed under STDERR as test failures, with the nextest summary counts', () => {
    const output = condenseLines(
      cargoCondenserFactory,
      [
        '    Starting 5 tests across 1 binary (1 test skipped)',
        '        PASS [   0.003s] demo tests::passes',
        '        FAIL [   0.004s] demo tests::adds_two_numbers',
        '──── STDOUT:             demo tests::adds_two_numbers',
        '',
        'running 1 test',
        'test tests::adds_two_numbers ... FAILED',
        '',
        '──── STDERR:             demo tests::adds_two_numbers',
        "thread 'tests::adds_two_numbers' panicked at src/lib.rs:15:9:",
        'assertion `left == right` failed',
        '  left: 4',
        ' right: 3',
        'note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace',
        '',
        '------------',
        '     Summary [   0.010s] 4 tests run: 3 passed, 1 failed, 1 skipped',
        '        FAIL [   0.004s] demo tests::adds_two_numbers',
        'error: test run failed',
      ].join('\n'),
    );

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'test-failure',
        tool: 'cargo',
        testName: 'tests::adds_two_numbers',
        file: 'src/lib.rs',
        line: 15,
        column: 9,
        message: 'assertion `left == right` failed',
        actual: '4',
        expected: '3',
      },
    ]);
    expect(output.testCounts).toEqual({ passed: 3, failed: 1, skipped: 1, total: 5 });
  });
});
