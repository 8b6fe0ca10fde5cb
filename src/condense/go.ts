/**
 * Go condenser: `go build`/`go vet` errors (`./x.go:12:5: undefined: Foo`, with or without the
 * `# package` header and `vet:` prefix), golangci-lint lines (`x.go:3:1: msg (linter)`),
 * module errors (`go: ...: missing go.sum entry`), `go test` failures (`--- FAIL: TestX` with the
 * `file.go:line:` messages beneath, verbose or not, subtests folded into their leaves, testify
 * `expected`/`actual`), panics with goroutine traces (top frames in the module's own code), test
 * timeouts (`panic: test timed out after 1s`), and `ok`/`FAIL` package lines.
 *
 * Test files in `go test` messages are printed relative to their package directory; the package
 * import path goes into the excerpt so the reader can locate them.
 */
import { detach } from './finding.ts';
import type { Condenser, CondenserFactory, CondenserOutput, LogLine } from './types.ts';
import type { TestCounts } from '../contracts/failure-report.ts';
import {
  ExcerptLines,
  FindingCollector,
  FrameList,
  clip,
  indentOf,
  isVendorPath,
  positive,
  withOverflow,
} from './lang-support.ts';

const TOOL = 'go';
/** Most test messages remembered from `=== RUN` sections of `go test -v` until their verdict. */
const MAX_PENDING_MESSAGES = 256;

// `./main.go:9:18: msg`, `main.go:9: msg`, `vet: ./main.go:9:18: msg`, `C:\x\main.go:3:1: msg`
const SOURCE_ERROR = /^(?:vet: )?((?:[A-Za-z]:)?[^\s:]*\.go):(\d+)(?::(\d+))?: (.+)$/;
// Indented test output: `    calc_test.go:7: Add(1, 2) = 4, want 3` (message may be empty for testify).
const TEST_MESSAGE = /^(\s+)([\w.-]+\.go):(\d+): ?(.*)$/;
const TEST_VERDICT = /^(\s*)--- (FAIL|PASS|SKIP): (\S+) \(([\d.]+)s\)/;
// `ok  \tpkg\t0.01s`, `FAIL\tpkg [build failed]`, `?   \tpkg\t[no test files]`: always tab-separated.
const PACKAGE_RESULT = /^(ok {2}|FAIL|\? {3})\t(\S+)(?:[\t ](.*))?$/;
const FRAME_FILE = /^\t(.+?\.go):(\d+)(?: \+0x[0-9a-f]+)?$/;
const LINTER_SUFFIX = / \(([a-z][\w-]*)\)$/;
// Messages that only `go vet` analyzers print; a plain compiler error never looks like these.
const VET_HINTS = [
  'format %',
  'possible formatting directive',
  'call has arguments but no formatting directives',
  'unreachable code',
  'passes lock by value',
  'copies lock',
  'self-assignment of',
  'struct field tag',
  'composite literal uses unkeyed fields',
  'the cancel function',
  'result of fmt.',
  'possible misuse of',
  'should have signature',
  'is never used',
  'comparison of function',
  'suspect or:',
  'redundant and:',
];

interface TestBlock {
  name: string;
  indent: number;
  file?: string | undefined;
  line?: number | undefined;
  message: string[];
  expected?: string | undefined;
  actual?: string | undefined;
  excerpt: ExcerptLines;
  /** Indent of the `file.go:N:` line, to tell its continuation lines from the next message. */
  messageIndent: number;
  messages: number;
}

interface PanicBlock {
  message: string;
  timeout: boolean;
  testName?: string | undefined;
  frames: FrameList;
  firstRepo?: { file: string; line: number } | undefined;
  testFrame?: { file: string; line: number; name: string } | undefined;
  pendingFunction?: string | undefined;
  inRunningTests: boolean;
  excerpt: ExcerptLines;
}

