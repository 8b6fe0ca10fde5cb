/**
 * The condenser contract. Every tool family is one pure, streaming module under src/condense/
 * that implements `Condenser`; the dispatcher (src/condense/condense.ts) normalises raw log
 * lines (ANSI codes, `\r` rewrites, Actions timestamps and `##[...]` markers, NUL bytes,
 * invalid UTF-8) and feeds every condenser, then builds one FailureReport.
 *
 * Rules for implementers (shared/STYLE.md §11):
 * - bounded state: keep at most a fixed number of findings/lines; never buffer the whole log;
 * - no regex with catastrophic backtracking (no nested quantifiers over overlapping classes);
 * - cheap rejection first: most lines are noise, test a fixed prefix/substring before a regex;
 * - paths are made repo-relative with forward slashes by the dispatcher, not here.
 */
import type { DroppedFindings, Finding, TestCounts } from '../contracts/failure-report.ts';

/** One normalised line of a log. */
export interface LogLine {
  /** The text without ANSI codes, timestamps, trailing `\r` or NUL bytes. */
  readonly text: string;
  /** 1-based line number in the original log. */
  readonly number: number;
  /**
   * The GitHub Actions log marker the line carried (`##[group]Run npm test` → 'group' with text
   * `Run npm test`), already removed from `text`. Absent on ordinary lines.
   */
  readonly marker?: LogMarker;
}

/** GitHub Actions `##[...]` line markers, as they appear in downloaded job logs. */
export type LogMarker =
  'group' | 'endgroup' | 'error' | 'warning' | 'notice' | 'debug' | 'command' | 'section';

/** What a condenser found when the log ended. */
export interface CondenserOutput {
  /** True when the log showed this tool ran (its banner, its summary, its error format). */
  readonly detected: boolean;
  /** Findings in the order the tool printed them; the dispatcher dedupes and caps across tools. */
  readonly findings: readonly Finding[];
  /** Test counts, when the tool printed a summary. */
  readonly testCounts?: TestCounts;
  /** The command line, when the tool echoed it (e.g. `> tsc --noEmit`). */
  readonly command?: string;
  /**
   * Log line where the tool was first seen; the dispatcher orders tools (and so root causes:
   * install before build before test) by it. Absent = registry order.
   */
  readonly firstLine?: number;
  /**
   * Findings the condenser counted but did not keep (beyond its own bound, see
   * `FindingCollector` in finding.ts); merged into the report's `dropped` totals.
   */
  readonly overflow?: readonly DroppedFindings[];
}

/** A streaming condenser for one tool family. Not reusable: create one per log. */
export interface Condenser {
  /** Stable id, e.g. 'tsc', 'jest', 'cargo'; used by `--tool` and in `Finding.tool`. */
  readonly tool: string;
  /** Feed one line. Must not throw on any input. */
  push(line: LogLine): void;
  /**
   * Optional, with `CondenserFactory.trigger`: true while the condenser is inside a multi-line
   * block (a failing test's diff, a stack trace) and needs every line. While it returns false the
   * dispatcher feeds it only lines matching the factory's `trigger`. Without a trigger the
   * condenser sees every line; with a trigger and without this method, only matching lines.
   */
  wantsEveryLine?(): boolean;
  /** Called once at the end of the log. */
  finish(): CondenserOutput;
}

/** Creates a fresh condenser for one log. */
export interface CondenserFactory {
  readonly tool: string;
  /** Human name for help output, e.g. 'TypeScript compiler (tsc)'. */
  readonly description: string;
  create(): Condenser;
  /**
   * Optional prefilter for speed: a regex (no `g`/`y` flag) that matches every line able to start
   * something this condenser cares about (its banner, its error format, its summary). The
   * dispatcher tests all triggers at once and skips the condenser on other lines unless its
   * `wantsEveryLine()` says otherwise. Most lines of a big log are noise, so this is what keeps
   * auto mode close to the speed of a plain line count. Anchor alternatives with `^` and a
   * literal first character (or `^\s*` + literal) where you can: those are tried only on lines
   * starting with that character; unanchored alternatives are scanned over every line.
   */
  readonly trigger?: RegExp;
  /**
   * Optional, like `trigger`: lines carrying one of these `##[...]` markers are fed too (the
   * marker is removed from the text, so a trigger cannot see it). A condenser that only reads
   * `##[error]` lines declares `markers: ['error']` and no trigger, and is skipped on the rest.
   */
  readonly markers?: readonly LogMarker[];
  /**
   * A fallback condenser (e.g. the generic one, or raw `##[error]` lines): its findings are used
   * only when no other condenser found anything, and alone they do not fail a run whose exit
   * code was 0.
   */
  readonly fallback?: boolean;
}
