/**
 * The condense dispatcher: turns a raw CI log (a stream of string or byte chunks) into one
 * FailureReport. Pure and streaming; memory is bounded by the line cap and the condensers' own
 * bounds, never by the log size.
 *
 * 1. Split chunks into lines (createLineSplitter: streaming UTF-8, 64 KiB line cap).
 * 2. Normalise each line (normalizeLine: timestamps, ANSI, `\r`, NUL, `##[...]` markers).
 * 3. Feed the condensers: those with a `trigger` (or `markers`) only see matching lines unless
 *    they are inside a block (`wantsEveryLine()`); a trigger index (buildTriggerIndex) tests
 *    only the trigger alternatives that can match a line, keyed on its first character.
 * 4. Build the report (buildFailureReport: relative paths, dedupe, caps, dropped totals).
 */
import type { FailureReport } from '../contracts/failure-report.ts';
import { createLineSplitter, normalizeLine } from './normalize.ts';
import { condenserFactories } from './registry.ts';
import { buildFailureReport, type ReportPart } from './report.ts';
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
      if (index !== undefined && index(text, hits)) {
        for (let i = 0; i < plain.length; i++) {
          if (hits[i] === 0) continue;
          hits[i] = 0;
          const slot = plain[i];
          if (slot !== undefined && slot.lastLine !== lineNumber) feed(slot, currentLine());
        }
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

const DIGITS = [...'0123456789'];
const WORD = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_'];

/** The characters an escape (`\\d`, `\\w`, `\\.`) matches; undefined for the others (`\\s`, `\\S`, `\\u…`). */
function escapeChars(e: string | undefined): string[] | undefined {
  if (e === 'd') return DIGITS;
  if (e === 'w') return WORD;
  if (e !== undefined && !/[a-zA-Z0-9]/.test(e)) return [e];
  return undefined;
}

/**
 * The characters a leading class (`[✘✔]`, `[A-Z]`, `[\\w./-]`) matches and its length in the
 * source; chars undefined for negated classes, other escapes, wide ranges or a missing `]`.
 */
function classChars(rest: string): { chars: string[] | undefined; length: number } {
  const chars: string[] = [];
  let i = 1;
  if (rest[1] === '^') return { chars: undefined, length: 0 };
  while (i < rest.length && rest[i] !== ']') {
    const c = rest[i] ?? '';
    if (c === '\\') {
      const escaped = escapeChars(rest[i + 1]);
      if (escaped === undefined) return { chars: undefined, length: 0 };
      chars.push(...escaped);
      i += 2;
      continue;
    }
    const code = rest.codePointAt(i) ?? 0;
    const width = code > 0xffff ? 2 : 1;
    const to =
      rest[i + width] === '-' && rest[i + width + 1] !== ']' ? rest.codePointAt(i + width + 1) : undefined;
    if (to !== undefined) {
      if (rest[i + width + 1] === '\\' || to < code || to - code > 256)
        return { chars: undefined, length: 0 };
      for (let k = code; k <= to; k++) chars.push(String.fromCodePoint(k));
      i += width + 1 + (to > 0xffff ? 2 : 1);
      continue;
    }
    chars.push(String.fromCodePoint(code));
    i += width;
  }
  if (i >= rest.length || chars.length === 0) return { chars: undefined, length: 0 };
  return { chars, length: i + 1 };
}

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
  const chars = leadChars(rest, 0);
  return { ws, chars: chars && [...new Set(chars)] };
}

/**
 * The characters every match of `source` (a regex source without top-level `|`) starts with,
 * or undefined when unknown or when it can match the empty string. Looks through optional
 * leading tokens: "(?:[a-z_]\\w*\\.)*[A-Z]" starts with [a-z_A-Z], "g?make" with g or m.
 */
function leadChars(source: string, depth: number): string[] | undefined {
  const c = source[0];
  if (c === undefined || depth > 6) return undefined;
  let chars: string[] | undefined;
  let length: number;
  if (c === '\\') {
    chars = escapeChars(source[1]);
    length = 2;
  } else if (c === '[') {
    const parsed = classChars(source);
    chars = parsed.chars;
    length = parsed.length;
  } else if (source.startsWith('(?:')) {
    const close = closingParen(source, 0);
    if (close === -1) return undefined;
    chars = [];
    for (const branch of splitAlternatives(source.slice(3, close))) {
      const lead = leadChars(branch, depth + 1);
      if (lead === undefined) return undefined;
      chars.push(...lead);
    }
    length = close + 1;
  } else if (!META.has(c)) {
    chars = [String.fromCodePoint(source.codePointAt(0) ?? 0)];
    length = chars[0]?.length ?? 1;
  } else return undefined;
  if (chars === undefined) return undefined;
  // A token that may be absent: the match may also start with what follows it.
  const after = source[length];
  let skip = 0;
  if (after === '?' || after === '*') skip = 1;
  else if (after === '{' && source[length + 1] === '0') skip = source.indexOf('}', length) + 1 - length;
  if (skip <= 0) return chars;
  let next = length + skip;
  if (source[next] === '?') next++; // lazy
  const rest = leadChars(source.slice(next), depth + 1);
  return rest === undefined ? undefined : [...chars, ...rest];
}

