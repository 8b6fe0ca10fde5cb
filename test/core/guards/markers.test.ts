import { describe, expect, it } from 'vitest';
import { runGuards } from '../../../src/core/guards/run-guards.ts';
import { diffOf, hunk, modified } from './diff-builders.ts';

/** One added line in a file: which guard finding does it produce? */
function kindsFor(path: string, line: string): string[] {
  const files = diffOf(modified(path, hunk(10, 10, ['   // context', `+${line}`, '   // context'])));
  return runGuards({ files, migrationPrompt: 'Migrate.' }).map((f) => `${f.severity} ${f.kind}`);
}

describe('core/guards skip, focus and suppression markers', () => {
  it.each([
    ['src/a.test.ts', "  it.skip('x', () => {});"],
    ['src/a.test.ts', "  test.skip('x', () => {});"],
    ['src/a.test.ts', "  describe.skip('x', () => {});"],
    ['src/a.test.ts', "  it.todo('x');"],
    ['src/a.test.ts', "  xit('x', () => {});"],
    ['src/a.test.ts', "  xtest('x', () => {});"],
    ['src/a.test.ts', "xdescribe('x', () => {});"],
    ['src/a.spec.js', '    this.skip();'],
    ['e2e/login.spec.ts', "test.fixme('logs in', async ({ page }) => {});"],
    ['src/a.test.ts', "  it.skipIf(process.env.CI)('x', () => {});"],
    ['tests/test_a.py', '@pytest.mark.skip(reason="later")'],
    ['tests/test_a.py', '@pytest.mark.skipif(sys.platform == "win32", reason="x")'],
    ['tests/test_a.py', '@pytest.mark.xfail(strict=False)'],
    ['tests/test_a.py', '    pytest.skip("not ready")'],
    ['tests/test_a.py', '@unittest.skip("later")'],
    ['tests/test_a.py', '        self.skipTest("later")'],
    ['pkg/a_test.go', '\tt.Skip("later")'],
    ['pkg/a_test.go', '\tt.SkipNow()'],
    ['pkg/a_test.go', '\tt.Skipf("later: %s", why)'],
    ['src/test/java/ATest.java', '    @Disabled'],
    ['src/test/java/ATest.java', '    @Ignore("later")'],
    ['src/test/kotlin/ATest.kt', '    @Disabled("later")'],
    ['tests/it.rs', '#[ignore = "slow"]'],
    ['tests/A.Tests/ATests.cs', '    [Fact(Skip = "later")]'],
    ['tests/A.Tests/ATests.cs', '    [Theory(Skip = "later")]'],
    ['tests/A.Tests/ATests.cs', '    [Ignore]'],
    ['tests/A.Tests/ATests.cs', '        Assert.Ignore("later");'],
    ['spec/a_spec.rb', "  xit 'works' do"],
    ['spec/a_spec.rb', '    skip "later"'],
    ['spec/a_spec.rb', "  it 'works', :skip do"],
    ['test/a_test.rb', '    skip("later")'],
    ['tests/Unit/ATest.php', '        $this->markTestSkipped("later");'],
    ['tests/Unit/ATest.php', '        $this->markTestIncomplete("later");'],
    ['Tests/ATests/ATests.swift', '        throw XCTSkip("later")'],
    ['test/a_test.exs', '  @tag :skip'],
    ['src/parser_test.cc', 'TEST(Parser, DISABLED_ParsesNumbers) {'],
    ['test/a_test.dart', "  test('x', () {}, skip: 'later');"],
  ])('%s: %s → test-skipped', (path, line) => {
    expect(kindsFor(path, line)).toEqual(['block test-skipped']);
  });

  it.each([
    ['src/a.test.ts', "  it.only('x', () => {});"],
    ['src/a.test.ts', "describe.only('x', () => {});"],
    ['src/a.test.ts', "  fit('x', () => {});"],
    ['src/a.test.ts', "fdescribe('x', () => {});"],
    ['spec/a_spec.rb', "  fit 'works' do"],
    ['spec/a_spec.rb', "  it 'works', focus: true do"],
    ['test/a.test.mjs', "test('x', { only: true }, () => {});"],
  ])('%s: %s → test-focused', (path, line) => {
    expect(kindsFor(path, line)).toEqual(['block test-focused']);
  });

  it.each([
    ['src/a.ts', '  // @ts-expect-error legacy types'],
    ['src/a.ts', '  // @ts-ignore'],
    ['src/a.ts', '/* eslint-disable no-console */'],
    ['src/a.ts', '  // biome-ignore lint/suspicious/noExplicitAny: legacy'],
    ['app/a.py', 'import os  # noqa'],
    ['app/a.py', 'x = f()  # type: ignore'],
    ['app/a.py', 'def f():  # pylint: disable=invalid-name'],
    ['src/lib.rs', '#[allow(clippy::needless_return)]'],
    ['src/lib.rs', '#![allow(dead_code)]'],
    ['pkg/a.go', 'func f() { //nolint:gocyclo'],
    ['src/main/java/A.java', '    @SuppressWarnings("deprecation")'],
    ['src/A.cs', '#pragma warning disable CS0618'],
    ['app/a.rb', 'def f # rubocop:disable Metrics/MethodLength'],
    ['src/A.php', '        /** @phpstan-ignore-next-line */'],
    ['Sources/A.swift', '// swiftlint:disable force_cast'],
    ['scripts/run.sh', '# shellcheck disable=SC2086'],
  ])('%s: %s → lint-suppression-added', (path, line) => {
    expect(kindsFor(path, line)).toEqual(['warn lint-suppression-added']);
  });

  it.each([
    ['src/a.ts', '/* c8 ignore next */'],
    ['app/a.py', 'if debug:  # pragma: no cover'],
    ['src/A.cs', '[ExcludeFromCodeCoverage]'],
  ])('%s: %s → coverage-exclusion-added', (path, line) => {
    expect(kindsFor(path, line)).toEqual(['warn coverage-exclusion-added']);
  });

  it.each([
    ['a non-test file using a query builder', 'src/db.ts', '  return query.skip(10).limit(5);'],
    ['a string mentioning a marker', 'src/a.test.ts', "  const doc = 'use it.skip( or xit( to skip';"],
    ['a marker in a comment', 'src/a.test.ts', '  // TODO: it.only( while debugging'],
    ['a Python comment', 'tests/test_a.py', '# @pytest.mark.skip would hide this'],
    ['a non-test Ruby file calling skip', 'app/models/a.rb', '    skip_callback :save'],
    ['the word pending in code', 'spec/a_spec.rb', '    expect(order.pending_items).to eq([])'],
    ['an ignore attribute outside Rust', 'src/A.cs', '    [JsonIgnore]'],
    ['an @Ignore-like name', 'src/test/java/ATest.java', '    @IgnoreForBinding'],
    ['suppressions in a string', 'src/a.ts', "  const help = 'add // @ts-ignore to silence';"],
  ])('does not fire on %s', (_name, path, line) => {
    expect(kindsFor(path, line)).toEqual([]);
  });
});
