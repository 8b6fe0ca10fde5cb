/**
 * RSpec condenser: the `Failures:` section (`  1) Cart sums prices` + `Failure/Error: …` +
 * `expected: 5` / `got: 6` or an exception class and message + the first `# ./spec/x_spec.rb:9`
 * frame in the repository), load errors (`An error occurred while loading ./spec/x_spec.rb.`),
 * the `rspec ./spec/x_spec.rb:12 # Foo does bar` rerun list (used when a failure had no block)
 * and the `5 examples, 1 failure, 1 pending` totals. The `Pending:` section is not a failure.
 */
import type { Condenser, CondenserFactory, CondenserOutput, LogLine } from './types.ts';
import type { Finding, TestCounts } from '../contracts/failure-report.ts';
import { FindingCollector, FrameList, count, isVendorPath, positive, withOverflow } from './lang-support.ts';

const TOOL = 'rspec';

const EXAMPLE_HEADER = /^ {2}(\d+)\) (.+)$/;
const FRAME = /^\s*# (.+?):(\d+)(?::in .*)?$/;
const TOTALS =
  /^(\d+) examples?, (\d+) failures?(?:, (\d+) pending)?(?:, (\d+) errors? occurred outside of examples)?/;
const RERUN = /^rspec (\S+?):(\d+) # (.+)$/;

interface Example {
  description: string;
  failureLine?: string | undefined;
  errorClass?: string | undefined;
  errorMessage: string[];
  expected?: string | undefined;
  actual?: string | undefined;
  frames: FrameList;
  firstRepo?: { file: string; line: number } | undefined;
  loadError: boolean;
}

class RspecCondenser implements Condenser {
  readonly tool = TOOL;
  readonly #findings = new FindingCollector();
  #detected = false;
  #section: 'none' | 'failures' | 'pending' | 'rerun' = 'none';
  #example: Example | undefined;
  readonly #reported = new Set<string>();
  #counts: TestCounts | undefined;

