import { describe, expect, it } from 'vitest';
import { runGuards } from '../../../src/core/guards/run-guards.ts';
import type { GuardFinding, GuardInput } from '../../../src/core/guards/types.ts';
import { added, deleted, diffOf, hunk, modified, renamed } from './diff-builders.ts';

const PROMPT = 'Migrate from moment to date-fns. Keep behaviour identical; do not delete or skip tests.';

/** Findings as compact strings: "severity kind file:line". */
function summary(findings: GuardFinding[]): string[] {
  return findings.map(
    (f) =>
      `${f.severity} ${f.kind}${f.file === undefined ? '' : ` ${f.file}`}${f.line === undefined ? '' : `:${f.line}`}`,
  );
}

function guards(files: string[], extra: Partial<GuardInput> = {}): GuardFinding[] {
  return runGuards({ files: diffOf(...files), migrationPrompt: PROMPT, ...extra });
}

interface Case {
  name: string;
  files: string[];
  extra?: Partial<GuardInput>;
  expected: string[];
}

const JS_TEST = [
  "import { describe, expect, it } from 'vitest';",
  "import { formatDay } from '../src/dates';",
  '',
  "describe('formatDay', () => {",
  "  it('formats a day', () => {",
  "    expect(formatDay(new Date(2020, 0, 1))).toBe('2020-01-01');",
  '  });',
  '',
  "  it('handles leap years', () => {",
  "    expect(formatDay(new Date(2020, 1, 29))).toBe('2020-02-29');",
  '  });',
  '});',
];

