/**
 * JVM condenser: Maven, Gradle, javac and kotlinc.
 *
 * - Maven: compiler errors (`[ERROR] /path/X.java:[12,5] cannot find symbol` + the
 *   `symbol:`/`location:` lines; the copy Maven repeats under "Failed to execute goal" is
 *   skipped), checkstyle-style `[12,5] (naming) MemberName: …` lint lines, surefire/failsafe
 *   failures (JUnit 5 `X.test -- Time elapsed … <<< FAILURE!` and JUnit 4
 *   `testFoo(com.x.FooTest)  Time elapsed … <<< FAILURE!`, the assertion and repo frames; the
 *   `Results:` list as a fallback), `Tests run:` totals, dependency resolution errors (artifact
 *   coordinates in `packages`) and other plugin failures (`Failed to execute goal …`).
 * - Gradle: Kotlin (`e: file:///…/X.kt:10:5 msg`, old `e: /…/X.kt: (10, 5): msg`) and Java
 *   compile errors, test failures (`FooTest > bar() FAILED` + indented assertion and frames),
 *   `N tests completed, M failed` counts and the `* What went wrong:` block (dependency
 *   resolution, task failures; the block is dropped when it only restates a reported error).
 * - javac: `X.java:3: error: msg` with the caret column and `symbol:` detail.
 *
 * Frames in the JDK, JUnit, AssertJ, Gradle, Maven and other libraries are skipped; the JVM
 * prints only file base names in frames, so test-failure findings carry `X.java` there.
 */
import type { Condenser, CondenserFactory, CondenserOutput, LogLine } from './types.ts';
import type { FindingDraft } from './lang-support.ts';
import type { Finding, FindingKind, TestCounts } from '../contracts/failure-report.ts';
import {
  FindingCollector,
  FrameList,
  clip,
  count,
  findCoordinates,
  positive,
  withOverflow,
} from './lang-support.ts';

const TOOL = 'jvm';

const MAVEN_LEVEL = /^\[(ERROR|WARNING|INFO|DEBUG)\] ?/;
const MAVEN_COMPILE = /^(.+\.(?:java|kt|kts|scala|groovy)):\[(\d+),(\d+)\] (.+)$/;
const KOTLIN_NEW = /^(?:e: )?file:\/\/(\/?.+?\.kts?):(\d+):(\d+) (.+)$/;
const KOTLIN_OLD = /^e: (.+?\.kts?): \((\d+), (\d+)\): (.+)$/;
const JAVAC = /^(.+\.java):(\d+): (error|warning): (.+)$/;
const SUREFIRE_NEW = /^([\w.$]+)\.([\w$]+(?:\(.*\))?(?:\[\d+\])?) -- Time elapsed: .* <<< (FAILURE|ERROR)!$/;
const SUREFIRE_OLD = /^([\w$]+(?:\[\d+\])?)\(([\w.$]+)\)\s+Time elapsed: .* <<< (FAILURE|ERROR)!$/;
const TESTS_RUN = /^Tests run: (\d+), Failures: (\d+), Errors: (\d+), Skipped: (\d+)(.*)$/;
const GRADLE_COUNTS = /^(\d+) tests? completed, (\d+) failed(?:, (\d+) skipped)?/;
const FRAME = /^\s*at (?:[\w.-]+\/\/|[\w.-]+@[\w.-]+\/)?([\w.$<>/-]+)\(([^)]*)\)$/;
// Gradle's checkstyle plugin: `[ant:checkstyle] [ERROR] /x/App.java:12:5: Missing a Javadoc comment. [MissingJavadocMethod]`.
const CHECKSTYLE = /^\[ant:checkstyle\] \[(ERROR|WARN)\] (.+?):(\d+)(?::(\d+))?: (.+?)(?: \[(\w+)\])?$/;
const EXPECTED_BUT_WAS = /expected: ?<(.*)> but was: ?<(.*)>/;

