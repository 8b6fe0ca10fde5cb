/**
 * .NET condenser: MSBuild/Roslyn diagnostics (`Program.cs(12,5): error CS0103: … [/path/proj.csproj]`,
 * also the terminal logger's indented form; the copy MSBuild repeats after `Build FAILED.` is
 * skipped), project-level errors (`proj.csproj : error NU1101: Unable to find package Foo`,
 * `MSB…`), `dotnet test` failures (`Failed Foo.Bar [12 ms]` + `Error Message:` + xUnit
 * `Expected:`/`Actual:`, NUnit `Expected:`/`But was:`, MSTest `Expected:<1>. Actual:<2>.` +
 * the `Stack Trace:` frames in the repository) and totals (`Failed!  - Failed: 1, Passed: 5,
 * Skipped: 0, Total: 6`, summed over test assemblies; the terminal logger's `Test summary:`).
 */
import type { Condenser, CondenserFactory, CondenserOutput, LogLine } from './types.ts';
import type { Finding, FindingKind, TestCounts } from '../contracts/failure-report.ts';
import { FindingCollector, FrameList, count, positive, withOverflow } from './lang-support.ts';

const TOOL = 'dotnet';

const SOURCE_DIAGNOSTIC =
  /^\s*(.+?)\((\d+),(\d+)(?:,\d+,\d+)?\): (error|warning) ([A-Z]{1,4}\d{3,5}): (.+?)(?: \[([^\]]+)\])?$/;
const PROJECT_DIAGNOSTIC = /^\s*(.+?) : (error|warning) ([A-Z]{1,4}\d{3,5}): (.+?)(?: \[([^\]]+)\])?$/;
// `  Failed Demo.Tests.X.Y [12 ms]`: the bracket is always a duration.
const FAILED_TEST = /^\s*Failed (\S.*?) \[(?:< )?\d[\d.,]* ?(?:ms|s|m|min)\]$/;
const TOTALS = /^(Failed|Passed)!\s+- Failed:\s+(\d+), Passed:\s+(\d+), Skipped:\s+(\d+), Total:\s+(\d+)/;
const TL_SUMMARY = /^\s*Test summary: total: (\d+), failed: (\d+), succeeded: (\d+), skipped: (\d+)/;
const TL_TEST_ERROR = /^\s*(.+?)\((\d+)(?:,\d+)?\): error TESTERROR:/;
const FRAME = /^\s*at (.+?) in (.+):line (\d+)$/;
const LIBRARY_FRAME_PREFIXES = [
  'System.',
  'Microsoft.',
  'Xunit.',
  'NUnit.',
  'FluentAssertions.',
  'Shouldly.',
  'Moq.',
  'Castle.',
];

interface TestBlock {
  testName: string;
  /** `tl-name`: the terminal logger's `error TESTERROR:` line, waiting for `Name (5ms): message`. */
  section: 'none' | 'tl-name' | 'message' | 'stack' | 'output';
  message: string[];
  expected?: string | undefined;
  actual?: string | undefined;
  frames: FrameList;
  firstRepo?: { file: string; line: number } | undefined;
}

class DotnetCondenser implements Condenser {
  readonly tool = TOOL;
  readonly #findings = new FindingCollector();
  #detected = false;
  #afterBuildFailed = false;
  #test: TestBlock | undefined;
  #counts: { passed: number; failed: number; skipped: number } | undefined;

