/**
 * PHPUnit condenser: `There were 2 failures:` / `There was 1 error:` sections with numbered
 * blocks (`1) Tests\FooTest::testBar`, the message, `Failed asserting that 4 is identical to 3.`
 * or a `--- Expected` / `+++ Actual` diff, then `file.php:14` frames with vendor/ skipped), and the
 * totals (`Tests: 5, Assertions: 7, Failures: 1, Skipped: 1.` or `OK (5 tests, 7 assertions)`).
 * Risky tests, warnings, deprecations and notices are not failures.
 */
import type { Condenser, CondenserFactory, CondenserOutput, LogLine } from './types.ts';
import type { Finding, TestCounts } from '../contracts/failure-report.ts';
import { FindingCollector, FrameList, count, isVendorPath, withOverflow } from './lang-support.ts';

const TOOL = 'phpunit';

const SECTION =
  /^There (?:was|were) \d+ (errors?|failures?|risky tests?|warnings?|skipped tests?|incomplete tests?|deprecations?|notices?|PHPUnit (?:warnings?|deprecations?)):$/;
const BLOCK = /^(\d+)\) (\S.*)$/;
const FRAME = /^(\S.*\.php):(\d+)$/;
const ASSERTION = /^Failed asserting that (.+?) (?:is identical to|matches expected|is equal to) (.+)\.$/;
const TOTALS_FAILED = /^Tests: (\d+), Assertions: \d+(.*)\.$/;
// `PHP Parse error: syntax error, unexpected token "}" in /x/src/A.php on line 12`, also
// `PHP Fatal error:  Uncaught Error: Class "X" not found in /x/src/A.php:7`.
const PHP_ERROR = /^(?:PHP )?(Parse|Fatal) error: {1,2}(.+?) in (\S+\.php)(?: on line |:)(\d+)$/;
const TOTALS_OK = /^OK(?:, but [^(]*)? \((\d+) tests?, \d+ assertions?\)$/;

interface Block {
  testName: string;
  kind: 'error' | 'failure';
  message: string[];
  expected: string[];
  actual: string[];
  comparison?: { expected: string; actual: string } | undefined;
  inDiff: boolean;
  frames: FrameList;
  firstRepo?: { file: string; line: number } | undefined;
}

class PhpunitCondenser implements Condenser {
  readonly tool = TOOL;
  readonly #findings = new FindingCollector();
  #detected = false;
  #section: 'error' | 'failure' | 'other' | 'none' = 'none';
  #block: Block | undefined;
  #counts: TestCounts | undefined;

  push(line: LogLine): void {
    const text = line.text;
    if (
      text.includes(' error: ') &&
      (text.startsWith('PHP ') || text.startsWith('Parse') || text.startsWith('Fatal'))
    ) {
      const php = PHP_ERROR.exec(text);
      if (php) {
        this.#detected = true;
        this.#findings.add({
          kind: php[1] === 'Parse' ? 'compile-error' : 'runtime-error',
          tool: 'php',
          file: php[3],
          line: Number(php[4]),
          message: `${php[1]} error: ${php[2] ?? ''}`,
        });
        return;
      }
    }
    if (text.startsWith('PHPUnit ') && /^PHPUnit \d+\.\d+/.test(text)) {
      this.#detected = true;
      return;
    }
    if (text.startsWith('There w')) {
      const section = SECTION.exec(text);
      if (section) {
        this.#detected = true;
        this.#finishBlock();
        const name = section[1] ?? '';
        this.#section = name.startsWith('error') ? 'error' : name.startsWith('failure') ? 'failure' : 'other';
        return;
      }
    }
    if (text === 'FAILURES!' || text === 'ERRORS!' || TOTALS_FAILED.test(text) || TOTALS_OK.test(text)) {
      this.#finishBlock();
      this.#section = 'none';
      this.#onTotals(text);
      return;
    }
    if (this.#section === 'error' || this.#section === 'failure') {
      const block = BLOCK.exec(text);
      if (block) {
        this.#finishBlock();
        this.#block = {
          testName: block[2] ?? '',
          kind: this.#section,
          message: [],
          expected: [],
          actual: [],
          inDiff: false,
          frames: new FrameList(),
        };
        return;
      }
      if (text === '--') {
        this.#finishBlock();
        return;
      }
      if (this.#block) this.#onBlockLine(this.#block, text);
    }
  }

  wantsEveryLine(): boolean {
    return this.#section === 'error' || this.#section === 'failure';
  }

  finish(): CondenserOutput {
    this.#finishBlock();
    const output: { detected: boolean; findings: Finding[]; testCounts?: TestCounts } = {
      detected: this.#detected,
      findings: this.#findings.list(),
    };
    if (this.#counts) output.testCounts = this.#counts;
    return withOverflow(output, this.#findings);
  }

  #onBlockLine(block: Block, text: string): void {
    if (text.length === 0) {
      block.inDiff = false;
      return;
    }
    const frame = FRAME.exec(text);
    if (frame) {
      const file = frame[1] ?? '';
      if (!isVendorPath(file)) {
        block.frames.push(`${file}:${frame[2]}`);
        block.firstRepo ??= { file, line: Number(frame[2]) };
      }
      return;
    }
    if (text === '--- Expected' || text === '+++ Actual') {
      block.inDiff = true;
      return;
    }
    if (block.inDiff) {
      if (text.startsWith('@@')) return;
      if (text.startsWith('-') && block.expected.length < 5) block.expected.push(text.slice(1).trim());
      else if (text.startsWith('+') && block.actual.length < 5) block.actual.push(text.slice(1).trim());
      return;
    }
    const assertion = ASSERTION.exec(text);
    if (assertion) block.comparison ??= { actual: assertion[1] ?? '', expected: assertion[2] ?? '' };
    if (block.message.join(' ').length < 400) block.message.push(text.trim());
  }

  #finishBlock(): void {
    const block = this.#block;
    this.#block = undefined;
    if (!block) return;
    this.#findings.add({
      kind: 'test-failure',
      tool: TOOL,
      testName: block.testName,
      file: block.firstRepo?.file,
      line: block.firstRepo?.line,
      message:
        block.message.length > 0
          ? block.message.join(' ')
          : `${block.testName} ${block.kind === 'error' ? 'errored' : 'failed'}`,
      expected:
        block.comparison?.expected ?? (block.expected.length > 0 ? block.expected.join('\n') : undefined),
      actual: block.comparison?.actual ?? (block.actual.length > 0 ? block.actual.join('\n') : undefined),
      frames: block.frames.frames,
    });
  }

  #onTotals(text: string): void {
    const ok = TOTALS_OK.exec(text);
    if (ok) {
      this.#detected = true;
      const tests = count(ok[1]);
      this.#counts = { passed: tests, failed: 0, skipped: 0, total: tests };
      return;
    }
    const failed = TOTALS_FAILED.exec(text);
    if (!failed) return;
    this.#detected = true;
    const tests = count(failed[1]);
    const parts = new Map<string, number>();
    for (const match of (failed[2] ?? '').matchAll(/, (\w+): (\d+)/g))
      parts.set(match[1] ?? '', count(match[2]));
    const failures = (parts.get('Errors') ?? 0) + (parts.get('Failures') ?? 0);
    const skipped = (parts.get('Skipped') ?? 0) + (parts.get('Incomplete') ?? 0);
    this.#counts = {
      passed: Math.max(0, tests - failures - skipped),
      failed: failures,
      skipped,
      total: tests,
    };
  }
}

export const phpunitCondenserFactory: CondenserFactory = {
  tool: TOOL,
  // Line prefixes only: cheap to test on every line of a log.
  trigger:
    /^(?:PHPUnit \d|There (?:was|were) \d|(?:FAILURES|ERRORS)!|Tests: \d|OK\b|(?:PHP )?(?:Parse|Fatal) error: )/,
  description: 'PHP (PHPUnit, PHP parse and fatal errors)',
  create: () => new PhpunitCondenser(),
};
