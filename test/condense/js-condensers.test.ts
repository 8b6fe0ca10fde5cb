/**
 * Sample-line tests for the JavaScript condensers: formats and variants that the live and
 * recorded runs do not print (other reporters, older versions, crash paths, Windows paths).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { condenseText } from '../../src/condense/condense.ts';
import { parseWorkflowCommand } from '../../src/condense/actions.ts';
import { splitStylishMessage } from '../../src/condense/eslint.ts';
import { parseTestFrame } from '../../src/condense/js-test-block.ts';
import { parseJestCounts } from '../../src/condense/jest.ts';
import { summarizeNpmError } from '../../src/condense/npm.ts';
import { parseVitestCounts } from '../../src/condense/vitest.ts';

const lines = (...l: string[]) => l.join('\n');

describe('condense/tsc on Windows runners', () => {
  it('makes D:\\a\\<repo>\\<repo>\\ paths repo-relative with forward slashes', () => {
    const report = condenseText(
      "D:\\a\\app\\app\\src\\x.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.",
    );

    expect(report.findings[0]).toMatchObject({ file: 'src/x.ts', line: 3, column: 7, code: 'TS2322' });
  });
});

describe('condense/eslint formats', () => {
  it.each([
    [
      "'x' is defined but never used  no-unused-vars",
      { message: "'x' is defined but never used", rule: 'no-unused-vars' },
    ],
    ['Parsing error: Unexpected token )', { message: 'Parsing error: Unexpected token )' }],
    [
      'Missing return type  @typescript-eslint/explicit-function-return-type',
      { message: 'Missing return type', rule: '@typescript-eslint/explicit-function-return-type' },
    ],
  ])('splits %j', (rest, expected) => {
    expect(splitStylishMessage(rest)).toEqual(expected);
  });

  it('reads the unix and compact formatters', () => {
    const report = condenseText(
      lines(
        "/home/runner/work/r/r/src/a.js:2:9: 'unused' is assigned a value but never used. [Error/no-unused-vars]",
        "/home/runner/work/r/r/src/b.js: line 3, col 13, Warning - Expected '===' and instead saw '=='. (eqeqeq)",
        '2 problems',
      ),
      { tools: ['eslint'] },
    );

    expect(report.findings).toEqual([
      expect.objectContaining({
        file: 'src/a.js',
        line: 2,
        column: 9,
        code: 'no-unused-vars',
        severity: 'error',
      }),
      expect.objectContaining({ file: 'src/b.js', line: 3, column: 13, code: 'eqeqeq', severity: 'warning' }),
    ]);
  });

  it('reports a parsing error without a rule id and a config crash', () => {
    const report = condenseText(
      lines(
        '/w/src/broken.ts',
        '  4:1  error  Parsing error: Declaration or statement expected',
        '',
        '✖ 1 problem (1 error, 0 warnings)',
        '',
        'Oops! Something went wrong! :(',
        '',
        'ESLint: 9.39.1',
        '',
        'TypeError: Key "rules": Key "react/jsx-key": Could not find plugin "react".',
        '',
      ),
      { repoRoot: '/w' },
    );

    expect(report.findings).toEqual([
      expect.objectContaining({
        file: 'src/broken.ts',
        line: 4,
        column: 1,
        message: 'Parsing error: Declaration or statement expected',
      }),
      expect.objectContaining({
        kind: 'build-error',
        message: 'TypeError: Key "rules": Key "react/jsx-key": Could not find plugin "react".',
      }),
    ]);
    expect(report.findings[0]?.code).toBeUndefined();
  });

  it('fails a warnings-only run that hit --max-warnings', () => {
    const report = condenseText(
      lines(
        '/w/src/a.js',
        '  3:13  warning  Expected === and instead saw ==  eqeqeq',
        '',
        '✖ 1 problem (0 errors, 1 warning)',
        '',
        'ESLint found too many warnings (maximum: 0).',
      ),
      { repoRoot: '/w' },
    );

    expect(report.conclusion).toBe('failure');
    expect(report.findings.map((f) => f.code)).toEqual(['max-warnings', 'eqeqeq']);
  });

  it('ignores indented lines without a file header', () => {
    expect(condenseText('  2:9  error  looks like eslint  no-rule\n').findings).toEqual([]);
  });
});

describe('condense/prettier', () => {
  it('lists unformatted files once the summary confirms a check', () => {
    const report = condenseText(
      lines(
        'Checking formatting...',
        '[warn] src/a.ts',
        '[warn] test/b.test.ts',
        '[warn] Code style issues found in 2 files. Run Prettier with --write to fix.',
        '[error] src/c.ts: SyntaxError: Unexpected token (3:5)',
      ),
    );

    expect(report.findings.map((f) => [f.tool, f.kind, f.file, f.line ?? null])).toEqual([
      ['prettier', 'format-error', 'src/a.ts', null],
      ['prettier', 'format-error', 'test/b.test.ts', null],
      ['prettier', 'format-error', 'src/c.ts', 3],
    ]);
  });

  it('does not treat other "[warn]" lines as findings', () => {
    expect(condenseText('[warn] deprecated option\n', { exitCode: 0 }).findings).toEqual([]);
  });
});

describe('condense/vitest variants', () => {
  it.each([
    ['3 failed | 2 passed | 1 skipped', 6, { passed: 2, failed: 3, skipped: 1, total: 6 }],
    ['12 passed | 2 todo', 14, { passed: 12, failed: 0, skipped: 2, total: 14 }],
  ])('parses counts %j', (list, total, expected) => {
    expect(parseVitestCounts(list, total)).toEqual(expected);
  });

  it('reads suite failures, workspace project prefixes and unhandled errors', () => {
    const report = condenseText(
      lines(
        ' RUN  v3.2.4 /w',
        '',
        '⎯⎯⎯⎯⎯⎯ Failed Suites 1 ⎯⎯⎯⎯⎯⎯⎯',
        '',
        ' FAIL  |api| test/db.test.ts [ test/db.test.ts ]',
        "Error: Cannot find module '../src/db' imported from /w/test/db.test.ts",
        ' ❯ test/db.test.ts:1:1',
        '',
        '⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯[1/2]⎯',
        '',
        '⎯⎯⎯⎯⎯⎯ Unhandled Errors ⎯⎯⎯⎯⎯⎯',
        '',
        'Vitest caught 1 unhandled error during the test run.',
        '',
        '⎯⎯⎯⎯ Unhandled Rejection ⎯⎯⎯⎯⎯',
        'Error: socket hang up',
        ' ❯ src/client.ts:40:11',
        '',
        '⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯⎯',
        '',
        ' Test Files  1 failed | 3 passed (4)',
        '      Tests  20 passed (20)',
      ),
      { repoRoot: '/w' },
    );

    expect(report.findings).toEqual([
      expect.objectContaining({
        kind: 'test-failure',
        testName: 'test/db.test.ts',
        file: 'test/db.test.ts',
        line: 1,
        message: "Error: Cannot find module '../src/db' imported from test/db.test.ts",
      }),
      expect.objectContaining({
        kind: 'runtime-error',
        file: 'src/client.ts',
        line: 40,
        message: 'Error: socket hang up',
      }),
    ]);
    expect(report.testCounts).toEqual({ passed: 20, failed: 0, skipped: 0, total: 20 });
  });

  it('gives one finding per test when Vitest groups identical errors', () => {
    const report = condenseText(
      lines(
        ' RUN  v3.2.4 /w',
        ' FAIL  test/a.test.ts > a > one',
        ' FAIL  test/a.test.ts > a > two',
        'Error: boom',
        ' ❯ test/a.test.ts:3:9',
        '⎯⎯⎯[1/1]⎯',
      ),
    );

    expect(report.findings.map((f) => f.testName)).toEqual(['a > one', 'a > two']);
  });

  it('stays silent on a bare " FAIL " without Vitest banner or summary', () => {
    expect(condenseText(' FAIL  test/a.test.js > x\nError: y\n', { tools: ['vitest'] }).findings).toEqual([]);
  });
});

describe('condense/jest variants', () => {
  it('parses counts', () => {
    expect(parseJestCounts('1 failed, 2 skipped, 1 todo, 10 passed, 14 total')).toEqual({
      passed: 10,
      failed: 1,
      skipped: 3,
      total: 14,
    });
  });

  it('names a suite that failed to run after its file and skips console blocks', () => {
    const report = condenseText(
      lines(
        ' FAIL  test/db.test.ts (5.2 s)',
        '  ● Console',
        '',
        '    console.log',
        '      connecting',
        '',
        '      at Object.log (test/db.test.ts:3:11)',
        '',
        '  ● Test suite failed to run',
        '',
        "    Cannot find module '../src/db' from 'test/db.test.ts'",
        '',
        '      at Resolver._throwModNotFoundError (node_modules/jest-resolve/build/resolver.js:427:11)',
        '',
        'Test Suites: 1 failed, 1 total',
        'Tests:       0 total',
      ),
    );

    expect(report.findings).toEqual([
      expect.objectContaining({
        tool: 'jest',
        testName: 'test/db.test.ts',
        file: 'test/db.test.ts',
        message: "Cannot find module '../src/db' from 'test/db.test.ts'",
      }),
    ]);
    expect(report.findings[0]?.frames).toBeUndefined();
  });
});

describe('condense/js-test-block frames', () => {
  it.each([
    [
      ' ❯ test/math.test.ts:6:23',
      { text: 'test/math.test.ts:6:23', file: 'test/math.test.ts', line: 6, column: 23 },
    ],
    [' ❯ parseUser src.ts:7:25', { text: 'parseUser (src.ts:7:25)', file: 'src.ts', line: 7 }],
    ['    at Object.toBe (test/a.test.js:5:23)', { text: 'Object.toBe (test/a.test.js:5:23)', line: 5 }],
    ['    at file:///w/test/a.mjs:2:3', { file: '/w/test/a.mjs', line: 2, column: 3 }],
    ['    at C:\\w\\test\\a.js:2:3', { file: 'C:\\w\\test\\a.js', line: 2 }],
  ])('parses %j', (text, expected) => {
    expect(parseTestFrame(text)).toMatchObject(expected);
  });

  it.each(['    at new Promise (<anonymous>)', '  5 | expect(x)', 'Expected: 5'])('rejects %j', (text) => {
    expect(parseTestFrame(text)).toBeUndefined();
  });
});

describe('condense/playwright variants', () => {
  it('reads project names and keeps the first attempt of a retried test', () => {
    const report = condenseText(
      lines(
        'Running 2 tests using 2 workers',
        '  1) [chromium] › tests/login.spec.ts:12:5 › login › shows an error ─────────',
        '',
        '    Error: Timed out 5000ms waiting for expect(locator).toBeVisible()',
        '',
        "    Locator: getByText('Invalid password')",
        '    Expected: visible',
        '    Received: <element(s) not found>',
        '',
        '      at /w/tests/login.spec.ts:15:52',
        '',
        '    Retry #1 ───────────────────────────────────',
        '',
        '    Error: Timed out 5000ms waiting for expect(locator).toBeVisible()',
        '      at /w/tests/login.spec.ts:15:52',
        '',
        '  1 failed',
        '    [chromium] › tests/login.spec.ts:12:5 › login › shows an error ─────',
        '  1 passed (8.1s)',
      ),
      { repoRoot: '/w' },
    );

    expect(report.findings).toEqual([
      expect.objectContaining({
        testName: '[chromium] login › shows an error',
        file: 'tests/login.spec.ts',
        line: 15,
        column: 52,
        message: 'Error: Timed out 5000ms waiting for expect(locator).toBeVisible()',
        expected: 'visible',
        actual: '<element(s) not found>',
      }),
    ]);
    expect(report.testCounts).toEqual({ passed: 1, failed: 1, skipped: 0, total: 2 });
  });
});

describe('condense/npm variants', () => {
  it('reads the old "npm ERR!" prefix', () => {
    const report = condenseText(
      lines(
        'npm ERR! code ERESOLVE',
        'npm ERR! ERESOLVE unable to resolve dependency tree',
        'npm ERR! While resolving: app@1.0.0',
        'npm ERR! Found: eslint@9.0.0',
        'npm ERR! Could not resolve dependency:',
        'npm ERR! peer eslint@"^8.0.0" from eslint-plugin-x@2.0.0',
      ),
    );

    expect(report.findings[0]).toMatchObject({
      code: 'ERESOLVE',
      packages: ['eslint@9.0.0', 'eslint-plugin-x@2.0.0', 'eslint@^8.0.0'],
    });
  });

  it('keeps only the command of a failed lifecycle script', () => {
    expect(summarizeNpmError(['code 1', 'path /w', 'command failed', 'command sh -c vitest run'])).toEqual({
      command: 'vitest run',
    });
  });

  it('reports other codes with their first line', () => {
    const report = condenseText(
      lines('npm error code EINTEGRITY', 'npm error sha512-abc integrity checksum failed when using sha512'),
    );

    expect(report.findings[0]).toMatchObject({
      code: 'EINTEGRITY',
      message: 'sha512-abc integrity checksum failed when using sha512',
    });
  });
});

describe('condense/pnpm and yarn variants', () => {
  it('reads pnpm peer dependency issues', () => {
    const report = condenseText(
      lines(
        ' ERR_PNPM_PEER_DEP_ISSUES  Unmet peer dependencies',
        '',
        '.',
        '└─┬ react-dom 18.2.0',
        '  └── ✕ unmet peer react@^18.2.0: found 17.0.2',
        '',
        '',
      ),
    );

    expect(report.findings[0]).toMatchObject({
      code: 'ERR_PNPM_PEER_DEP_ISSUES',
      packages: ['react@^18.2.0', 'found 17.0.2'],
    });
  });

  it('reads Yarn Berry error codes and ignores informational ones', () => {
    const report = condenseText(
      lines(
        '➤ YN0000: ┌ Resolution step',
        '➤ YN0082: │ is-number@npm:999.0.0: No candidates found',
        '➤ YN0028: │ The lockfile would have been modified by this install, which is explicitly forbidden.',
        '➤ YN0000: └ Completed in 0s 210ms',
      ),
    );

    expect(report.findings.map((f) => [f.code, f.file ?? null, f.packages ?? null])).toEqual([
      ['YN0082', null, ['is-number@999.0.0']],
      ['YN0028', 'yarn.lock', null],
    ]);
  });

  it('skips "error Command failed" wrappers of yarn classic', () => {
    const report = condenseText('yarn run v1.22.22\nerror Command failed with exit code 1.\n', {
      exitCode: 1,
      tools: ['yarn'],
    });

    expect(report.findings).toEqual([]);
  });
});

describe('condense/bundlers variants', () => {
  it('reads fork-ts-checker errors in webpack output', () => {
    const report = condenseText(
      lines(
        'ERROR in src/a.ts:3:7',
        "TS2322: Type 'string' is not assignable to type 'number'.",
        '',
        'webpack 5.90.0 compiled with 1 error in 812 ms',
      ),
    );

    expect(report.findings[0]).toMatchObject({
      tool: 'webpack',
      kind: 'type-error',
      file: 'src/a.ts',
      line: 3,
      column: 7,
      code: 'TS2322',
    });
  });

  it('reads esbuild warnings and the one-line API format', () => {
    const report = condenseText(
      lines(
        '/w/src/a.ts:4:48: ERROR: Expected ")" but found ";"',
        '▲ [WARNING] Comparison with -0 using the "===" operator will also match 0 [equals-negative-zero]',
        '',
        '    src/b.ts:1:4:',
        '      1 │ if (x === -0) {}',
        '',
      ),
      { repoRoot: '/w' },
    );

    expect(report.findings).toEqual([
      expect.objectContaining({ file: 'src/a.ts', line: 4, column: 49, severity: 'error' }),
      expect.objectContaining({ file: 'src/b.ts', line: 1, column: 5, severity: 'warning' }),
    ]);
  });

  it('reads a real Vite 8 parse error', () => {
    const log = readFileSync(
      resolve(import.meta.dirname, '../fixtures/logs/vite/rolldown-parse-error.log'),
      'utf8',
    );

    const report = condenseText(log, { repoRoot: '/tmp/vite8', exitCode: 1 });

    expect(report.findings).toEqual([
      expect.objectContaining({
        tool: 'vite',
        code: 'PARSE_ERROR',
        file: 'src/render.js',
        line: 2,
        column: 32,
        message: 'Expected `,` or `)` but found `;`',
        excerpt: 'Opened here\n`,` or `)` expected',
      }),
    ]);
  });

  it('reads Next.js type errors, missing modules and lint tables', () => {
    const report = condenseText(
      lines(
        '   ▲ Next.js 15.1.0',
        '   Creating an optimized production build ...',
        'Failed to compile.',
        '',
        './src/app/page.tsx:3:7',
        "Type error: Type 'string' is not assignable to type 'number'.",
        '',
        '  1 | export default function Page() {',
        "> 3 |   const n: number = 'x';",
        '',
        './src/app/layout.tsx',
        "Module not found: Can't resolve '@/lib/missing'",
        '',
        './src/components/a.tsx',
        "12:7  Error: 'x' is assigned a value but never used.  @typescript-eslint/no-unused-vars",
        '',
        'info  - Need to disable some ESLint rules? Learn more here: https://nextjs.org/docs',
        'Next.js build worker exited with code: 1 and signal: null',
      ),
    );

    expect(report.findings.map((f) => [f.kind, f.file, f.line ?? null, f.code ?? null, f.message])).toEqual([
      ['type-error', 'src/app/page.tsx', 3, null, "Type 'string' is not assignable to type 'number'."],
      ['build-error', 'src/app/layout.tsx', null, null, "Module not found: Can't resolve '@/lib/missing'"],
      [
        'lint-error',
        'src/components/a.tsx',
        12,
        '@typescript-eslint/no-unused-vars',
        "'x' is assigned a value but never used.",
      ],
    ]);
  });
});

describe('condense/actions', () => {
  it('parses workflow commands with escaped properties', () => {
    expect(
      parseWorkflowCommand('::error file=src/a%2Cb.ts,line=3,col=5,title=Lint::Missing%0Asecond line'),
    ).toEqual({
      severity: 'error',
      properties: { file: 'src/a,b.ts', line: '3', col: '5', title: 'Lint' },
      message: 'Missing\nsecond line',
    });
  });

  it('keeps ::error annotations as findings and ##[error] lines only as a fallback', () => {
    const withTool = condenseText(
      lines('::error file=src/a.ts,line=3::Something broke', '##[error]Process completed with exit code 1.'),
    );
    const fallback = condenseText(
      lines('##[error]The job running on runner X has exceeded the maximum execution time of 360 minutes.'),
    );

    expect(withTool.findings).toEqual([
      expect.objectContaining({ tool: 'actions', file: 'src/a.ts', line: 3, message: 'Something broke' }),
    ]);
    expect(withTool.exitCode).toBe(1);
    expect(fallback.findings).toEqual([expect.objectContaining({ tool: 'actions-log', kind: 'timeout' })]);
  });
});

describe('condense/jest assertion shapes', () => {
  it('reads toThrow, toHaveLength and call-count matchers and snapshot diffs', () => {
    const report = condenseText(
      [
        'FAIL test/a.test.js',
        '  ● errors › throws the right message',
        '',
        '    expect(received).toThrow(expected)',
        '',
        '    Expected substring: "not found"',
        '    Received message:   "timeout"',
        '',
        '      at Object.toThrow (test/a.test.js:4:20)',
        '',
        '  ● ui › renders',
        '',
        '    expect(received).toMatchSnapshot()',
        '',
        '    Snapshot name: `ui renders 1`',
        '',
        '    - Snapshot  - 1',
        '    + Received  + 1',
        '',
        '    - <b>Hello</b>',
        '    + <b>Hi</b>',
        '',
        '      at Object.toMatchSnapshot (test/ui.test.js:9:18)',
        '',
        'Tests:       2 failed, 2 total',
      ].join('\n'),
    );

    expect(report.findings).toEqual([
      expect.objectContaining({
        testName: 'errors › throws the right message',
        expected: '"not found"',
        actual: '"timeout"',
      }),
      expect.objectContaining({
        testName: 'ui › renders',
        file: 'test/ui.test.js',
        line: 9,
        expected: '<b>Hello</b>',
        actual: '<b>Hi</b>',
      }),
    ]);
  });
});
