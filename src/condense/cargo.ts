/**
 * Rust condenser: rustc/cargo/clippy diagnostics (`error[E0308]: mismatched types` followed by
 * ` --> src/main.rs:4:18`, the primary label, clippy's lint name from `#[deny(clippy::eq_op)]` or
 * the lint URL), cargo's own errors (dependency resolution, manifest), `cargo test` failures
 * (`thread '…' panicked at src/lib.rs:10:5:` in the ≥ 1.73 format and the older
 * `panicked at 'msg', src/lib.rs:10:5`, assertion `left`/`right`, backtrace frames in the
 * crate's own code) and `test result:` counts, summed over every test binary.
 *
 * Warnings are dropped: a build that only warns passed. `-D warnings` turns them into `error:`
 * diagnostics, which are kept.
 */
import type { Condenser, CondenserFactory, CondenserOutput, LogLine } from './types.ts';
import type { Finding, FindingKind, TestCounts } from '../contracts/failure-report.ts';
import {
  ExcerptLines,
  FindingCollector,
  FrameList,
  clip,
  count,
  isVendorPath,
  positive,
  withOverflow,
} from './lang-support.ts';

const TOOL = 'cargo';

const DIAGNOSTIC = /^(error|warning)(?:\[([A-Za-z]*\d+)\])?: (.+)$/;
const ARROW = /^\s*--> (.+?):(\d+):(\d+)$/;
const LINT_NOTE =
  /#\[(?:deny|warn|forbid)\(((?:clippy|rustdoc)::[\w-]+|[a-z_]+)\)\]|`?-D ((?:clippy::)?[\w-]+)`? implied by/;
const LINT_URL = /rust-clippy\/[^#\s]*#([a-z_]+)/;
const PANIC_NEW = /^thread '([^']*)'(?: \(\d+\))? panicked at ([^:\s][^:]*):(\d+):(\d+):$/;
const PANIC_OLD = /^thread '([^']*)'(?: \(\d+\))? panicked at '(.*)', ([^:\s][^:]*):(\d+):(\d+)$/;
const TEST_RESULT = /^test result: (ok|FAILED)\. (\d+) passed; (\d+) failed; (\d+) ignored/;
const BACKTRACE_FN = /^\s+\d+: (.+)$/;
const BACKTRACE_AT = /^\s+at (.+?):(\d+)(?::\d+)?$/;

interface Diagnostic {
  severity: 'error' | 'warning';
  code?: string | undefined;
  message: string;
  file?: string | undefined;
  line?: number | undefined;
  column?: number | undefined;
  label?: string | undefined;
  lint?: string | undefined;
  excerpt: ExcerptLines;
}

interface TestPanic {
  testName: string;
  file?: string | undefined;
  line?: number | undefined;
  column?: number | undefined;
  message: string[];
  left?: string | undefined;
  right?: string | undefined;
  frames: FrameList;
  pendingFunction?: string | undefined;
  inBacktrace: boolean;
  inTestOutput: boolean;
  /** Pre-1.73 multi-line message: `panicked at 'first line` … `last line', src/x.rs:1:2`. */
  awaitingLocation: boolean;
}

class CargoCondenser implements Condenser {
  readonly tool = TOOL;
  readonly #findings = new FindingCollector();
  #detected = false;
  #diagnostic: Diagnostic | undefined;
  #panic: TestPanic | undefined;
  /** The test whose captured output follows (`---- tests::x stdout ----`). */
  #outputOf: string | undefined;
  #outputFirstLine: string | undefined;
  #errors = 0;
  /** Cargo printed its own progress lines (`Compiling x v1`, `Running`, `test result:`). */
  #cargoSeen = false;
  #testFailures = 0;
  #counts: { passed: number; failed: number; skipped: number } | undefined;

