/**
 * The failure block shared by the Jest-like runners (Vitest, Jest, Playwright): an error
 * message, an optional "- Expected / + Received" diff or "Expected: / Received:" lines, code
 * frames (skipped) and stack frames. Each runner finds where blocks start and end; this turns
 * the lines in between into a test-failure finding. Bounded: keeps at most a few dozen lines.
 */
import type { TestCounts } from '../contracts/failure-report.ts';
import { buildExcerpt, type FindingCollector, type FindingInput } from './finding.ts';
import type { CondenserOutput } from './types.ts';

const MAX_DIFF_LINES = 24;
const MAX_FRAMES = 8;
const MAX_MESSAGE_LINES = 4;

// "❯ fn file:1:2" (Vitest), "at fn (file:1:2)" / "at file:1:2" (Jest, Playwright, Node).
const VITEST_FRAME = /^\s*[❯→>] (?:(.+) )?((?:[A-Za-z]:)?[^\s:]+?):(\d+):(\d+)\s*$/;
const V8_FRAME = /^\s*at (?:(.*?) \()?((?:file:\/\/)?(?:[A-Za-z]:)?[^\s():]+?):(\d+):(\d+)\)?\s*$/;
// A code frame line: "  4| code", "> 6 |   code", "    |     ^".
const CODE_FRAME = /^\s*(?:>\s*)?\d*\s*\|/;

export interface ParsedFrame {
  text: string;
  file: string;
  line: number;
  column: number;
}

/** Parses a Vitest (❯) or V8 (at) stack frame. Exported for sample-line tests. */
export function parseTestFrame(text: string): ParsedFrame | undefined {
  const m = VITEST_FRAME.exec(text) ?? (text.includes('at ') ? V8_FRAME.exec(text) : null);
  if (!m) return undefined;
  const file = (m[2] ?? '').replace(/^file:\/\//, '');
  const line = Number(m[3]);
  const column = Number(m[4]);
  const where = `${file}:${line}:${column}`;
  return { text: m[1] ? `${m[1]} (${where})` : where, file, line, column };
}

/** Accumulates one failure block. */
export class TestFailureBlock {
  readonly testNames: string[];
  readonly file: string | undefined;
  private message: string[] = [];
  private diff: string[] = [];
  private inDiff = false;
  private diffIndent = 0;
  private diffDone = false;
  private expected: string | undefined;
  private actual: string | undefined;
  private frames: ParsedFrame[] = [];
  private lines = 0;

  constructor(testNames: string[], file: string | undefined) {
    this.testNames = testNames;
    this.file = file;
  }

  get hasMessage(): boolean {
    return this.message.length > 0;
  }

  /** Feeds one line of the block (without the runner's own indentation handling). */
  push(raw: string): void {
    this.lines++;
    const text = raw.trim();
    if (text === '') {
      if (this.inDiff && this.diff.length > 0) {
        this.inDiff = false;
        this.diffDone = true;
      }
      return;
    }
    const frame = parseTestFrame(raw);
    if (frame) {
      this.inDiff = false;
      if (this.frames.length < MAX_FRAMES) this.frames.push(frame);
      return;
    }
    if (this.frames.length > 0 && CODE_FRAME.test(raw)) return;
    // "- Expected  - 1" / "+ Received  + 0" (counts since Jest 26), "- Snapshot" for snapshots.
    if (/^- (?:Expected|Snapshot)(?:\s+- \d+)?$/.test(text)) {
      this.inDiff = !this.diffDone;
      this.diffIndent = raw.length - raw.trimStart().length;
      return;
    }
    if (/^\+ Received(?:\s+\+ \d+)?$/.test(text)) return;
    if (this.inDiff) {
      if (this.diff.length < MAX_DIFF_LINES) {
        const indent = raw.length - raw.trimStart().length;
        this.diff.push(raw.slice(Math.min(indent, this.diffIndent)).trimEnd());
      }
      return;
    }
    // "Expected: 5", "Expected substring: …", "Expected length: 3", "Expected number of calls: >= 1".
    const expected = /^Expected(?: [a-z ]{1,30})?(?: \(.*\))?:\s+(.*)$/.exec(text);
    if (expected && this.message.length > 0) {
      this.expected ??= expected[1];
      return;
    }
    const received = /^Received(?: [a-z ]{1,30})?(?: \(.*\))?:\s+(.*)$/.exec(text);
    if (received && this.message.length > 0) {
      this.actual ??= received[1];
      return;
    }
    if (CODE_FRAME.test(raw)) return;
    if (this.frames.length === 0 && this.message.length < MAX_MESSAGE_LINES) this.message.push(text);
  }

  /** One finding per test name sharing this error. */
  toFindings(tool: string): FindingInput[] {
    let expected = this.expected;
    let actual = this.actual;
    let excerpt: string | undefined;
    if (this.diff.length > 0) {
      const minus = this.diff.filter((l) => l.startsWith('-')).map((l) => l.slice(1).trim());
      const plus = this.diff.filter((l) => l.startsWith('+')).map((l) => l.slice(1).trim());
      const context = this.diff.some((l) => !l.startsWith('-') && !l.startsWith('+'));
      if (!context && minus.length <= 3 && plus.length <= 3) {
        expected ??= minus.join('\n');
        actual ??= plus.join('\n');
      } else {
        excerpt = buildExcerpt(['- Expected  + Received', ...this.diff]);
      }
    }
    if (!excerpt && this.message.length > 1) excerpt = buildExcerpt(this.message.slice(1));
    const own = this.frames.find((f) => !/node_modules[\\/]|node:internal|\(internal\//.test(f.file));
    const names = this.testNames.length > 0 ? this.testNames : [undefined];
    return names.map((testName) => ({
      kind: 'test-failure' as const,
      tool,
      testName,
      message: this.message[0] ?? 'Test failed',
      file: own?.file ?? this.file,
      line: own?.line,
      column: own?.column,
      expected,
      actual,
      frames: this.frames.map((f) => f.text),
      excerpt,
    }));
  }
}

/** What a JS test runner saw of its own run, for testRunOutput. */
export interface TestRun {
  detected: boolean;
  firstLine: number | undefined;
  testCounts: TestCounts | undefined;
  command: string | undefined;
}

/**
 * The `finish()` result of a JS test runner (Jest, Vitest, Mocha, Playwright). Findings and
 * overflow count only when the runner itself was recognised: their "FAIL"/bullet lines alone
 * are shared between runners, so an unrecognised run must stay silent.
 */
export function testRunOutput(collector: FindingCollector, tool: string, run: TestRun): CondenserOutput {
  const { detected, firstLine, testCounts, command } = run;
  return {
    detected,
    findings: detected ? collector.findings : [],
    overflow: detected ? collector.overflow(tool) : [],
    ...(testCounts && { testCounts }),
    ...(command !== undefined && { command }),
    ...(firstLine !== undefined && { firstLine }),
  };
}
