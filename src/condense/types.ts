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
import type { Finding, TestCounts } from '../contracts/failure-report.ts';

/** One normalised line of a log. */
export interface LogLine {
  /** The text without ANSI codes, timestamps, trailing `\r` or NUL bytes. */
  readonly text: string;
  /** 1-based line number in the original log. */
  readonly number: number;
}

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
}

/** A streaming condenser for one tool family. Not reusable: create one per log. */
export interface Condenser {
  /** Stable id, e.g. 'tsc', 'jest', 'cargo'; used by `--tool` and in `Finding.tool`. */
  readonly tool: string;
  /** Feed one line. Must not throw on any input. */
  push(line: LogLine): void;
  /** Called once at the end of the log. */
  finish(): CondenserOutput;
}

/** Creates a fresh condenser for one log. */
export interface CondenserFactory {
  readonly tool: string;
  /** Human name for help output, e.g. 'TypeScript compiler (tsc)'. */
  readonly description: string;
  create(): Condenser;
}
