/**
 * Python condenser: pytest (failure blocks with `E` lines and locations, the short test summary
 * `FAILED tests/test_x.py::test_y - …`, collection errors, the counts line), unittest
 * (`FAIL: test_x (pkg.TestY.test_x)` + traceback, `Ran N tests`, `FAILED (failures=1)`), bare
 * tracebacks (innermost frame in repository code, site-packages and stdlib frames skipped,
 * chained exceptions keep their cause), mypy and pyright (`x.py:3: error: … [arg-type]`),
 * flake8/pycodestyle/ruff/pylint (`x.py:1:1: F401 …`, ruff's `F401 …` + ` --> x.py:1:8`),
 * black/ruff-format/isort (`would reformat x.py`).
 *
 * `Finding.tool` names the program that printed the line (pytest, unittest, python, mypy, …);
 * the condenser id is `python`.
 */
import type { Condenser, CondenserFactory, CondenserOutput, LogLine } from './types.ts';
import type { Finding, TestCounts } from '../contracts/failure-report.ts';
import {
  ExcerptLines,
  FindingCollector,
  FrameList,
  count,
  isVendorPath,
  positive,
  withOverflow,
} from './lang-support.ts';

const TOOL = 'python';
/** Most pytest failure blocks held until the short summary names them. */
const MAX_PENDING_BLOCKS = 200;

const PYTEST_SECTION = /^={3,} (.+?) ={3,}$/;
const PYTEST_BLOCK = /^_{3,} (.+?) _{3,}$/;
// `tests/x.py:7: AssertionError` (long tracebacks) or `tests/x.py:7: in test_x` (--tb=short).
const PYTEST_LOCATION = /^([^\s:][^:]*\.py):(\d+):(?: in \S+| ?\w*)$/;
const PYTEST_SUMMARY = /^(FAILED|ERROR) (\S+?)(?: - (.*))?$/;
const PYTEST_COUNTS =
  /^=*\s*((?:\d+ (?:failed|passed|skipped|errors?|xfailed|xpassed|deselected|warnings?|rerun)(?:, )?)+) in [\d.]+s(?: \([^)]*\))?\s*=*$/;
const PY_FRAME = /^\s*File "([^"]+)", line (\d+)(?:, in (.+))?$/;
// After a traceback's frames, the first line at column 0 is the exception: `KeyError: 'x'`, `pkg.Err`.
const EXCEPTION_LINE = /^[A-Za-z_][\w.]*(?::(?: .*)?)?$/;
const UNITTEST_HEADER = /^(FAIL|ERROR): (\S+) \(([^)]+)\)/;
const UNITTEST_RAN = /^Ran (\d+) tests? in /;
const UNITTEST_RESULT = /^(OK|FAILED)(?: \(([^)]*)\))?$/;
const MYPY = /^(.+?\.pyi?):(\d+)(?::(\d+))?: (error|note|warning): (.+?)(?: {2}\[([\w-]+)\])?$/;
const PYRIGHT = /^\s+(.+?\.pyi?):(\d+):(\d+) - error: (.+?)(?: \((report\w+)\))?$/;
const FLAKE8 = /^(.+?\.pyi?):(\d+):(\d+): ([A-Z]{1,4}\d{1,4}) (\[\*\] )?(.+)$/;
const PYLINT = /^(.+?\.pyi?):(\d+):(\d+): ([CRWEFI]\d{4}): (.+?)(?: \(([\w-]+)\))?$/;
const RUFF_HEADER = /^([A-Z]{1,4}\d{1,4}) (\[\*\] )?(.+)$/;
const ARROW = /^\s*--> (.+?):(\d+):(\d+)$/;

interface Traceback {
  frames: FrameList;
  innermost?: { file: string; line: number } | undefined;
  cause?: string | undefined;
  /** A syntax error is reported as `File "x.py", line 3` without `, in`. */
  syntax: boolean;
}

interface TracebackResult {
  message: string;
  file?: string | undefined;
  line?: number | undefined;
  frames: readonly string[];
  cause?: string | undefined;
}

interface PytestBlock {
  name: string;
  errors: string[];
  locations: { file: string; line: number }[];
  excerpt: ExcerptLines;
}