class GoCondenser implements Condenser {
  readonly tool = TOOL;
  readonly #findings = new FindingCollector();
  #detected = false;
  #vetContext = false;
  #block: TestBlock | undefined;
  /** The open block holds messages of a still-running test (`go test -v`), not a failure yet. */
  #blockIsPending = false;
  #panic: PanicBlock | undefined;
  /** Messages printed under `=== RUN TestX` in verbose mode, reported when `--- FAIL: TestX` arrives. */
  readonly #pendingMessages = new Map<string, TestBlock>();
  // The `=== RUN` line of the running test and where its name starts: most tests print no
  // message, so the name is cut out only when one needs it.
  #runningLine: string | undefined;
  #runningFrom = 0;
  #lastFailedTest: string | undefined;
  #findingsAtPackageStart = 0;
  #verbose = false;
  #passed = 0;
  #failed = 0;
  #skipped = 0;
  #sawFailVerdict = false;
  #failedTests: string[] = [];

  push(line: LogLine): void {
    const text = line.text;
    if (this.#panic) {
      if (this.#continuePanic(text)) return;
      this.#finishPanic();
    }
    if (this.#block) {
      if (this.#continueBlock(text)) return;
      // A `--- FAIL` without a message followed by `panic:`: the panic is the finding.
      this.#finishBlock(text.startsWith('panic: '));
    }
    if (text.length === 0) return;
    const first = text.charCodeAt(0);

    if (text.startsWith('=== RUN')) {
      this.#detected = true;
      this.#verbose = true;
      this.#runningLine = text;
      this.#runningFrom = 7;
      return;
    }
    if (text.startsWith('=== CONT') || text.startsWith('=== NAME')) {
      // Parallel tests resume (CONT) or a test's output resumes (NAME, Go ≥ 1.20): later messages are its own.
      this.#runningLine = text;
      this.#runningFrom = 8;
      return;
    }
    if (text.startsWith('=== ')) return; // PAUSE
    if (text.includes('--- ')) {
      // Passing verdicts are most lines of a verbose run: with no message waiting for one, a
      // PASS/SKIP only counts, so test it without building the match.
      // A match starts with blanks then "--- ", so the first "--- " is the verdict's.
      const word = text.charCodeAt(text.indexOf('--- ') + 4);
      if (this.#pendingMessages.size === 0 && word !== 70 /* F */ && TEST_VERDICT.test(text)) {
        this.#detected = true;
        if (word === 80 /* P */) this.#passed += 1;
        else this.#skipped += 1;
        return;
      }
      const verdict = TEST_VERDICT.exec(text);
      if (verdict) {
        this.#onVerdict(verdict[2] ?? '', verdict[3] ?? '', (verdict[1] ?? '').length);
        return;
      }
    }
    if (text.startsWith('panic: ')) {
      this.#startPanic(text);
      return;
    }
    if (first === 32 || first === 9) {
      if (text.includes('.go:')) this.#onIndentedMessage(text);
      return;
    }
    if (text.startsWith('# ')) return; // `# example.com/demo` precedes a package's errors
    if (text.startsWith('go: ') || text.startsWith('go build') || text.startsWith('go vet')) {
      this.#onGoCommandLine(text);
      return;
    }
    if (text.startsWith('ok  \t') || text.startsWith('FAIL\t') || text.startsWith('?   \t')) {
      this.#onPackageResult(text);
      return;
    }
    if (text.includes('.go:')) this.#onSourceError(text);
    else if (text.includes('go vet') || text.includes('golangci-lint')) this.#vetContext = true;
  }

  wantsEveryLine(): boolean {
    return this.#block !== undefined || this.#panic !== undefined;
  }

  finish(): CondenserOutput {
    if (this.#panic) this.#finishPanic();
    if (this.#block) this.#finishBlock();
    // A parent test fails because its subtests failed; report only the leaves that say why.
    const failed = this.#failedTests;
    this.#findings.retain((finding) => {
      if (finding.kind !== 'test-failure' || finding.testName === undefined || finding.file !== undefined)
        return true;
      const prefix = `${finding.testName}/`;
      return !failed.some((name) => name.startsWith(prefix));
    });
    const output: {
      detected: boolean;
      findings: ReturnType<FindingCollector['list']>;
      testCounts?: TestCounts;
    } = {
      detected: this.#detected,
      findings: this.#findings.list(),
    };
    if (this.#verbose && this.#passed + this.#failed + this.#skipped > 0) {
      output.testCounts = {
        passed: this.#passed,
        failed: this.#failed,
        skipped: this.#skipped,
        total: this.#passed + this.#failed + this.#skipped,
      };
    }
    return withOverflow(output, this.#findings);
  }

  #onVerdict(verdict: string, name: string, indent: number): void {
    this.#detected = true;
    if (verdict === 'PASS') this.#passed += 1;
    else if (verdict === 'SKIP') this.#skipped += 1;
    if (verdict !== 'FAIL') {
      this.#pendingMessages.delete(name);
      return;
    }
    this.#failed += 1;
    this.#sawFailVerdict = true;
    this.#lastFailedTest = name;
    // Detached: a kept slice of a log line would pin its whole 64 KiB chunk.
    if (this.#failedTests.length < 1000) this.#failedTests.push(detach(name));
    const pending = this.#pendingMessages.get(name);
    this.#pendingMessages.delete(name);
    this.#block = pending ?? {
      name,
      indent,
      message: [],
      excerpt: new ExcerptLines(),
      messageIndent: Number.POSITIVE_INFINITY,
      messages: 0,
    };
    this.#block.indent = indent;
    this.#block.excerpt.push(`--- FAIL: ${name}`);
  }

  /** A `file.go:N: msg` line in verbose mode, before the verdict: remember it for the test. */
  #onIndentedMessage(text: string): void {
    const match = TEST_MESSAGE.exec(text);
    const name = this.#runningLine?.slice(this.#runningFrom).trim();
    if (!match || name === undefined) return;
    let block = this.#pendingMessages.get(name);
    if (!block) {
      if (this.#pendingMessages.size >= MAX_PENDING_MESSAGES) return;
      block = {
        name,
        indent: 0,
        message: [],
        excerpt: new ExcerptLines(),
        messageIndent: Number.POSITIVE_INFINITY,
        messages: 0,
      };
      this.#pendingMessages.set(name, block);
    }
    addTestMessage(block, match, text);
    // Continuation lines (deeper indent) of a verbose message follow directly; keep reading them.
    this.#block = block;
    this.#blockIsPending = true;
  }

  /** Returns true when `text` belongs to the current test block. */
  #continueBlock(text: string): boolean {
    const block = this.#block;
    if (!block) return false;
    const indent = indentOf(text);
    if (text.trim().length === 0) return !this.#blockIsPending;
    if (this.#blockIsPending) {
      // Verbose mode: only continuation lines of the message just read belong here.
      if (indent > block.messageIndent && !TEST_MESSAGE.test(text)) {
        addContinuation(block, text);
        return true;
      }
      if (indent >= block.messageIndent && TEST_MESSAGE.test(text)) {
        addTestMessage(block, TEST_MESSAGE.exec(text) as RegExpExecArray, text);
        return true;
      }
      return false;
    }
    if (indent <= block.indent) return false;
    if (text.trimStart().startsWith('--- ')) return false;
    const match = TEST_MESSAGE.exec(text);
    if (match && indentOf(text) <= block.messageIndent) {
      addTestMessage(block, match, text);
      return true;
    }
    if (indent > block.messageIndent) {
      addContinuation(block, text);
      return true;
    }
    // Output the test printed itself (t.Log without a location, fmt.Println): excerpt only.
    block.excerpt.push(text.trim());
    return true;
  }

  #finishBlock(panicFollows = false): void {
    const block = this.#block;
    this.#block = undefined;
    if (!block) return;
    if (this.#blockIsPending) {
      this.#blockIsPending = false;
      return;
    }
    if (panicFollows && block.messages === 0) return;
    const message = block.message.length > 0 ? block.message.join(' ') : `${block.name} failed`;
    const got = parseGotWant(message);
    this.#findings.add({
      kind: 'test-failure',
      tool: TOOL,
      testName: block.name,
      file: block.file,
      line: block.line,
      message,
      expected: block.expected ?? got?.expected,
      actual: block.actual ?? got?.actual,
      excerpt: block.excerpt.render(),
    });
  }

  #startPanic(text: string): void {
    this.#detected = true;
    const message = text.replace(/ \[recovered[^\]]*\]$/, '');
    const timeout = message.startsWith('panic: test timed out after');
    this.#panic = {
      message,
      timeout,
      testName: timeout ? undefined : this.#lastFailedTestIfRecent(),
      frames: new FrameList(),
      inRunningTests: false,
      excerpt: new ExcerptLines(),
    };
    this.#panic.excerpt.push(message);
  }

  #lastFailedTestIfRecent(): string | undefined {
    // `--- FAIL: TestPut` is printed right before the panic of the test that panicked.
    const name = this.#lastFailedTest;
    this.#lastFailedTest = undefined;
    return name;
  }

  /** Returns true while the goroutine dump goes on. */
  #continuePanic(text: string): boolean {
    const panic = this.#panic;
    if (!panic) return false;
    if (text.length === 0) return true;
    if (text.startsWith('\tpanic: ') || text.startsWith('[signal ') || text.startsWith('goroutine '))
      return true;
    if (text === 'running tests:') {
      panic.inRunningTests = true;
      return true;
    }
    if (panic.inRunningTests && text.startsWith('\t')) {
      // Go ≥ 1.20 lists the tests that were running: `\tTestSlow (1s)`.
      panic.testName ??= text.trim().replace(/ \([^)]*\)$/, '');
      return true;
    }
    panic.inRunningTests = false;
    if (text.startsWith('\t')) {
      const frame = FRAME_FILE.exec(text);
      const fn = panic.pendingFunction;
      panic.pendingFunction = undefined;
      if (!frame || fn === undefined) return true;
      const file = frame[1] ?? '';
      const lineNumber = Number(frame[2]);
      if (isRepoFrame(fn, file)) {
        panic.frames.push(`${fn} (${file}:${lineNumber})`);
        panic.firstRepo ??= { file, line: lineNumber };
        const test = /\.(Test\w*|Benchmark\w+|Example\w*|Fuzz\w+)(?:\.func\d+)*$/.exec(fn);
        if (test && !panic.testFrame) panic.testFrame = { file, line: lineNumber, name: test[1] ?? '' };
      }
      return true;
    }
    if (text.startsWith('created by ')) {
      panic.pendingFunction = text.slice(11).replace(/ in goroutine \d+$/, '');
      return true;
    }
    if (looksLikeFunctionLine(text)) {
      panic.pendingFunction = text.slice(0, text.lastIndexOf('('));
      return true;
    }
    return false;
  }

  #finishPanic(): void {
    const panic = this.#panic;
    this.#panic = undefined;
    if (!panic) return;
    // For a timeout, the interesting place is where the test was stuck, not the alarm goroutine.
    const where = panic.timeout ? (panic.testFrame ?? panic.firstRepo) : panic.firstRepo;
    const testName = panic.testName ?? (panic.timeout ? panic.testFrame?.name : undefined);
    this.#findings.add({
      kind: panic.timeout ? 'timeout' : testName !== undefined ? 'test-failure' : 'runtime-error',
      tool: TOOL,
      file: where?.file,
      line: where?.line,
      message: panic.message,
      testName,
      frames: panic.frames.frames,
      excerpt: panic.excerpt.render(),
    });
  }

  #onGoCommandLine(text: string): void {
    if (text.startsWith('go vet')) {
      this.#vetContext = true;
      return;
    }
    if (!text.startsWith('go: ')) return;
    const body = text.slice(4);
    if (body.startsWith('downloading ') || body.startsWith('finding ') || body.startsWith('extracting ')) {
      this.#detected = true;
      return;
    }
    if (
      /missing go\.sum entry|no required module provides|unknown revision|invalid version|reading .*: (?:\d{3}|unrecognized)|verifying .*: checksum mismatch|module lookup disabled|cannot find module|go\.mod file not found|updates to go\.mod needed|inconsistent vendoring|requires go >=/.test(
        body,
      )
    ) {
      this.#detected = true;
      this.#findings.add({
        kind: 'dependency-error',
        tool: TOOL,
        message: clip(text),
        packages: modulePackages(body),
      });
    }
  }

  #onPackageResult(text: string): void {
    const match = PACKAGE_RESULT.exec(text);
    if (!match) return;
    const [, status, pkg, rest] = match;
    if (pkg === undefined) return;
    this.#detected = true;
    if (status === 'FAIL' && this.#findings.size === this.#findingsAtPackageStart) {
      // A package failed without a `--- FAIL` (TestMain exit, race detector, build failure of
      // its test files): the package line is all there is.
      const reason = rest?.startsWith('[') ? ` ${rest}` : '';
      if (!this.#sawFailVerdict || reason.length > 0) {
        this.#findings.add({
          kind: reason.includes('build failed') ? 'build-error' : 'test-failure',
          tool: TOOL,
          message: `FAIL ${pkg}${reason}`,
        });
      }
    }
    if (status === 'FAIL') {
      // `go test` prints test files relative to their package: name the package so the file can be found.
      for (const finding of this.#findings.since(this.#findingsAtPackageStart)) {
        if (finding.kind !== 'test-failure' && finding.kind !== 'timeout') continue;
        const note = `package ${pkg}`;
        finding.excerpt = finding.excerpt === undefined ? note : `${finding.excerpt}\n${note}`;
      }
    }
    this.#sawFailVerdict = false;
    this.#findingsAtPackageStart = this.#findings.size;
  }

  #onSourceError(text: string): void {
    const match = SOURCE_ERROR.exec(text);
    if (!match) return;
    const [, file, lineText, columnText, rawMessage] = match;
    if (file === undefined || rawMessage === undefined) return;
    this.#detected = true;
    let message = rawMessage;
    let code: string | undefined;
    let kind: 'compile-error' | 'lint-error' | 'dependency-error' = 'compile-error';
    const linter = LINTER_SUFFIX.exec(message);
    if (linter && !message.endsWith('(untyped string constant)')) {
      kind = 'lint-error';
      code = linter[1];
      message = message.slice(0, linter.index);
    } else if (
      !text.startsWith('vet: ') &&
      (this.#vetContext || VET_HINTS.some((hint) => message.includes(hint)))
    ) {
      kind = 'lint-error';
      code = 'vet';
    }
    if (message.startsWith('no required module provides package')) kind = 'dependency-error';
    if (message === 'too many errors') return;
    this.#findings.add({
      kind,
      tool: TOOL,
      file,
      line: positive(lineText),
      column: positive(columnText),
      code,
      message,
      packages: kind === 'dependency-error' ? modulePackages(message) : undefined,
    });
  }
}

