/**
 * Helpers shared by condensers: building findings with capped fields, filtering stack frames
 * to the repo's own code, and small bounded buffers. Pure.
 */
import type { DroppedFindings, Finding, FindingKind, TestCounts } from '../contracts/failure-report.ts';
import type { CondenserOutput } from './types.ts';

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

/**
 * Returns a flat copy of a string. Lines are slices of the 64 KiB chunk they came from, and V8
 * keeps the whole chunk alive for as long as a slice lives; a finding that keeps a slice would
 * pin a chunk per finding (hundreds of MB on a big log). Everything a condenser keeps past the
 * current line (findings, file names, commands) should go through this.
 */
export function detach(text: string): string {
  return text.length === 0 ? text : (' ' + text).slice(1);
}

/** A copy of a finding whose strings are all detached from their log chunks (see detach). */
export function detachFinding(finding: Finding): Finding {
  const out: Finding = { ...finding, message: detach(finding.message) };
  for (const key of ['file', 'code', 'testName', 'expected', 'actual', 'excerpt'] as const) {
    const value = finding[key];
    if (value !== undefined) out[key] = detach(value);
  }
  if (finding.frames) out.frames = finding.frames.map(detach);
  if (finding.packages) out.packages = finding.packages.map(detach);
  return out;
}

/** Cuts a string to `max` characters, marking the cut with an ellipsis. */
export function cap(text: string, max: number): string {
  return detach(text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`);
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
  if (file) finding.file = detach(file);
  const line = positive(input.line);
  if (line !== undefined) finding.line = line;
  const column = positive(input.column);
  if (column !== undefined && line !== undefined) finding.column = column;
  if (input.code?.trim()) finding.code = detach(input.code.trim());
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
  if (input.packages && input.packages.length > 0) {
    finding.packages = [...new Set(input.packages)].slice(0, 10).map(detach);
  }
  if (input.excerpt?.trim()) finding.excerpt = cap(input.excerpt, FIELD_CAPS.excerpt);
  return finding;
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
    if (input.file && entry.files.size < MAX_TRACKED_FILES) entry.files.add(detach(input.file));
  }
  get size(): number {
    return this.findings.length;
  }
  /** Counts of findings beyond the cap, for `CondenserOutput.overflow`. */
  overflow(tool: string): DroppedFindings[] {
    return [...this.counts].map(([kind, { count, files }]) => ({ tool, kind, count, files: files.size }));
  }
  /**
   * The usual `Condenser.finish()` result: these findings and their overflow, with `firstLine`
   * when the tool was seen. `detected` defaults to "seen"; condensers that detect a tool by its
   * banner alone pass their own.
   */
  output(tool: string, firstLine: number | undefined, detected = firstLine !== undefined): CondenserOutput {
    return {
      detected,
      findings: this.findings,
      overflow: this.overflow(tool),
      ...(firstLine !== undefined && { firstLine }),
    };
  }
}

/**
 * The line an npm/yarn/pnpm script or a shell echoes before running a JS tool ("> npx jest --ci",
 * "$ pnpm exec vitest run"): group 1 is the command. `binary` is a regex source for the tool.
 */
export function echoedCommandPattern(binary: string): RegExp {
  return new RegExp(`^(?:> |\\$ )((?:npx |pnpm (?:exec )?|yarn )?${binary}(?:\\s.*)?)$`);
}

/** The command an echo line runs when it matches `pattern` (see echoedCommandPattern). */
export function echoedCommand(text: string, pattern: RegExp): string | undefined {
  if (!text.startsWith('> ') && !text.startsWith('$ ')) return undefined;
  return pattern.exec(text.trim())?.[1];
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