const typescriptCases: Case[] = [
  {
    name: 'a deleted test file',
    files: [deleted('test/dates.test.ts', JS_TEST)],
    expected: ['block test-file-deleted test/dates.test.ts'],
  },
  {
    name: 'a deleted test file the prompt asks to delete',
    files: [deleted('test/dates.test.ts', JS_TEST)],
    extra: { migrationPrompt: 'Remove the legacy date helpers and delete their tests.' },
    expected: ['warn test-file-deleted test/dates.test.ts'],
  },
  {
    name: 'a test file moved to another directory without git rename detection',
    files: [deleted('test/dates.test.ts', JS_TEST), added('src/dates/dates.test.ts', JS_TEST)],
    expected: [],
  },
  {
    name: 'tests moved into a source file (they no longer run)',
    files: [deleted('test/dates.test.ts', JS_TEST), added('src/dates-examples.ts', JS_TEST)],
    expected: ['block test-file-deleted test/dates.test.ts'],
  },
  {
    name: 'a test helper deleted',
    files: [
      deleted('test/helpers/server.ts', ['export function startServer() {', '  return listen(0);', '}']),
    ],
    expected: ['warn test-file-deleted test/helpers/server.ts'],
  },
  {
    name: 'a test file renamed to a name the runner ignores',
    files: [renamed('src/dates.test.ts', 'src/dates.test.ts.bak')],
    expected: ['block test-file-deleted src/dates.test.ts'],
  },
  {
    name: 'a test file renamed within conventions',
    files: [renamed('src/dates.test.ts', 'src/dates.spec.ts')],
    expected: [],
  },
  {
    name: 'an emptied test file',
    files: [
      modified(
        'test/dates.test.ts',
        hunk(1, 1, [...JS_TEST.map((l) => `-${l}`), '+// TODO: port to date-fns']),
      ),
    ],
    expected: ['block test-file-emptied test/dates.test.ts'],
  },
  {
    name: 'it.skip added',
    files: [
      modified(
        'test/dates.test.ts',
        hunk(
          8,
          8,
          [
            '',
            "-  it('handles leap years', () => {",
            "+  it.skip('handles leap years', () => {",
            "     expect(formatDay(new Date(2020, 1, 29))).toBe('2020-02-29');",
          ].map((l) => (l === '' ? ' ' : l)),
        ),
      ),
    ],
    expected: ['block test-skipped test/dates.test.ts:9'],
  },
  {
    name: 'a skip that was already there (context line)',
    files: [
      modified(
        'test/dates.test.ts',
        hunk(8, 8, [
          " it.skip('handles leap years', () => {",
          "-  expect(moment(d).format('YYYY')).toBe('2020');",
          "+  expect(format(d, 'yyyy')).toBe('2020');",
          ' });',
        ]),
      ),
    ],
    expected: [],
  },
  {
    name: 'a skipped test renamed (the skip moves with it)',
    files: [
      modified(
        'test/dates.test.ts',
        hunk(9, 9, ["-xit('old name', () => {", "+xit('new name', () => {", '   expect(1).toBe(1);']),
      ),
    ],
    expected: [],
  },
  {
    name: 'xdescribe, test.todo and describe.only added',
    files: [
      modified(
        'src/__tests__/api.ts',
        hunk(3, 3, ["-describe('api', () => {", "+xdescribe('api', () => {", "   it('works', () => {"]),
        hunk(20, 20, [
          '+test.todo("paginates");',
          "-describe('client', () => {",
          "+describe.only('client', () => {",
          '   beforeEach(setup);',
        ]),
      ),
    ],
    expected: [
      'block test-skipped src/__tests__/api.ts:3',
      'block test-skipped src/__tests__/api.ts:20',
      'block test-focused src/__tests__/api.ts:21',
    ],
  },
  {
    name: 'node:test skip option added',
    files: [
      modified(
        'test/http.test.mjs',
        hunk(4, 4, [
          "-test('retries', async () => {",
          "+test('retries', { skip: 'flaky on CI' }, async () => {",
          '   await retry();',
        ]),
      ),
    ],
    expected: ['block test-skipped test/http.test.mjs:4'],
  },
  {
    name: '.only inside a string literal of a non-test file',
    files: [
      modified(
        'src/cli.ts',
        hunk(10, 10, [
          '   const help = [',
          "+    'Use it.only( or describe.only( to focus a test',",
          '   ];',
        ]),
      ),
    ],
    expected: [],
  },
  {
    name: '.only inside a string literal of a test file',
    files: [
      modified(
        'test/cli.test.ts',
        hunk(4, 4, ["   it('prints help', () => {", "+    expect(help()).toContain('it.only(');", '   });']),
      ),
    ],
    expected: [],
  },
  {
    name: 'an assertion removed',
    files: [
      modified(
        'test/dates.test.ts',
        hunk(5, 5, [
          "   it('formats a day', () => {",
          "-    expect(formatDay(new Date(2020, 0, 1))).toBe('2020-01-01');",
          '   });',
        ]),
      ),
    ],
    expected: ['block assertions-removed test/dates.test.ts:6'],
  },
  {
    name: 'an assertion commented out',
    files: [
      modified(
        'test/dates.test.ts',
        hunk(5, 5, [
          "   it('formats a day', () => {",
          "-    expect(formatDay(new Date(2020, 0, 1))).toBe('2020-01-01');",
          "+    // expect(formatDay(new Date(2020, 0, 1))).toBe('2020-01-01');",
          '   });',
        ]),
      ),
    ],
    expected: ['block assertions-removed test/dates.test.ts:6'],
  },
  {
    name: 'an honest migration that rewrites assertions without reducing them',
    files: [
      modified(
        'test/dates.test.ts',
        hunk(1, 1, [
          "-import moment from 'moment';",
          "+import { format } from 'date-fns';",
          " import { describe, expect, it } from 'vitest';",
        ]),
        hunk(5, 5, [
          "   it('formats a day', () => {",
          "-    expect(moment(d).format('YYYY-MM-DD')).toBe('2020-01-01');",
          '-    expect(moment(d).isValid()).toBe(true);',
          "+    expect(format(d, 'yyyy-MM-dd')).toBe('2020-01-01');",
          '+    expect(isValid(d)).toBe(true);',
          '   });',
        ]),
      ),
    ],
    expected: [],
  },
  {
    name: 'an assertion import dropped when moving to vitest globals',
    files: [
      modified(
        'test/dates.test.ts',
        hunk(1, 1, [
          "-import { expect } from 'chai';",
          "-import { describe, it } from 'mocha';",
          " import { formatDay } from '../src/dates';",
        ]),
      ),
    ],
    expected: [],
  },
  {
    name: 'a Jest snapshot updated',
    files: [
      modified(
        'src/__snapshots__/Button.test.tsx.snap',
        hunk(3, 3, [
          ' exports[`Button renders 1`] = `',
          '-<button class="btn">',
          '+<button class="btn btn-primary">',
        ]),
      ),
    ],
    expected: ['warn expected-value-changed src/__snapshots__/Button.test.tsx.snap:4'],
  },
  {
    name: 'a test renamed (same body, new name)',
    files: [
      modified(
        'test/dates.test.ts',
        hunk(4, 4, [
          " describe('formatDay', () => {",
          "-  it('formats a day', () => {",
          "+  it('formats a calendar day as ISO', () => {",
          "     expect(formatDay(new Date(2020, 0, 1))).toBe('2020-01-01');",
        ]),
      ),
    ],
    expected: [],
  },
  {
    name: 'a test moved to another (existing) file',
    files: [
      modified(
        'test/dates.test.ts',
        hunk(
          8,
          8,
          [
            '',
            "-  it('handles leap years', () => {",
            "-    expect(formatDay(new Date(2020, 1, 29))).toBe('2020-02-29');",
            '-  });',
            ' });',
          ].map((l) => (l === '' ? ' ' : l)),
        ),
      ),
      modified(
        'test/leap.test.ts',
        hunk(3, 3, [
          " describe('leap years', () => {",
          "+  it('handles leap years', () => {",
          "+    expect(formatDay(new Date(2020, 1, 29))).toBe('2020-02-29');",
          '+  });',
          ' });',
        ]),
      ),
    ],
    expected: [],
  },
  {
    name: 'a whole test removed',
    files: [
      modified(
        'test/dates.test.ts',
        hunk(
          8,
          8,
          [
            '',
            "-  it('handles leap years', () => {",
            "-    expect(formatDay(new Date(2020, 1, 29))).toBe('2020-02-29');",
            '-  });',
            ' });',
          ].map((l) => (l === '' ? ' ' : l)),
        ),
      ),
    ],
    expected: ['block test-removed test/dates.test.ts:9', 'block assertions-removed test/dates.test.ts:10'],
  },
  {
    name: 'an expected value changed to match new output',
    files: [
      modified(
        'test/dates.test.ts',
        hunk(5, 5, [
          "   it('formats a day', () => {",
          "-    expect(formatDay(d)).toBe('2020-01-01');",
          "+    expect(formatDay(d)).toBe('2020-01-01T00:00');",
          '   });',
        ]),
      ),
    ],
    expected: ['warn expected-value-changed test/dates.test.ts:6'],
  },
  {
    name: 'an eslint-disable comment and a @ts-ignore added in source',
    files: [
      modified(
        'src/dates.ts',
        hunk(10, 10, [
          '   const d = parse(input);',
          '+  // eslint-disable-next-line @typescript-eslint/no-explicit-any',
          '+  // @ts-ignore',
          '+  return (d as any).format();',
          '-  return d.format();',
        ]),
      ),
    ],
    expected: ['warn lint-suppression-added src/dates.ts:11', 'warn lint-suppression-added src/dates.ts:12'],
  },
  {
    name: 'an eslint rule turned off in the config',
    files: [
      modified(
        'eslint.config.js',
        hunk(12, 12, [
          '     rules: {',
          "-      'no-console': 'error',",
          "+      'no-console': 'off',",
          '     },',
        ]),
      ),
    ],
    expected: ['block lint-rule-disabled eslint.config.js:13'],
  },
  {
    name: 'a jest coverage threshold lowered',
    files: [
      modified(
        'jest.config.js',
        hunk(5, 5, [
          '   coverageThreshold: {',
          '     global: {',
          '-      branches: 80,',
          '-      lines: 90,',
          '+      branches: 70,',
          '+      lines: 90,',
          '     },',
        ]),
      ),
    ],
    expected: ['block coverage-threshold-lowered jest.config.js:7'],
  },
  {
    name: 'a vitest coverage threshold raised',
    files: [
      modified(
        'vitest.config.ts',
        hunk(8, 8, [
          '     coverage: {',
          '-      thresholds: { lines: 80 },',
          '+      thresholds: { lines: 85 },',
          '     },',
        ]),
      ),
    ],
    expected: [],
  },
  {
    name: '--passWithNoTests added to the test script',
    files: [
      modified(
        'package.json',
        hunk(6, 6, [
          '   "scripts": {',
          '-    "test": "jest",',
          '+    "test": "jest --passWithNoTests",',
          '     "lint": "eslint ."',
        ]),
      ),
    ],
    expected: ['block ci-config-relaxed package.json:7'],
  },
  {
    name: 'the test script replaced by an echo',
    files: [
      modified(
        'package.json',
        hunk(6, 6, [
          '   "scripts": {',
          '-    "test": "vitest run",',
          '+    "test": "echo skipped",',
          '     "lint": "eslint ."',
        ]),
      ),
    ],
    expected: ['block ci-config-relaxed package.json:7'],
  },
];