function addTestMessage(block: TestBlock, match: RegExpExecArray, text: string): void {
  block.messages += 1;
  block.excerpt.push(text.trim());
  if (block.messages > 1) {
    // Later messages of the same test are usually consequences; the excerpt has them.
    return;
  }
  block.messageIndent = (match[1] ?? '').length;
  block.file = match[2];
  block.line = positive(match[3]);
  const message = (match[4] ?? '').trim();
  if (message.length > 0) block.message.push(message);
}

function addContinuation(block: TestBlock, text: string): void {
  block.excerpt.push(text.trim());
  if (block.messages > 1) return;
  // testify: `Error Trace:`, `Error:`, `expected: 3`, `actual  : 4`, `Test:` rows separated by tabs.
  const row = text.trim();
  const testify = /^(Error Trace|Error|Test|Messages|expected|actual\s*):\s*(.*)$/.exec(row);
  if (testify) {
    const label = (testify[1] ?? '').trim();
    const value = (testify[2] ?? '').trim();
    if (label === 'Error' && value.length > 0) block.message.push(value);
    else if (label === 'Messages' && value.length > 0) block.message.push(value);
    else if (label === 'expected') block.expected ??= value;
    else if (label === 'actual') block.actual ??= value;
    return;
  }
  if (block.message.join(' ').length < 400) block.message.push(row);
}

