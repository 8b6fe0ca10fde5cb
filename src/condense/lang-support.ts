/**
 * Small shared pieces for the language condensers (go, cargo, python, jvm, cc, dotnet, rspec,
 * phpunit, swift, generic): a bounded finding collector, text clipping and frame filters.
 * Pure and allocation-light, because every log line of every CI run passes through them.
 */
import type { DroppedFindings, Finding, FindingKind } from '../contracts/failure-report.ts';
import type { CondenserOutput } from './types.ts';
import { detach, detachFinding } from './finding.ts';

/** Most findings one condenser keeps; the dispatcher caps far lower, this only bounds memory. */
export const MAX_FINDINGS_PER_CONDENSER = 500;
/** Longest message kept; longer ones are cut with an ellipsis. */
export const MAX_MESSAGE_CHARS = 400;
/** Most raw lines kept in one finding's excerpt. */
export const MAX_EXCERPT_LINES = 8;
/** Most stack frames kept per finding (the contract allows 10). */
export const MAX_FRAMES = 5;

/** What a condenser fills in; the collector supplies the defaults the contract requires. */
export interface FindingDraft {
  kind: FindingKind;
  tool: string;
  message: string;
  file?: string | undefined;
  line?: number | undefined;
  column?: number | undefined;
  code?: string | undefined;
  severity?: 'error' | 'warning';
  testName?: string | undefined;
  expected?: string | undefined;
  actual?: string | undefined;
  frames?: readonly string[] | undefined;
  packages?: readonly string[] | undefined;
  excerpt?: readonly string[] | string | undefined;
}

/** Cuts `text` to `max` characters (an ellipsis marks the cut) after collapsing outer spaces. */
export function clip(text: string, max = MAX_MESSAGE_CHARS): string {
  const trimmed = text.trim();
  return trimmed.length <= max ? trimmed : `${trimmed.slice(0, max - 1)}…`;
}