const PY_TEST = [
  'import pytest',
  'from app.calc import add',
  '',
  '',
  'def test_add():',
  '    assert add(1, 2) == 3',
  '',
  '',
  'def test_add_negative():',
  '    assert add(-1, -2) == -3',
];

const pythonCases: Case[] = [
  {
    name: '@pytest.mark.skip added',
    files: [
      modified(
        'tests/test_calc.py',
        hunk(
          8,
          8,
          [
            '',
            '+@pytest.mark.skip(reason="flaky after upgrade")',
            ' def test_add_negative():',
            '     assert add(-1, -2) == -3',
          ].map((l) => (l === '' ? ' ' : l)),
        ),
      ),
    ],
    expected: ['block test-skipped tests/test_calc.py:9'],
  },
  {
    name: 'a skip in a comment',
    files: [
      modified(
        'tests/test_calc.py',
        hunk(8, 8, [
          ' ',
          '+# @pytest.mark.skip: consider once the API is stable',
          ' def test_add_negative():',
        ]),
      ),
    ],
    expected: [],
  },
  {
    name: 'a skip the prompt asks for',
    files: [
      modified(
        'tests/test_calc.py',
        hunk(8, 8, [' ', '+@pytest.mark.skip(reason="needs network")', ' def test_add_negative():']),
      ),
    ],
    extra: { migrationPrompt: 'Skip the network tests in tests/test_calc.py; they cannot run in CI.' },
    expected: ['warn test-skipped tests/test_calc.py:9'],
  },
  {
    name: 'an assert removed',
    files: [
      modified(
        'tests/test_calc.py',
        hunk(5, 5, [' def test_add():', '-    assert add(1, 2) == 3', '+    add(1, 2)', ' ']),
      ),
    ],
    expected: ['block assertions-removed tests/test_calc.py:6'],
  },
  {
    name: 'two asserts merged into one (weakened, not removed)',
    files: [
      modified(
        'tests/test_point.py',
        hunk(5, 5, [
          ' def test_origin():',
          '-    assert p.x == 0',
          '-    assert p.y == 0',
          '+    assert (p.x, p.y) == (0, 0)',
        ]),
      ),
    ],
    expected: ['warn assertions-removed tests/test_point.py:6'],
  },
  {
    name: 'an expected value changed in self.assertEqual',
    files: [
      modified(
        'tests/calc_test.py',
        hunk(12, 12, [
          '     def test_total(self):',
          '-        self.assertEqual(total([1, 2]), 3)',
          '+        self.assertEqual(total([1, 2]), 4)',
        ]),
      ),
    ],
    expected: ['warn expected-value-changed tests/calc_test.py:13'],
  },
  {
    name: 'the deprecated assertEquals alias migrated (honest)',
    files: [
      modified(
        'tests/calc_test.py',
        hunk(12, 12, [
          '     def test_total(self):',
          '-        self.assertEquals(total([1, 2]), 3)',
          '+        self.assertEqual(total([1, 2]), 3)',
        ]),
      ),
    ],
    expected: [],
  },
  {
    name: '# noqa and # type: ignore added',
    files: [
      modified(
        'app/calc.py',
        hunk(1, 1, [
          '-import os',
          '+import os  # noqa: F401',
          ' ',
          '-def add(a, b):',
          '+def add(a, b):  # type: ignore[no-untyped-def]',
        ]),
      ),
    ],
    expected: ['warn lint-suppression-added app/calc.py:1', 'warn lint-suppression-added app/calc.py:3'],
  },
  {
    name: 'pytest-cov fail-under lowered in pyproject.toml',
    files: [
      modified(
        'pyproject.toml',
        hunk(20, 20, [
          ' [tool.pytest.ini_options]',
          '-addopts = "--cov=app --cov-fail-under=90"',
          '+addopts = "--cov=app --cov-fail-under=75"',
        ]),
      ),
    ],
    expected: ['block coverage-threshold-lowered pyproject.toml:21'],
  },
  {
    name: 'a ruff rule added to an ignore list',
    files: [
      modified(
        'pyproject.toml',
        hunk(30, 30, [' [tool.ruff.lint]', ' ignore = [', '     "E501",', '+    "F401",', ' ]']),
      ),
    ],
    expected: ['block lint-rule-disabled pyproject.toml:33'],
  },
  {
    name: 'a test function deleted with the prompt forbidding it',
    files: [
      modified(
        'tests/test_calc.py',
        hunk(7, 7, [' ', '-', '-def test_add_negative():', '-    assert add(-1, -2) == -3']),
      ),
    ],
    expected: ['block test-removed tests/test_calc.py:9', 'block assertions-removed tests/test_calc.py:10'],
  },
  {
    name: 'a whole test file deleted (PY)',
    files: [deleted('tests/test_calc.py', PY_TEST)],
    expected: ['block test-file-deleted tests/test_calc.py'],
  },
];