/** `got 1 want 0`, `Add(1, 2) = 4, want 3`, `got: x, want: y` → actual/expected. */
function parseGotWant(message: string): { expected: string; actual: string } | undefined {
  if (!message.includes('want')) return undefined;
  const gotWant = /\bgot:? (.{1,200}?),? want(?:ed)?:? (.{1,200})$/.exec(message);
  if (gotWant) return { actual: (gotWant[1] ?? '').trim(), expected: (gotWant[2] ?? '').trim() };
  const equalsWant = /= (.{1,200}?), want:? (.{1,200})$/.exec(message);
  if (equalsWant) return { actual: (equalsWant[1] ?? '').trim(), expected: (equalsWant[2] ?? '').trim() };
  return undefined;
}

/** A function line of a goroutine dump: `example.com/demo.(*Store).Put(...)`, `main.main()`. */
function looksLikeFunctionLine(text: string): boolean {
  if (!text.endsWith(')')) return false;
  const paren = text.indexOf('(');
  if (paren <= 0) return false;
  const space = text.indexOf(' ');
  return space === -1 || space > paren;
}

/** Top-level standard-library packages; their frames are never the repository's code. */
const STD_ROOTS = new Set(
  (
    'archive bufio bytes cmp compress container context crypto database debug embed encoding errors expvar ' +
    'flag fmt go hash html image index internal io iter log maps math mime net os panic path plugin reflect ' +
    'regexp runtime slices sort strconv strings sync syscall testing text time unicode unique unsafe weak'
  ).split(' '),
);