  push(line: LogLine): void {
    const text = line.text;
    if (this.#panic && this.#continuePanic(text)) return;
    if (this.#diagnostic && this.#continueDiagnostic(text)) return;

    if (text.startsWith('error') || text.startsWith('warning')) {
      this.#startDiagnostic(text);
      return;
    }
    if (text.startsWith('---- ') && text.endsWith(' ----')) {
      // `---- tests::adds stdout ----` (or `stderr`): the captured output of one failed test.
      this.#finishOutput();
      this.#detected = true;
      this.#outputOf = text.slice(5, -5).replace(/ std(?:out|err)$/, '');
      this.#outputFirstLine = undefined;
      return;
    }
    if (this.#outputOf !== undefined) {
      if (text === 'failures:' || text.startsWith('test result: ')) this.#finishOutput();
      else if (!text.startsWith('thread ') && text.trim().length > 0) {
        // A test that returned `Err(..)` prints `Error: …` and no panic.
        this.#outputFirstLine ??= text.trim();
        return;
      }
    }
    if (text.startsWith('thread ')) {
      this.#startPanic(text);
      return;
    }
    if (text.startsWith('test result: ')) {
      this.#onTestResult(text);
      return;
    }
    if (text.startsWith('     Summary [')) {
      this.#finishPanic();
      this.#onNextestSummary(text);
      return;
    }
    if (
      text.startsWith('   Compiling ') ||
      text.startsWith('    Checking ') ||
      text.startsWith('     Running ') ||
      text.startsWith('    Finished ') ||
      text.startsWith('   Doc-tests ') ||
      text.startsWith('    Updating ') ||
      text.startsWith(' Downloading ')
    ) {
      this.#detected = true;
      this.#cargoSeen = true;
    }
  }

  wantsEveryLine(): boolean {
    return this.#diagnostic !== undefined || this.#panic !== undefined || this.#outputOf !== undefined;
  }

  /** The captured output of a failed test ended without a panic: report its first line. */
  #finishOutput(): void {
    const testName = this.#outputOf;
    this.#outputOf = undefined;
    if (testName === undefined) return;
    this.#testFailures += 1;
    this.#findings.add({
      kind: 'test-failure',
      tool: TOOL,
      testName,
      message: this.#outputFirstLine ?? `${testName} failed`,
    });
  }

  finish(): CondenserOutput {
    this.#finishPanic();
    this.#finishDiagnostic();
    this.#finishOutput();
    const output: { detected: boolean; findings: Finding[]; testCounts?: TestCounts } = {
      detected: this.#detected,
      findings: this.#findings.list(),
    };
    if (this.#counts) {
      const { passed, failed, skipped } = this.#counts;
      output.testCounts = { passed, failed, skipped, total: passed + failed + skipped };
    }
    return withOverflow(output, this.#findings);
  }

  #startDiagnostic(text: string): void {
    this.#finishDiagnostic();
    const match = DIAGNOSTIC.exec(text);
    if (!match) return;
    const severity = match[1] === 'error' ? 'error' : 'warning';
    const message = match[3] ?? '';
    // Cargo's closing summaries repeat what the diagnostics above already said.
    if (
      message.startsWith('could not compile') ||
      message.startsWith('aborting due to') ||
      ((message.startsWith('test failed, to rerun pass') || message === 'test run failed') &&
        this.#testFailures > 0) ||
      /^`[^`]+` \([^)]*\) generated \d+ warnings?/.test(message) ||
      /^\d+ warnings? emitted/.test(message)
    ) {
      this.#detected = true;
      if (message.startsWith('could not compile') && this.#errors === 0 && this.#cargoSeen) {
        this.#findings.add({ kind: 'compile-error', tool: TOOL, message: `error: ${message}` });
      }
      return;
    }
    this.#diagnostic = { severity, code: match[2], message, excerpt: new ExcerptLines() };
    this.#diagnostic.excerpt.push(text);
  }

  /** Returns true when `text` belongs to the diagnostic being read. */
  #continueDiagnostic(text: string): boolean {
    const diagnostic = this.#diagnostic;
    if (!diagnostic) return false;
    if (text.trim().length === 0) {
      this.#finishDiagnostic();
      return true;
    }
    const first = text.charCodeAt(0);
    // Diagnostic bodies are indented (` --> `, `  |`, ` = note`) or numbered source lines (`12 |`).
    const isBody = first === 32 || (first >= 48 && first <= 57 && text.includes('|'));
    if (!isBody) {
      // A `help:`/`note:` sub-diagnostic at column 0 still belongs to this one.
      if (text.startsWith('help:') || text.startsWith('note:')) {
        diagnostic.excerpt.push(text);
        return true;
      }
      this.#finishDiagnostic();
      return false;
    }
    if (diagnostic.file === undefined) {
      const arrow = ARROW.exec(text);
      if (arrow) {
        diagnostic.file = arrow[1];
        diagnostic.line = positive(arrow[2]);
        diagnostic.column = positive(arrow[3]);
        diagnostic.excerpt.push(text.trim());
        return true;
      }
    }
    const trimmed = text.trimStart();
    if (diagnostic.label === undefined && trimmed.startsWith('|') && trimmed.includes('^')) {
      const label = trimmed.slice(trimmed.lastIndexOf('^') + 1).trim();
      if (label.length > 0) diagnostic.label = label;
    }
    if (diagnostic.lint === undefined && trimmed.startsWith('=')) {
      const note = LINT_NOTE.exec(trimmed);
      const url = note ? undefined : LINT_URL.exec(trimmed);
      const lint = note ? (note[1] ?? note[2]) : url?.[1];
      if (lint !== undefined)
        diagnostic.lint = lint.startsWith('clippy::') ? lint : url ? `clippy::${lint}` : lint;
    }
    if (!trimmed.startsWith('|') && !/^\d+\s+\|/.test(trimmed)) diagnostic.excerpt.push(trimmed);
    return true;
  }

  #finishDiagnostic(): void {
    const diagnostic = this.#diagnostic;
    this.#diagnostic = undefined;
    if (!diagnostic) return;
    // `error: msg` without a code or a ` --> file` is also how git, shells and many tools speak:
    // it is cargo's only when cargo has shown itself or the message is one of cargo's own.
    const ours =
      diagnostic.file !== undefined ||
      diagnostic.code !== undefined ||
      diagnostic.lint !== undefined ||
      this.#cargoSeen ||
      isDependencyMessage(diagnostic.message);
    if (!ours) return;
    this.#detected = true;
    if (diagnostic.severity === 'warning') return;
    this.#errors += 1;
    let kind: FindingKind = 'compile-error';
    let packages: string[] | undefined;
    const lint = diagnostic.lint;
    if (lint !== undefined && diagnostic.code === undefined) kind = 'lint-error';
    else if (diagnostic.file === undefined && isDependencyMessage(diagnostic.message)) {
      kind = 'dependency-error';
      packages = crateNames(diagnostic.message);
    } else if (diagnostic.file === undefined && diagnostic.code === undefined) kind = 'build-error';
    const label = diagnostic.label;
    const message =
      // Skip labels that repeat the headline (`cannot find value … in this scope` / `not found in this scope`).
      label !== undefined && !diagnostic.message.includes(label.slice(-12)) && kind !== 'lint-error'
        ? `${diagnostic.message}: ${label}`
        : diagnostic.message;
    const mismatch = label === undefined ? undefined : /^expected (.+), found (.+)$/.exec(label);
    this.#findings.add({
      kind,
      tool: TOOL,
      file: diagnostic.file,
      line: diagnostic.line,
      column: diagnostic.column,
      code: diagnostic.code ?? lint,
      message,
      expected: unquote(mismatch?.[1]),
      actual: unquote(mismatch?.[2]),
      packages,
      excerpt: diagnostic.excerpt.render(),
    });
  }

  #startPanic(text: string): void {
    this.#finishPanic();
    const fresh = PANIC_NEW.exec(text);
    const old = fresh ? undefined : PANIC_OLD.exec(text);
    const open = fresh || old ? undefined : /^thread '([^']*)'(?: \(\d+\))? panicked at '(.*)$/.exec(text);
    const match = fresh ?? old ?? open;
    if (!match) return;
    this.#detected = true;
    const threadName = match[1] ?? '';
    // The test harness names each test's thread after the test (`tests::adds`); cargo-nextest
    // prints the panic under `──── STDERR:` without cargo's `---- x stdout ----` header.
    const inTestOutput = this.#outputOf !== undefined || (threadName !== 'main' && threadName.includes('::'));
    this.#panic = {
      testName: inTestOutput ? (this.#outputOf ?? threadName) : threadName,
      file: fresh ? fresh[2] : old?.[3],
      line: positive(fresh ? fresh[3] : old?.[4]),
      column: positive(fresh ? fresh[4] : old?.[5]),
      message: old ? [old[2] ?? ''] : open ? [open[2] ?? ''] : [],
      frames: new FrameList(),
      inBacktrace: false,
      inTestOutput,
      awaitingLocation: open !== undefined,
    };
    this.#outputOf = undefined;
  }

  /** Returns true when `text` belongs to the panic being read. */
  #continuePanic(line: string): boolean {
    let text = line;
    const panic = this.#panic;
    if (!panic) return false;
    if (panic.inBacktrace) {
      const fn = BACKTRACE_FN.exec(text);
      if (fn) {
        panic.pendingFunction = fn[1];
        return true;
      }
      const at = BACKTRACE_AT.exec(text);
      if (at) {
        const file = at[1] ?? '';
        if (panic.pendingFunction !== undefined && !isVendorPath(file) && !file.startsWith('/')) {
          panic.frames.push(`${panic.pendingFunction} (${file.replace(/^\.\//, '')}:${at[2]})`);
        }
        panic.pendingFunction = undefined;
        return true;
      }
      if (text.startsWith('note: ')) return true;
      this.#finishPanic();
      return false;
    }
    if (panic.awaitingLocation) {
      const end = /^(.*)', ([^:\s][^:]*):(\d+):(\d+)$/.exec(text);
      if (end) {
        panic.awaitingLocation = false;
        panic.file = end[2];
        panic.line = positive(end[3]);
        panic.column = positive(end[4]);
        text = end[1] ?? '';
      } else if (text.startsWith('---- ') || text.startsWith('thread ')) {
        this.#finishPanic();
        return false;
      }
    }
    if (text.startsWith('stack backtrace:')) {
      panic.inBacktrace = true;
      return true;
    }
    if (text.startsWith('note: run with `RUST_BACKTRACE')) return true;
    if (
      text.trim().length === 0 ||
      text.startsWith('---- ') ||
      text.startsWith('thread ') ||
      text.startsWith('failures:')
    ) {
      this.#finishPanic();
      return false;
    }
    // Old format: `  left: `4`,` / ` right: `3``; new: `  left: 4` / ` right: 3`.
    const side = /^\s*(left|right): (.*?),?$/.exec(text);
    if (side) {
      const value = (side[2] ?? '').replace(/^`(.*)`$/, '$1');
      if (side[1] === 'left') panic.left ??= value;
      else panic.right ??= value;
      return true;
    }
    if (panic.message.join(' ').length < 400) panic.message.push(text.trim());
    return true;
  }

  #finishPanic(): void {
    const panic = this.#panic;
    this.#panic = undefined;
    if (!panic) return;
    if (panic.inTestOutput) this.#testFailures += 1;
    const message = panic.message.length > 0 ? panic.message.join(' ') : 'panicked';
    // `assert_eq!(actual, expected)` is the convention; rustc itself only says left/right.
    this.#findings.add({
      kind: panic.inTestOutput ? 'test-failure' : 'runtime-error',
      tool: TOOL,
      file: panic.file,
      line: panic.line,
      column: panic.column,
      message,
      testName: panic.inTestOutput ? panic.testName : undefined,
      actual: panic.left,
      expected: panic.right,
      frames: panic.frames.frames,
    });
  }

  /** cargo-nextest: `     Summary [   0.010s] 5 tests run: 2 passed, 3 failed, 1 skipped`. */
  #onNextestSummary(text: string): void {
    const match =
      /Summary \[[^\]]*\] (\d+) tests? run: (\d+) passed(?: \([^)]*\))?(?:, (\d+) failed)?(?:, (\d+) skipped)?/.exec(
        text,
      );
    if (!match) return;
    this.#addRunCounts(match);
  }

  #onTestResult(text: string): void {
    this.#finishPanic();
    const match = TEST_RESULT.exec(text);
    if (!match) return;
    this.#addRunCounts(match);
  }

  /** Adds one run's summary (libtest or nextest: groups 2-4 are passed, failed, skipped). */
  #addRunCounts(match: RegExpExecArray): void {
    this.#detected = true;
    this.#cargoSeen = true;
    const counts = (this.#counts ??= { passed: 0, failed: 0, skipped: 0 });
    counts.passed += count(match[2]);
    counts.failed += count(match[3]);
    counts.skipped += count(match[4]);
  }
}