/** Frames from these packages are never the repository's code. */
const LIBRARY_FRAME_PREFIXES = [
  'java.',
  'javax.',
  'jdk.',
  'sun.',
  'com.sun.',
  'kotlin.',
  'kotlinx.',
  'scala.',
  'groovy.',
  'org.junit.',
  'junit.',
  'org.opentest4j.',
  'org.testng.',
  'org.assertj.',
  'org.hamcrest.',
  'org.mockito.',
  'org.gradle.',
  'worker.org.gradle.',
  'org.apache.maven.',
  'org.springframework.',
  'io.kotest.',
  'com.google.common.truth.',
  'net.bytebuddy.',
];

interface ExceptionBlock {
  testName: string;
  tool: 'maven' | 'gradle' | 'java';
  kindOfFailure: 'FAILURE' | 'ERROR';
  /** An uncaught exception of a program (`Exception in thread "main" …`), not a test. */
  runtime?: boolean;
  message: string[];
  expected?: string | undefined;
  actual?: string | undefined;
  frames: FrameList;
  firstRepo?: { file: string; line: number } | undefined;
  /** Gradle indents the block under the `> test FAILED` line. */
  indented: boolean;
}

interface CompileError {
  tool: string;
  file: string;
  line?: number | undefined;
  column?: number | undefined;
  message: string;
  code?: string | undefined;
  kind: FindingKind;
  details: string[];
  /** javac: the source line follows, then the caret. */
  sourceLine?: string | undefined;
  awaitingCaret: boolean;
}

interface WentWrong {
  lines: string[];
}

class JvmCondenser implements Condenser {
  readonly tool = TOOL;
  readonly #findings = new FindingCollector();
  #detected = false;
  #compile: CompileError | undefined;
  #exception: ExceptionBlock | undefined;
  #wentWrong: WentWrong | undefined;
  #inGoalFailure = false;
  /** A "Failed to execute goal" finding whose detail lines (`[ERROR] Rule 0: …`) follow. */
  #pendingGoal: { draft: FindingDraft; details: string[] } | undefined;
  #inMavenResults: 'failures' | 'errors' | 'none' = 'none';
  #compileErrors = 0;
  #testFailures = 0;
  readonly #reportedTests = new Set<string>();
  #mavenCounts: { passed: number; failed: number; skipped: number } | undefined;
  /** The first compiler warnings, kept in case `-Werror` turns them into the build's errors. */
  readonly #warnings: FindingDraft[] = [];
  #gradleCounts: { passed: number; failed: number; skipped: number } | undefined;

