/**
 * The condense dispatcher: turns a raw CI log (a stream of string or byte chunks) into one
 * FailureReport. Pure and streaming; memory is bounded by the line cap and the condensers' own
 * bounds, never by the log size.
 *
 * 1. Split chunks into lines (createLineSplitter: streaming UTF-8, 64 KiB line cap).
 * 2. Normalise each line (normalizeLine: timestamps, ANSI, `\r`, NUL, `##[...]` markers).
 * 3. Feed the condensers: those with a `trigger` only see matching lines unless they are inside
 *    a block (`wantsEveryLine()`); one combined regex rejects most noise lines in one test.
 * 4. Build the report (buildFailureReport: relative paths, dedupe, caps, dropped totals).
 */
import type { FailureReport } from '../contracts/failure-report.ts';
import { createLineSplitter, normalizeLine } from './normalize.ts';
import { condenserFactories } from './registry.ts';
import { buildFailureReport, type ReportPart } from './report.ts';
import type { Condenser, CondenserFactory, LogLine } from './types.ts';

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
    const trigger = factory.trigger;
    return { factory, condenser, trigger, hungry: false, lastLine: 0 };
  });
  const always = slots.filter((s) => s.trigger === undefined);
  const gated = slots.filter((s) => s.trigger !== undefined);
  for (const s of gated) {
    // A g/y trigger would carry lastIndex between lines; strip those flags.
    if (s.trigger && /[gy]/.test(s.trigger.flags)) {
      (s as { trigger: RegExp }).trigger = new RegExp(s.trigger.source, s.trigger.flags.replace(/[gy]/g, ''));
    }
  }
  // One prefilter over every trigger rejects most lines: the alternatives anchored with ^ are
  // tried at position 0 only (a sticky regex), the others scanned once. Triggers with flags
  // cannot join a flagless union and are tested on their own.
  const plain = gated.filter((s) => s.trigger?.flags === '');
  const flagged = gated.filter((s) => !plain.includes(s));
  const prefilter = buildPrefilter(plain.map((s) => s.trigger?.source ?? ''));
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
    if (slot.trigger) {
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

  const onLine = (raw: string, clean: boolean): void => {
    lineNumber++;
    const normalized = normalizeLine(raw, clean);
    const line: LogLine =
      normalized.marker === undefined
        ? { text: normalized.text, number: lineNumber }
        : { text: normalized.text, number: lineNumber, marker: normalized.marker };
    if (normalized.marker === 'error') {
      const exit = EXIT_CODE_LINE.exec(normalized.text);
      if (exit && exitCodeFromLog === undefined) {
        exitCodeFromLog = Number(exit[1]);
        failedStep = runningStep;
      }
    } else if (normalized.marker === 'group' && normalized.text.startsWith('Run ')) {
      runningStep = normalized.text.slice(4).trim() || undefined;
    }
    for (const slot of always) feed(slot, line);
    if (gated.length === 0) return;
    if (hungry > 0) {
      for (const slot of gated) if (slot.hungry) feed(slot, line);
    }
    const text = line.text;
    if (text === '') return;
    if (prefilter !== undefined && prefilter(text)) {
      for (const slot of plain) {
        if (slot.lastLine !== line.number && slot.trigger?.test(text)) feed(slot, line);
      }
    }
    for (const slot of flagged) {
      if (slot.lastLine !== line.number && slot.trigger?.test(text)) feed(slot, line);
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

/**
 * Splits a regex source into its top-level alternatives (outside groups and classes).
 * Exported for tests.
 */
export function splitAlternatives(source: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inClass = false;
  let from = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      parts.push(source.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(source.slice(from));
  return parts;
}

const META = new Set(['\\', '^', '$', '.', '*', '+', '?', '(', ')', '[', ']', '{', '}', '|']);

/**
 * The characters an alternative can start with, or undefined when that is not obvious from
 * the source (a group, an optional first token, a negated class…). `ws` is true when the
 * alternative starts with \s* or \s+ (it is then keyed on the first non-blank character).
 */
function firstChars(alt: string): { ws: boolean; chars: string[] | undefined } {
  let rest = alt;
  let ws = false;
  if (rest.startsWith('\\s*') || rest.startsWith('\\s+')) {
    ws = true;
    rest = rest.slice(3);
  }
  let chars: string[] | undefined;
  let tokenLength = 0;
  const c = rest[0];
  if (c === undefined) return { ws, chars: undefined };
  if (c === '\\') {
    const e = rest[1];
    if (e === 'd') chars = [...'0123456789'];
    else if (e !== undefined && !/[a-zA-Z0-9]/.test(e)) chars = [e];
    tokenLength = 2;
  } else if (c === '[') {
    const close = rest.indexOf(']', 1);
    const body = close > 1 ? rest.slice(1, close) : '';
    // Only simple classes of literal characters: no ranges, negation or escapes.
    if (body !== '' && !/[\\^-]/.test(body)) chars = [...body];
    tokenLength = close + 1;
  } else if (!META.has(c)) {
    chars = [String.fromCodePoint(rest.codePointAt(0) ?? 0)];
    tokenLength = chars[0]?.length ?? 1;
  }
  const after = rest[tokenLength];
  if (after === '?' || after === '*' || (after === '{' && rest[tokenLength + 1] === '0')) chars = undefined;
  return { ws, chars };
}

/**
 * Builds the combined trigger test: true when any trigger could match the line (a prefilter:
 * false positives only cost time). Anchored alternatives ("^…") are bucketed by the character
 * they must start with and tried, as a sticky regex, only on lines starting with it; the
 * others are joined into one scanning regex. Undefined when there are no triggers.
 */
export function buildPrefilter(sources: readonly string[]): ((text: string) => boolean) | undefined {
  const direct = new Map<string, string[]>();
  const blank = new Map<string, string[]>();
  const anyStart: string[] = [];
  const floating: string[] = [];
  const add = (map: Map<string, string[]>, key: string, alt: string) => {
    const list = map.get(key) ?? [];
    list.push(alt);
    map.set(key, list);
  };
  for (const source of sources) {
    for (const alt of splitAlternatives(source)) {
      if (!alt.startsWith('^')) {
        floating.push(`(?:${alt})`);
        continue;
      }
      const body = alt.slice(1);
      const { ws, chars } = firstChars(body);
      if (chars === undefined) anyStart.push(`(?:${body})`);
      else for (const ch of chars) add(ws ? blank : direct, ch, `(?:${body})`);
    }
  }
  if (direct.size + blank.size + anyStart.length + floating.length === 0) return undefined;
  const compile = (alts: string[]) => new RegExp(alts.join('|'), 'y');
  const directRegex = new Map([...direct].map(([k, v]) => [k, compile(v)]));
  const blankRegex = new Map([...blank].map(([k, v]) => [k, compile(v)]));
  const anyRegex = anyStart.length > 0 ? compile(anyStart) : undefined;
  const scan = floating.length > 0 ? new RegExp(floating.join('|')) : undefined;
  const sticky = (re: RegExp | undefined, text: string): boolean => {
    if (re === undefined) return false;
    re.lastIndex = 0;
    return re.test(text);
  };
  return (text) => {
    const first = text.codePointAt(0) ?? 0;
    const firstChar = first > 0xffff ? String.fromCodePoint(first) : text.charAt(0);
    if (sticky(directRegex.get(firstChar), text)) return true;
    if (blankRegex.size > 0) {
      let i = 0;
      while (i < text.length && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
      const c = text.codePointAt(i) ?? 0;
      if (sticky(blankRegex.get(c > 0xffff ? String.fromCodePoint(c) : text.charAt(i)), text)) return true;
    }
    if (sticky(anyRegex, text)) return true;
    return scan !== undefined && scan.test(text);
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