interface UnittestBlock {
  testName: string;
  kind: 'FAIL' | 'ERROR';
}

class PythonCondenser implements Condenser {
  readonly tool = TOOL;
  readonly #findings = new FindingCollector();
  #detected = false;

  // pytest
  #pytestSection: 'none' | 'failures' | 'errors' | 'summary' | 'other' = 'none';
  #block: PytestBlock | undefined;
  readonly #pendingBlocks = new Map<string, PytestBlock>();
  #pytestCounts: { passed: number; failed: number; skipped: number } | undefined;

  // unittest and tracebacks
  #unittest: UnittestBlock | undefined;
  #traceback: Traceback | undefined;
  #lastTracebackCause: string | undefined;
  #unittestTotal: number | undefined;
  #unittestCounts: { passed: number; failed: number; skipped: number } | undefined;

  // linters
  #ruffSeen = false;
  #ruffHeader: { code: string; message: string } | undefined;

  push(line: LogLine): void {
    const text = line.text;
    if (this.#traceback) {
      if (this.#continueTraceback(text)) return;
    }
    if (this.#ruffHeader) {
      const header = this.#ruffHeader;
      this.#ruffHeader = undefined;
      const arrow = ARROW.exec(text);
      if (arrow) {
        this.#addLint('ruff', 'lint-error', arrow[1], arrow[2], arrow[3], header.code, header.message);
        return;
      }
    }
    if (text.length === 0) return;
    const first = text.charCodeAt(0);

    if (first === 61 /* = */ && text.startsWith('===')) {
      this.#onPytestRule(text);
      return;
    }
    if (first === 95 /* _ */ && text.startsWith('___') && this.#pytestSection !== 'none') {
      const header = PYTEST_BLOCK.exec(text);
      if (header && this.#pytestSection !== 'summary') {
        this.#finishPytestBlock();
        this.#block = { name: header[1] ?? '', errors: [], locations: [], excerpt: new ExcerptLines() };
        return;
      }
    }
    if (this.#block) {
      this.#onPytestBlockLine(text);
      return;
    }
    if (this.#pytestSection === 'summary' && (text.startsWith('FAILED ') || text.startsWith('ERROR '))) {
      this.#onPytestSummary(text);
      return;
    }
    if (text.startsWith('Traceback (most recent call last):')) {
      this.#detected = true;
      this.#traceback = { frames: new FrameList(), syntax: false, cause: this.#lastTracebackCause };
      this.#lastTracebackCause = undefined;
      return;
    }
    if (text.startsWith('  File "') && !text.includes(', in ')) {
      // A SyntaxError from the interpreter itself has a single frame and no `Traceback` header.
      const frame = PY_FRAME.exec(text);
      if (frame) {
        this.#traceback = { frames: new FrameList(), syntax: true };
        this.#traceback.innermost = { file: frame[1] ?? '', line: Number(frame[2]) };
        return;
      }
    }
    if (first === 70 /* F */ || first === 69 /* E */ || first === 79 /* O */ || first === 82 /* R */) {
      if (this.#onUnittestLine(text)) return;
    }
    if (first === 45 /* - */ && text.startsWith('-----')) return;
    if (first >= 48 && first <= 57 && text.includes(' in ')) {
      // `pytest -q` prints the counts line without the `===` rule.
      const counts = PYTEST_COUNTS.exec(text);
      if (counts) {
        this.#onPytestCounts(counts[1] ?? '');
        return;
      }
    }
    this.#onLintLine(text, first);
  }

  wantsEveryLine(): boolean {
    return (
      this.#traceback !== undefined ||
      this.#block !== undefined ||
      this.#ruffHeader !== undefined ||
      this.#unittest !== undefined
    );
  }

  finish(): CondenserOutput {
    if (this.#traceback) this.#endTraceback(undefined);
    this.#finishPytestBlock();
    for (const block of this.#pendingBlocks.values())
      this.#addPytestFinding(block, block.name, undefined, undefined);
    this.#pendingBlocks.clear();
    const findings = this.#ruffSeen
      ? this.#findings
          .list()
          .map((finding) => (finding.tool === 'flake8' ? { ...finding, tool: 'ruff' } : finding))
      : this.#findings.list();
    const output: { detected: boolean; findings: Finding[]; testCounts?: TestCounts } = {
      detected: this.#detected,
      findings,
    };
    const counts = sumCounts(this.#pytestCounts, this.#unittestCounts);
    if (counts) output.testCounts = { ...counts, total: counts.passed + counts.failed + counts.skipped };
    return withOverflow(output, this.#findings);
  }

  // ---- pytest -------------------------------------------------------------------------------

  #onPytestRule(text: string): void {
    const counts = PYTEST_COUNTS.exec(text);
    if (counts) {
      this.#onPytestCounts(counts[1] ?? '');
      return;
    }
    const section = PYTEST_SECTION.exec(text);
    if (!section) return;
    const title = section[1] ?? '';
    this.#finishPytestBlock();
    if (title === 'test session starts') {
      this.#detected = true;
      this.#pytestSection = 'other';
    } else if (title === 'FAILURES') this.#pytestSection = 'failures';
    else if (title === 'ERRORS') this.#pytestSection = 'errors';
    else if (title === 'short test summary info') this.#pytestSection = 'summary';
    else if (this.#pytestSection !== 'none') this.#pytestSection = 'other';
  }

  #onPytestBlockLine(text: string): void {
    const block = this.#block;
    if (!block) return;
    if (text.startsWith('E ')) {
      const body = text.slice(1).trim();
      if (block.errors.length < 20 && body.length > 0) block.errors.push(body);
      block.excerpt.push(text);
      return;
    }
    if (text.includes('.py:')) {
      const location = PYTEST_LOCATION.exec(text);
      if (location && block.locations.length < 50) {
        block.locations.push({ file: location[1] ?? '', line: Number(location[2]) });
        return;
      }
    }
    if (text.startsWith('>')) block.excerpt.push(text);
  }

  #finishPytestBlock(): void {
    const block = this.#block;
    this.#block = undefined;
    if (!block) return;
    if (this.#pendingBlocks.size >= MAX_PENDING_BLOCKS) {
      this.#addPytestFinding(block, block.name, undefined, undefined);
      return;
    }
    this.#pendingBlocks.set(block.name, block);
  }

  #onPytestSummary(text: string): void {
    const match = PYTEST_SUMMARY.exec(text);
    if (!match) return;
    const nodeId = match[2] ?? '';
    const summaryMessage = match[3];
    const key = blockKey(nodeId);
    const block =
      this.#pendingBlocks.get(key) ??
      this.#pendingBlocks.get(nodeId) ??
      this.#pendingBlocks.get(`ERROR collecting ${nodeId}`);
    if (block) this.#pendingBlocks.delete(block.name);
    this.#addPytestFinding(block, nodeId, summaryMessage, match[1] === 'ERROR' ? 'ERROR' : 'FAILED');
  }

  #addPytestFinding(
    block: PytestBlock | undefined,
    testName: string,
    summaryMessage: string | undefined,
    status: 'FAILED' | 'ERROR' | undefined,
  ): void {
    this.#detected = true;
    const errors = block?.errors ?? [];
    const assertion = findAssertion(errors);
    const message = errors[0] ?? summaryMessage ?? `${status ?? 'FAILED'} ${testName}`;
    // The last location in repository code is where it broke; the first is the test itself.
    const repoLocations = (block?.locations ?? []).filter((location) => !isVendorPath(location.file));
    const where = repoLocations.at(-1) ?? nodeFile(testName);
    this.#findings.add({
      kind: 'test-failure',
      tool: 'pytest',
      testName: testName.startsWith('ERROR collecting ') ? testName.slice(17) : testName,
      file: where?.file,
      line: where?.line,
      message,
      expected: assertion?.expected,
      actual: assertion?.actual,
      frames:
        repoLocations.length > 1
          ? repoLocations.map((location) => `${location.file}:${location.line}`)
          : undefined,
      excerpt: block?.excerpt.render(),
    });
  }

