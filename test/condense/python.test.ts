import { describe, expect, it } from 'vitest';
import { pythonCondenserFactory } from '../../src/condense/python.ts';
import { brief, condenseLines, condenseLog } from '../helpers/condense-lines.ts';

const python = pythonCondenserFactory;

describe('condense/python on real tool output (pytest 9, Python 3.11, mypy, flake8, black; recorded)', () => {
  it('reports pytest failures by node id, where they broke, with assert expected/actual and counts', () => {
    const output = condenseLog(python, 'python/pytest-failure.log');

    expect(output.detected).toBe(true);
    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'test-failure',
        tool: 'pytest',
        testName: 'tests/test_calc.py::test_add',
        file: 'tests/test_calc.py',
        line: 7,
        message: 'assert 4 == 3',
        actual: '4',
        expected: '3',
      },
      {
        kind: 'test-failure',
        tool: 'pytest',
        testName: 'tests/test_calc.py::test_parse_word',
        file: 'calc.py',
        line: 6,
        message: "ValueError: invalid literal for int() with base 10: 'twelve'",
      },
      {
        kind: 'test-failure',
        tool: 'pytest',
        testName: 'tests/test_calc.py::test_dict_equal',
        file: 'tests/test_calc.py',
        line: 19,
        message: "AssertionError: assert {'name': 'demo', 'port': 80} == {'name': 'demo', 'port': 8080}",
        actual: "{'name': 'demo', 'port': 80}",
        expected: "{'name': 'demo', 'port': 8080}",
      },
      {
        kind: 'test-failure',
        tool: 'pytest',
        testName: 'tests/test_calc.py::TestGroup::test_message',
        file: 'tests/test_calc.py',
        line: 29,
        message: 'AssertionError: greeting missing',
      },
    ]);
    expect(output.findings[1]?.frames).toEqual(['tests/test_calc.py:15', 'calc.py:6']);
    expect(output.testCounts).toEqual({ passed: 1, failed: 4, skipped: 1, total: 6 });
  });

  it('reports only counts for a passing pytest run', () => {
    expect(condenseLog(python, 'python/pytest-passing.log')).toEqual({
      detected: true,
      findings: [],
      testCounts: { passed: 2, failed: 0, skipped: 0, total: 2 },
    });
  });

  it('reports unittest failures and errors at the innermost repo frame, with counts', () => {
    const output = condenseLog(python, 'python/unittest-failure.log');

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'test-failure',
        tool: 'unittest',
        testName: 'tests.test_store.StoreTest.test_missing',
        file: '/home/runner/work/demo/demo/tests/test_store.py',
        line: 12,
        message: "KeyError: 'nope'",
      },
      {
        kind: 'test-failure',
        tool: 'unittest',
        testName: 'tests.test_store.StoreTest.test_put_get',
        file: '/home/runner/work/demo/demo/tests/test_store.py',
        line: 19,
        message: 'AssertionError: 1 != 2',
        actual: '1',
        expected: '2',
      },
    ]);
    expect(output.testCounts).toEqual({ passed: 1, failed: 2, skipped: 1, total: 4 });
  });

  it('reports a bare traceback at the last frame in repository code, skipping the stdlib', () => {
    const output = condenseLog(python, 'python/traceback.log');

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'runtime-error',
        tool: 'python',
        file: '/home/runner/work/demo/demo/app/config.py',
        line: 5,
        message: "json.decoder.JSONDecodeError: Expecting ',' delimiter: line 1 column 13 (char 12)",
      },
    ]);
    expect(output.findings[0]?.frames).toEqual([
      'load (/home/runner/work/demo/demo/app/config.py:5)',
      '<module> (/home/runner/work/demo/demo/main.py:4)',
    ]);
  });

  it('reports mypy errors with their error code', () => {
    const output = condenseLog(python, 'python/mypy.log');

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'type-error',
        tool: 'mypy',
        file: 'service.py',
        line: 11,
        code: 'return-value',
        message: 'Incompatible return value type (got "int", expected "str")',
      },
      {
        kind: 'type-error',
        tool: 'mypy',
        file: 'service.py',
        line: 14,
        code: 'list-item',
        message: 'List item 0 has incompatible type "str"; expected "int"',
      },
      {
        kind: 'type-error',
        tool: 'mypy',
        file: 'service.py',
        line: 14,
        code: 'list-item',
        message: 'List item 1 has incompatible type "str"; expected "int"',
      },
    ]);
  });

  it('reports flake8 violations with code and column', () => {
    const output = condenseLog(python, 'python/flake8.log');

    expect(output.findings.map(brief).slice(0, 3)).toEqual([
      {
        kind: 'lint-error',
        tool: 'flake8',
        file: 'service.py',
        line: 1,
        column: 1,
        code: 'F401',
        message: "'os' imported but unused",
      },
      {
        kind: 'lint-error',
        tool: 'flake8',
        file: 'service.py',
        line: 2,
        column: 1,
        code: 'F401',
        message: "'sys' imported but unused",
      },
      {
        kind: 'lint-error',
        tool: 'flake8',
        file: 'service.py',
        line: 15,
        column: 2,
        code: 'E225',
        message: 'missing whitespace around operator',
      },
    ]);
    expect(output.findings).toHaveLength(6);
  });

  it('reports files black would reformat', () => {
    const output = condenseLog(python, 'python/black.log');

    expect(output.findings.map(brief)).toEqual([
      { kind: 'format-error', tool: 'black', file: 'service.py', message: 'would reformat (black)' },
    ]);
  });
});