  push(line: LogLine): void {
    const raw = line.text;
    let text = raw;
    let level: string | undefined;
    if (raw.charCodeAt(0) === 91 /* [ */) {
      const prefix = MAVEN_LEVEL.exec(raw);
      if (prefix) {
        level = prefix[1];
        text = raw.slice(prefix[0].length);
      }
    }
    if (this.#exception && this.#continueException(text, level)) return;
    if (this.#compile && this.#continueCompile(text, level)) return;
    if (this.#wentWrong && this.#continueWentWrong(text)) return;
    if (text.length === 0) return;

    if (level !== undefined) {
      this.#onMavenLine(text, level);
      return;
    }
    this.#onPlainLine(text);
  }

  wantsEveryLine(): boolean {
    return (
      this.#compile !== undefined ||
      this.#exception !== undefined ||
      this.#wentWrong !== undefined ||
      this.#pendingGoal !== undefined ||
      this.#inMavenResults !== 'none'
    );
  }

  finish(): CondenserOutput {
    this.#flushGoal();
    this.#finishException();
    this.#finishCompile();
    this.#finishWentWrong();
    const output: { detected: boolean; findings: Finding[]; testCounts?: TestCounts } = {
      detected: this.#detected,
      findings: this.#findings.list(),
    };
    const counts = this.#mavenCounts ?? this.#gradleCounts;
    if (counts) output.testCounts = { ...counts, total: counts.passed + counts.failed + counts.skipped };
    return withOverflow(output, this.#findings);
  }

  // ---- Maven ----------------------------------------------------------------------------------

  #onMavenLine(text: string, level: string): void {
    this.#detected = true;
    if (this.#pendingGoal) {
      const goal = this.#pendingGoal;
      const end =
        level !== 'ERROR' ||
        text.length === 0 ||
        text.startsWith('-> [Help') ||
        text.startsWith('To see the full') ||
        MAVEN_COMPILE.test(text);
      if (!end) {
        if (goal.details.length < 4) goal.details.push(text.trim());
        return;
      }
      // "Compilation failure" followed by the compiler errors themselves: those are the findings.
      if (MAVEN_COMPILE.test(text) && goal.draft.kind === 'compile-error') this.#pendingGoal = undefined;
      else this.#flushGoal();
    }
    if (text.startsWith('Tests run: ')) {
      // `[INFO] Tests run:` when green, `[ERROR] Tests run:` when red, `[WARNING]` when skipped.
      this.#onMavenTestsRun(text);
      return;
    }
    if (level === 'INFO') {
      // Any [INFO] line ends surefire's `Failures:`/`Errors:` list.
      this.#inMavenResults = 'none';
      if (text.startsWith('BUILD ') || text.startsWith('Reactor Summary') || text.startsWith('Building ')) {
        this.#inGoalFailure = false;
      }
      return;
    }
    if (level === 'WARNING') {
      const warning = MAVEN_COMPILE.exec(text);
      if (warning) {
        this.#rememberWarning({
          kind: 'compile-error',
          tool: 'maven',
          file: warning[1],
          line: positive(warning[2]),
          column: positive(warning[3]),
          message: warning[4] ?? '',
        });
      }
      return;
    }
    if (level !== 'ERROR') return;
    if (text.startsWith('warnings found and -Werror specified')) {
      this.#promoteWarnings();
      return;
    }
    if (
      text.includes('.java:[') ||
      text.includes('.kt:[') ||
      text.includes('.scala:[') ||
      text.includes('.groovy:[')
    ) {
      const match = MAVEN_COMPILE.exec(text);
      if (match) {
        this.#startCompile({
          tool: 'maven',
          file: match[1] ?? '',
          line: positive(match[2]),
          column: positive(match[3]),
          message: match[4] ?? '',
        });
        return;
      }
    }
    if (text.startsWith('file://') || text.startsWith('e: ')) {
      if (this.#onKotlinLine(text, 'maven')) return;
    }
    if (text.startsWith('Tests run: ')) {
      this.#onMavenTestsRun(text);
      return;
    }
    if (text.includes('<<< ')) {
      const fresh = SUREFIRE_NEW.exec(text);
      if (fresh) {
        this.#startException(
          `${fresh[1]}.${fresh[2]}`,
          'maven',
          fresh[3] === 'ERROR' ? 'ERROR' : 'FAILURE',
          false,
        );
        return;
      }
      const old = SUREFIRE_OLD.exec(text);
      if (old) {
        this.#startException(`${old[2]}.${old[1]}`, 'maven', old[3] === 'ERROR' ? 'ERROR' : 'FAILURE', false);
        return;
      }
    }
    if (text === 'Failures: ' || text === 'Failures:') {
      this.#inMavenResults = 'failures';
      return;
    }
    if (text === 'Errors: ' || text === 'Errors:') {
      this.#inMavenResults = 'errors';
      return;
    }
    if (this.#inMavenResults !== 'none' && text.startsWith('  ')) {
      this.#onMavenResultLine(text.trim());
      return;
    }
    if (text.startsWith('Failed to execute goal')) {
      this.#onGoalFailure(text);
      return;
    }
    if (text.startsWith('Failed tests:') || text.startsWith('Tests in error:')) {
      this.#inMavenResults = text.startsWith('Failed') ? 'failures' : 'errors';
      const rest = text.slice(text.indexOf(':') + 1).trim();
      if (rest.length > 0) this.#onMavenResultLine(rest);
      return;
    }
    if (text.startsWith('COMPILATION ERROR')) return;
    if (
      /^Some problems were encountered while processing the POMs|^The build could not read \d+ project|Non-resolvable (?:parent POM|import POM)|^Unresolveable build extension/.test(
        text,
      )
    ) {
      this.#findings.add({
        kind: text.includes('resolv') ? 'dependency-error' : 'build-error',
        tool: 'maven',
        message: text,
        packages: findCoordinates(text),
      });
    }
  }

  #onMavenTestsRun(text: string): void {
    const match = TESTS_RUN.exec(text);
    if (!match) return;
    // Per-class lines carry `Time elapsed`; the module total after `Results:` does not.
    if ((match[5] ?? '').includes('Time elapsed')) return;
    const total = count(match[1]);
    const failed = count(match[2]) + count(match[3]);
    const skipped = count(match[4]);
    const counts = (this.#mavenCounts ??= { passed: 0, failed: 0, skipped: 0 });
    counts.failed += failed;
    counts.skipped += skipped;
    counts.passed += Math.max(0, total - failed - skipped);
  }

  /** `CalculatorTest.addsNumbers:13 expected: <3> but was: <4>` or JUnit 4 `testFoo(com.x.FooTest): msg`. */
  #onMavenResultLine(text: string): void {
    if (text.startsWith('Run ') || /^Tests run:/.test(text)) return;
    const fresh = /^([\w$]+)\.([\w$]+(?:\[\d+\])?)(?::(\d+))? (.+)$/.exec(text);
    const old = fresh ? undefined : /^([\w$]+)\(([\w.$]+)\)(?::| »)\s*(.+)$/.exec(text);
    let className: string;
    let method: string;
    let lineNumber: number | undefined;
    let message: string;
    if (fresh) {
      className = fresh[1] ?? '';
      method = fresh[2] ?? '';
      lineNumber = positive(fresh[3]);
      message = (fresh[4] ?? '').replace(/^» /, '');
    } else if (old) {
      className = old[2] ?? '';
      method = old[1] ?? '';
      message = old[3] ?? '';
    } else return;
    const simpleClass = className.slice(className.lastIndexOf('.') + 1);
    if (this.#reportedTests.has(`${simpleClass}.${method}`)) return;
    this.#reportedTests.add(`${simpleClass}.${method}`);
    this.#testFailures += 1;
    const comparison = EXPECTED_BUT_WAS.exec(message);
    this.#findings.add({
      kind: 'test-failure',
      tool: 'maven',
      testName: `${className}.${method}`,
      file: lineNumber !== undefined ? `${simpleClass}.java` : undefined,
      line: lineNumber,
      message,
      expected: comparison?.[1],
      actual: comparison?.[2],
    });
  }

  #rememberWarning(draft: FindingDraft): void {
    if (this.#warnings.length < 20) this.#warnings.push({ ...draft, code: 'Werror' });
  }

  /** `-Werror`: the warnings printed so far are the errors that failed the build. */
  #promoteWarnings(): void {
    this.#detected = true;
    for (const warning of this.#warnings) {
      this.#compileErrors += 1;
      this.#findings.add(warning);
    }
    this.#warnings.length = 0;
  }

  #onGoalFailure(text: string): void {
    this.#inGoalFailure = true;
    const body = text.replace(/ -> \[Help \d+\]$/, '');
    if (body.includes('Compilation failure') && this.#compileErrors > 0) return;
    if (
      (body.includes('There are test failures') || body.includes('There was a timeout')) &&
      this.#testFailures > 0
    ) {
      return;
    }
    const goal = /^Failed to execute goal (\S+:\S+:\S+:\S+)/.exec(body)?.[1];
    const reason = body.slice(body.indexOf(': ', body.indexOf(' on project ')) + 2);
    const dependency =
      /Could not resolve dependencies|Could not find artifact|could not be resolved|Could not transfer artifact|has not been downloaded|Failed to collect dependencies|Failed to read artifact descriptor/.test(
        body,
      );
    this.#pendingGoal = {
      details: [],
      draft: {
        kind: dependency
          ? 'dependency-error'
          : body.includes('Compilation failure')
            ? 'compile-error'
            : 'build-error',
        tool: 'maven',
        code: goal,
        message: clip(reason.trim().length > 0 ? reason : body),
        // The project's own coordinates follow `for project`; they are not the missing artifact.
        packages: dependency ? findCoordinates(reason.replace(/for project \S+/g, '')) : undefined,
      },
    };
  }

  #flushGoal(): void {
    const goal = this.#pendingGoal;
    this.#pendingGoal = undefined;
    if (!goal) return;
    const { draft, details } = goal;
    // `on project demo: ` with the reason on the following [ERROR] lines (enforcer, checkstyle…).
    const message =
      draft.message.startsWith('Failed to execute goal') && details.length > 0
        ? details.join(' ')
        : draft.message;
    this.#findings.add({ ...draft, message, excerpt: details.length > 0 ? details : undefined });
  }

  // ---- compile errors (Maven, javac, kotlinc) ---------------------------------------------------

  #startCompile(error: {
    tool: string;
    file: string;
    line?: number | undefined;
    column?: number | undefined;
    message: string;
  }): void {
    this.#finishCompile();
    this.#detected = true;
    let kind: FindingKind = 'compile-error';
    let message = error.message;
    let code: string | undefined;
    // Checkstyle via Maven: `[12,5] (naming) MemberName: Member name 'X' must match pattern`.
    const checkstyle = /^\((\w+)\) (\w+): (.+)$/.exec(message);
    if (checkstyle) {
      kind = 'lint-error';
      code = checkstyle[2];
      message = checkstyle[3] ?? message;
    }
    this.#compile = { ...error, message, code, kind, details: [], awaitingCaret: false };
  }

  /** Returns true when `text` continues the compile error (symbol/location/caret lines). */
  #continueCompile(text: string, level: string | undefined): boolean {
    const error = this.#compile;
    if (!error) return false;
    // Maven repeats details with an `[ERROR]` prefix under "Failed to execute goal"; plain
    // continuation lines have none.
    const isDetail = text.startsWith('  ') && (level === undefined || level === 'ERROR');
    if (error.awaitingCaret) {
      if (text.trim() === '^' || /^\s*\^\s*$/.test(text)) {
        error.awaitingCaret = false;
        error.column ??= text.indexOf('^') + 1;
        return true;
      }
      if (error.sourceLine === undefined && level === undefined && !JAVAC.test(text)) {
        error.sourceLine = text;
        return true;
      }
      error.awaitingCaret = false;
    }
    if (isDetail) {
      const detail = text.trim();
      if (error.details.length < 4) error.details.push(detail);
      return true;
    }
    this.#finishCompile();
    return false;
  }

  #finishCompile(): void {
    const error = this.#compile;
    this.#compile = undefined;
    if (!error) return;
    const symbol = error.details.find((detail) => detail.startsWith('symbol:'));
    const message = symbol !== undefined ? `${error.message}: ${symbol.slice(7).trim()}` : error.message;
    const draft = {
      kind: error.kind,
      tool: error.tool,
      file: error.file,
      line: error.line,
      column: error.column,
      code: error.code,
      message,
      excerpt: error.details.length > 0 ? error.details : undefined,
    };
    if (this.#inGoalFailure && this.#findings.has(draft)) return;
    this.#compileErrors += 1;
    this.#findings.add(draft);
  }

  #onKotlinLine(text: string, tool: string): boolean {
    const match = KOTLIN_NEW.exec(text) ?? KOTLIN_OLD.exec(text);
    if (!match) return false;
    if (text.startsWith('w: ')) return true;
    this.#startCompile({
      tool,
      file: match[1] ?? '',
      line: positive(match[2]),
      column: positive(match[3]),
      message: match[4] ?? '',
    });
    this.#compile = this.#compile ? { ...this.#compile, code: undefined } : undefined;
    return true;
  }

  // ---- plain lines: Gradle, javac, kotlinc, stand-alone stack traces ---------------------------

  #onPlainLine(text: string): void {
    const first = text.charCodeAt(0);
    if (text.startsWith('[ant:checkstyle]')) {
      const match = CHECKSTYLE.exec(text);
      this.#detected = true;
      if (match && match[1] === 'ERROR') {
        this.#findings.add({
          kind: 'lint-error',
          tool: 'checkstyle',
          file: match[2],
          line: positive(match[3]),
          column: positive(match[4]),
          code: match[6],
          message: match[5] ?? '',
        });
      }
      return;
    }
    // Surefire 2.x under old Maven prints its summary without `[INFO]`/`[ERROR]` prefixes.
    if (text.startsWith('Tests run: ')) {
      this.#onMavenTestsRun(text);
      return;
    }
    if (text.startsWith('Failed tests:') || text.startsWith('Tests in error:')) {
      this.#detected = true;
      this.#inMavenResults = text.startsWith('Failed') ? 'failures' : 'errors';
      const rest = text.slice(text.indexOf(':') + 1).trim();
      if (rest.length > 0) this.#onMavenResultLine(rest);
      return;
    }
    if (this.#inMavenResults !== 'none') {
      if (text.startsWith('  ')) {
        this.#onMavenResultLine(text.trim());
        return;
      }
      this.#inMavenResults = 'none';
    }
    if (first === 101 /* e */ && (text.startsWith('e: ') || text.startsWith('e: file:'))) {
      if (this.#onKotlinLine(text, 'kotlinc')) {
        this.#detected = true;
        return;
      }
    }
    if (text.startsWith('error: warnings found and -Werror specified')) {
      this.#promoteWarnings();
      return;
    }
    if (text.includes('.java:') && (text.includes(': error: ') || text.includes(': warning: '))) {
      const javac = JAVAC.exec(text);
      if (javac) {
        this.#detected = true;
        if (javac[3] === 'warning') {
          this.#rememberWarning({
            kind: 'compile-error',
            tool: 'javac',
            file: javac[1],
            line: positive(javac[2]),
            message: javac[4] ?? '',
          });
          return;
        }
        this.#startCompile({
          tool: 'javac',
          file: javac[1] ?? '',
          line: positive(javac[2]),
          message: javac[4] ?? '',
        });
        if (this.#compile) this.#compile.awaitingCaret = true;
        return;
      }
    }
    if (text.endsWith(' FAILED') && text.includes(' > ') && !text.startsWith('> ')) {
      // `com.x.FooTest > bar() FAILED`, nested and display names too (`Cart tests > adds items FAILED`):
      // split rather than match, so a line full of ` > ` costs linear time.
      const parts = text.slice(0, -7).split(' > ');
      const name = (parts.pop() ?? '').replace(/\(\)$/, '');
      this.#detected = true;
      this.#startException(`${parts.join('.')}.${name}`, 'gradle', 'FAILURE', true);
      return;
    }
    if (text.startsWith('> Task ')) {
      this.#detected = true;
      return;
    }
    if (text.startsWith('Exception in thread "')) {
      // An uncaught exception of a JVM program: `Exception in thread "main" java.lang.X: msg` + frames.
      this.#finishException();
      this.#detected = true;
      const message = text.slice(text.indexOf('"', 21) + 1).trim();
      this.#exception = {
        testName: '',
        tool: 'java',
        kindOfFailure: 'ERROR',
        runtime: true,
        message: [message.length > 0 ? message : text],
        frames: new FrameList(),
        indented: false,
      };
      return;
    }
    if (text === '* What went wrong:') {
      this.#detected = true;
      this.#finishWentWrong();
      this.#wentWrong = { lines: [] };
      return;
    }
    if (GRADLE_COUNTS.test(text)) {
      const match = GRADLE_COUNTS.exec(text);
      this.#detected = true;
      const total = count(match?.[1]);
      const failed = count(match?.[2]);
      const skipped = count(match?.[3]);
      const counts = (this.#gradleCounts ??= { passed: 0, failed: 0, skipped: 0 });
      counts.failed += failed;
      counts.skipped += skipped;
      counts.passed += Math.max(0, total - failed - skipped);
      return;
    }
    if (
      text.startsWith('BUILD FAILED') ||
      text.startsWith('FAILURE: Build failed') ||
      text.startsWith('BUILD SUCCESSFUL')
    ) {
      this.#detected = true;
      return;
    }
  }

  // ---- test failures with a JVM exception ------------------------------------------------------

  #startException(
    testName: string,
    tool: 'maven' | 'gradle',
    kindOfFailure: 'FAILURE' | 'ERROR',
    indented: boolean,
  ): void {
    this.#finishException();
    this.#detected = true;
    this.#exception = { testName, tool, kindOfFailure, message: [], frames: new FrameList(), indented };
  }

  /** Returns true when `text` belongs to the exception block. */
  #continueException(text: string, level: string | undefined): boolean {
    const block = this.#exception;
    if (!block) return false;
    if (level !== undefined && level !== 'ERROR') {
      this.#finishException();
      return false;
    }
    if (text.trim().length === 0) {
      this.#finishException();
      return true;
    }
    if (block.indented && !text.startsWith(' ')) {
      this.#finishException();
      return false;
    }
    if (
      block.runtime === true &&
      !/^\s/.test(text) &&
      !text.startsWith('Caused by:') &&
      !text.startsWith('...')
    ) {
      this.#finishException();
      return false;
    }
    if (level === 'ERROR' && !text.startsWith('\t') && !text.startsWith(' ')) {
      this.#finishException();
      return false;
    }
    const trimmed = text.trim();
    if (trimmed.startsWith('at ')) {
      const frame = FRAME.exec(trimmed);
      if (frame) {
        const fn = frame[1] ?? '';
        const location = frame[2] ?? '';
        if (!LIBRARY_FRAME_PREFIXES.some((prefix) => fn.startsWith(prefix))) {
          block.frames.push(`${fn}(${location})`);
          const where = /^([\w$.-]+\.(?:java|kt|scala|groovy)):(\d+)$/.exec(location);
          if (where && !block.firstRepo) block.firstRepo = { file: where[1] ?? '', line: Number(where[2]) };
        }
      }
      return true;
    }
    if (trimmed.startsWith('...') || trimmed.startsWith('Caused by:') || trimmed.startsWith('Suppressed:'))
      return true;
    // Gradle's default (short) exception format: `java.lang.NumberFormatException at PortParserTest.java:20`.
    const short =
      block.frames.frames.length === 0
        ? /^([\w.$]+) at ([\w$.-]+\.(?:java|kt|groovy|scala)):(\d+)$/.exec(trimmed)
        : null;
    if (short) {
      block.message.push(short[1] ?? trimmed);
      block.firstRepo ??= { file: short[2] ?? '', line: Number(short[3]) };
      return true;
    }
    if (block.frames.frames.length === 0 && block.message.join(' ').length < 400) {
      block.message.push(trimmed);
      const comparison = EXPECTED_BUT_WAS.exec(trimmed);
      if (comparison) {
        block.expected ??= comparison[1];
        block.actual ??= comparison[2];
      } else if (trimmed.startsWith('expected: ') || trimmed.startsWith('Expected: ')) {
        block.expected ??= trimmed.slice(10).trim();
      } else if (trimmed.startsWith('but was: ') || trimmed.startsWith('but was : ')) {
        block.actual ??= trimmed.slice(trimmed.indexOf(':') + 1).trim();
      }
    }
    return true;
  }

  #finishException(): void {
    const block = this.#exception;
    this.#exception = undefined;
    if (!block) return;
    if (block.runtime === true) {
      this.#findings.add({
        kind: 'runtime-error',
        tool: block.tool,
        file: block.firstRepo?.file,
        line: block.firstRepo?.line,
        message: block.message.join(' '),
        frames: block.frames.frames,
      });
      return;
    }
    const simple = block.testName.split('.').slice(-2).join('.');
    this.#reportedTests.add(simple);
    this.#testFailures += 1;
    this.#findings.add({
      kind: 'test-failure',
      tool: block.tool,
      testName: block.testName,
      file: block.firstRepo?.file,
      line: block.firstRepo?.line,
      message:
        block.message.length > 0
          ? block.message.join(' ')
          : `${block.kindOfFailure === 'ERROR' ? 'error' : 'failure'} in ${block.testName}`,
      expected: block.expected,
      actual: block.actual,
      frames: block.frames.frames,
    });
  }

  // ---- Gradle "What went wrong" ------------------------------------------------------------------

  /** Returns true when `text` belongs to the `* What went wrong:` block. */
  #continueWentWrong(text: string): boolean {
    const block = this.#wentWrong;
    if (!block) return false;
    if (
      text.startsWith('* Try:') ||
      text.startsWith('* Exception is:') ||
      text.startsWith('* Get more help') ||
      text.startsWith('===')
    ) {
      this.#finishWentWrong();
      return false;
    }
    if (text.trim().length === 0) {
      if (block.lines.length > 0) this.#finishWentWrong();
      return true;
    }
    if (block.lines.length < 12) block.lines.push(text.trim());
    return true;
  }

  #finishWentWrong(): void {
    const block = this.#wentWrong;
    this.#wentWrong = undefined;
    if (!block || block.lines.length === 0) return;
    const all = block.lines.join(' ');
    if (/Compilation (?:failed|error)|compilation errors?/i.test(all) && this.#compileErrors > 0) return;
    if (/There were failing tests|tests? failed/i.test(all) && this.#testFailures > 0) return;
    const dependency =
      /Could not resolve|Could not find [\w.-]+:|Could not download|Could not GET|Failed to resolve/.test(
        all,
      );
    if (/format violations/.test(all)) {
      // Spotless: the files follow the reason, indented; each is a format error.
      const files = block.lines.filter((line) =>
        /^[\w./-]+\.(?:java|kt|kts|groovy|scala|gradle)$/.test(line),
      );
      for (const file of files.length > 0 ? files : [undefined]) {
        this.#findings.add({
          kind: 'format-error',
          tool: 'gradle',
          file,
          message: 'format violations (spotless)',
        });
      }
      return;
    }
    const reasons = block.lines.filter((line) => line.startsWith('>'));
    const headline = block.lines[0] ?? '';
    const deepest = reasons.at(-1);
    const task = /Execution failed for task '([^']+)'/.exec(headline)?.[1];
    const taskPrefix = task !== undefined ? `${task}: ` : '';
    const message = deepest !== undefined ? `${taskPrefix}${deepest.replace(/^>\s*/, '')}` : headline;
    this.#findings.add({
      kind: dependency ? 'dependency-error' : 'build-error',
      tool: 'gradle',
      message,
      packages: dependency ? findCoordinates(all.replace(/'[^']*'/g, '')) : undefined,
      excerpt: block.lines,
    });
  }
}

export const jvmCondenserFactory: CondenserFactory = {
  tool: TOOL,
  // Line prefixes first, then the few fixed substrings that can sit anywhere in a line: the
  // dispatcher unions every trigger into one regex tested on each line, so these stay cheap.
  trigger:
    /^(?:\[(?:ERROR|WARNING)\]|\[INFO\] (?:BUILD|Reactor Summary|Building |Results|Tests run:|Scanning)|[ew]: |> Task |\* What went wrong|\d+ tests? completed|BUILD |FAILURE: |Tests run: |Failed tests:|Tests in error:|\[ant:checkstyle\]|error: warnings found|Exception in thread ")|\.java:\d+: | FAILED$/,
  description: 'JVM (Maven, Gradle, javac, kotlinc, JUnit/surefire)',
  create: () => new JvmCondenser(),
};
