import { describe, expect, it } from 'vitest';
import { goCondenserFactory } from '../../src/condense/go.ts';
import { brief, condenseLines, condenseLog } from '../helpers/condense-lines.ts';

const go = goCondenserFactory;

describe('condense/go on real `go` output (go 1.19, recorded by scripts/record-lang-fixtures.sh)', () => {
  it('reports every build error with file, line, column and message', () => {
    const output = condenseLog(go, 'go/build-error.log');

    expect(output.detected).toBe(true);
    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'compile-error',
        tool: 'go',
        file: './main.go',
        line: 5,
        column: 2,
        message: 'imported and not used: "os"',
      },
      {
        kind: 'compile-error',
        tool: 'go',
        file: './main.go',
        line: 9,
        column: 18,
        message: 'cannot use "three" (untyped string constant) as int value in variable declaration',
      },
      {
        kind: 'compile-error',
        tool: 'go',
        file: './main.go',
        line: 10,
        column: 14,
        message: 'undefined: Foo',
      },
    ]);
  });

  it('reports go vet findings as lint errors with code "vet"', () => {
    const output = condenseLog(go, 'go/vet.log');

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'lint-error',
        tool: 'go',
        file: './main.go',
        line: 7,
        column: 2,
        code: 'vet',
        message: 'fmt.Printf format %d has arg name of wrong type string',
      },
    ]);
  });

  it('reports failing tests and subtests (not their parents) with got/want as actual/expected', () => {
    const output = condenseLog(go, 'go/test-failure.log');

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'test-failure',
        tool: 'go',
        testName: 'TestAdd',
        file: 'calc_test.go',
        line: 7,
        message: 'Add(1, 2) = 4, want 3',
        actual: '4',
        expected: '3',
      },
      {
        kind: 'test-failure',
        tool: 'go',
        testName: 'TestTable/zero',
        file: 'calc_test.go',
        line: 20,
        message: 'got 1 want 0',
        actual: '1',
        expected: '0',
      },
      {
        kind: 'test-failure',
        tool: 'go',
        testName: 'TestTable/one',
        file: 'calc_test.go',
        line: 20,
        message: 'got 2 want 1',
        actual: '2',
        expected: '1',
      },
    ]);
    expect(output.findings[0]?.excerpt).toBe(
      '--- FAIL: TestAdd\ncalc_test.go:7: Add(1, 2) = 4, want 3\npackage example.com/demo',
    );
    // Non-verbose `go test` prints no passing tests, so there are no honest counts to give.
    expect(output.testCounts).toBeUndefined();
  });

  it('gives the same findings for `go test -v`, plus counts from the verdict lines', () => {
    const plain = condenseLog(go, 'go/test-failure.log');
    const verbose = condenseLog(go, 'go/test-failure-verbose.log');

    expect(verbose.findings.map(brief)).toEqual(plain.findings.map(brief));
    expect(verbose.testCounts).toEqual({ passed: 2, failed: 4, skipped: 1, total: 7 });
  });

  it('reports a panic in a test at the top frame in the module, with the module frames', () => {
    const output = condenseLog(go, 'go/panic.log');

    expect(output.findings).toHaveLength(1);
    expect(brief(output.findings[0]!)).toEqual({
      kind: 'test-failure',
      tool: 'go',
      testName: 'TestPut',
      file: '/home/runner/work/demo/demo/store.go',
      line: 5,
      message: 'panic: assignment to entry in nil map',
    });
    expect(output.findings[0]?.frames).toEqual([
      'example.com/demo.(*Store).Put (/home/runner/work/demo/demo/store.go:5)',
      'example.com/demo.TestPut (/home/runner/work/demo/demo/store_test.go:7)',
    ]);
  });

  it('reports a test timeout at the line where the test was stuck', () => {
    const output = condenseLog(go, 'go/timeout.log');

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'timeout',
        tool: 'go',
        testName: 'TestSlow',
        file: '/home/runner/work/demo/demo/slow_test.go',
        line: 9,
        message: 'panic: test timed out after 1s',
      },
    ]);
  });

  it('reports nothing for a passing run', () => {
    const output = condenseLog(go, 'go/passing.log');

    expect(output).toEqual({ detected: true, findings: [] });
  });
});