describe('condense/python sample lines', () => {
  it('reads ruff in the concise and in the full (≥ 0.12) format', () => {
    const output = condenseLines(
      python,
      [
        'app/models.py:3:8: F401 [*] `os` imported but unused',
        'F841 Local variable `total` is assigned to but never used',
        ' --> app/views.py:12:5',
        '   |',
        '12 |     total = 0',
        '   |     ^^^^^',
        'Found 2 errors.',
      ].join('\n'),
    );

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'lint-error',
        tool: 'ruff',
        file: 'app/models.py',
        line: 3,
        column: 8,
        code: 'F401',
        message: '`os` imported but unused',
      },
      {
        kind: 'lint-error',
        tool: 'ruff',
        file: 'app/views.py',
        line: 12,
        column: 5,
        code: 'F841',
        message: 'Local variable `total` is assigned to but never used',
      },
    ]);
  });

  it('reads pylint (0-based columns) and pyright', () => {
    const output = condenseLines(
      python,
      [
        'app/util.py:10:0: C0116: Missing function or method docstring (missing-function-docstring)',
        '  /home/runner/work/x/x/app/util.py:4:12 - error: "foo" is not defined (reportUndefinedVariable)',
      ].join('\n'),
    );

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'lint-error',
        tool: 'pylint',
        file: 'app/util.py',
        line: 10,
        column: 1,
        code: 'missing-function-docstring',
        message: 'Missing function or method docstring',
      },
      {
        kind: 'type-error',
        tool: 'pyright',
        file: '/home/runner/work/x/x/app/util.py',
        line: 4,
        column: 12,
        code: 'reportUndefinedVariable',
        message: '"foo" is not defined',
      },
    ]);
  });

  it('keeps the root of a chained traceback and skips site-packages frames', () => {
    const output = condenseLines(
      python,
      [
        'Traceback (most recent call last):',
        '  File "/home/runner/work/x/x/app/config.py", line 8, in load',
        '    return settings["port"]',
        "KeyError: 'port'",
        '',
        'The above exception was the direct cause of the following exception:',
        '',
        'Traceback (most recent call last):',
        '  File "/home/runner/work/x/x/app/main.py", line 3, in <module>',
        '    load()',
        '  File "/opt/venv/lib/python3.12/site-packages/click/core.py", line 1157, in __call__',
        '    return self.main(*args, **kwargs)',
        'app.errors.ConfigError: port is not configured',
      ].join('\n'),
    );

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'runtime-error',
        tool: 'python',
        file: '/home/runner/work/x/x/app/config.py',
        line: 8,
        message: "KeyError: 'port'",
      },
      {
        kind: 'runtime-error',
        tool: 'python',
        file: '/home/runner/work/x/x/app/main.py',
        line: 3,
        message: 'app.errors.ConfigError: port is not configured',
      },
    ]);
    expect(output.findings[1]?.excerpt).toBe("caused by: KeyError: 'port'");
  });

  it('reads an interpreter SyntaxError without a Traceback header', () => {
    const output = condenseLines(
      python,
      [
        '  File "/home/runner/work/x/x/app/main.py", line 3',
        '    def f(:',
        '          ^',
        'SyntaxError: invalid syntax',
      ].join('\n'),
    );

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'compile-error',
        tool: 'python',
        file: '/home/runner/work/x/x/app/main.py',
        line: 3,
        message: 'SyntaxError: invalid syntax',
      },
    ]);
  });

  it('reads pytest collection errors and quiet-mode counts', () => {
    const output = condenseLines(
      python,
      [
        '==================================== ERRORS ====================================',
        '____________________ ERROR collecting tests/test_api.py _____________________',
        "ImportError while importing test module '/home/runner/work/x/x/tests/test_api.py'.",
        "E   ModuleNotFoundError: No module named 'requests'",
        '=========================== short test summary info ============================',
        'ERROR tests/test_api.py',
        '1 error in 0.12s',
      ].join('\n'),
    );

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'test-failure',
        tool: 'pytest',
        testName: 'tests/test_api.py',
        file: 'tests/test_api.py',
        message: "ModuleNotFoundError: No module named 'requests'",
      },
    ]);
    expect(output.testCounts).toEqual({ passed: 0, failed: 1, skipped: 0, total: 1 });
  });

  it('reads isort and black parse errors', () => {
    const output = condenseLines(
      python,
      [
        'ERROR: /home/runner/work/x/x/app/main.py Imports are incorrectly sorted and/or formatted.',
        'error: cannot format app/broken.py: Cannot parse for target version Python 3.12: 3:7: def f(:',
      ].join('\n'),
    );

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'format-error',
        tool: 'isort',
        file: '/home/runner/work/x/x/app/main.py',
        message: 'imports are incorrectly sorted (isort)',
      },
      {
        kind: 'compile-error',
        tool: 'black',
        file: 'app/broken.py',
        line: 3,
        column: 7,
        message: 'Cannot parse for target version Python 3.12: 3:7: def f(:',
      },
    ]);
  });

  it('reports nothing for clean linters and a clean mypy', () => {
    const output = condenseLines(
      python,
      [
        'Success: no issues found in 12 source files',
        'All checks passed!',
        'All done! ✨ 🍰 ✨',
        '14 files would be left unchanged.',
      ].join('\n'),
    );

    expect(output).toEqual({ detected: true, findings: [] });
  });
});

