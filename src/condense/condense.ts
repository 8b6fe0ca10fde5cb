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
  lastLine: number;
}

// "##[error]Process completed with exit code 2." closes every failed step of an Actions log.
const EXIT_CODE_LINE = /^Process completed with exit code (-?\d+)\.?$/;

/** Starts a streaming condense run. Throws UnknownCondenserError for unknown `tools`. */
export function createCondenseSession(options: CondenseOptions = {}): CondenseSession {
  const factories = selectFactories(options.tools, options.factories ?? condenserFactories);
  const slots: Slot[] = factories.map((factory) => {
    const condenser = factory.create();
    let trigger = factory.trigger;
    // A g/y trigger would carry lastIndex between lines; strip those flags.
    if (trigger && /[gy]/.test(trigger.flags))
      trigger = new RegExp(trigger.source, trigger.flags.replace(/[gy]/g, ''));
    const markers = factory.markers;
    const gated = trigger !== undefined || markers !== undefined;
    return { factory, condenser, trigger, markers, gated, hungry: false, lastLine: 0 };
  });
  const always = slots.filter((s) => !s.gated);
  const gated = slots.filter((s) => s.gated);
  // Flagless triggers go into one index (buildTriggerIndex) that tests, per line, only the
  // alternatives able to match it; triggers with flags cannot be merged and are tested on their own.
  const plain = gated.filter((s) => s.trigger?.flags === '');
  const flagged = gated.filter((s) => s.trigger !== undefined && s.trigger.flags !== '');
  const byMarker = gated.filter((s) => s.markers !== undefined && s.markers.length > 0);
  const index = buildTriggerIndex(plain.map((s) => s.trigger?.source ?? ''));
  const hits = new Uint8Array(plain.length);
  let hungry = 0;
  let lineNumber = 0;
  let exitCodeFromLog: number | undefined;
  // "##[group]Run npm test" opens each step of an Actions log; the one open when the first
  // "Process completed with exit code N" appears is the step that failed.
  let runningStep: string | undefined;
  let failedStep: string | undefined;
  let finished = false;

  const feed = (slot: Slot, line: LogLine): void => {
    slot.lastLine = line.number;
    try {
      slot.condenser.push(line);
    } catch {
      // A condenser bug must not lose the rest of the report; the contract says push never throws.
    }
    if (slot.gated) {
      let wants: boolean;
      try {
        wants = slot.condenser.wantsEveryLine?.() ?? false;
      } catch {
        wants = false;
      }
      if (wants !== slot.hungry) {
        slot.hungry = wants;
        hungry += wants ? 1 : -1;
      }
    }
  };

  // The line being dispatched. Its LogLine object is built on the first feed only: most lines
  // of a big log match no trigger and are dropped without allocating anything but their text.
  let text = '';
  let marker: LogMarker | undefined;
  let current: LogLine | undefined;
  const currentLine = (): LogLine => {
    current ??= marker === undefined ? { text, number: lineNumber } : { text, number: lineNumber, marker };
    return current;
  };

  const onLine = (raw: string, clean: boolean): void => {
    lineNumber++;
    current = undefined;
    // A clean line not starting with "#" is its own text: no marker to split off.
    if (clean && raw.charCodeAt(0) !== 35) {
      text = raw;
      marker = undefined;
    } else {
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
    for (let i = 0; i < always.length; i++) {
      const slot = always[i];
      if (slot !== undefined) feed(slot, currentLine());
    }
    if (hungry > 0) {
      for (let i = 0; i < gated.length; i++) {
        const slot = gated[i];
        if (slot?.hungry === true) feed(slot, currentLine());
      }
    }
    if (text !== '') {
      let left = index === undefined ? 0 : index(text, hits);
      for (let i = 0; left > 0; i++) {
        if (hits[i] === 0) continue;
        hits[i] = 0;
        left--;
        const slot = plain[i];
        if (slot !== undefined && slot.lastLine !== lineNumber) feed(slot, currentLine());
      }
      if (flagged.length > 0) {
        for (const slot of flagged) {
          if (slot.lastLine !== lineNumber && slot.trigger?.test(text)) feed(slot, currentLine());
        }
      }
    }
    if (marker !== undefined && byMarker.length > 0) {
      for (const slot of byMarker) {
        if (slot.lastLine !== lineNumber && slot.markers?.includes(marker)) feed(slot, currentLine());
      }
    }
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