  push(line: LogLine): void {
    const text = line.text;
    if (this.#test && this.#continueTest(text)) return;
    if (text.length === 0) return;
    if (text.startsWith('[xUnit.net')) {
      this.#detected = true;
      return;
    }
    if (text.includes(': error ') || text.includes(': warning ')) {
      this.#onDiagnostic(text);
      return;
    }
    if (text.includes('Failed ') && text.endsWith(']')) {
      const failed = FAILED_TEST.exec(text);
      if (failed) {
        this.#detected = true;
        this.#test = { testName: failed[1] ?? '', section: 'none', message: [], frames: new FrameList() };
        return;
      }
    }
    if (text.startsWith('Failed!') || text.startsWith('Passed!')) {
      const totals = TOTALS.exec(text);
      if (totals) this.#addCounts(count(totals[3]), count(totals[2]), count(totals[4]));
      return;
    }
    if (text.includes('Test summary: ')) {
      const summary = TL_SUMMARY.exec(text);
      if (summary) this.#addCounts(count(summary[3]), count(summary[2]), count(summary[4]));
      return;
    }
    if (text === 'Build FAILED.' || text.startsWith('Build FAILED')) {
      this.#detected = true;
      this.#afterBuildFailed = true;
      return;
    }
    if (
      text.startsWith('Build succeeded') ||
      text.startsWith('Microsoft (R) Build Engine') ||
      text.startsWith('MSBuild version')
    ) {
      this.#detected = true;
      this.#afterBuildFailed = false;
    }
  }

  wantsEveryLine(): boolean {
    return this.#test !== undefined;
  }

  finish(): CondenserOutput {
    this.#finishTest();
    // `error MSB6006: "dotnet" exited with code 1` only says the test run failed; the tests say why.
    if (this.#findings.list().some((finding) => finding.kind === 'test-failure')) {
      this.#findings.retain((finding) => finding.code !== 'MSB6006' && finding.code !== 'MSB4181');
    }
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

  #addCounts(passed: number, failed: number, skipped: number): void {
    this.#detected = true;
    const counts = (this.#counts ??= { passed: 0, failed: 0, skipped: 0 });
    counts.passed += passed;
    counts.failed += failed;
    counts.skipped += skipped;
  }

  #onDiagnostic(text: string): void {
    if (text.includes('error TESTERROR')) {
      // .NET 9 terminal logger: `/x/Tests.cs(12): error TESTERROR:` then `  Add (5ms): Assert.Equal() Failure…`.
      const tl = TL_TEST_ERROR.exec(text);
      if (tl) {
        this.#finishTest();
        this.#detected = true;
        const file = tl[1] ?? '';
        const lineNumber = Number(tl[2]);
        this.#test = {
          testName: '',
          section: 'tl-name',
          message: [],
          frames: new FrameList(),
          firstRepo: { file, line: lineNumber },
        };
        return;
      }
    }
    const source = SOURCE_DIAGNOSTIC.exec(text);
    if (source) {
      const code = source[5] ?? '';
      // MSVC C/C++ diagnostics (C2065, LNK2019) belong to the cc condenser, `x.ts(1,1): error
      // TS2304` to tsc: only .NET files or .NET diagnostic codes are ours (and only they show
      // that dotnet ran, so a tsc log is not reported as a dotnet one).
      if (!isDotnetDiagnostic(source[1] ?? '', code)) return;
      this.#detected = true;
      if (source[4] !== 'error') return;
      this.#add({
        kind: codeKind(code),
        file: source[1],
        line: positive(source[2]),
        column: positive(source[3]),
        code,
        message: source[6] ?? '',
        project: source[7],
      });
      return;
    }
    const project = PROJECT_DIAGNOSTIC.exec(text);
    if (project) {
      const code = project[3] ?? '';
      const file = project[1] ?? '';
      if (!isDotnetDiagnostic(file, code)) return;
      this.#detected = true;
      if (project[2] !== 'error') return;
      const isProjectFile = /\.(?:csproj|fsproj|vbproj|sln|slnx|props|targets)$/.test(file);
      this.#add({
        kind: codeKind(code),
        file: isProjectFile ? file : undefined,
        code,
        message: project[4] ?? '',
        project: project[5],
      });
    }
  }

  #add(diagnostic: {
    kind: FindingKind;
    file?: string | undefined;
    line?: number | undefined;
    column?: number | undefined;
    code: string;
    message: string;
    project?: string | undefined;
  }): void {
    const draft = {
      kind: diagnostic.kind,
      tool: TOOL,
      file: diagnostic.file,
      line: diagnostic.line,
      column: diagnostic.column,
      code: diagnostic.code,
      message: diagnostic.message,
      packages: diagnostic.kind === 'dependency-error' ? nugetPackages(diagnostic.message) : undefined,
    };
    // MSBuild prints every error again in its closing summary.
    if (this.#afterBuildFailed && this.#findings.has(draft)) return;
    this.#findings.add(draft);
  }

  /** Returns true when `text` belongs to the failed test's block. */
  #continueTest(text: string): boolean {
    const block = this.#test;
    if (!block) return false;
    const trimmed = text.trim();
    if (block.section === 'tl-name') {
      if (trimmed.length === 0) return true;
      const named = /^(\S.*?) \((?:< )?[\d.,]+ ?(?:ms|s|m)\): ?(?:Error Message: ?)?(.*)$/.exec(trimmed);
      if (!named) {
        this.#finishTest();
        return false;
      }
      block.testName = named[1] ?? '';
      block.section = 'message';
      const rest = (named[2] ?? '').trim();
      if (rest.length > 0) this.#onMessageLine(block, rest);
      return true;
    }
    if (trimmed === 'Error Message:') {
      block.section = 'message';
      return true;
    }
    if (trimmed === 'Stack Trace:') {
      block.section = 'stack';
      return true;
    }
    if (trimmed.startsWith('Standard Output Messages:') || trimmed.startsWith('Standard Error Messages:')) {
      block.section = 'output';
      return true;
    }
    if (trimmed.length === 0) {
      if (block.section === 'message') return true;
      this.#finishTest();
      return true;
    }
    if (
      text.includes('error TESTERROR') ||
      /^\s*(?:Failed|Passed|Skipped) \S/.test(text) ||
      text.startsWith('Failed!') ||
      text.startsWith('Passed!') ||
      text.startsWith('[xUnit.net')
    ) {
      this.#finishTest();
      return false;
    }
    if (block.section === 'message') {
      this.#onMessageLine(block, trimmed);
      return true;
    }
    if (block.section === 'stack') {
      const frame = FRAME.exec(text);
      if (frame) {
        const fn = frame[1] ?? '';
        if (!LIBRARY_FRAME_PREFIXES.some((prefix) => fn.startsWith(prefix))) {
          const file = frame[2] ?? '';
          const lineNumber = Number(frame[3]);
          block.frames.push(`${fn} (${file}:${lineNumber})`);
          block.firstRepo ??= { file, line: lineNumber };
        }
        return true;
      }
      if (trimmed.startsWith('at ') || trimmed.startsWith('---')) return true;
      this.#finishTest();
      return false;
    }
    return true;
  }

  #onMessageLine(block: TestBlock, trimmed: string): void {
    const mstest = /Expected:<(.*)>\. Actual:<(.*)>\./.exec(trimmed);
    if (mstest) {
      block.expected ??= mstest[1];
      block.actual ??= mstest[2];
    }
    if (trimmed.startsWith('Expected: ')) {
      block.expected ??= trimmed.slice(10).trim();
      return;
    }
    if (trimmed.startsWith('Actual: ') || trimmed.startsWith('But was: ')) {
      block.actual ??= trimmed.slice(trimmed.indexOf(':') + 1).trim();
      return;
    }
    // xUnit's `↓ (pos 9)` / `↑ (pos 9)` pointers carry no information once the values are known.
    if (trimmed.startsWith('↓') || trimmed.startsWith('↑')) return;
    if (block.message.join(' ').length < 400) block.message.push(trimmed);
  }

  #finishTest(): void {
    const block = this.#test;
    this.#test = undefined;
    if (!block) return;
    this.#findings.add({
      kind: 'test-failure',
      tool: TOOL,
      testName: block.testName,
      file: block.firstRepo?.file,
      line: block.firstRepo?.line,
      message:
        block.message.length > 0
          ? block.message.join(' ')
          : block.expected !== undefined
            ? `expected ${block.expected} but was ${block.actual ?? '?'}`
            : `${block.testName} failed`,
      expected: block.expected,
      actual: block.actual,
      frames: block.frames.frames,
    });
  }
}