describe('condense/python pytest --tb=short', () => {
  it('reads the short traceback style with `path:line: in test` locations', () => {
    const output = condenseLines(
      python,
      [
        '=================================== FAILURES ===================================',
        '___________________________________ test_add ___________________________________',
        'tests/test_calc.py:7: in test_add',
        '    assert add(1, 2) == 3',
        'E   assert 4 == 3',
        'E    +  where 4 = add(1, 2)',
        '=========================== short test summary info ============================',
        'FAILED tests/test_calc.py::test_add - assert 4 == 3',
        '========================= 1 failed, 3 passed in 0.05s ==========================',
      ].join('\n'),
    );

    expect(output.findings.map(brief)).toEqual([
      {
        kind: 'test-failure',
        tool: 'pytest',
        testName: 'tests/test_calc.py::test_add',
        file: 'tests/test_calc.py',
        line: 7,
        message: 'assert 4 == 3',
        actual: '4',
        expected: '3',
      },
    ]);
    expect(output.testCounts).toEqual({ passed: 3, failed: 1, skipped: 0, total: 4 });
  });
});

describe('condense/python trigger', () => {
  const trigger = pythonCondenserFactory.trigger ?? /$^/;

  it('selects pytest rules and counts lines, unittest status lines and tracebacks', () => {
    for (const line of [
      '============================= test session starts ==============================',
      '=================================== FAILURES ===================================',
      '___________________________________ test_add ___________________________________',
      '=========================== short test summary info ============================',
      '========================= 1 failed, 2 passed in 0.05s ==========================',
      '=== 1 passed in 0.01s ===',
      'FAILED tests/test_calc.py::test_add - assert 4 == 3',
      'Traceback (most recent call last):',
      'Ran 3 tests in 0.001s',
    ])
      expect(trigger.test(line), line).toBe(true);
  });

  it("does not select other tools' rule-like lines, which the condenser ignores anyway", () => {
    // go test -v prints one "=== RUN" per test: in a Go-heavy log they were most of python's lines.
    for (const line of [
      '=== RUN   TestParse',
      '=== CONT  TestParse/empty',
      '=== NAME  TestParse',
      '=== PAUSE x',
    ])
      expect(trigger.test(line), line).toBe(false);
  });
});