/** Frames in the module's own code: not the standard library, not the module cache, not _testmain. */
function isRepoFrame(fn: string, file: string): boolean {
  if (file.endsWith('_testmain.go') || isVendorPath(file) || file.includes('/go/src/')) return false;
  const end = fn.search(/[./]/);
  const root = end === -1 ? fn : fn.slice(0, end);
  return !STD_ROOTS.has(root);
}

function modulePackages(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/\b([a-z0-9][\w.-]*\.[a-z]{2,}(?:\/[\w.~-]+)+)(?:@(v[\w.+-]+))?/g)) {
    const value = match[2] === undefined ? (match[1] ?? '') : `${match[1]}@${match[2]}`;
    if (!found.includes(value)) found.push(value);
    if (found.length >= 5) break;
  }
  return found;
}

export const goCondenserFactory: CondenserFactory = {
  tool: TOOL,
  // Every line that can start or change something above; the rest only matters inside a block.
  // Line prefixes first, then the few fixed substrings that can sit anywhere in a line: the
  // dispatcher unions every trigger into one regex tested on each line, so these stay cheap.
  trigger:
    /^(?:=== (?:RUN|CONT|NAME)|\s*--- (?:FAIL|PASS|SKIP): |panic: |go: |(?:Run |\+ |\$ |> )?(?:go vet|golangci-lint)\b|(?:ok {2}|FAIL|\? {3})\t)|\.go:\d/,
  description: 'Go (go build, go vet, go test, panics, golangci-lint)',
  create: () => new GoCondenser(),
};
