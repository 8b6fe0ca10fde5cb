import { describe, expect, it } from 'vitest';
import {
  isBuildConfigFile,
  isCiWorkflowFile,
  isLintConfigFile,
  isLockfile,
  isTestFile,
} from '../../../src/core/guards/classify-path.ts';

describe('core/guards/classify-path', () => {
  it.each([
    ['src/dates.test.ts', true],
    ['src/dates.spec.jsx', true],
    ['src/__tests__/dates.ts', true],
    ['cypress/e2e/login.cy.ts', true],
    ['test/helpers.js', true],
    ['src/dates.ts', false],
    ['src/testing.ts', false],
    ['tests/test_calc.py', true],
    ['app/calc_test.py', true],
    ['app/conftest.py', true],
    ['app/calc.py', false],
    ['pkg/calc/calc_test.go', true],
    ['pkg/calc/calc.go', false],
    ['src/test/java/com/acme/Calc.java', true],
    ['src/main/java/com/acme/CalcTest.java', true],
    ['src/main/java/com/acme/Contest.java', false],
    ['src/test/kotlin/AcmeTest.kt', true],
    ['tests/parse.rs', true],
    ['src/parse.rs', false],
    ['tests/Calc.Tests/CalcTests.cs', true],
    ['Calc.Tests/Helpers.cs', true],
    ['src/Calc/Calc.cs', false],
    ['spec/models/user_spec.rb', true],
    ['test/models/user_test.rb', true],
    ['app/models/user.rb', false],
    ['tests/Unit/UserTest.php', true],
    ['Tests/AppTests/AppTests.swift', true],
    ['test/app_test.exs', true],
    ['src/parser_unittest.cc', true],
    ['test/widget_test.dart', true],
    ['tests/fixtures/data.json', false],
    ['tests/fixtures/sample.py', false],
    ['src/__snapshots__/a.test.ts.snap', false],
    ['test/README.md', false],
  ])('isTestFile(%s) → %s', (path, expected) => {
    expect(isTestFile(path)).toBe(expected);
  });

  it.each([
    ['package-lock.json', true],
    ['web/yarn.lock', true],
    ['go.sum', true],
    ['Cargo.lock', true],
    ['poetry.lock', true],
    ['package.json', false],
    ['go.mod', false],
  ])('isLockfile(%s) → %s', (path, expected) => {
    expect(isLockfile(path)).toBe(expected);
  });

  it.each([
    ['.github/workflows/ci.yml', true],
    ['.github/actions/setup/action.yml', true],
    ['.gitlab-ci.yml', true],
    ['.circleci/config.yml', true],
    ['Jenkinsfile', true],
    ['docs/workflows/ci.yml', false],
  ])('isCiWorkflowFile(%s) → %s', (path, expected) => {
    expect(isCiWorkflowFile(path)).toBe(expected);
  });

  it('classifies build and lint configuration', () => {
    expect(
      ['package.json', 'jest.config.ts', 'pom.xml', 'tox.ini', '.nycrc.json'].map(isBuildConfigFile),
    ).toEqual([true, true, true, true, true]);
    expect(
      ['eslint.config.js', '.eslintrc.yml', 'tsconfig.base.json', '.rubocop.yml', '.golangci.yml'].map(
        isLintConfigFile,
      ),
    ).toEqual([true, true, true, true, true]);
    expect(isLintConfigFile('src/index.ts')).toBe(false);
  });
});