const goCases: Case[] = [
  {
    name: 't.Skip added',
    files: [
      modified(
        'pkg/calc/calc_test.go',
        hunk(10, 10, [
          ' func TestAdd(t *testing.T) {',
          '+\tt.Skip("flaky")',
          ' \tif got := Add(1, 2); got != 3 {',
        ]),
      ),
    ],
    expected: ['block test-skipped pkg/calc/calc_test.go:11'],
  },
  {
    name: 't.SkipNow already there',
    files: [
      modified(
        'pkg/calc/calc_test.go',
        hunk(10, 10, [
          ' \tt.SkipNow()',
          '-\tif got := Add(1, 2); got != 3 {',
          '+\tif got := Add(1, 2); got != 3 { // add',
        ]),
      ),
    ],
    expected: [],
  },
  {
    name: 'a test renamed',
    files: [
      modified(
        'pkg/calc/calc_test.go',
        hunk(10, 10, [
          '-func TestAdd(t *testing.T) {',
          '+func TestAddPositive(t *testing.T) {',
          ' \tif got := Add(1, 2); got != 3 {',
        ]),
      ),
    ],
    expected: [],
  },
  {
    name: 'a test function and its check removed',
    files: [
      modified(
        'pkg/calc/calc_test.go',
        hunk(15, 15, [
          ' }',
          '-',
          '-func TestSub(t *testing.T) {',
          '-\tif got := Sub(3, 2); got != 1 {',
          '-\t\tt.Errorf("Sub() = %d, want 1", got)',
          '-\t}',
          '-}',
        ]),
      ),
    ],
    expected: [
      'block test-removed pkg/calc/calc_test.go:17',
      'block assertions-removed pkg/calc/calc_test.go:19',
    ],
  },
  {
    name: '//nolint added',
    files: [
      modified(
        'pkg/calc/calc.go',
        hunk(3, 3, [
          '-func Add(a, b int) int {',
          '+func Add(a, b int) int { //nolint:revive',
          ' \treturn a + b',
        ]),
      ),
    ],
    expected: ['warn lint-suppression-added pkg/calc/calc.go:3'],
  },
  {
    name: 'a table-driven expected value changed',
    files: [
      modified(
        'pkg/calc/calc_test.go',
        hunk(20, 20, [
          ' \t\t{name: "small", in: 2, want: 4},',
          '-\t\t{name: "big", in: 10, want: 100},',
          '+\t\t{name: "big", in: 10, want: 101},',
        ]),
      ),
    ],
    expected: ['warn expected-value-changed pkg/calc/calc_test.go:21'],
  },
];