describe('condense/go sample lines', () => {
  it('reads golangci-lint lines with the linter as code', () => {
    const output = condenseLines(
      go,
      'internal/api/handler.go:42:10: Error return value of `w.Write` is not checked (errcheck)\n',
    );

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'lint-error',
        tool: 'go',
        file: 'internal/api/handler.go',
        line: 42,
        column: 10,
        code: 'errcheck',
        message: 'Error return value of `w.Write` is not checked',
      },
    ]);
  });

  it('reads module errors as dependency errors with the module path', () => {
    const output = condenseLines(
      go,
      [
        'go: github.com/acme/widgets@v1.4.0: missing go.sum entry; to add it:',
        '\tgo mod download github.com/acme/widgets',
        'main.go:6:2: no required module provides package github.com/acme/gadgets; to add it:',
      ].join('\n'),
    );

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'dependency-error',
        tool: 'go',
        message: 'go: github.com/acme/widgets@v1.4.0: missing go.sum entry; to add it:',
        packages: ['github.com/acme/widgets@v1.4.0'],
      },
      {
        kind: 'dependency-error',
        tool: 'go',
        file: 'main.go',
        line: 6,
        column: 2,
        message: 'no required module provides package github.com/acme/gadgets; to add it:',
        packages: ['github.com/acme/gadgets'],
      },
    ]);
  });

  it('reads testify assertion blocks', () => {
    const output = condenseLines(
      go,
      [
        '--- FAIL: TestTotal (0.00s)',
        '    cart_test.go:18: ',
        '        \tError Trace:\t/home/runner/work/shop/shop/cart_test.go:18',
        '        \tError:      \tNot equal: ',
        '        \t            \texpected: 30',
        '        \t            \tactual  : 25',
        '        \tTest:       \tTestTotal',
        'FAIL',
        'FAIL\texample.com/shop\t0.012s',
      ].join('\n'),
    );

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'test-failure',
        tool: 'go',
        testName: 'TestTotal',
        file: 'cart_test.go',
        line: 18,
        message: 'Not equal:',
        expected: '30',
        actual: '25',
      },
    ]);
  });

  it('names the running test of a Go ≥ 1.20 timeout', () => {
    const output = condenseLines(
      go,
      [
        'panic: test timed out after 10m0s',
        'running tests:',
        '\tTestSync (10m0s)',
        '',
        'goroutine 1 [running]:',
      ].join('\n'),
    );

    expect(output.findings.map(brief)).toEqual([
      { kind: 'timeout', tool: 'go', testName: 'TestSync', message: 'panic: test timed out after 10m0s' },
    ]);
  });

  it('reports a package that failed without a failing test', () => {
    const output = condenseLines(
      go,
      'FAIL\texample.com/demo/store [build failed]\nok  \texample.com/demo/api\t0.01s\n',
    );

    expect(output.findings.map(brief)).toEqual([
      { kind: 'build-error', tool: 'go', message: 'FAIL example.com/demo/store [build failed]' },
    ]);
  });

  it('does not mistake TAP or markdown for Go output', () => {
    const output = condenseLines(go, 'TAP version 13\nok 1 - adds\n# Summary\nnot ok 2 - subtracts\n');

    expect(output).toEqual({ detected: false, findings: [] });
  });
});

describe('condense/go parallel tests', () => {
  it('attributes messages after `=== CONT` to the resumed test', () => {
    const output = condenseLines(
      goCondenserFactory,
      [
        '=== RUN   TestA',
        '=== PAUSE TestA',
        '=== RUN   TestB',
        '=== PAUSE TestB',
        '=== CONT  TestA',
        '    a_test.go:9: a is broken',
        '=== CONT  TestB',
        '--- PASS: TestB (0.00s)',
        '--- FAIL: TestA (0.00s)',
        'FAIL',
        'FAIL\texample.com/demo\t0.004s',
      ].join('\n'),
    );

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'test-failure',
        tool: 'go',
        testName: 'TestA',
        file: 'a_test.go',
        line: 9,
        message: 'a is broken',
      },
    ]);
    expect(output.testCounts).toEqual({ passed: 1, failed: 1, skipped: 0, total: 2 });
  });
});