  #onPytestCounts(summary: string): void {
    this.#detected = true;
    const counts = (this.#pytestCounts ??= { passed: 0, failed: 0, skipped: 0 });
    for (const part of summary.split(', ')) {
      const [n, word] = part.split(' ');
      const value = count(n);
      if (word === 'passed' || word === 'xpassed') counts.passed += value;
      else if (word === 'failed' || word === 'error' || word === 'errors') counts.failed += value;
      else if (word === 'skipped' || word === 'xfailed') counts.skipped += value;
    }
    this.#pytestSection = 'none';
  }

  // ---- unittest and tracebacks ----------------------------------------------------------------

  /** Returns true when the line was a unittest line. */
  #onUnittestLine(text: string): boolean {
    if (text.startsWith('FAIL: ') || text.startsWith('ERROR: ')) {
      const header = UNITTEST_HEADER.exec(text);
      if (!header) return false;
      this.#detected = true;
      const method = header[2] ?? '';
      const id = header[3] ?? '';
      // Python ≥ 3.11 prints the full id in parentheses, older versions only the class.
      const testName = id.endsWith(`.${method}`) ? id : `${id}.${method}`;
      this.#unittest = { testName, kind: header[1] === 'ERROR' ? 'ERROR' : 'FAIL' };
      return true;
    }
    const ran = UNITTEST_RAN.exec(text);
    if (ran) {
      this.#detected = true;
      this.#unittestTotal = count(ran[1]);
      this.#unittest = undefined;
      return true;
    }
    if (this.#unittestTotal !== undefined && (text.startsWith('OK') || text.startsWith('FAILED'))) {
      const result = UNITTEST_RESULT.exec(text);
      if (!result) return false;
      let failed = 0;
      let skipped = 0;
      for (const part of (result[2] ?? '').split(', ')) {
        const [name, value] = part.split('=');
        if (name === 'failures' || name === 'errors' || name === 'unexpected successes')
          failed += count(value);
        else if (name === 'skipped' || name === 'expected failures') skipped += count(value);
      }
      const total = this.#unittestTotal;
      const counts = (this.#unittestCounts ??= { passed: 0, failed: 0, skipped: 0 });
      counts.failed += failed;
      counts.skipped += skipped;
      counts.passed += Math.max(0, total - failed - skipped);
      this.#unittestTotal = undefined;
      return true;
    }
    return false;
  }