  push(line: LogLine): void {
    const text = line.text;
    if (text === 'Failures:') {
      this.#detected = true;
      this.#finishExample();
      this.#section = 'failures';
      return;
    }
    if (text.startsWith('Pending: (Failures listed here are expected')) {
      this.#detected = true;
      this.#finishExample();
      this.#section = 'pending';
      return;
    }
    if (
      text.startsWith('An error occurred while loading ') ||
      text.startsWith('An error occurred in a `before(:suite)` hook')
    ) {
      this.#detected = true;
      this.#finishExample();
      this.#example = {
        description: text.replace(/\.$/, ''),
        errorMessage: [],
        frames: new FrameList(),
        loadError: true,
      };
      return;
    }
    if (text.startsWith('Finished in ')) {
      this.#detected = true;
      this.#finishExample();
      this.#section = 'none';
      return;
    }
    if (/^\d+ examples?, /.test(text)) {
      this.#onTotals(text);
      return;
    }
    if (text === 'Failed examples:') {
      this.#finishExample();
      this.#section = 'rerun';
      return;
    }
    if (this.#section === 'rerun' && text.startsWith('rspec ')) {
      this.#onRerun(text);
      return;
    }
    if (this.#section === 'failures') {
      const header = EXAMPLE_HEADER.exec(text);
      if (header) {
        this.#finishExample();
        this.#example = {
          description: header[2] ?? '',
          errorMessage: [],
          frames: new FrameList(),
          loadError: false,
        };
        return;
      }
    }
    if (this.#example) this.#onExampleLine(this.#example, text);
  }

  wantsEveryLine(): boolean {
    return this.#section === 'failures' || this.#section === 'rerun' || this.#example !== undefined;
  }

  finish(): CondenserOutput {
    this.#finishExample();
    const output: { detected: boolean; findings: Finding[]; testCounts?: TestCounts } = {
      detected: this.#detected,
      findings: this.#findings.list(),
    };
    if (this.#counts) output.testCounts = this.#counts;
    return withOverflow(output, this.#findings);
  }

  #onExampleLine(example: Example, text: string): void {
    const trimmed = text.trim();
    if (trimmed.length === 0) return;
    if (trimmed.startsWith('Failure/Error: ')) {
      example.failureLine ??= trimmed.slice(15);
      return;
    }
    if (trimmed.startsWith('# ')) {
      const frame = FRAME.exec(text);
      if (frame) {
        const file = frame[1] ?? '';
        if (!isVendorPath(file)) {
          const clean = file.replace(/^\.\//, '');
          example.frames.push(`${clean}:${frame[2]}`);
          example.firstRepo ??= { file: clean, line: Number(frame[2]) };
        }
      }
      return;
    }
    if (trimmed.startsWith('expected: ') || trimmed.startsWith('expected ')) {
      example.expected ??= trimmed.replace(/^expected:? /, '');
      return;
    }
    if (trimmed.startsWith('got: ')) {
      example.actual ??= trimmed.slice(5);
      return;
    }
    if (trimmed.startsWith('(compared using')) return;
    // `NoMethodError:` alone on its line, the message indented below it.
    if (
      /^[A-Z][\w:]*(?:Error|Exception|Interrupt|Exit|Failed)?:$/.test(trimmed) &&
      example.errorClass === undefined
    ) {
      example.errorClass = trimmed.slice(0, -1);
      return;
    }
    if (example.errorMessage.join(' ').length < 300 && !/^\^+$/.test(trimmed))
      example.errorMessage.push(trimmed);
  }

  #finishExample(): void {
    const example = this.#example;
    this.#example = undefined;
    if (!example || this.#section === 'pending') return;
    this.#reported.add(example.description);
    const error =
      example.errorClass !== undefined
        ? `${example.errorClass}: ${example.errorMessage[0] ?? ''}`.trim()
        : example.expected === undefined
          ? example.errorMessage[0]
          : undefined;
    const parts = [
      example.failureLine !== undefined ? `Failure/Error: ${example.failureLine}` : undefined,
      error,
    ];
    const message = parts.filter((part) => part !== undefined && part.length > 0).join(' — ');
    this.#findings.add({
      kind: example.loadError ? 'runtime-error' : 'test-failure',
      tool: TOOL,
      testName: example.loadError ? undefined : example.description,
      file: example.firstRepo?.file,
      line: example.firstRepo?.line,
      message: message.length > 0 ? message : example.description,
      expected: example.expected,
      actual: example.actual,
      frames: example.frames.frames,
    });
  }

  #onRerun(text: string): void {
    const match = RERUN.exec(text);
    if (!match) return;
    const description = match[3] ?? '';
    if (this.#reported.has(description)) return;
    this.#reported.add(description);
    this.#findings.add({
      kind: 'test-failure',
      tool: TOOL,
      testName: description,
      file: (match[1] ?? '').replace(/^\.\//, ''),
      line: positive(match[2]),
      message: `${description} failed`,
    });
  }

  #onTotals(text: string): void {
    const match = TOTALS.exec(text);
    if (!match) return;
    this.#detected = true;
    this.#finishExample();
    const total = count(match[1]);
    const failed = count(match[2]);
    const skipped = count(match[3]);
    const previous = this.#counts;
    this.#counts = {
      passed: (previous?.passed ?? 0) + Math.max(0, total - failed - skipped),
      failed: (previous?.failed ?? 0) + failed,
      skipped: (previous?.skipped ?? 0) + skipped,
      total: (previous?.total ?? 0) + total,
    };
  }
}

export const rspecCondenserFactory: CondenserFactory = {
  tool: TOOL,
  // Line prefixes only: cheap to test on every line of a log.
  trigger:
    /^(?:Failures:$|Pending: \(|An error occurred|Finished in |\d+ examples?, |Failed examples:|rspec )/,
  description: 'Ruby RSpec',
  create: () => new RspecCondenser(),
};
