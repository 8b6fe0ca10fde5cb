/**
 * Line-level recognisers for test code across languages: test declarations, assertions, skip
 * and focus markers, lint suppressions. Each works on one line of source at a time, after
 * string literals and comments were blanked out, so `"it.only("` in a string or
 * `// @Disabled` in a comment never counts. Multi-line strings and block comments are only
 * partly recognised (a line-based view of a diff cannot do better); the guards therefore
 * compare counts between removed and added lines, where such noise cancels out.
 */
import type { Language } from './classify-path.ts';

const QUOTES: Record<Language, string> = {
  js: `'"\``,
  python: `'"`,
  go: '"`\'',
  java: `"'`,
  // Rust lifetimes ('a) look like char literals: only double quotes delimit strings there.
  rust: '"',
  csharp: `"'`,
  ruby: `'"`,
  php: `'"`,
  swift: '"',
  elixir: `"'`,
  cpp: `"'`,
  dart: `'"`,
  other: `'"`,
};

const STRING_LITERALS = Object.fromEntries(
  Object.entries(QUOTES).map(([lang, quotes]) => [
    lang,
    // A quote, then escaped characters or anything but that quote, then the same quote or the end
    // of the line (an unterminated literal continues on the next line).
    new RegExp(`([${quotes}])(?:\\\\.|(?!\\1)[^\\\\])*(?:\\1|$)`, 'g'),
  ]),
) as Record<Language, RegExp>;

