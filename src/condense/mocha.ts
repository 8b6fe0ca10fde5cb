/**
 * Mocha condenser (spec, dot, list… reporters share the epilogue):
 *     3 failing
 *     1) math
 *          adds two numbers:
 *        AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:
 *   -1 !== 5
 *        + expected - actual
 *        --1
 *        +5
 *        at Context.<anonymous> (test/math.spec.js:6:12)
 * Note Mocha's diff convention: "+" lines are expected, "-" lines actual. Failure headers only
 * count after the "N failing" line, because the spec list above prints "1) name" too.
 */
import type { TestCounts } from '../contracts/failure-report.ts';
import { addCounts, buildExcerpt, echoedCommand, echoedCommandPattern, FindingCollector } from './finding.ts';
import { parseTestFrame, testRunOutput, type ParsedFrame } from './js-test-block.ts';
import type { Condenser, CondenserFactory, CondenserOutput, LogLine } from './types.ts';

const TOOL = 'mocha';
const COUNT = /^\s*(\d+) (passing|pending|failing)\b/;
const HEADER = /^\s{1,4}(\d+)\) (.*)$/;
const COMMAND = echoedCommandPattern('mocha');
const MAX_BLOCK_LINES = 80;

interface Block {
  title: string[];
  titleDone: boolean;
  message: string[];
  diff: string[] | undefined;
  diffIndent: number;
  diffDone: boolean;
  frames: ParsedFrame[];
  lines: number;
}

class MochaCondenser implements Condenser {
  readonly tool = TOOL;
  private readonly collector = new FindingCollector();
  private inFailures = false;
  private block: Block | undefined;
  private counts: { passed: number; failed: number; skipped: number } | undefined;
  private total: TestCounts | undefined;
  private firstLine: number | undefined;
  private command: string | undefined;

  push(line: LogLine): void {
    const text = line.text;
    const count = COUNT.exec(text);
    if (count) {
      this.firstLine ??= line.number;
      const n = Number(count[1]);
      if (count[2] === 'passing') {
        // "N passing" opens a new run's epilogue.
        this.closeRun();
        this.flush();
        this.counts = { passed: n, failed: 0, skipped: 0 };
      } else if (this.counts) {
        if (count[2] === 'pending') this.counts.skipped = n;
        else {
          this.counts.failed = n;
          this.inFailures = true;
        }
      }
      return;
    }
    if (this.inFailures) {
      const header = HEADER.exec(text);
      if (header && (!this.block || this.block.frames.length > 0 || this.block.message.length > 0)) {
        this.flush();
        const title = (header[2] ?? '').trim();
        this.block = {
          title: [title.replace(/:$/, '')],
          titleDone: title.endsWith(':'),
          message: [],
          diff: undefined,
          diffIndent: 0,
          diffDone: false,
          frames: [],
          lines: 0,
        };
        return;
      }
      if (this.block) {
        this.pushBlock(text);
        return;
      }
      // Between failures only blank lines and headers; anything else ends the epilogue.
      if (text.trim() !== '') this.inFailures = false;
    }
    if (this.command === undefined) this.command = echoedCommand(text, COMMAND);
  }

  wantsEveryLine(): boolean {
    return this.inFailures;
  }

  finish(): CondenserOutput {
    this.flush();
    this.closeRun();
    return testRunOutput(this.collector, TOOL, {
      detected: this.total !== undefined,
      firstLine: this.firstLine,
      testCounts: this.total,
      command: this.command,
    });
  }

  private closeRun(): void {
    if (!this.counts) return;
    const c: TestCounts = {
      ...this.counts,
      total: this.counts.passed + this.counts.failed + this.counts.skipped,
    };
    this.total = this.total ? addCounts(this.total, c) : c;
    this.counts = undefined;
  }

  private pushBlock(text: string): void {
    const b = this.block;
    if (!b) return;
    if (++b.lines > MAX_BLOCK_LINES) {
      this.flush();
      this.inFailures = false;
      return;
    }
    const trimmed = text.trim();
    if (!b.titleDone) {
      if (trimmed === '') return;
      b.title.push(trimmed.replace(/:$/, ''));
      b.titleDone = trimmed.endsWith(':');
      return;
    }
    if (trimmed === '') {
      if (b.diff && b.diff.length > 0) b.diffDone = true;
      // A blank line after the stack ends the failure.
      if (b.frames.length > 0) this.flush();
      return;
    }
    const frame = parseTestFrame(text);
    if (frame) {
      if (b.frames.length < 8) b.frames.push(frame);
      return;
    }
    if (trimmed === '+ expected - actual') {
      b.diff = [];
      b.diffIndent = text.length - text.trimStart().length;
      return;
    }
    if (b.diff && !b.diffDone) {
      const indent = text.length - text.trimStart().length;
      if (b.diff.length < 24) b.diff.push(text.slice(Math.min(indent, b.diffIndent)).trimEnd());
      return;
    }
    if (b.message.length < 4 && b.frames.length === 0) b.message.push(trimmed);
  }

  private flush(): void {
    const b = this.block;
    this.block = undefined;
    if (!b) return;
    let message = b.message[0] ?? 'Test failed';
    // "Expected values to be strictly equal:" says more with its next line ("-1 !== 5").
    const next = b.message[1];
    if (message.endsWith(':') && next !== undefined && next !== '+ actual - expected') message += ` ${next}`;
    let expected: string | undefined;
    let actual: string | undefined;
    let excerpt: string | undefined;
    if (b.diff && b.diff.length > 0) {
      const plus = b.diff.filter((l) => l.startsWith('+')).map((l) => l.slice(1));
      const minus = b.diff.filter((l) => l.startsWith('-')).map((l) => l.slice(1));
      if (plus.length + minus.length === b.diff.length && plus.length <= 3 && minus.length <= 3) {
        expected = plus.join('\n');
        actual = minus.join('\n');
      } else {
        excerpt = buildExcerpt(['+ expected - actual', ...b.diff]);
      }
    }
    const own = b.frames.find((f) => !/node_modules[\\/]|node:internal|\(internal\//.test(f.file));
    this.collector.add({
      kind: 'test-failure',
      tool: TOOL,
      testName: b.title.join(' '),
      message,
      file: own?.file,
      line: own?.line,
      column: own?.column,
      expected,
      actual,
      frames: b.frames.map((f) => f.text),
      excerpt,
    });
  }
}

export const mochaCondenser: CondenserFactory = {
  tool: TOOL,
  description: 'Mocha',
  trigger: /^\s*\d+ (?:passing|pending|failing)\b|^[>$] .*mocha/,
  create: () => new MochaCondenser(),
};
