/**
 * node:test condenser, for both reporters Node prints in CI:
 * - spec: the "✖ failing tests:" section ("test at test/a.test.mjs:9:3", "✖ name (1.3ms)",
 *   the indented error with its stack and `actual:`/`expected:` properties) and the
 *   "ℹ tests 5 / ℹ pass 1 / ℹ fail 3 …" summary;
 * - TAP (also what `tap`/`tape` print): "# Subtest: name" nesting, "not ok N - name" with its
 *   YAML block (location, error, expected, actual, stack) and "# pass 1"-style counts.
 * Suites that failed only because a subtest did ("subtestsFailed") are not root causes.
 */
import type { TestCounts } from '../contracts/failure-report.ts';
import { buildExcerpt, FindingCollector, type FindingInput } from './finding.ts';
import { parseTestFrame } from './js-test-block.ts';
import type { Condenser, CondenserFactory, CondenserOutput, LogLine } from './types.ts';

const TOOL = 'node-test';
const SPEC_COUNT = /^ℹ (tests|pass|fail|cancelled|skipped|todo) (\d+)$/;
const TAP_COUNT = /^# (tests|pass|fail|cancelled|skipped|todo) (\d+)$/;
const SPEC_LOCATION = /^test at (.+?):(\d+):(\d+)$/;
const SPEC_NAME = /^✖ (.+?)(?: \([\d.]+m?s\))?(?: # .*)?$/;
const SUBTEST = /^(\s*)# Subtest: (.*)$/;
const NOT_OK = /^(\s*)not ok \d+ - (.*?)(?: # (?:SKIP|TODO).*)?$/;
const MAX_LINES = 120;

interface Entry {
  name?: string;
  file?: string;
  line?: number;
  column?: number;
  message: string[];
  expected?: string;
  actual?: string;
  frames: string[];
  diff: string[];
  lines: number;
  skip?: boolean;
  /** After Node's "+ actual - expected" header, message lines are the diff. */
  inDiff?: boolean;
}

function newEntry(): Entry {
  return { message: [], frames: [], diff: [], lines: 0 };
}

function unquote(value: string): string {
  const v = value.trim().replace(/,$/, '');
  if (v.length >= 2 && ((v.startsWith("'") && v.endsWith("'")) || (v.startsWith('"') && v.endsWith('"')))) {
    return v.slice(1, -1).replace(/\\'/g, "'");
  }
  return v;
}

function parseLocation(value: string): { file: string; line: number; column: number } | undefined {
  const m = /^(.+?):(\d+):(\d+)$/.exec(unquote(value));
  return m ? { file: m[1] ?? '', line: Number(m[2]), column: Number(m[3]) } : undefined;
}

class NodeTestCondenser implements Condenser {
  readonly tool = TOOL;
  private readonly collector = new FindingCollector();
  private readonly counts = new Map<string, number>();
  private detected = false;
  private firstLine: number | undefined;
  // spec
  private inSpecFailures = false;
  private entry: Entry | undefined;
  // TAP
  private subtests: { indent: number; name: string }[] = [];
  private yaml: { indent: number; entry: Entry; key?: string; keyIndent: number } | undefined;

  push(line: LogLine): void {
    const text = line.text;
    if (this.yaml) return this.pushYaml(text);
    if (this.inSpecFailures) {
      if (this.pushSpec(text)) return;
    }
    const first = text.charCodeAt(0);
    if (first === 0x2139 /* ℹ */ || first === 35 /* # */) {
      const count = SPEC_COUNT.exec(text) ?? TAP_COUNT.exec(text);
      if (count) {
        this.see(line);
        this.counts.set(count[1] ?? '', (this.counts.get(count[1] ?? '') ?? 0) + Number(count[2]));
        return;
      }
    }
    if (text.startsWith('✖ failing tests')) {
      this.see(line);
      this.inSpecFailures = true;
      return;
    }
    const subtest = SUBTEST.exec(text);
    if (subtest) {
      const indent = (subtest[1] ?? '').length;
      while (this.subtests.length > 0 && (this.subtests[this.subtests.length - 1]?.indent ?? 0) >= indent) {
        this.subtests.pop();
      }
      if (this.subtests.length < 32) this.subtests.push({ indent, name: subtest[2] ?? '' });
      return;
    }
    if (text.includes('not ok ')) {
      const m = NOT_OK.exec(text);
      if (m) {
        this.see(line);
        const indent = (m[1] ?? '').length;
        const parents = this.subtests.filter((s) => s.indent < indent).map((s) => s.name);
        const entry = newEntry();
        entry.name = [...parents, m[2] ?? ''].join(' > ');
        this.yaml = { indent, entry, keyIndent: -1 };
      }
    }
  }

  // Only the YAML block and the spec failure section read untriggered lines: the subtest stack
  // changes on "# Subtest:" lines alone, which the trigger matches, so an open subtest must not
  // make the dispatcher feed every line of a long TAP run.
  wantsEveryLine(): boolean {
    return this.yaml !== undefined || this.inSpecFailures;
  }

  finish(): CondenserOutput {
    this.flushSpec();
    if (this.yaml) this.emit(this.yaml.entry);
    this.yaml = undefined;
    let testCounts: TestCounts | undefined;
    if (this.counts.has('tests') || this.counts.has('pass')) {
      const get = (k: string) => this.counts.get(k) ?? 0;
      testCounts = {
        passed: get('pass'),
        failed: get('fail') + get('cancelled'),
        skipped: get('skipped') + get('todo'),
        total: get('tests'),
      };
    }
    return {
      ...this.collector.output(TOOL, this.firstLine, this.detected),
      ...(testCounts && { testCounts }),
    };
  }

  private see(line: LogLine): void {
    this.detected = true;
    this.firstLine ??= line.number;
  }

  /** Returns true when the line belonged to the failing-tests section. */
  private pushSpec(text: string): boolean {
    const location = SPEC_LOCATION.exec(text);
    if (location) {
      this.flushSpec();
      this.entry = {
        ...newEntry(),
        file: location[1] ?? '',
        line: Number(location[2]),
        column: Number(location[3]),
      };
      return true;
    }
    const name = SPEC_NAME.exec(text);
    if (name && !text.startsWith(' ')) {
      if (this.entry?.name !== undefined) this.flushSpec();
      this.entry ??= newEntry();
      this.entry.name = name[1] ?? '';
      return true;
    }
    const e = this.entry;
    if (!e) {
      if (text.trim() === '') return true;
      this.inSpecFailures = false;
      return false;
    }
    if (++e.lines > MAX_LINES) {
      this.flushSpec();
      this.inSpecFailures = false;
      return false;
    }
    if (text !== '' && !text.startsWith(' ')) {
      // Unindented text is no longer part of the error.
      this.flushSpec();
      this.inSpecFailures = false;
      return false;
    }
    const trimmed = text.trim();
    if (trimmed === '' || trimmed === '{' || trimmed === '}') return true;
    const frame = parseTestFrame(text);
    if (frame) {
      if (e.frames.length < 8) e.frames.push(frame.text);
      return true;
    }
    const prop = /^(actual|expected): (.+)$/.exec(trimmed);
    if (prop && e.frames.length > 0) {
      if (prop[1] === 'actual') e.actual ??= unquote(prop[2] ?? '');
      else e.expected ??= unquote(prop[2] ?? '');
      return true;
    }
    if (e.frames.length > 0) return true;
    if (trimmed === '+ actual - expected') {
      e.inDiff = true;
      return true;
    }
    if (e.inDiff) {
      if (e.diff.length < 24) e.diff.push(text.slice(2));
    } else if (e.message.length < 4) e.message.push(trimmed);
    return true;
  }

  private flushSpec(): void {
    if (this.entry) this.emit(this.entry);
    this.entry = undefined;
  }

  private pushYaml(text: string): void {
    const y = this.yaml;
    if (!y) return;
    const e = y.entry;
    const trimmed = text.trim();
    if (trimmed === '---') return;
    if (trimmed === '...' || ++e.lines > MAX_LINES) {
      this.emit(e);
      this.yaml = undefined;
      return;
    }
    const indent = text.length - text.trimStart().length;
    if (indent <= y.indent && trimmed !== '') {
      // No YAML block (or it ended without "..."): emit and reprocess the line.
      this.emit(e);
      this.yaml = undefined;
      this.push({ text, number: 0 });
      return;
    }
    const kv = /^([A-Za-z_]+):(?: (.*))?$/.exec(trimmed);
    if (kv && (y.keyIndent === -1 || indent <= y.keyIndent)) {
      y.keyIndent = indent;
      const key = kv[1] ?? '';
      const value = kv[2];
      y.key = key;
      if (value === undefined || value === '|-' || value === '|' || value === '>-') return;
      if (key === 'location') {
        const loc = parseLocation(value);
        if (loc) Object.assign(e, loc);
      } else if (key === 'error') e.message.push(unquote(value));
      else if (key === 'expected') e.expected = unquote(value);
      else if (key === 'actual') e.actual = unquote(value);
      else if (key === 'failureType' && unquote(value) === 'subtestsFailed') e.skip = true;
      return;
    }
    if (trimmed === '') return;
    if (y.key === 'error') {
      if (trimmed === '+ actual - expected') e.inDiff = true;
      else if (e.inDiff) {
        if (e.diff.length < 24) e.diff.push(text.slice(Math.min(indent, y.keyIndent + 2)));
      } else if (e.message.length < 4) e.message.push(trimmed);
    } else if (y.key === 'stack' && e.frames.length < 8) e.frames.push(trimmed);
  }

  private emit(e: Entry): void {
    if (e.skip) return;
    const lines = e.message.filter((l) => l !== '');
    let message = lines[0] ?? 'Test failed';
    const next = lines[1];
    if (message.endsWith(':') && next !== undefined && next !== '+ actual - expected') message += ` ${next}`;
    const rest = lines.slice(message === lines[0] ? 1 : 2);
    const finding: FindingInput = {
      kind: 'test-failure',
      tool: TOOL,
      testName: e.name,
      message,
      file: e.file,
      line: e.line,
      column: e.column,
      expected: e.expected,
      actual: e.actual,
      frames: e.frames,
      excerpt: buildExcerpt(e.diff.length > 0 ? e.diff : rest.filter((l) => l !== '+ actual - expected')),
    };
    this.collector.add(finding);
  }
}

export const nodeTestCondenser: CondenserFactory = {
  tool: TOOL,
  description: 'node:test (spec and TAP reporters; other TAP producers too)',
  trigger:
    /^ℹ (?:tests|pass|fail|cancelled|skipped|todo) \d|^# (?:tests|pass|fail|cancelled|skipped|todo) \d|^✖ failing tests|^\s*# Subtest: |^\s*not ok \d/,
  create: () => new NodeTestCondenser(),
};