/** Cuts `text` to `max` characters without trimming it. */
export function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Parses a positive integer; `undefined` for anything else (0, NaN, absent) so zod never sees 0. */
export function positive(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number.parseInt(text, 10);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

/** Parses a non-negative integer, 0 when absent. */
export function count(text: string | undefined): number {
  if (text === undefined) return 0;
  const value = Number.parseInt(text, 10);
  return Number.isFinite(value) && value >= 0 ? value : 0;
}

/** Leading whitespace width (tabs count as one). */
export function indentOf(text: string): number {
  let i = 0;
  while (i < text.length && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i += 1;
  return i;
}

/**
 * Collects findings with merging of exact repeats (same kind, place, code, message and test) and
 * a hard cap. Merged repeats raise `occurrences`; findings past the cap are counted in
 * `overflow` only, so memory stays bounded on a log with a million identical errors.
 */
export class FindingCollector {
  readonly #items: Finding[] = [];
  readonly #byKey = new Map<string, Finding>();
  #overflow = 0;
  /** Findings past the cap, counted per tool and kind with their distinct files (bounded). */
  readonly #dropped = new Map<
    string,
    { tool: string; kind: FindingKind; count: number; files: Set<string> }
  >();

  /** Adds a finding, or merges it into an identical earlier one. Returns the stored finding. */
  add(draft: FindingDraft): Finding | undefined {
    const message = clip(draft.message);
    if (message.length === 0) return undefined;
    const key = findingKey(draft, message);
    const existing = this.#byKey.get(key);
    if (existing) {
      existing.occurrences += 1;
      return existing;
    }
    if (this.#items.length >= MAX_FINDINGS_PER_CONDENSER) {
      this.#overflow += 1;
      const dropKey = `${draft.tool}\u0000${draft.kind}`;
      let entry = this.#dropped.get(dropKey);
      if (!entry) {
        entry = { tool: draft.tool, kind: draft.kind, count: 0, files: new Set() };
        this.#dropped.set(dropKey, entry);
      }
      entry.count += 1;
      if (draft.file !== undefined && entry.files.size < 2000) entry.files.add(detach(draft.file));
      return undefined;
    }
    // Detached: a finding that kept slices of log lines would pin a 64 KiB chunk each.
    const finding = detachFinding(buildFinding(draft, message));
    this.#items.push(finding);
    this.#byKey.set(key, finding);
    return finding;
  }

  /** True when an identical finding is already stored (used to skip tools' repeated summaries). */
  has(draft: FindingDraft): boolean {
    return this.#byKey.has(findingKey(draft, clip(draft.message)));
  }

  /** Removes stored findings that fail `keep` (e.g. a parent test whose subtests failed). */
  retain(keep: (finding: Finding) => boolean): void {
    const kept = this.#items.filter(keep);
    if (kept.length === this.#items.length) return;
    this.#items.length = 0;
    this.#byKey.clear();
    for (const finding of kept) {
      this.#items.push(finding);
      this.#byKey.set(findingKey(finding, finding.message), finding);
    }
  }

  get size(): number {
    return this.#items.length;
  }

  /** The stored findings from index `start` on, for a condenser to complete them in place. */
  since(start: number): Finding[] {
    return this.#items.slice(start);
  }

  /** Findings dropped because the cap was reached. */
  get overflow(): number {
    return this.#overflow;
  }

  list(): Finding[] {
    return [...this.#items];
  }

  /** Findings past the cap, for `CondenserOutput.overflow` (the report's `dropped` totals). */
  dropped(): DroppedFindings[] {
    return [...this.#dropped.values()].map(({ tool, kind, count, files }) => ({
      tool,
      kind,
      count,
      files: files.size,
    }));
  }
}

/** Adds the collector's overflow to a condenser output when there is any. */
export function withOverflow(output: CondenserOutput, collector: FindingCollector): CondenserOutput {
  const overflow = collector.dropped();
  return overflow.length > 0 ? { ...output, overflow } : output;
}

function findingKey(draft: FindingDraft, message: string): string {
  return [
    draft.kind,
    draft.tool,
    draft.file ?? '',
    draft.line ?? '',
    draft.column ?? '',
    draft.code ?? '',
    draft.testName ?? '',
    message,
  ].join('\u0000');
}

function buildFinding(draft: FindingDraft, message: string): Finding {
  const finding: Finding = {
    kind: draft.kind,
    tool: draft.tool,
    severity: draft.severity ?? 'error',
    message,
    occurrences: 1,
  };
  if (draft.file !== undefined && draft.file.length > 0) finding.file = draft.file;
  if (draft.line !== undefined && draft.line > 0) finding.line = draft.line;
  if (draft.column !== undefined && draft.column > 0) finding.column = draft.column;
  if (draft.code !== undefined && draft.code.length > 0) finding.code = draft.code;
  if (draft.testName !== undefined && draft.testName.length > 0) finding.testName = clip(draft.testName, 300);
  // Whitespace inside an expected/actual value is significant ("Hello, " vs "Hello,"): cut, never trim.
  if (draft.expected !== undefined) finding.expected = cut(draft.expected, 300);
  if (draft.actual !== undefined) finding.actual = cut(draft.actual, 300);
  if (draft.frames !== undefined && draft.frames.length > 0) {
    finding.frames = draft.frames.slice(0, MAX_FRAMES).map((frame) => clip(frame, 300));
  }
  if (draft.packages !== undefined && draft.packages.length > 0)
    finding.packages = [...new Set(draft.packages)];
  const excerpt = typeof draft.excerpt === 'string' ? draft.excerpt : renderExcerpt(draft.excerpt);
  if (excerpt !== undefined && excerpt.length > 0) finding.excerpt = excerpt;
  return finding;
}

function renderExcerpt(lines: readonly string[] | undefined): string | undefined {
  if (lines === undefined || lines.length === 0) return undefined;
  const kept = lines.slice(0, MAX_EXCERPT_LINES).map((line) => clip(line, 200));
  if (lines.length > MAX_EXCERPT_LINES) kept.push(`… ${lines.length - MAX_EXCERPT_LINES} more lines`);
  return kept.join('\n');
}

/** A bounded list of raw lines for an excerpt: keeps the first `max` and counts the rest. */
export class ExcerptLines {
  readonly lines: string[] = [];
  #extra = 0;
  readonly #max: number;
  constructor(max = MAX_EXCERPT_LINES) {
    this.#max = max;
  }
  push(line: string): void {
    if (this.lines.length < this.#max) this.lines.push(line);
    else this.#extra += 1;
  }
  render(): string | undefined {
    if (this.lines.length === 0) return undefined;
    const kept = this.lines.map((line) => clip(line, 200));
    if (this.#extra > 0) kept.push(`… ${this.#extra} more lines`);
    return kept.join('\n');
  }
}

/**
 * A bounded list of frames: keeps the first `max` that pass the filter, so a 500-frame stack
 * overflow trace costs nothing.
 */
export class FrameList {
  readonly frames: string[] = [];
  readonly #max: number;
  constructor(max = MAX_FRAMES) {
    this.#max = max;
  }
  push(frame: string): void {
    if (this.frames.length < this.#max) this.frames.push(frame);
  }
  get full(): boolean {
    return this.frames.length >= this.#max;
  }
}

// Dependency and toolchain directories; one regex call instead of sixteen `includes` (it runs
// on every stack frame a condenser reads).
const VENDOR_PATH =
  /\/(?:site-packages|dist-packages|node_modules|pkg\/mod|\.cargo\/(?:registry|git)|rustc|\.rustup|vendor|gems|usr\/lib|usr\/local\/lib|usr\/share|hostedtoolcache|\.pyenv)\/|\\site-packages\\|^</;

/** True for paths that belong to dependencies or toolchains rather than the repository. */
export function isVendorPath(path: string): boolean {
  return VENDOR_PATH.test(path);
}

/** Maven/Gradle-style coordinates (`group:artifact[:type]:version`) in free text, in order. */
export function findCoordinates(text: string): string[] {
  const found: string[] = [];
  const pattern = /\b[A-Za-z][\w.-]*:[A-Za-z][\w.-]*(?::[\w.-]+){1,3}\b/g;
  for (const match of text.matchAll(pattern)) {
    const value = match[0].replace(/\.$/, '');
    // Skip URLs and times that happen to look like coordinates.
    if (value.startsWith('http') || value.startsWith('file')) continue;
    if (!found.includes(value)) found.push(value);
    if (found.length >= 10) break;
  }
  return found;
}