function unquote(text: string | undefined): string | undefined {
  return text?.replace(/^`(.*)`$/, '$1');
}

function isDependencyMessage(message: string): boolean {
  return /failed to select a version|no matching package named|failed to get `|failed to download|failed to load source for dependency|checksum for `|the lock file .* needs to be updated|could not find `[^`]+` in (?:registry|`)|cyclic package dependency|failed to fetch|version solving failed/.test(
    message,
  );
}

function crateNames(message: string): string[] {
  const found: string[] = [];
  for (const match of message.matchAll(/`([\w-]+)(?: = "([^"]+)"| v?([\d][\w.+-]*))?`/g)) {
    const version = match[2] ?? match[3];
    const name = version === undefined ? (match[1] ?? '') : `${match[1]}@${version}`;
    if (!found.includes(name)) found.push(name);
    if (found.length >= 5) break;
  }
  return found.length > 0 ? found : [clip(message, 80)];
}

export const cargoCondenserFactory: CondenserFactory = {
  tool: TOOL,
  // Line prefixes only: cheap to test on every line of a log.
  trigger:
    /^(?:(?:error|warning)|---- .* ----$|thread '|test result: | {3}(?:Compiling|Doc-tests) | {4}(?:Checking|Finished|Updating) | {5}Running | Downloading | {5}Summary \[)/,
  description: 'Rust (cargo, rustc, clippy, cargo test)',
  create: () => new CargoCondenser(),
};