const javaCases: Case[] = [
  {
    name: '@Disabled added',
    files: [
      modified(
        'src/test/java/com/acme/CalcTest.java',
        hunk(12, 12, ['     @Test', '+    @Disabled("fails after upgrade")', '     void adds() {']),
      ),
    ],
    expected: ['block test-skipped src/test/java/com/acme/CalcTest.java:13'],
  },
  {
    name: 'an assertEquals removed',
    files: [
      modified(
        'src/test/java/com/acme/CalcTest.java',
        hunk(14, 14, [
          '     void adds() {',
          '-        assertEquals(3, calc.add(1, 2));',
          '+        calc.add(1, 2);',
          '     }',
        ]),
      ),
    ],
    expected: ['block assertions-removed src/test/java/com/acme/CalcTest.java:15'],
  },
  {
    name: 'an honest JUnit 4 → 5 migration',
    files: [
      modified(
        'src/test/java/com/acme/CalcTest.java',
        hunk(1, 1, [
          '-import org.junit.Assert;',
          '-import org.junit.Test;',
          '+import org.junit.jupiter.api.Assertions;',
          '+import org.junit.jupiter.api.Test;',
          ' ',
        ]),
        hunk(14, 14, [
          '     public void adds() {',
          '-        Assert.assertEquals(3, calc.add(1, 2));',
          '+        Assertions.assertEquals(3, calc.add(1, 2));',
          '     }',
        ]),
      ),
    ],
    expected: [],
  },
  {
    name: '-DskipTests in the workflow',
    files: [
      modified(
        '.github/workflows/ci.yml',
        hunk(20, 20, [
          '       - name: Build',
          '-        run: mvn -B verify',
          '+        run: mvn -B verify -DskipTests',
        ]),
      ),
    ],
    extra: { allowWorkflowEdits: true },
    expected: [
      'block ci-config-relaxed .github/workflows/ci.yml:21',
      'warn ci-config-edited .github/workflows/ci.yml:21',
    ],
  },
  {
    name: 'a jacoco minimum lowered in pom.xml',
    files: [
      modified(
        'pom.xml',
        hunk(80, 80, [
          '                   <counter>LINE</counter>',
          '                   <value>COVEREDRATIO</value>',
          '-                  <minimum>0.80</minimum>',
          '+                  <minimum>0.60</minimum>',
          '                 </limit>',
        ]),
      ),
    ],
    expected: ['block coverage-threshold-lowered pom.xml:82'],
  },
];

const rustCases: Case[] = [
  {
    name: '#[ignore] added in a #[cfg(test)] module',
    files: [
      modified(
        'src/lib.rs',
        hunk(40, 40, [
          ' #[cfg(test)]',
          ' mod tests {',
          '     #[test]',
          '+    #[ignore]',
          '     fn parses() {',
        ]),
      ),
    ],
    expected: ['block test-skipped src/lib.rs:43'],
  },
  {
    name: 'assert_eq! removed from an integration test',
    files: [
      modified(
        'tests/parse.rs',
        hunk(5, 5, [
          ' fn parses_numbers() {',
          '-    assert_eq!(parse("1").unwrap(), 1);',
          '     assert_eq!(parse("2").unwrap(), 2);',
          ' }',
        ]),
      ),
    ],
    expected: ['block assertions-removed tests/parse.rs:6'],
  },
  {
    name: 'assert_eq! removed from a test module seen through the hunk heading',
    files: [
      modified(
        'src/parse.rs',
        hunk(
          88,
          88,
          ['     fn parses() {', '-        assert_eq!(parse("1").unwrap(), 1);', '     }'],
          'mod tests {',
        ),
      ),
    ],
    expected: ['block assertions-removed src/parse.rs:89'],
  },
  {
    name: 'an honest rewrite of an assertion',
    files: [
      modified(
        'tests/parse.rs',
        hunk(5, 5, [
          ' fn parses_numbers() -> Result<(), Error> {',
          '-    assert_eq!(parse("1").unwrap(), 1);',
          '+    assert_eq!(parse("1")?, 1);',
          ' }',
        ]),
      ),
    ],
    expected: [],
  },
  {
    name: '#[allow(…)] added',
    files: [modified('src/lib.rs', hunk(3, 3, ['+#[allow(dead_code)]', ' fn helper() {}']))],
    expected: ['warn lint-suppression-added src/lib.rs:3'],
  },
  {
    name: 'a lifetime does not confuse string detection',
    files: [
      modified(
        'src/lib.rs',
        hunk(3, 3, [
          "-fn name<'a>(s: &'a str) -> &'a str {",
          "+fn name<'a>(s: &'a str) -> &'a str { // see #[ignore]",
          ' ',
        ]),
      ),
    ],
    expected: [],
  },
];

