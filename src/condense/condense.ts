/**
 * The condense dispatcher: turns a raw CI log (a stream of string or byte chunks) into one
 * FailureReport. Pure and streaming; memory is bounded by the line cap and the condensers' own
 * bounds, never by the log size.
 *
 * 1. Split chunks into lines (createLineSplitter: streaming UTF-8, 64 KiB line cap).
 * 2. Normalise each line (normalizeLine: timestamps, ANSI, `\r`, NUL, `##[...]` markers).
 * 3. Feed the condensers: those with a `trigger` (or `markers`) only see matching lines unless
 *    they are inside a block (`wantsEveryLine()`); a trigger index (trigger-index.ts) turns
 *    the triggers into literal checks and runs a regex only where one may match.
 * 4. Build the report (buildFailureReport: relative paths, dedupe, caps, dropped totals).
 */
import type { FailureReport } from '../contracts/failure-report.ts';
import { createLineSplitter, normalizeLine } from './normalize.ts';
import { condenserFactories } from './registry.ts';
import { buildFailureReport, type ReportPart } from './report.ts';
import { buildTriggerIndex } from './trigger-index.ts';
import type { Condenser, CondenserFactory, LogLine, LogMarker } from './types.ts';

export interface CondenseOptions {
  /** 'auto' (default) runs every registered condenser; or the ids of the ones to run. */
  tools?: 'auto' | string[];
  /** The command that produced the log; recorded in the report. */
  command?: string;
  /** The command's exit code; non-zero makes the conclusion 'failure' even without findings. */
  exitCode?: number;
  /**
   * Absolute checkout path to strip from file paths. Runner checkouts
   * (/home/runner/work/<r>/<r>/, D:\a\<r>\<r>\, /__w/<r>/<r>/, /github/workspace/) are stripped anyway.
   */
  repoRoot?: string;
  /** Total cap on findings (default 30); the rest are counted in `dropped`. */
  maxFindings?: number;
  /** Cap per tool (default 10), so one noisy tool cannot hide another's root cause. */
  maxFindingsPerTool?: number;
  /** Recorded as `report.source`. */
  source?: FailureReport['source'];
  /** Condenser set to choose from; defaults to the registry. For tests and embedders. */
  factories?: readonly CondenserFactory[];
  /** Dispatch batch limits (default 4,096 lines, 256K characters; see BATCH_LINES). For tests. */
  batch?: { readonly lines: number; readonly chars: number };
}

/** A streaming condense run over one log. */
export interface CondenseSession {
  /** Feeds the next chunk of the log; chunks may split lines and UTF-8 characters anywhere. */
  push(chunk: string | Uint8Array): void;
  /** Ends the log and returns the report. Call once. */
  finish(): FailureReport;
}

/** `tools` named a condenser that is not registered. */
export class UnknownCondenserError extends Error {
  override name = 'UnknownCondenserError';
  readonly unknown: readonly string[];
  constructor(unknown: readonly string[], known: readonly string[]) {
    super(`Unknown condenser ${unknown.map((t) => `'${t}'`).join(', ')}; known: ${known.join(', ')}`);
    this.unknown = unknown;
  }
}

/** Resolves `tools` against the factories; throws UnknownCondenserError for unknown ids. */
export function selectFactories(
  tools: CondenseOptions['tools'],
  factories: readonly CondenserFactory[] = condenserFactories,
): CondenserFactory[] {
  if (tools === undefined || tools === 'auto') return [...factories];
  const wanted = tools.map((t) => t.trim()).filter((t) => t !== '' && t !== 'auto');
  if (wanted.length === 0) return [...factories];
  const known = factories.map((f) => f.tool);
  const unknown = wanted.filter((t) => !known.includes(t));
  if (unknown.length > 0) throw new UnknownCondenserError(unknown, known);
  return factories.filter((f) => wanted.includes(f.tool));
}

interface Slot {
  readonly factory: CondenserFactory;
  readonly condenser: Condenser;
  readonly trigger: RegExp | undefined;
  readonly markers: readonly LogMarker[] | undefined;
  /** Has a trigger or markers: fed only the lines they select, plus every line while hungry. */
  readonly gated: boolean;
  /** Inside a block: gets every line until wantsEveryLine() turns false. */
  hungry: boolean;
  /** Indexes (in the current batch) of the lines its trigger or markers selected, ascending. */
  readonly selected: Int32Array;
  selectedCount: number;
}

