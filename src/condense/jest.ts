/**
 * Jest condenser:
 *   FAIL test/math.test.js
 *     ● math › adds two numbers
 *       expect(received).toBe(expected) // Object.is equality
 *       Expected: 5 / Received: -1 (or a "- Expected / + Received" diff), code frame,
 *       at Object.toBe (test/math.test.js:5:23)
 *   Tests:       3 failed, 1 skipped, 2 passed, 6 total
 * "● Test suite failed to run" blocks become a failure named after the file; "● Console"
 * blocks (captured console output) are skipped.
 */
import type { TestCounts } from '../contracts/failure-report.ts';
import { addCounts, echoedCommand, echoedCommandPattern, FindingCollector } from './finding.ts';
import { TestFailureBlock, testRunOutput } from './js-test-block.ts';
import type { Condenser, CondenserFactory, CondenserOutput, LogLine } from './types.ts';

const TOOL = 'jest';
const FILE_HEADER = /^\s*(FAIL|PASS)\s+(?:\S+\s+)??(\S+\.\S+)(?:\s+\([\d.]+ m?s\))?\s*$/;
const BULLET = /^\s+● (.+)$/;
const SUMMARY = /^Tests:\s+(.*\d+ total)\s*$/;
const COMMAND = echoedCommandPattern('jest');

/** Parses "3 failed, 1 skipped, 2 passed, 6 total". Exported for tests. */
export function parseJestCounts(list: string): TestCounts {
  const counts: TestCounts = { passed: 0, failed: 0, skipped: 0 };
  for (const part of list.split(',')) {
    const m = /(\d+) (\w+)/.exec(part.trim());
    if (!m) continue;
    const n = Number(m[1]);
    if (m[2] === 'passed') counts.passed += n;
    else if (m[2] === 'failed') counts.failed += n;
    else if (m[2] === 'skipped' || m[2] === 'todo' || m[2] === 'pending') counts.skipped += n;
    else if (m[2] === 'total') counts.total = n;
  }
  return counts;
}

class JestCondenser implements Condenser {
  readonly tool = TOOL;
  private readonly collector = new FindingCollector();
  private file: string | undefined;
  private block: TestFailureBlock | undefined;
  private skipBlock = false;
  private detected = false;
  private firstLine: number | undefined;
  private counts: TestCounts | undefined;
  private command: string | undefined;

  push(line: LogLine): void {
    const text = line.text;
    if (text.includes('●')) {
      const m = BULLET.exec(text);
      if (m) {
        this.flush();
        const title = (m[1] ?? '').trim();
        this.see(line);
        this.detected = true;
        if (title === 'Console' || title.startsWith('Console ')) {
          this.skipBlock = true;
          return;
        }
        this.skipBlock = false;
        const name = title === 'Test suite failed to run' ? (this.file ?? title) : title;
        this.block = new TestFailureBlock([name], this.file);
        return;
      }
    }
    if (this.block || this.skipBlock) {
      // Block lines are indented; the next file header or summary ends the block.
      if (text === '' || text.startsWith(' ') || text.startsWith('\t')) {
        this.block?.push(text);
        return;
      }
      this.flush();
    }
    if (text.includes('FAIL') || text.includes('PASS')) {
      const m = FILE_HEADER.exec(text);
      if (m) {
        this.file = m[2];
        if (m[1] === 'FAIL') this.see(line);
        return;
      }
    }
    if (text.startsWith('Tests:')) {
      const m = SUMMARY.exec(text);
      if (m) {
        this.see(line);
        this.detected = true;
        const counts = parseJestCounts(m[1] ?? '');
        this.counts = this.counts ? addCounts(this.counts, counts) : counts;
      }
      return;
    }
    if (text.startsWith('Test Suites:')) {
      this.detected = true;
      return;
    }
    if (this.command === undefined) this.command = echoedCommand(text, COMMAND);
  }

  wantsEveryLine(): boolean {
    return this.block !== undefined || this.skipBlock;
  }

  finish(): CondenserOutput {
    this.flush();
    return testRunOutput(this.collector, TOOL, {
      detected: this.detected,
      firstLine: this.firstLine,
      testCounts: this.counts,
      command: this.command,
    });
  }

  private see(line: LogLine): void {
    this.firstLine ??= line.number;
  }

  private flush(): void {
    if (this.block) for (const finding of this.block.toFindings(TOOL)) this.collector.add(finding);
    this.block = undefined;
    this.skipBlock = false;
  }
}

export const jestCondenser: CondenserFactory = {
  tool: TOOL,
  description: 'Jest',
  trigger: /^\s+● |^\s*(?:FAIL|PASS)\s|^Tests:|^Test Suites:|^[>$] .*jest/,
  create: () => new JestCondenser(),
};
