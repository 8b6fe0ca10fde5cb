/**
 * Swift condenser: swiftc diagnostics (`/path/File.swift:10:5: error: …`; warnings dropped),
 * XCTest failures on macOS (`File.swift:12: error: -[Tests.FooTests testBar] : XCTAssertEqual
 * failed: ("1") is not equal to ("2")`) and Linux (`… error: FooTests.testBar : …`), the
 * `Test Case '…' failed` fallback, Swift Testing (`✘ Test bar() recorded an issue at
 * FooTests.swift:12:5: Expectation failed: …`), SwiftPM dependency resolution errors, and the
 * counts from `Executed 5 tests, with 1 failure (0 unexpected)` / `✘ Test run with 3 tests`.
 * Objective-C and C diagnostics in Xcode logs are left to the cc condenser.
 */
import type { Condenser, CondenserFactory, CondenserOutput, LogLine } from './types.ts';
import type { Finding, TestCounts } from '../contracts/failure-report.ts';
import { FindingCollector, count, positive, withOverflow } from './lang-support.ts';

const TOOL = 'swift';

const DIAGNOSTIC = /^(.+\.swift):(\d+):(\d+): (error|warning|note): (.+)$/;
const XCTEST = /^(.+\.swift):(\d+): error: (-\[[\w.]+ \w+\]|[\w.]+) : (.+)$/;
const TEST_CASE_FAILED = /^Test Case '(-\[[\w.]+ \w+\]|[\w.]+)' failed \(/;
const EXECUTED =
  /^\s*Executed (\d+) tests?, with (?:(\d+) tests? skipped and )?(\d+) failures? \((\d+) unexpected\)/;
const TOP_SUITE = /^Test Suite '(?:All tests|Selected tests|[\w-]+\.xctest)' (?:passed|failed)/;
const SWIFT_TESTING_ISSUE = /^✘ Test (.+?) recorded an issue at (.+?\.swift):(\d+):(\d+): (.+)$/;
const SWIFT_TESTING_FAILED = /^✘ Test (?!run with)(.+?) failed after/;
const SWIFT_TESTING_RUN = /^[✔✘] Test run with (\d+) tests? (?:passed|failed)/;
const XCT_EQUAL =
  /^XCTAssert(?:Equal|Identical)\w* failed: \("(.*)"\) is not (?:equal|identical) to \("(.*)"\)/;

class SwiftCondenser implements Condenser {
  readonly tool = TOOL;
  readonly #findings = new FindingCollector();
  #detected = false;
  readonly #failedTests = new Set<string>();
  #topSuitePending = false;
  #topCounts: { passed: number; failed: number; skipped: number } | undefined;
  #lastExecuted: { passed: number; failed: number; skipped: number } | undefined;
  #swiftTestingTotal: number | undefined;
  #swiftTestingFailed = 0;

  push(line: LogLine): void {
    const text = line.text;
    if (text.length === 0) return;
    if (text.includes('.swift:')) {
      if (this.#onSwiftFileLine(text)) return;
    }
    const first = text.charCodeAt(0);
    if (first === 84 /* T */ && text.startsWith('Test ')) {
      this.#onTestLine(text);
      return;
    }
    if (text.includes('Executed ')) {
      this.#onExecuted(text);
      return;
    }
    if (text.startsWith('✘ ') || text.startsWith('✔ ')) {
      this.#onSwiftTesting(text);
      return;
    }
    if (text.startsWith('error: ')) {
      if (
        /^error: (?:Dependencies could not be resolved|failed to resolve dependencies|the package .* cannot be accessed|.*could not be resolved)/.test(
          text,
        )
      ) {
        this.#detected = true;
        this.#findings.add({
          kind: 'dependency-error',
          tool: TOOL,
          message: text.slice(7),
          packages: [...text.matchAll(/'([\w.-]+)'(?: (\d+(?:\.\d+)*(?:\.\.[<.]\d+(?:\.\d+)*)?))?/g)].map(
            (match) => (match[2] !== undefined ? `${match[1]}@${match[2]}` : (match[1] ?? '')),
          ),
        });
      }
      return;
    }
    if (
      text.startsWith('** BUILD FAILED **') ||
      text.startsWith('** TEST FAILED **') ||
      text.startsWith('Building for ') ||
      text.startsWith('Compiling ')
    ) {
      this.#detected = true;
    }
  }

  finish(): CondenserOutput {
    const output: { detected: boolean; findings: Finding[]; testCounts?: TestCounts } = {
      detected: this.#detected,
      findings: this.#findings.list(),
    };
    let counts = this.#topCounts ?? this.#lastExecuted;
    if (!counts && this.#swiftTestingTotal !== undefined) {
      const failed = Math.min(this.#swiftTestingFailed, this.#swiftTestingTotal);
      counts = { passed: this.#swiftTestingTotal - failed, failed, skipped: 0 };
    }
    if (counts) output.testCounts = { ...counts, total: counts.passed + counts.failed + counts.skipped };
    return withOverflow(output, this.#findings);
  }

  /** Returns true when the line was a Swift diagnostic or an XCTest failure. */
  #onSwiftFileLine(text: string): boolean {
    const xctest = XCTEST.exec(text);
    if (xctest) {
      this.#detected = true;
      const testName = normaliseTestName(xctest[3] ?? '');
      const message = xctest[4] ?? '';
      const equal = XCT_EQUAL.exec(message);
      this.#failedTests.add(testName);
      // XCTAssertEqual(actual, expected) is the usual order; XCTest itself does not say.
      this.#findings.add({
        kind: 'test-failure',
        tool: 'xctest',
        testName,
        file: xctest[1],
        line: positive(xctest[2]),
        message,
        actual: equal?.[1],
        expected: equal?.[2],
      });
      return true;
    }
    const diagnostic = DIAGNOSTIC.exec(text);
    if (!diagnostic) return false;
    this.#detected = true;
    if (diagnostic[4] !== 'error') return true;
    this.#findings.add({
      kind: 'compile-error',
      tool: TOOL,
      file: diagnostic[1],
      line: positive(diagnostic[2]),
      column: positive(diagnostic[3]),
      message: diagnostic[5] ?? '',
    });
    return true;
  }

  #onTestLine(text: string): void {
    if (text.startsWith('Test Suite ')) {
      this.#detected = true;
      if (TOP_SUITE.test(text) && /'(?:All tests|Selected tests)'/.test(text)) this.#topSuitePending = true;
      return;
    }
    const failed = TEST_CASE_FAILED.exec(text);
    if (!failed) {
      if (text.startsWith('Test Case ')) this.#detected = true;
      return;
    }
    this.#detected = true;
    const testName = normaliseTestName(failed[1] ?? '');
    if (this.#failedTests.has(testName)) return;
    // A failure without an assertion line (a crash, a thrown error reported elsewhere).
    this.#failedTests.add(testName);
    this.#findings.add({ kind: 'test-failure', tool: 'xctest', testName, message: `${testName} failed` });
  }

  #onExecuted(text: string): void {
    const match = EXECUTED.exec(text);
    if (!match) return;
    this.#detected = true;
    const total = count(match[1]);
    const skipped = count(match[2]);
    const failed = count(match[3]);
    const counts = { passed: Math.max(0, total - failed - skipped), failed, skipped };
    this.#lastExecuted = counts;
    if (this.#topSuitePending) {
      this.#topSuitePending = false;
      const top = (this.#topCounts ??= { passed: 0, failed: 0, skipped: 0 });
      top.passed += counts.passed;
      top.failed += counts.failed;
      top.skipped += counts.skipped;
    }
  }

  #onSwiftTesting(text: string): void {
    const issue = SWIFT_TESTING_ISSUE.exec(text);
    if (issue) {
      this.#detected = true;
      const testName = issue[1] ?? '';
      this.#failedTests.add(testName);
      const message = issue[5] ?? '';
      const comparison = /^Expectation failed: \(.*? → (.+)\) == (.+)$/.exec(message);
      this.#findings.add({
        kind: 'test-failure',
        tool: 'swift-testing',
        testName,
        file: issue[2],
        line: positive(issue[3]),
        column: positive(issue[4]),
        message,
        actual: comparison?.[1],
        expected: comparison?.[2],
      });
      return;
    }
    const run = SWIFT_TESTING_RUN.exec(text);
    if (run) {
      this.#detected = true;
      this.#swiftTestingTotal = (this.#swiftTestingTotal ?? 0) + count(run[1]);
      return;
    }
    const failed = SWIFT_TESTING_FAILED.exec(text);
    if (failed) {
      this.#detected = true;
      this.#swiftTestingFailed += 1;
      const testName = failed[1] ?? '';
      if (!this.#failedTests.has(testName)) {
        this.#failedTests.add(testName);
        this.#findings.add({ kind: 'test-failure', tool: 'swift-testing', testName, message: text.slice(2) });
      }
    }
  }
}

/** `-[DemoTests.ParserTests testParses]` → `DemoTests.ParserTests.testParses`. */
function normaliseTestName(name: string): string {
  const objc = /^-\[([\w.]+) (\w+)\]$/.exec(name);
  return objc ? `${objc[1]}.${objc[2]}` : name;
}

export const swiftCondenserFactory: CondenserFactory = {
  tool: TOOL,
  // Stateless line by line: no block ever needs the lines between triggers.
  // Line prefixes first, then the few fixed substrings that can sit anywhere in a line: the
  // dispatcher unions every trigger into one regex tested on each line, so these stay cheap.
  trigger:
    /^(?:Test (?:Suite|Case) |\s*Executed \d|[✘✔] |error: |\*\* (?:BUILD|TEST) |Building for |Compiling )|\.swift:\d/,
  description: 'Swift (swiftc, SwiftPM, XCTest, Swift Testing, xcodebuild)',
  create: () => new SwiftCondenser(),
};