  /** Returns true when `text` belongs to the traceback being read. */
  #continueTraceback(text: string): boolean {
    const traceback = this.#traceback;
    if (!traceback) return false;
    if (text.startsWith('  File "')) {
      const frame = PY_FRAME.exec(text);
      if (frame) {
        const file = frame[1] ?? '';
        const lineNumber = Number(frame[2]);
        if (!isVendorPath(file) && !isStdlibPath(file)) {
          traceback.innermost = { file, line: lineNumber };
          // Frames are printed outermost first; keep the innermost ones.
          if (traceback.frames.full) traceback.frames.frames.shift();
          traceback.frames.push(`${frame[3] ?? '<module>'} (${file}:${lineNumber})`);
        }
        return true;
      }
    }
    if (text.length === 0) return true;
    const first = text.charCodeAt(0);
    if (first === 32 || first === 9) return true; // source lines, carets, exception-group bars
    if (
      text.startsWith('During handling of the above exception') ||
      text.startsWith('The above exception was')
    ) {
      return true;
    }
    if (text.startsWith('Traceback (most recent call last):')) {
      // A chained exception: the next traceback is the one that surfaced.
      this.#traceback = { frames: new FrameList(), syntax: false, cause: traceback.cause };
      return true;
    }
    this.#endTraceback(text);
    return true;
  }

  #endTraceback(exceptionLine: string | undefined): void {
    const traceback = this.#traceback;
    this.#traceback = undefined;
    if (!traceback) return;
    const message =
      exceptionLine !== undefined && EXCEPTION_LINE.test(exceptionLine) ? exceptionLine : undefined;
    if (message === undefined) {
      // Not a traceback after all (or cut off): report nothing rather than guess.
      if (exceptionLine !== undefined) this.#reprocess(exceptionLine);
      return;
    }
    const result: TracebackResult = {
      message,
      file: traceback.innermost?.file,
      line: traceback.innermost?.line,
      frames: [...traceback.frames.frames].reverse(),
      cause: traceback.cause,
    };
    if (this.#unittest) {
      const test = this.#unittest;
      this.#unittest = undefined;
      const comparison = /^AssertionError: (?:[\w ]+ differ: )?(.{1,300}?) != (.{1,300})$/.exec(message);
      this.#findings.add({
        kind: 'test-failure',
        tool: 'unittest',
        testName: test.testName,
        file: result.file,
        line: result.line,
        message,
        // assertEqual(first, second): the convention is assertEqual(actual, expected).
        actual: comparison?.[1],
        expected: comparison?.[2],
        frames: result.frames,
      });
      return;
    }
    // Keep the root of a chain: the next traceback in the chain reports it as its cause.
    this.#lastTracebackCause = message;
    this.#findings.add({
      kind: traceback.syntax || message.startsWith('SyntaxError') ? 'compile-error' : 'runtime-error',
      tool: 'python',
      file: result.file,
      line: result.line,
      message,
      frames: result.frames,
      excerpt: result.cause !== undefined ? `caused by: ${result.cause}` : undefined,
    });
  }

  /** A line that ended a false traceback start is an ordinary line again. */
  #reprocess(text: string): void {
    if (text.startsWith('Traceback') || text.length === 0) return;
    this.push({ text, number: 0 });
  }

  // ---- linters and formatters ---------------------------------------------------------------

  #onLintLine(text: string, first: number): void {
    if (text.includes('.py')) {
      if (text.includes(': error: ') || text.includes(': note: ') || text.includes(': warning: ')) {
        const mypy = MYPY.exec(text);
        if (mypy) {
          this.#detected = true;
          if (mypy[4] === 'error') {
            this.#addLint('mypy', 'type-error', mypy[1], mypy[2], mypy[3], mypy[6], mypy[5] ?? '');
          }
          return;
        }
      }
      if (text.includes(' - error: ')) {
        const pyright = PYRIGHT.exec(text);
        if (pyright) {
          this.#addLint(
            'pyright',
            'type-error',
            pyright[1],
            pyright[2],
            pyright[3],
            pyright[5],
            pyright[4] ?? '',
          );
          return;
        }
      }
      const pylint = PYLINT.exec(text);
      if (pylint) {
        // pylint counts columns from 0.
        const column = String(count(pylint[3]) + 1);
        this.#addLint(
          'pylint',
          'lint-error',
          pylint[1],
          pylint[2],
          column,
          pylint[6] ?? pylint[4],
          pylint[5] ?? '',
        );
        return;
      }
      const flake8 = FLAKE8.exec(text);
      if (flake8) {
        if (flake8[5] !== undefined) this.#ruffSeen = true;
        this.#addLint('flake8', 'lint-error', flake8[1], flake8[2], flake8[3], flake8[4], flake8[6] ?? '');
        return;
      }
      if (text.startsWith('would reformat ') || text.startsWith('Would reformat: ')) {
        const ruff = text.startsWith('Would');
        const file = text.slice(ruff ? 16 : 15).trim();
        this.#detected = true;
        this.#findings.add({
          kind: 'format-error',
          tool: ruff ? 'ruff' : 'black',
          file,
          message: ruff ? 'would reformat (ruff format)' : 'would reformat (black)',
        });
        return;
      }
      if (text.startsWith('error: cannot format ')) {
        const cannot = /^error: cannot format (.+?): (.+)$/.exec(text);
        if (cannot) {
          const at = /Cannot parse[^:]*: (\d+):(\d+): ?(.*)$/.exec(cannot[2] ?? '');
          this.#detected = true;
          this.#findings.add({
            kind: 'compile-error',
            tool: 'black',
            file: cannot[1],
            line: positive(at?.[1]),
            column: positive(at?.[2]),
            message: cannot[2] ?? text,
          });
          return;
        }
      }
      if (text.startsWith('ERROR: ') && text.includes('Imports are incorrectly sorted')) {
        const file = text.slice(7, text.indexOf(' Imports are')).trim();
        this.#findings.add({
          kind: 'format-error',
          tool: 'isort',
          file,
          message: 'imports are incorrectly sorted (isort)',
        });
        return;
      }
    }
    if (first >= 65 && first <= 90) {
      const ruff = RUFF_HEADER.exec(text);
      if (ruff) {
        this.#ruffHeader = { code: ruff[1] ?? '', message: ruff[3] ?? '' };
        return;
      }
      if (
        text.startsWith('Found ') &&
        /^Found \d+ errors?\.?(?: \(\d+ fixed, \d+ remaining\)\.)?$/.test(text)
      ) {
        this.#ruffSeen = true;
      } else if (text.startsWith('Found ') && /^Found \d+ errors? in \d+ files? \(checked/.test(text)) {
        this.#detected = true; // mypy's summary
      } else if (text.startsWith('Success: no issues found')) this.#detected = true;
      else if (text === 'All checks passed!') this.#detected = true;
      else if (text.startsWith('All done!') || text.startsWith('Oh no!')) this.#detected = true;
    } else if (/^\d+ files? would be reformatted/.test(text)) this.#detected = true;
  }

  #addLint(
    tool: string,
    kind: 'lint-error' | 'type-error',
    file: string | undefined,
    lineText: string | undefined,
    columnText: string | undefined,
    code: string | undefined,
    message: string,
  ): void {
    if (tool === 'ruff') this.#ruffSeen = true;
    this.#detected = true;
    this.#findings.add({
      kind,
      tool,
      file,
      line: positive(lineText),
      column: positive(columnText),
      code,
      message,
    });
  }
}

