/**
 * Vitest condenser. Reads the "Failed Tests" section:
 *    FAIL  test/math.test.ts > math > adds two numbers
 *   AssertionError: expected -1 to be 5 // Object.is equality
 *   - Expected / + Received diff, "❯ test/math.test.ts:6:23" frames, a code frame
 *   ⎯⎯⎯⎯[1/3]⎯
 * suite failures ("FAIL  test/a.test.ts [ test/a.test.ts ]"), unhandled errors, and the
 * "Tests  3 failed | 2 passed | 1 skipped (6)" summary. Consecutive FAIL headers before one
 * error share it (Vitest groups identical errors).
 */
import { addCounts, echoedCommand, echoedCommandPattern, FindingCollector } from './finding.ts';
import { TestFailureBlock, testRunOutput } from './js-test-block.ts';
import type { Condenser, CondenserFactory, CondenserOutput, LogLine } from './types.ts';
import type { TestCounts } from '../contracts/failure-report.ts';

const TOOL = 'vitest';
const BANNER = /^\s*RUN\s+v\d+\.\d+/;
const FAIL = /^\s*FAIL\s+(?:\|[^|]+\|\s+)?(\S+?)(?: > (.+?)| \[ .+ \])?\s*$/;
const SUMMARY = /^\s*Tests\s{2,}(.+?)\s*\((\d+)\)\s*$/;
const FILES_SUMMARY = /^\s*Test Files\s{2,}/;
const UNHANDLED = /⎯ (Unhandled (?:Rejection|Error)|Uncaught Exception) ⎯/;
const COMMAND = echoedCommandPattern('vitest');

/** Parses "3 failed | 2 passed | 1 skipped (6)"-style counts. Exported for tests. */
export function parseVitestCounts(list: string, total: number): TestCounts {
  const counts: TestCounts = { passed: 0, failed: 0, skipped: 0, total };
  for (const part of list.split('|')) {
    const m = /(\d+)\s+(\w+)/.exec(part.trim());
    if (!m) continue;
    const n = Number(m[1]);
    if (m[2] === 'passed') counts.passed += n;
    else if (m[2] === 'failed') counts.failed += n;
    else if (m[2] === 'skipped' || m[2] === 'todo') counts.skipped += n;
  }
  return counts;
}

class VitestCondenser implements Condenser {
  readonly tool = TOOL;
  private readonly collector = new FindingCollector();
  private block: TestFailureBlock | undefined;
  private runtime = false;
  private detected = false;
  private firstLine: number | undefined;
  private counts: TestCounts | undefined;
  private command: string | undefined;

  push(line: LogLine): void {
    const text = line.text;
    if (text.includes('FAIL')) {
      const m = FAIL.exec(text);
      if (m) {
        this.see(line);
        const name = m[2];
        if (this.block && !this.block.hasMessage && this.block.file === m[1] && name !== undefined) {
          this.block.testNames.push(name);
          return;
        }
        this.flush();
        // No test name: the whole file failed (an import or syntax error); name it by the file.
        this.block = new TestFailureBlock([name ?? m[1] ?? 'test file'], m[1]);
        this.runtime = false;
        return;
      }
    }
    if (text.includes('⎯')) {
      this.flush();
      const unhandled = UNHANDLED.exec(text);
      if (unhandled) {
        this.see(line);
        this.block = new TestFailureBlock([], undefined);
        this.runtime = true;
      }
      return;
    }
    if (this.block) {
      if (FILES_SUMMARY.test(text) || SUMMARY.test(text)) this.flush();
      else {
        this.block.push(text);
        return;
      }
    }
    if (BANNER.test(text)) {
      this.see(line);
      this.detected = true;
      return;
    }
    if (FILES_SUMMARY.test(text)) {
      this.see(line);
      this.detected = true;
      return;
    }
    const summary = SUMMARY.exec(text);
    if (summary) {
      this.see(line);
      this.detected = true;
      const counts = parseVitestCounts(summary[1] ?? '', Number(summary[2]));
      // Several runs in one log (a monorepo's packages) add up.
      this.counts = this.counts ? addCounts(this.counts, counts) : counts;
      return;
    }
    if (this.command === undefined) this.command = echoedCommand(text, COMMAND);
  }

  wantsEveryLine(): boolean {
    return this.block !== undefined;
  }

  finish(): CondenserOutput {
    this.flush();
    // " FAIL " alone is also Jest's header; without Vitest's banner or summary, stay silent.
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
    if (!this.block) return;
    for (const finding of this.block.toFindings(TOOL)) {
      this.collector.add(this.runtime && !finding.testName ? { ...finding, kind: 'runtime-error' } : finding);
    }
    this.block = undefined;
    this.runtime = false;
  }
}

export const vitestCondenser: CondenserFactory = {
  tool: TOOL,
  description: 'Vitest',
  trigger: /^\s*FAIL\s|^\s*⎯|^\s*RUN\s+v\d|^\s*Tests?(?: Files)?\s{2}|^[>$] .*vitest/,
  create: () => new VitestCondenser(),
};