// Characters `\s` matches (ECMAScript WhiteSpace and LineTerminator), for the `^\s*X` buckets.
function isSpace(code: number): boolean {
  if (code === 32 || (code >= 9 && code <= 13)) return true;
  if (code < 0xa0) return false;
  return /\s/.test(String.fromCharCode(code));
}

/** Index of the `)` closing the group opened at `open`, or -1. Skips escapes and classes. */
function closingParen(source: string, open: number): number {
  let depth = 0;
  let inClass = false;
  for (let i = open; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

const LEADING_BLANK = /^(?:\\s[*+])+/;

/**
 * Rewrites an anchored alternative's body that starts (after an optional `\s*` or `\s+`) with
 * a non-capturing group into one body per branch, so each gets a literal first character
 * for the index: "(?:=== RUN|\s*--- FAIL)x" → "=== RUNx", "\s*--- FAILx"; "(?:➤ )?YN" →
 * "➤ YN", "YN". Matching is unchanged (a test only asks whether some branch matches). Bodies
 * it cannot rewrite (a repeated group, too many branches) are returned as they are.
 */
function distributeLeadingGroup(body: string, depth = 0): string[] {
  const lead = LEADING_BLANK.exec(body)?.[0] ?? '';
  // \s*\s+ and \s+\s* are \s+, a run of \s* is \s*; two \s+ need two blanks and stay.
  const plus = lead.split('\\s+').length - 1;
  const blank = lead === '' ? '' : plus > 1 ? lead : plus === 1 ? '\\s+' : '\\s*';
  const rest = body.slice(lead.length);
  // An optional literal first character ("g?make"): one body with it, one without.
  const first = rest[0];
  if (depth <= 4 && first !== undefined && !META.has(first) && rest[1] === '?' && rest[2] !== '?') {
    return [first + rest.slice(2), rest.slice(2)].flatMap((branch) =>
      distributeLeadingGroup(blank + branch, depth + 1),
    );
  }
  if (depth > 4 || !rest.startsWith('(?:')) return [blank + rest];
  const close = closingParen(rest, 0);
  if (close === -1) return [body];
  let after = rest.slice(close + 1);
  const optional = after.startsWith('?') && after[1] !== '?';
  if (optional) after = after.slice(1);
  else if (/^[*+?{]/.test(after)) return [body];
  const branches = splitAlternatives(rest.slice(3, close)).map((branch) => branch + after);
  if (optional) branches.push(after);
  const out = branches.flatMap((branch) => distributeLeadingGroup(blank + branch, depth + 1));
  return out.length > 64 ? [body] : out;
}

interface Keyed {
  readonly slot: number;
  /** Sticky: tried at position 0 only, which is what the `^` of the original alternative meant. */
  readonly re: RegExp;
}

/**
 * Builds the per-line trigger test the dispatcher runs: `index(text, hits)` sets `hits[i] = 1`
 * for every source `i` whose regex matches `text` (exactly `new RegExp(sources[i]).test(text)`)
 * and returns whether any did. Most lines of a big log match nothing, and many match one
 * condenser's trigger, so instead of testing every trigger on every line it tests only the
 * alternatives that can match: those anchored on a literal first character ("^X…", "^\s*X…")
 * are bucketed by that character, per source, and tried as sticky regexes only on lines
 * starting with it; the rest (anchored on a class or group, or unanchored) are gated by one
 * union regex and tested per source only when the union matched. Undefined without sources.
 */
export function buildTriggerIndex(
  sources: readonly string[],
): ((text: string, hits: Uint8Array) => boolean) | undefined {
  if (sources.length === 0) return undefined;
  const direct = new Map<number, Map<number, string[]>>();
  const blank = new Map<number, Map<number, string[]>>();
  const anyStart = sources.map((): string[] => []);
  const floating = sources.map((): string[] => []);
  const add = (map: Map<number, Map<number, string[]>>, code: number, slot: number, alt: string) => {
    const bySlot = map.get(code) ?? new Map<number, string[]>();
    const list = bySlot.get(slot) ?? [];
    list.push(alt);
    bySlot.set(slot, list);
    map.set(code, bySlot);
  };
  sources.forEach((source, slot) => {
    for (const alt of splitAlternatives(source)) {
      if (!alt.startsWith('^')) {
        floating[slot]?.push(`(?:${alt})`);
        continue;
      }
      for (const body of distributeLeadingGroup(alt.slice(1))) {
        const { ws, chars } = firstChars(body);
        const codes = chars?.map((ch) => ch.codePointAt(0) ?? 0);
        // A `^\s*` alternative keyed on a blank would never be looked up (the blank is skipped).
        if (codes === undefined || (ws && codes.some(isSpace))) anyStart[slot]?.push(`(?:${body})`);
        else for (const code of codes) add(ws ? blank : direct, code, slot, `(?:${body})`);
      }
    }
  });
  // A line starting with a non-blank character c can match both "^c…" and "^\s*c…"
  // alternatives at position 0, so those are merged into one bucket per (c, source); a line
  // starting with blanks uses the "^ …" bucket and the "^\s*c…" one of its first non-blank c.
  const merged = new Map<number, Map<number, string[]>>();
  for (const map of [direct, blank]) {
    for (const [code, bySlot] of map) {
      for (const [slot, alts] of bySlot) for (const alt of alts) add(merged, code, slot, alt);
    }
  }
  const firstTable = compileBuckets(merged);
  const blankTable = compileBuckets(blank);
  const gate = (lists: string[][], flags: string): Bucket | undefined => {
    const list = lists.flatMap((alts, slot) =>
      alts.length > 0 ? [{ slot, re: new RegExp(alts.join('|'), flags) }] : [],
    );
    return list.length === 0 ? undefined : bucket(list, lists.flat(), flags);
  };
  const anyGate = gate(anyStart, 'y');
  const floatGate = gate(floating, '');
  return (text, hits) => {
    let any = false;
    const c = text.charCodeAt(0);
    if (c === 32 || c === 9 || (c >= 10 && c <= 13) || (c >= 0xa0 && isSpace(c))) {
      const spaced = c < 128 ? firstTable.ascii[c] : firstTable.other.get(c);
      if (spaced !== undefined && test(spaced, text, hits)) any = true;
      if (!blankTable.empty) {
        let i = 1;
        let d = text.charCodeAt(1);
        while (d === 32 || d === 9 || (d >= 10 && d <= 13) || (d >= 0xa0 && isSpace(d)))
          d = text.charCodeAt(++i);
        if (i < text.length) {
          const list = d < 128 ? blankTable.ascii[d] : blankTable.other.get(text.codePointAt(i) ?? d);
          if (list !== undefined && test(list, text, hits)) any = true;
        }
      }
    } else {
      const list = c < 128 ? firstTable.ascii[c] : firstTable.other.get(text.codePointAt(0) ?? c);
      if (list !== undefined && test(list, text, hits)) any = true;
    }
    if (anyGate !== undefined && test(anyGate, text, hits)) any = true;
    if (floatGate !== undefined && test(floatGate, text, hits)) any = true;
    return any;
  };
}

/**
 * Alternatives of several sources tried together: `union` rejects a line in one test (most
 * lines match nothing); only when it matches is each source's own regex tried.
 */
interface Bucket {
  readonly union: RegExp;
  readonly list: readonly Keyed[];
}

function bucket(list: Keyed[], alternatives: readonly string[], flags: string): Bucket {
  const only = list.length === 1 ? list[0] : undefined;
  return { union: only ? only.re : new RegExp(alternatives.join('|'), flags), list };
}

function compileBuckets(map: Map<number, Map<number, string[]>>): {
  ascii: (Bucket | undefined)[];
  other: Map<number, Bucket>;
  empty: boolean;
} {
  const ascii: (Bucket | undefined)[] = Array.from({ length: 128 }, () => undefined);
  const other = new Map<number, Bucket>();
  for (const [code, bySlot] of map) {
    const entries = [...bySlot].sort((x, y) => x[0] - y[0]);
    const list = entries.map(([slot, alts]) => ({ slot, re: new RegExp(alts.join('|'), 'y') }));
    const b = bucket(
      list,
      entries.flatMap(([, alts]) => alts),
      'y',
    );
    if (code < 128) ascii[code] = b;
    else other.set(code, b);
  }
  return { ascii, other, empty: map.size === 0 };
}

/** Tests a bucket on `text`, marking the sources that match; true when a new one did. */
function test(b: Bucket, text: string, hits: Uint8Array): boolean {
  b.union.lastIndex = 0;
  if (!b.union.test(text)) return false;
  const list = b.list;
  if (list.length === 1) {
    const only = list[0];
    if (only === undefined || hits[only.slot] === 1) return false;
    hits[only.slot] = 1;
    return true;
  }
  let any = false;
  for (let k = 0; k < list.length; k++) {
    const entry = list[k];
    if (entry === undefined || hits[entry.slot] === 1) continue;
    entry.re.lastIndex = 0;
    if (entry.re.test(text)) {
      hits[entry.slot] = 1;
      any = true;
    }
  }
  return any;
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