/** Replaces the contents of string literals with nothing, keeping the quotes: `f("a.only(")` → `f("")`. */
export function blankStrings(line: string, lang: Language): string {
  if (!/["'`]/.test(line)) return line;
  return line.replace(STRING_LITERALS[lang], '$1$1');
}

/** Removes comments from a line whose strings were blanked; whole-line block-comment bodies become `''`. */
export function stripComments(line: string, lang: Language): string {
  const trimmed = line.trimStart();
  if (/^(?:\*|\/\*)/.test(trimmed) && lang !== 'python' && lang !== 'ruby' && lang !== 'elixir') return '';
  let code = line.replace(/\/\*.*?\*\//g, '');
  if (lang === 'python' || lang === 'ruby' || lang === 'elixir') {
    const hash = code.indexOf('#');
    if (hash >= 0) code = code.slice(0, hash);
  } else {
    const slashes = code.indexOf('//');
    if (slashes >= 0) code = code.slice(0, slashes);
    if (lang === 'php') code = code.replace(/#(?!\[).*$/, '');
    code = code.replace(/\/\*.*$/, '');
  }
  return code;
}

/** The code of a line: strings blanked, comments removed. */
export function codeOf(line: string, lang: Language): string {
  return stripComments(blankStrings(line, lang), lang);
}

/** Assertion calls, counted per occurrence. Checked on code only (see `codeOf`). */
const ASSERTIONS =
  /\bexpect\b|\bassert(?:[A-Z_]\w*)?\b|\bAssert\.\w+|\bAssertions\.\w+|\bshould(?:_not)?\b|\.Should\(|\bverify\s*\(|\bis_expected\b|\brefute\w*\b|\bmust_\w+|\bwont_\w+|\bexpectException\w*|\bXCTAssert\w*|\b(?:EXPECT|ASSERT)_[A-Z_]+\b|\bpytest\.raises\b|\brequire\.[A-Z]\w*|\bt\.(?:Error|Errorf|Fatal|Fatalf|Fail|FailNow)\b/g;

/** Test declarations (a test case, not a suite), per language. */
const TEST_DECLARATIONS: Record<Language, RegExp | undefined> = {
  js: /(?:^|[^\w.$])(?:[xf]?it|x?test|[xf]?specify)(?:\.\w+)*\s*[(`]/g,
  python: /^\s*(?:async\s+)?def\s+test\w*\s*\(/g,
  go: /^\s*func\s+(?:Test|Fuzz)\w*\s*\(|\bt\.Run\s*\(/g,
  java: /@(?:Test|ParameterizedTest|RepeatedTest|TestFactory|TestTemplate)\b/g,
  rust: /#\[(?:(?:tokio|async_std|actix_rt|sqlx)::)?test\b|#\[rstest\b|#\[test_case\b/g,
  csharp: /\[\s*(?:[\w.]+\s*,\s*)*(?:Fact|Theory|Test|TestMethod|TestCase|TestCaseSource|DataTestMethod)\b/g,
  ruby: /^\s*(?:[xf]?it|[xf]?specify|[xf]?example|[xf]?scenario)\b\s*(?:\(|['"{]|do\b)|^\s*def\s+test_\w*|^\s*test\s+['"]/g,
  php: /\bfunction\s+test\w*\s*\(|@test\b|#\[Test\]/g,
  swift: /\bfunc\s+test\w*\s*\(|@Test\b/g,
  elixir: /^\s*test\s+"/g,
  cpp: /\b(?:TEST|TEST_F|TEST_P|TYPED_TEST|TYPED_TEST_P)\s*\(/g,
  dart: /\b(?:test|testWidgets)\s*\(/g,
  other: undefined,
};

/** A skip or focus marker kind: `focus` runs only some tests (`.only`, `fit`), `skip` disables some. */
export type MarkerKind = 'skip' | 'focus';

interface MarkerPattern {
  id: string;
  kind: MarkerKind;
  pattern: RegExp;
}

const JS_MARKERS: MarkerPattern[] = [
  {
    id: 'js-dot-skip',
    kind: 'skip',
    pattern: /\b(?:describe|context|suite|it|test|specify|bench)\.(?:skip|todo|skipIf|fixme)\b/,
  },
  { id: 'js-x-prefix', kind: 'skip', pattern: /\b(?:xdescribe|xcontext|xit|xtest|xspecify|xsuite)\s*\(/ },
  { id: 'js-this-skip', kind: 'skip', pattern: /\bthis\.skip\s*\(|\bctx\.skip\s*\(|\bt\.skip\s*\(/ },
  { id: 'js-pending', kind: 'skip', pattern: /^\s*pending\s*\(/ },
  // node:test options: test('x', { skip: true }, fn) / { todo: 'reason' } / { only: true }.
  { id: 'node-test-skip-option', kind: 'skip', pattern: /[{,]\s*(?:skip|todo)\s*:\s*(?:true\b|['"`])/ },
  { id: 'node-test-only-option', kind: 'focus', pattern: /[{,]\s*only\s*:\s*true\b/ },
  { id: 'js-dot-only', kind: 'focus', pattern: /\b(?:describe|context|suite|it|test|specify)\.only\b/ },
  { id: 'js-f-prefix', kind: 'focus', pattern: /\b(?:fdescribe|fit|fcontext)\s*\(/ },
];

const MARKERS: Record<Language, MarkerPattern[]> = {
  js: JS_MARKERS,
  python: [
    {
      id: 'pytest-mark-skip',
      kind: 'skip',
      pattern: /@pytest\.mark\.(?:skip|skipif|xfail)\b|\bpytestmark\b.*\bmark\.(?:skip|skipif|xfail)\b/,
    },
    { id: 'pytest-skip-call', kind: 'skip', pattern: /\bpytest\.(?:skip|xfail|importorskip)\s*\(/ },
    {
      id: 'unittest-skip',
      kind: 'skip',
      pattern: /@(?:unittest\.)?(?:skip|skipIf|skipUnless|expectedFailure)\b/,
    },
    {
      id: 'unittest-skip-call',
      kind: 'skip',
      pattern: /\bself\.skipTest\s*\(|\braise\s+(?:unittest\.)?SkipTest\b/,
    },
  ],
  go: [{ id: 'go-skip', kind: 'skip', pattern: /\b[tbf]\.(?:Skip|Skipf|SkipNow)\s*\(/ }],
  java: [
    { id: 'junit-disabled', kind: 'skip', pattern: /@(?:Disabled\w*|Ignore|Ignored)\b/ },
    { id: 'junit-assume', kind: 'skip', pattern: /\bassume(?:True|False|That|NotNull|NoException)\s*\(/ },
  ],
  rust: [{ id: 'rust-ignore', kind: 'skip', pattern: /#\[ignore\b/ }],
  csharp: [
    {
      id: 'xunit-skip',
      kind: 'skip',
      pattern: /\[\s*(?:[\w.]+\s*,\s*)*(?:Fact|Theory|SkippableFact)\s*\([^\]]*\bSkip\s*=/,
    },
    {
      id: 'nunit-ignore',
      kind: 'skip',
      pattern: /\[\s*(?:[\w.]+(?:\([^)]*\))?\s*,\s*)*(?:Ignore|Explicit)\b/,
    },
    {
      id: 'assert-ignore',
      kind: 'skip',
      pattern: /\bAssert\.(?:Ignore|Inconclusive)\s*\(|\bSkip\.(?:If|Unless)\s*\(/,
    },
  ],
  ruby: [
    {
      id: 'rspec-x-prefix',
      kind: 'skip',
      pattern: /^\s*(?:xit|xdescribe|xcontext|xspecify|xexample|xscenario|xfeature)\b/,
    },
    {
      id: 'rspec-skip',
      kind: 'skip',
      pattern: /^\s*(?:skip|pending)\b|\bskip\s*\(|,\s*(?::skip|skip:\s*true)\b/,
    },
    {
      id: 'rspec-focus',
      kind: 'focus',
      pattern: /^\s*(?:fit|fdescribe|fcontext|fspecify|fexample|fscenario)\b|\bfocus:\s*true\b|,\s*:focus\b/,
    },
  ],
  php: [
    {
      id: 'phpunit-skip',
      kind: 'skip',
      pattern: /\bmarkTest(?:Skipped|Incomplete)\s*\(|@group\s+(?:skip|disabled)\b|#\[(?:Skip|Ignore)\w*/,
    },
  ],
  swift: [{ id: 'xctest-skip', kind: 'skip', pattern: /\bXCTSkip(?:If|Unless)?\b|\.disabled\s*\(/ }],
  elixir: [{ id: 'exunit-skip', kind: 'skip', pattern: /@(?:module)?tag\s+(?::skip\b|skip:)/ }],
  cpp: [{ id: 'gtest-disabled', kind: 'skip', pattern: /\bDISABLED_\w+|\bGTEST_SKIP\s*\(/ }],
  dart: [{ id: 'dart-skip', kind: 'skip', pattern: /\bskip\s*:\s*(?:true|['"])/ }],
  other: [],
};

export interface SuppressionPattern {
  id: string;
  /** `coverage` markers exclude code from coverage; the others silence a linter or type checker. */
  kind: 'lint' | 'coverage';
  pattern: RegExp;
}

/** Inline suppressions. Checked on lines with strings blanked but comments kept (they live in comments). */
const SUPPRESSIONS: SuppressionPattern[] = [
  { id: 'ts-ignore', kind: 'lint', pattern: /@ts-(?:ignore|expect-error|nocheck)\b/ },
  {
    id: 'eslint-disable',
    kind: 'lint',
    pattern:
      /\beslint-disable(?:-next-line|-line)?\b|\b(?:biome|deno-lint|oxlint)-ignore\b|\boxlint-disable\b|\bstylelint-disable\b/,
  },
  {
    id: 'python-noqa',
    kind: 'lint',
    pattern:
      /#\s*(?:noqa\b|type:\s*ignore\b|pylint:\s*disable\b|pyright:\s*ignore\b|mypy:\s*ignore-errors\b|ruff:\s*noqa\b|nosec\b)/,
  },
  { id: 'rust-allow', kind: 'lint', pattern: /#!?\[(?:allow|expect)\s*\(/ },
  { id: 'go-nolint', kind: 'lint', pattern: /\/\/\s*(?:nolint\b|lint:ignore\b)|#nosec\b/ },
  {
    id: 'java-suppress',
    kind: 'lint',
    pattern: /@Suppress(?:Warnings|FBWarnings)?\s*\(|\/\/\s*NOSONAR\b|CHECKSTYLE[:.]?OFF\b/,
  },
  {
    id: 'csharp-pragma',
    kind: 'lint',
    pattern: /#pragma\s+warning\s+disable\b|\[SuppressMessage\s*\(|ReSharper\s+disable\b/,
  },
  { id: 'rubocop-disable', kind: 'lint', pattern: /#\s*(?:rubocop|standard):(?:disable|todo)\b/ },
  {
    id: 'php-ignore',
    kind: 'lint',
    pattern: /@phpstan-ignore|@psalm-suppress\b|phpcs:(?:ignore|disable)\b|@codingStandardsIgnore/,
  },
  { id: 'swiftlint-disable', kind: 'lint', pattern: /swiftlint:disable\b/ },
  {
    id: 'cpp-nolint',
    kind: 'lint',
    pattern: /\/\/\s*NOLINT|#pragma\s+(?:GCC|clang)\s+diagnostic\s+ignored\b/,
  },
  { id: 'shellcheck-disable', kind: 'lint', pattern: /#\s*shellcheck\s+disable=/ },
  {
    id: 'coverage-ignore',
    kind: 'coverage',
    pattern:
      /\b(?:istanbul|c8|v8)\s+ignore\b|#\s*pragma:\s*no\s*cover\b|\/\/\s*coverage:ignore|@codeCoverageIgnore|\[ExcludeFromCodeCoverage\b|\bLCOV_EXCL_/,
  },
];

/**
 * Import-like lines name assertion helpers without calling them (`import { expect } from 'chai'`,
 * `import static org.junit.Assert.assertEquals;`): dropping one is not dropping an assertion.
 */
const IMPORT_LINE =
  /^\s*(?:import\b|export\s+\{|from\s+[\w.]+\s+import\b|using\s+[\w.]+\s*;|use\s+[\w:]+|require(?:_relative)?\b|#include\b|package\s+[\w.]+|(?:const|let|var)\s+[\w{}\s,]+=\s*require\s*\()/;

/** All suppression patterns in one, to skip the common case (no suppression) with a single test. */
const ANY_SUPPRESSION = new RegExp(SUPPRESSIONS.map((s) => `(?:${s.pattern.source})`).join('|'));

/** Number of assertion calls in a line of code (0 for import lines). */
export function countAssertions(code: string, _lang: Language): number {
  if (IMPORT_LINE.test(code)) return 0;
  return [...code.matchAll(ASSERTIONS)].length;
}

/** Number of test declarations (test cases) in a line of code. */
export function countTestDeclarations(code: string, lang: Language): number {
  const pattern = TEST_DECLARATIONS[lang];
  return pattern === undefined ? 0 : [...code.matchAll(pattern)].length;
}

/** Skip/focus markers in a line of code, each with the id of the pattern that matched. */
export function findTestMarkers(code: string, lang: Language): { id: string; kind: MarkerKind }[] {
  return MARKERS[lang].filter((m) => m.pattern.test(code)).map(({ id, kind }) => ({ id, kind }));
}

/** Inline lint/type/coverage suppressions in a line whose strings were blanked (comments kept). */
export function findSuppressions(line: string): { id: string; kind: 'lint' | 'coverage' }[] {
  if (!ANY_SUPPRESSION.test(line)) return [];
  return SUPPRESSIONS.filter((s) => s.pattern.test(line)).map(({ id, kind }) => ({ id, kind }));
}

/**
 * The "shape" of a line: literals (strings, numbers, booleans, null-likes) replaced by
 * placeholders and whitespace collapsed. Two lines with the same shape differ only in values.
 * Also returns the literals, in order.
 */
export function literalShape(line: string): { shape: string; literals: string[] } {
  const literals: string[] = [];
  const shape = line
    .replace(
      /(["'`])(?:\\.|(?!\1)[^\\])*\1|\b\d+(?:\.\d+)?(?:e[+-]?\d+)?[a-zA-Z%]*\b|\b(?:true|false|True|False|null|nil|None|undefined|NaN)\b/g,
      (literal) => {
        literals.push(literal);
        return '\u0000';
      },
    )
    .replace(/\s+/g, ' ')
    .trim();
  return { shape, literals };
}
