/**
 * Helpers shared by condensers: building findings with capped fields, filtering stack frames
 * to the repo's own code, and small bounded buffers. Pure.
 */
import type { DroppedFindings, Finding, FindingKind, TestCounts } from '../contracts/failure-report.ts';

/** Caps on the free-text fields of one finding (UTF-16 units). */
export const FIELD_CAPS = {
  message: 500,
  value: 400,
  excerpt: 1200,
  excerptLines: 16,
  frame: 200,
  frames: 5,
} as const;

/** Everything a condenser may set; the defaults (`severity`, `occurrences`) are filled in. */
export interface FindingInput {
  kind: FindingKind;
  tool: string;
  message: string;
  file?: string | undefined;
  line?: number | undefined;
  column?: number | undefined;
  code?: string | undefined;
  severity?: 'error' | 'warning' | undefined;
  testName?: string | undefined;
  expected?: string | undefined;
  actual?: string | undefined;
  frames?: readonly string[] | undefined;
  packages?: readonly string[] | undefined;
  excerpt?: string | undefined;
}

/** Cuts a string to `max` characters, marking the cut with an ellipsis. */
export function cap(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** Joins excerpt lines, capped by line count and size, trailing blank lines removed. */
export function buildExcerpt(lines: readonly string[]): string | undefined {
  const kept = lines.slice(0, FIELD_CAPS.excerptLines);
  while (kept.length > 0 && (kept[kept.length - 1] ?? '').trim() === '') kept.pop();
  while (kept.length > 0 && (kept[0] ?? '').trim() === '') kept.shift();
  if (kept.length === 0) return undefined;
  let text = kept.join('\n');
  if (lines.slice(FIELD_CAPS.excerptLines).some((l) => l.trim() !== '')) text += '\n…';
  return cap(text, FIELD_CAPS.excerpt);
}

function positive(n: number | undefined): number | undefined {
  return n !== undefined && Number.isInteger(n) && n > 0 ? n : undefined;
}

/**
 * Builds a schema-valid Finding: trims and caps text fields, drops empty optionals and
 * non-positive line/column numbers, so a condenser can never produce an invalid report.
 */
export function makeFinding(input: FindingInput): Finding {
  const message = cap(input.message.trim() || '(no message)', FIELD_CAPS.message);
  const finding: Finding = {
    kind: input.kind,
    tool: input.tool,
    severity: input.severity ?? 'error',
    message,
    occurrences: 1,
  };
  const file = input.file?.trim();
  if (file) finding.file = file;
  const line = positive(input.line);
  if (line !== undefined) finding.line = line;
  const column = positive(input.column);
  if (column !== undefined && line !== undefined) finding.column = column;
  if (input.code?.trim()) finding.code = input.code.trim();
  if (input.testName?.trim()) finding.testName = cap(input.testName.trim(), FIELD_CAPS.message);
  if (input.expected !== undefined && input.expected.trim() !== '') {
    finding.expected = cap(input.expected, FIELD_CAPS.value);
  }
  if (input.actual !== undefined && input.actual.trim() !== '') {
    finding.actual = cap(input.actual, FIELD_CAPS.value);
  }
  if (input.frames && input.frames.length > 0) {
    finding.frames = input.frames.slice(0, FIELD_CAPS.frames).map((f) => cap(f.trim(), FIELD_CAPS.frame));
  }
  if (input.packages && input.packages.length > 0)
    finding.packages = [...new Set(input.packages)].slice(0, 10);
  if (input.excerpt?.trim()) finding.excerpt = cap(input.excerpt, FIELD_CAPS.excerpt);
  return finding;
}

const FOREIGN_FRAME =
  /node_modules[\\/]|\bnode:internal\b|\(node:|^\s*at (?:node:|internal\/)|\(internal\/|<anonymous>|\bnative\b|processTicksAndRejections|new Promise \(<anonymous>\)/;

/** True for a JS stack frame in the repo's own code (not node_modules, not Node internals). */
export function isOwnJsFrame(frame: string): boolean {
  return !FOREIGN_FRAME.test(frame);
}

/** Matches "at fn (file:line:col)" or "at file:line:col"; returns the location parts. */
const JS_FRAME = /^\s*at (?:(.*?) \()?((?:file:\/\/)?[^()\s]+?):(\d+):(\d+)\)?\s*$/;

export interface JsFrame {
  fn?: string;
  file: string;
  line: number;
  column: number;
}

/** Parses a V8 stack frame line; undefined when the line is not a frame with a location. */
export function parseJsFrame(text: string): JsFrame | undefined {
  if (!text.includes('at ')) return undefined;
  const m = JS_FRAME.exec(text);
  if (!m) return undefined;
  const frame: JsFrame = { file: m[2] ?? '', line: Number(m[3]), column: Number(m[4]) };
  if (m[1]) frame.fn = m[1];
  return frame;
}

/** Findings a condenser keeps before it only counts (the report shows far fewer anyway). */
export const MAX_KEPT_FINDINGS = 200;
const MAX_TRACKED_FILES = 2000;

/**
 * Collects a condenser's findings with bounded memory: the first `max` are kept, later ones are
 * only counted per kind with their distinct files (up to a bound), and reported as `overflow`.
 */
export class FindingCollector {
  readonly findings: Finding[] = [];
  private readonly max: number;
  private readonly counts = new Map<FindingKind, { count: number; files: Set<string> }>();
  constructor(max = MAX_KEPT_FINDINGS) {
    this.max = max;
  }
  add(input: FindingInput): void {
    if (this.findings.length < this.max) {
      this.findings.push(makeFinding(input));
      return;
    }
    let entry = this.counts.get(input.kind);
    if (!entry) {
      entry = { count: 0, files: new Set() };
      this.counts.set(input.kind, entry);
    }
    entry.count++;
    if (input.file && entry.files.size < MAX_TRACKED_FILES) entry.files.add(input.file);
  }
  get size(): number {
    return this.findings.length;
  }
  /** Counts of findings beyond the cap, for `CondenserOutput.overflow`. */
  overflow(tool: string): DroppedFindings[] {
    return [...this.counts].map(([kind, { count, files }]) => ({ tool, kind, count, files: files.size }));
  }
}

/** Keeps at most `max` items; counts the rest. */
export class BoundedList<T> {
  readonly items: T[] = [];
  overflow = 0;
  readonly max: number;
  constructor(max: number) {
    this.max = max;
  }
  push(item: T): boolean {
    if (this.items.length >= this.max) {
      this.overflow++;
      return false;
    }
    this.items.push(item);
    return true;
  }
}

/** Adds two test-count summaries (several runs of one runner in a log). */
export function addCounts(a: TestCounts, b: TestCounts): TestCounts {
  return {
    passed: a.passed + b.passed,
    failed: a.failed + b.failed,
    skipped: a.skipped + b.skipped,
    total: (a.total ?? a.passed + a.failed + a.skipped) + (b.total ?? b.passed + b.failed + b.skipped),
  };
}
