/**
 * Playwright Test condenser (list, line and dot reporters share the failure epilogue):
 *   1) tests/cart.spec.js:8:3 › cart › sums prices ──────────
 *     Error: expect(received).toBe(expected) // Object.is equality
 *     Expected: 5 / Received: 6 (or a diff), code frame, "at …/tests/cart.spec.js:9:49"
 *   2 failed / 1 flaky / 1 skipped / 1 passed (1.3s)
 * With projects the header reads "1) [chromium] › tests/a.spec.ts:3:1 › title". Retries
 * ("Retry #1 ───") of the same test merge into one finding.
 */
import type { TestCounts } from '../contracts/failure-report.ts';
import { addCounts, echoedCommand, echoedCommandPattern, FindingCollector } from './finding.ts';
import { TestFailureBlock, testRunOutput } from './js-test-block.ts';
import type { Condenser, CondenserFactory, CondenserOutput, LogLine } from './types.ts';

const TOOL = 'playwright';
const BANNER = /^Running \d+ tests? using \d+ workers?/;
const HEADER = /^\s*\d+\) (?:\[([^\]]+)\] › )?(\S+?):(\d+):(\d+) › (.*?)\s*─*\s*$/;
const COUNT = /^\s*(\d+) (failed|flaky|skipped|passed|did not run|interrupted)\b/;
const RETRY = /^\s*(?:Retry #\d+|attempt #\d+)\b.*─/;
const COMMAND = echoedCommandPattern('playwright test');

class PlaywrightCondenser implements Condenser {
  readonly tool = TOOL;
  private readonly collector = new FindingCollector();
  private block: TestFailureBlock | undefined;
  private detected = false;
  private firstLine: number | undefined;
  private current: TestCounts | undefined;
  private total: TestCounts | undefined;
  private command: string | undefined;
  private inCounts = false;

  push(line: LogLine): void {
    const text = line.text;
    if (BANNER.test(text)) {
      this.closeCounts();
      this.detected = true;
      this.firstLine ??= line.number;
      return;
    }
    if (text.includes(' › ') && text.includes(') ')) {
      const m = HEADER.exec(text);
      if (m) {
        this.flush();
        this.firstLine ??= line.number;
        const name = [m[1] ? `[${m[1]}]` : undefined, m[5]].filter(Boolean).join(' ');
        this.block = new TestFailureBlock([name], m[2]);
        return;
      }
    }
    const count = COUNT.exec(text);
    if (count && (this.detected || this.block)) {
      this.flush();
      this.detected = true;
      this.inCounts = true;
      this.current ??= { passed: 0, failed: 0, skipped: 0 };
      const n = Number(count[1]);
      if (count[2] === 'passed' || count[2] === 'flaky') this.current.passed += n;
      else if (count[2] === 'failed' || count[2] === 'interrupted') this.current.failed += n;
      else this.current.skipped += n;
      return;
    }
    if (this.block) {
      if (RETRY.test(text)) {
        // The retry's error repeats the first attempt's; keep the first.
        this.flush();
        return;
      }
      if (/^\s*(?:Error Context|attachment #\d+|Usage:)/.test(text)) return;
      this.block.push(text);
      return;
    }
    if (this.inCounts && text.trim() !== '' && !text.startsWith('    ')) this.closeCounts();
    if (this.command === undefined) this.command = echoedCommand(text, COMMAND);
  }

  wantsEveryLine(): boolean {
    return this.block !== undefined || this.inCounts;
  }

  finish(): CondenserOutput {
    this.flush();
    this.closeCounts();
    return testRunOutput(this.collector, TOOL, {
      detected: this.detected,
      firstLine: this.firstLine,
      testCounts: this.total,
      command: this.command,
    });
  }

  private closeCounts(): void {
    this.inCounts = false;
    if (!this.current) return;
    const c = { ...this.current, total: this.current.passed + this.current.failed + this.current.skipped };
    this.total = this.total ? addCounts(this.total, c) : c;
    this.current = undefined;
  }

  private flush(): void {
    if (this.block) for (const finding of this.block.toFindings(TOOL)) this.collector.add(finding);
    this.block = undefined;
  }
}

export const playwrightCondenser: CondenserFactory = {
  tool: TOOL,
  description: 'Playwright Test',
  trigger:
    /^Running \d+ tests? using|^\s*\d+\) .* › |^\s*\d+ (?:failed|flaky|skipped|passed|did not run|interrupted)\b|^[>$] .*playwright/,
  create: () => new PlaywrightCondenser(),
};