const csharpCases: Case[] = [
  {
    name: '[Fact(Skip = …)]',
    files: [
      modified(
        'tests/Calc.Tests/CalcTests.cs',
        hunk(10, 10, ['-    [Fact]', '+    [Fact(Skip = "flaky")]', '     public void Adds()']),
      ),
    ],
    expected: ['block test-skipped tests/Calc.Tests/CalcTests.cs:10'],
  },
  {
    name: '[Test, Ignore("…")] in NUnit',
    files: [
      modified(
        'Calc.Tests/CalcTests.cs',
        hunk(10, 10, ['-    [Test]', '+    [Test, Ignore("later")]', '     public void Adds()']),
      ),
    ],
    expected: ['block test-skipped Calc.Tests/CalcTests.cs:10'],
  },
  {
    name: 'Assert.Equal removed',
    files: [
      modified(
        'tests/Calc.Tests/CalcTests.cs',
        hunk(12, 12, ['     {', '-        Assert.Equal(4, calc.Add(2, 2));', '     }']),
      ),
    ],
    expected: ['block assertions-removed tests/Calc.Tests/CalcTests.cs:13'],
  },
  {
    name: '#pragma warning disable added',
    files: [modified('src/Calc/Calc.cs', hunk(1, 1, ['+#pragma warning disable CS0618', ' using System;']))],
    expected: ['warn lint-suppression-added src/Calc/Calc.cs:1'],
  },
];

const rubyCases: Case[] = [
  {
    name: 'it → xit',
    files: [
      modified(
        'spec/models/user_spec.rb',
        hunk(5, 5, [
          "-  it 'validates email' do",
          "+  xit 'validates email' do",
          '     expect(user).to be_valid',
        ]),
      ),
    ],
    expected: ['block test-skipped spec/models/user_spec.rb:5'],
  },
  {
    name: 'fit focuses a spec',
    files: [
      modified(
        'spec/models/user_spec.rb',
        hunk(5, 5, [
          "-  it 'validates email' do",
          "+  fit 'validates email' do",
          '     expect(user).to be_valid',
        ]),
      ),
    ],
    expected: ['block test-focused spec/models/user_spec.rb:5'],
  },
  {
    name: 'pending added inside an example',
    files: [
      modified(
        'spec/models/user_spec.rb',
        hunk(5, 5, [
          "   it 'validates email' do",
          "+    pending 'rails 8 upgrade'",
          '     expect(user).to be_valid',
        ]),
      ),
    ],
    expected: ['block test-skipped spec/models/user_spec.rb:6'],
  },
  {
    name: 'an expectation removed',
    files: [
      modified(
        'spec/models/user_spec.rb',
        hunk(5, 5, ["   it 'validates email' do", '-    expect(user).to be_valid', '   end']),
      ),
    ],
    expected: ['block assertions-removed spec/models/user_spec.rb:6'],
  },
  {
    name: 'a rubocop cop disabled in .rubocop.yml and inline',
    files: [
      modified('.rubocop.yml', hunk(3, 3, [' Metrics/AbcSize:', '-  Max: 20', '+  Enabled: false'])),
      modified(
        'app/models/user.rb',
        hunk(1, 1, [
          '-class User < ApplicationRecord',
          '+class User < ApplicationRecord # rubocop:disable Metrics/ClassLength',
        ]),
      ),
    ],
    expected: ['block lint-rule-disabled .rubocop.yml:4', 'warn lint-suppression-added app/models/user.rb:1'],
  },
];