const DOTNET_FILE =
  /\.(?:cs|csx|fs|fsx|fsi|vb|razor|cshtml|xaml|axaml|csproj|fsproj|vbproj|props|targets|sln|slnx|resx)$/i;
const DOTNET_CODE = /^(?:CS|FS|BC|MSB|NU|NETSDK|CA|IDE|SA|RZ|RCS|SYSLIB|ASP|BL|AD|WFAC|WMC|XLS|XC)\d/;

function isDotnetDiagnostic(file: string, code: string): boolean {
  return DOTNET_FILE.test(file.trim()) || DOTNET_CODE.test(code);
}

function codeKind(code: string): FindingKind {
  if (code.startsWith('NU')) return 'dependency-error';
  if (code.startsWith('MSB') || code.startsWith('NETSDK')) return 'build-error';
  if (code.startsWith('IDE') || code.startsWith('CA') || code.startsWith('SA') || code.startsWith('RCS'))
    return 'lint-error';
  return 'compile-error';
}

/** `Unable to find package Foo.Bar with version (>= 9.0.0)` → `Foo.Bar@>= 9.0.0`. */
function nugetPackages(message: string): string[] | undefined {
  const found: string[] = [];
  for (const match of message.matchAll(/package '?([A-Za-z][\w.-]*)'?(?: with version \(([^)]+)\))?/g)) {
    const name = (match[1] ?? '').replace(/\.$/, '');
    const value = match[2] !== undefined ? `${name}@${match[2]}` : name;
    if (!found.includes(value)) found.push(value);
  }
  for (const match of message.matchAll(/\b([A-Za-z][\w.-]*) (?:\(|from )?(\d+\.\d+[\w.-]*)\)?/g)) {
    if (found.length >= 6) break;
    const value = `${match[1]}@${match[2]}`;
    if (!found.includes(value) && /^[A-Z]/.test(match[1] ?? '')) found.push(value);
  }
  return found.length > 0 ? found : undefined;
}

export const dotnetCondenserFactory: CondenserFactory = {
  tool: TOOL,
  // Line prefixes first, then the few fixed substrings that can sit anywhere in a line: the
  // dispatcher unions every trigger into one regex tested on each line, so these stay cheap.
  trigger:
    /^(?:\[xUnit\.net|\s*Failed \S.*\]$|(?:Failed|Passed)!|\s*Test summary: |Build (?:FAILED|succeeded)|MSBuild version|Microsoft \(R\) Build)|[) ]: (?:error|warning) [A-Za-z]+\d|\): error TESTERROR/,
  description: '.NET (dotnet build/MSBuild, Roslyn, NuGet restore, dotnet test)',
  create: () => new DotnetCondenser(),
};