/** `tests/test_x.py::TestGroup::test_y[1]` → `TestGroup.test_y[1]` (pytest's block title). */
function blockKey(nodeId: string): string {
  const parts = nodeId.split('::');
  return parts.length > 1 ? parts.slice(1).join('.') : nodeId;
}

function nodeFile(nodeId: string): { file: string; line?: number } | undefined {
  const file = nodeId.split('::')[0] ?? '';
  return file.endsWith('.py') ? { file } : undefined;
}

/** `assert 4 == 3` → actual 4, expected 3 (pytest's convention is `assert actual == expected`). */
function findAssertion(errors: readonly string[]): { expected: string; actual: string } | undefined {
  for (const line of errors) {
    const body = line.startsWith('AssertionError: ') ? line.slice(16) : line;
    if (!body.startsWith('assert ')) continue;
    const split = body.indexOf(' == ', 7);
    if (split === -1) return undefined;
    return { actual: body.slice(7, split), expected: body.slice(split + 4) };
  }
  return undefined;
}

function isStdlibPath(file: string): boolean {
  return /[\\/]lib[\\/]python\d[\d.]*[\\/]/.test(file) || file.startsWith('<frozen ');
}

function sumCounts(
  ...all: ({ passed: number; failed: number; skipped: number } | undefined)[]
): { passed: number; failed: number; skipped: number } | undefined {
  let result: { passed: number; failed: number; skipped: number } | undefined;
  for (const counts of all) {
    if (!counts) continue;
    result ??= { passed: 0, failed: 0, skipped: 0 };
    result.passed += counts.passed;
    result.failed += counts.failed;
    result.skipped += counts.skipped;
  }
  return result;
}

export const pythonCondenserFactory: CondenserFactory = {
  tool: TOOL,
  // Line prefixes first, then the few fixed substrings that can sit anywhere in a line: the
  // dispatcher unions every trigger into one regex tested on each line, so these stay cheap.
  trigger:
    /^(?:={3,}(?:\s*\d| .+ ={3,}$)|___|(?:FAILED|ERROR)\b|Traceback| {2}File "|FAIL: |Ran \d|OK\b|(?:would reformat|Would reformat:|error: cannot format) |Found \d|Success: |All (?:checks passed|done)|Oh no|\d+ files? would be|[A-Z]{1,4}\d{1,4} |\d+ (?:failed|passed|errors?|skipped|xfailed|xpassed|deselected|warnings?)\b)|\.pyi?:\d/,
  description: 'Python (pytest, unittest, tracebacks, mypy, pyright, ruff, flake8, pylint, black, isort)',
  create: () => new PythonCondenser(),
};