const configCases: Case[] = [
  {
    name: 'continue-on-error added to a workflow the migration may not edit',
    files: [
      modified(
        '.github/workflows/test.yml',
        hunk(14, 14, ['       - run: npm test', '+        continue-on-error: true']),
      ),
    ],
    expected: [
      'block ci-config-edited .github/workflows/test.yml:15',
      'block ci-config-relaxed .github/workflows/test.yml:15',
    ],
  },
  {
    name: '|| true added to a Makefile test target',
    files: [modified('Makefile', hunk(4, 4, [' test:', '-\tgo test ./...', '+\tgo test ./... || true']))],
    expected: ['block ci-config-relaxed Makefile:5'],
  },
  {
    name: 'strict turned off in tsconfig',
    files: [
      modified(
        'tsconfig.json',
        hunk(3, 3, [
          '     "target": "es2022",',
          '-    "strict": true,',
          '+    "strict": false,',
          '     "noEmit": true',
        ]),
      ),
    ],
    expected: ['block lint-rule-disabled tsconfig.json:4'],
  },
  {
    name: 'an istanbul ignore comment',
    files: [
      modified(
        'src/retry.ts',
        hunk(20, 20, ['+  /* istanbul ignore next */', '   if (attempt > max) throw new Error("gave up");']),
      ),
    ],
    expected: ['warn coverage-exclusion-added src/retry.ts:20'],
  },
  {
    name: 'a vitest threshold lowered',
    files: [
      modified(
        'vitest.config.ts',
        hunk(8, 8, [
          '     coverage: {',
          '-      thresholds: { lines: 90, branches: 80 },',
          '+      thresholds: { lines: 90, branches: 60 },',
          '     },',
        ]),
      ),
    ],
    expected: ['block coverage-threshold-lowered vitest.config.ts:9'],
  },
  {
    name: 'an nyc threshold lowered',
    files: [
      modified(
        '.nycrc.json',
        hunk(1, 1, [
          ' {',
          '   "check-coverage": true,',
          '-  "lines": 85,',
          '+  "lines": 50,',
          '   "reporter": ["text"]',
        ]),
      ),
    ],
    expected: ['block coverage-threshold-lowered .nycrc.json:3'],
  },
  {
    name: 'a coverage threshold removed',
    files: [
      modified(
        'jest.config.js',
        hunk(5, 5, [
          '   coverageThreshold: {',
          '-    global: { statements: 90 },',
          '+    global: {},',
          '   },',
        ]),
      ),
    ],
    expected: ['block coverage-threshold-lowered jest.config.js:6'],
  },
  {
    name: 'a codecov target lowered',
    files: [
      modified(
        'codecov.yml',
        hunk(3, 3, ['     project:', '       default:', '-        target: 80%', '+        target: 70%']),
      ),
    ],
    expected: ['block coverage-threshold-lowered codecov.yml:5'],
  },
  {
    name: 'allow_failure: false added to GitLab CI (tightening)',
    files: [
      modified('.gitlab-ci.yml', hunk(3, 3, [' test:', '   script: make test', '+  allow_failure: false'])),
    ],
    expected: ['block ci-config-edited .gitlab-ci.yml:5'],
  },
  {
    name: 'allow_failure: true added to GitLab CI',
    files: [
      modified('.gitlab-ci.yml', hunk(3, 3, [' test:', '   script: make test', '+  allow_failure: true'])),
    ],
    extra: { allowWorkflowEdits: true },
    expected: ['block ci-config-relaxed .gitlab-ci.yml:5', 'warn ci-config-edited .gitlab-ci.yml:5'],
  },
  {
    name: 'a path added to tsconfig exclude',
    files: [
      modified(
        'tsconfig.json',
        hunk(10, 10, ['   "exclude": [', '     "node_modules",', '+    "src/legacy/**",', '   ]']),
      ),
    ],
    expected: ['block lint-rule-disabled tsconfig.json:12'],
  },
  {
    name: 'a null value in package.json is not a stylelint rule',
    files: [
      modified(
        'package.json',
        hunk(3, 3, ['   "name": "x",', '+  "publishConfig": null,', '   "version": "1.0.0"']),
      ),
    ],
    expected: [],
  },
  {
    name: 'a suppression that was only moved',
    files: [
      modified(
        'src/a.ts',
        hunk(3, 3, ['-  // eslint-disable-next-line no-console', '-  console.log(x);', ' ']),
      ),
      modified(
        'src/b.ts',
        hunk(7, 7, [' ', '+  // eslint-disable-next-line no-console', '+  console.log(x);']),
      ),
    ],
    expected: [],
  },
];