// "##[error]Process completed with exit code 2." closes every failed step of an Actions log.
const EXIT_CODE_LINE = /^Process completed with exit code (-?\d+)\.?$/;

// Lines are dispatched in batches of at most this many lines or characters (whichever comes
// first; the second bounds the memory a batch of long lines holds). See flush(). On the 300 MB
// benchmark log, 4,096 lines took 8–15% less CPU than 256 (1,024 were no faster). A batch this
// big survives scavenges, so V8 grows the young generation (≈ 30 MB more peak RSS), unless it is
// capped, as worker.ts does for the processes that condense big logs.
const BATCH_LINES = 4096;
const BATCH_CHARS = 256 * 1024;

/** Starts a streaming condense run. Throws UnknownCondenserError for unknown `tools`. */
export function createCondenseSession(options: CondenseOptions = {}): CondenseSession {
  const factories = selectFactories(options.tools, options.factories ?? condenserFactories);
  const batchLimit = Math.max(1, Math.floor(options.batch?.lines ?? BATCH_LINES));
  const batchCharLimit = Math.max(1, options.batch?.chars ?? BATCH_CHARS);
  const slots: Slot[] = factories.map((factory) => {
    const condenser = factory.create();
    let trigger = factory.trigger;
    // A g/y trigger would carry lastIndex between lines; strip those flags.
    if (trigger && /[gy]/.test(trigger.flags))
      trigger = new RegExp(trigger.source, trigger.flags.replace(/[gy]/g, ''));
    const markers = factory.markers;
    const gated = trigger !== undefined || markers !== undefined;
    const selected = new Int32Array(gated ? batchLimit : 0);
    return { factory, condenser, trigger, markers, gated, hungry: false, selected, selectedCount: 0 };
  });
  const gated = slots.filter((s) => s.gated);
  // Flagless triggers go into one index (buildTriggerIndex) that tests, per line, only the
  // alternatives able to match it; triggers with flags cannot be merged and are tested on their own.
  const plain = gated.filter((s) => s.trigger?.flags === '');
  const flagged = gated.filter((s) => s.trigger !== undefined && s.trigger.flags !== '');
  const byMarker = gated.filter((s) => s.markers !== undefined && s.markers.length > 0);
  const index = buildTriggerIndex(plain.map((s) => s.trigger?.source ?? ''));
  const hits = new Uint8Array(plain.length);
  let lineNumber = 0;
  let exitCodeFromLog: number | undefined;
  // "##[group]Run npm test" opens each step of an Actions log; the one open when the first
  // "Process completed with exit code N" appears is the step that failed.
  let runningStep: string | undefined;
  let failedStep: string | undefined;
  let finished = false;

  // The current batch: each line's text and marker, and its LogLine object once built (only
  // for lines some condenser is fed: most lines of a big log are dropped without one).
  const texts: string[] = [];
  const marks: (LogMarker | undefined)[] = [];
  const lines: (LogLine | undefined)[] = [];
  let batchLines = 0;
  let batchChars = 0;

  const select = (slot: Slot, at: number): void => {
    // A slot selected twice for one line (trigger and marker) is fed it once.
    if (slot.selectedCount > 0 && slot.selected[slot.selectedCount - 1] === at) return;
    slot.selected[slot.selectedCount++] = at;
  };

  /** Feeds line `at` of the batch to `slot`; returns whether the slot wants every line next. */
  const feed = (slot: Slot, at: number): boolean => {
    let line = lines[at];
    if (line === undefined) {
      const text = texts[at] as string;
      const marker = marks[at];
      const number = lineNumber - batchLines + 1 + at;
      line = marker === undefined ? { text, number } : { text, number, marker };
      lines[at] = line;
    }
    try {
      slot.condenser.push(line);
    } catch {
      // A condenser bug must not lose the rest of the report; the contract says push never throws.
    }
    try {
      return slot.condenser.wantsEveryLine?.() ?? false;
    } catch {
      return false;
    }
  };

  /**
   * Dispatches the batch one condenser at a time: each gets, in order, the lines its trigger
   * or markers selected plus every line while it is hungry (inside a block) — exactly the lines
   * it would get one line at a time, since condensers are independent of each other. Running
   * one condenser over many lines in a row keeps its code and regexes hot; interleaving 25 of
   * them line by line made their work cost about twice as much.
   */
  const flush = (): void => {
    const n = batchLines;
    for (const slot of slots) {
      if (!slot.gated) {
        for (let at = 0; at < n; at++) feed(slot, at);
        continue;
      }
      const selected = slot.selected;
      const count = slot.selectedCount;
      let next = 0;
      let hungry = slot.hungry;
      let at = hungry ? 0 : count > 0 ? (selected[0] as number) : n;
      while (at < n) {
        hungry = feed(slot, at);
        while (next < count && (selected[next] as number) <= at) next++;
        at = hungry ? at + 1 : next < count ? (selected[next] as number) : n;
      }
      slot.hungry = hungry;
      slot.selectedCount = 0;
    }
    // Drop the batch's references: kept texts would pin their decoded pieces.
    for (let at = 0; at < n; at++) {
      texts[at] = '';
      marks[at] = undefined;
      lines[at] = undefined;
    }
    batchLines = 0;
    batchChars = 0;
  };

  const onLine = (raw: string, clean: boolean): void => {
    lineNumber++;
    let text: string;
    let marker: LogMarker | undefined;
    // A clean line not starting with "#" is its own text: no marker to split off.
    if (clean && raw.charCodeAt(0) !== 35) text = raw;
    else {
      const normalized = normalizeLine(raw, clean);
      text = normalized.text;
      marker = normalized.marker;
      if (marker === 'error') {
        const exit = EXIT_CODE_LINE.exec(text);
        if (exit && exitCodeFromLog === undefined) {
          exitCodeFromLog = Number(exit[1]);
          failedStep = runningStep;
        }
      } else if (marker === 'group' && text.startsWith('Run ')) {
        runningStep = text.slice(4).trim() || undefined;
      }
    }
    const at = batchLines++;
    texts[at] = text;
    marks[at] = marker;
    batchChars += text.length;
    if (text !== '') {
      let left = index === undefined ? 0 : index(text, hits);
      for (let i = 0; left > 0; i++) {
        if (hits[i] === 0) continue;
        hits[i] = 0;
        left--;
        const slot = plain[i];
        if (slot !== undefined) select(slot, at);
      }
      for (let i = 0; i < flagged.length; i++) {
        const slot = flagged[i];
        if (slot?.trigger?.test(text) === true) select(slot, at);
      }
    }
    if (marker !== undefined) {
      for (let i = 0; i < byMarker.length; i++) {
        const slot = byMarker[i];
        if (slot?.markers?.includes(marker) === true) select(slot, at);
      }
    }
    if (batchLines === batchLimit || batchChars >= batchCharLimit) flush();
  };

  const splitter = createLineSplitter(onLine);

  return {
    push(chunk) {
      if (finished) throw new Error('CondenseSession.push after finish');
      splitter.push(chunk);
    },
    finish() {
      if (finished) throw new Error('CondenseSession.finish called twice');
      finished = true;
      splitter.finish();
      flush();
      const parts: ReportPart[] = slots.map((slot) => {
        let output;
        try {
          output = slot.condenser.finish();
        } catch {
          output = { detected: false, findings: [] };
        }
        return { tool: slot.factory.tool, output, fallback: slot.factory.fallback === true };
      });
      return buildFailureReport(parts, {
        command: options.command ?? failedStep,
        exitCode: options.exitCode ?? exitCodeFromLog,
        repoRoot: options.repoRoot,
        maxFindings: options.maxFindings,
        maxFindingsPerTool: options.maxFindingsPerTool,
        source: options.source,
        inputTruncated: splitter.cutLines > 0,
      });
    },
  };
}

/** Condenses a whole log held in memory. */
export function condenseText(text: string, options?: CondenseOptions): FailureReport {
  const session = createCondenseSession(options);
  session.push(text);
  return session.finish();
}

/** Condenses a stream chunk by chunk (a file or stdin stream, a fetch body). */
export async function condenseStream(
  stream: AsyncIterable<string | Uint8Array>,
  options?: CondenseOptions,
): Promise<FailureReport> {
  const session = createCondenseSession(options);
  for await (const chunk of stream) session.push(chunk);
  return session.finish();
}