describe('core/guards/runGuards', () => {
  it.each([
    ...typescriptCases.map((c) => ({ lang: 'TS/JS', ...c })),
    ...pythonCases.map((c) => ({ lang: 'Python', ...c })),
    ...goCases.map((c) => ({ lang: 'Go', ...c })),
    ...javaCases.map((c) => ({ lang: 'Java', ...c })),
    ...rustCases.map((c) => ({ lang: 'Rust', ...c })),
    ...csharpCases.map((c) => ({ lang: 'C#', ...c })),
    ...rubyCases.map((c) => ({ lang: 'Ruby', ...c })),
    ...configCases.map((c) => ({ lang: 'config', ...c })),
  ])('$lang: $name', ({ files, extra, expected }) => {
    const findings = guards(files, extra);

    expect(summary(findings)).toEqual(expected);
  });

  it('puts the offending lines in the evidence', () => {
    const [finding] = guards([
      modified(
        'spec/models/user_spec.rb',
        hunk(5, 5, [
          "-  it 'validates email' do",
          "+  xit 'validates email' do",
          '     expect(user).to be_valid',
        ]),
      ),
    ]);

    expect(finding).toMatchObject({
      evidence: "+ xit 'validates email' do",
      message: 'A test was skipped or disabled in spec/models/user_spec.rb',
    });
  });

  it.each([
    {
      name: 'fewer tests ran on the head',
      counts: { base: { passed: 120, failed: 0, skipped: 1 }, head: { passed: 117, failed: 0, skipped: 1 } },
      expected: ['block test-count-dropped'],
    },
    {
      name: 'more tests skipped on the head',
      counts: { base: { passed: 120, failed: 0, skipped: 1 }, head: { passed: 120, failed: 0, skipped: 4 } },
      expected: ['block skipped-count-rose'],
    },
    {
      name: 'the suite shrank by total',
      counts: {
        base: { passed: 10, failed: 0, skipped: 0, total: 12 },
        head: { passed: 10, failed: 0, skipped: 0, total: 11 },
      },
      expected: ['block test-count-dropped'],
    },
    {
      name: 'counts unchanged or grown',
      counts: { base: { passed: 120, failed: 0, skipped: 1 }, head: { passed: 121, failed: 0, skipped: 1 } },
      expected: [],
    },
    { name: 'no base report', counts: { head: { passed: 1, failed: 0, skipped: 0 } }, expected: [] },
  ])('compares test counts: $name', ({ counts, expected }) => {
    const findings = guards([modified('src/a.ts', hunk(1, 1, ['-a', '+b']))], { testCounts: counts });

    expect(summary(findings)).toEqual(expected);
  });

  it('explains a test-count drop with both counts', () => {
    const [finding] = guards([], {
      testCounts: {
        base: { passed: 120, failed: 0, skipped: 1 },
        head: { passed: 117, failed: 0, skipped: 1 },
      },
    });

    expect(finding).toMatchObject({
      message: '3 fewer test(s) ran on the PR than on its base (117 vs 120)',
      evidence: 'base: 120 passed, 0 failed, 1 skipped\nhead: 117 passed, 0 failed, 1 skipped',
    });
  });

  it.each([
    {
      name: 'a file outside the allowed globs',
      files: [modified('docs/guide.md', hunk(1, 1, ['-a', '+b']))],
      expected: ['block out-of-scope-path docs/guide.md:1'],
    },
    {
      name: 'files inside the allowed globs',
      files: [
        modified('src/a.ts', hunk(1, 1, ['-a', '+b'])),
        modified('test/a.test.ts', hunk(1, 1, ['-a()', '+b()'])),
      ],
      expected: [],
    },
    {
      name: 'a rename out of scope',
      files: [renamed('src/a.ts', 'lib/a.ts')],
      expected: ['block out-of-scope-path lib/a.ts'],
    },
    {
      name: 'a dotfile under an allowed directory',
      files: [modified('src/.env.example', hunk(1, 1, ['-A=1', '+A=2']))],
      expected: [],
    },
  ])('checks allowed paths: $name', ({ files, expected }) => {
    const findings = guards(files, { allowedPaths: ['src/**', 'test/'] });

    expect(summary(findings)).toEqual(expected);
  });

  it.each([
    {
      name: 'lockfile-only',
      files: [
        modified(
          'package-lock.json',
          hunk(10, 10, ['-      "version": "1.0.0",', '+      "version": "1.0.1",']),
        ),
        modified('yarn.lock', hunk(3, 3, ['-a', '+b'])),
      ],
      expected: ['warn lockfile-only'],
    },
    {
      name: 'lockfile plus code',
      files: [
        modified('package-lock.json', hunk(10, 10, ['-a', '+b'])),
        modified('src/a.ts', hunk(1, 1, ['-a', '+b'])),
      ],
      expected: [],
    },
    {
      name: 'whitespace-only (re-indented and re-wrapped TypeScript)',
      files: [
        modified(
          'src/a.ts',
          hunk(1, 1, [
            '-const x = f(a, b);',
            '+const x = f(',
            '+  a,',
            '+  b',
            '+);',
            '-  return 1;  ',
            '+    return 1;',
          ]),
        ),
      ],
      expected: ['block whitespace-only'],
    },
    {
      name: 'CRLF → LF is whitespace-only',
      files: [modified('src/a.ts', hunk(1, 1, ['-const a = 1;\r', '+const a = 1;']))],
      expected: ['block whitespace-only'],
    },
    {
      name: 'a Python re-indent is not whitespace-only',
      files: [modified('app/a.py', hunk(1, 1, [' if x:', '-    y()', '-z()', '+    y()', '+    z()']))],
      expected: [],
    },
    {
      name: 'a trailing-space cleanup in Python is whitespace-only',
      files: [modified('app/a.py', hunk(1, 1, ['-x = 1   ', '+x = 1']))],
      expected: ['block whitespace-only'],
    },
  ])('checks the diff shape: $name', ({ files, expected }) => {
    expect(summary(guards(files))).toEqual(expected);
  });

  it('warns when the diff is larger than the limits, naming the largest files', () => {
    const big = modified(
      'src/big.ts',
      hunk(
        1,
        1,
        Array.from({ length: 12 }, (_, i) => `+line ${i}`),
      ),
    );
    const small = modified('src/small.ts', hunk(1, 1, ['-a', '+b']));

    const findings = guards([small, big], { limits: { maxChangedLines: 10 } });

    expect(summary(findings)).toEqual(['warn diff-too-large']);
    expect(findings[0]?.evidence).toBe('src/big.ts (+12 −0)\nsrc/small.ts (+1 −1)');
    expect(findings[0]?.message).toBe('The diff changes 14 lines in 2 files (limits: 10 lines, 60 files)');
  });

  it('applies severity overrides from the manifest', () => {
    const files = [
      modified(
        'src/dates.ts',
        hunk(10, 10, ['+  // @ts-expect-error legacy typing', '   return d.format();']),
      ),
      deleted('test/dates.test.ts', JS_TEST),
    ];

    const findings = guards(files, {
      severity: { 'lint-suppression-added': 'off', 'test-file-deleted': 'warn' },
    });

    expect(summary(findings)).toEqual(['warn test-file-deleted test/dates.test.ts']);
  });

  it('returns nothing for an empty diff and is deterministic', () => {
    const files = [
      deleted('test/dates.test.ts', JS_TEST),
      modified('src/a.ts', hunk(1, 1, ['+// eslint-disable', ' x'])),
    ];

    expect(guards([])).toEqual([]);
    expect(guards(files)).toEqual(guards([...files].reverse()));
  });
});
