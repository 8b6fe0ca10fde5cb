/**
 * ESLint condenser. Formats:
 * - stylish (the default): a file path line, then "  2:9  error  message  rule-id" lines;
 * - unix: "/abs/file.js:2:9: message [Error/rule-id]";
 * - compact: "/abs/file.js: line 2, col 9, Error - message (rule-id)";
 * plus the "✖ N problems (E errors, W warnings)" summary, "--max-warnings" failures and the
 * "Oops! Something went wrong!" crash block (a config or plugin error). The rule id is the code.
 */
import { echoedCommand, echoedCommandPattern, FindingCollector } from './finding.ts';
import type { Condenser, CondenserFactory, CondenserOutput, LogLine } from './types.ts';

const TOOL = 'eslint';
const STYLISH = /^\s+(\d+):(\d+)\s+(error|warning)\s+(.*)$/;
const UNIX = /^(.+?):(\d+):(\d+): (.*) \[(Error|Warning)(?:\/([^\]\s]+))?\]$/;
const COMPACT = /^(.+?): line (\d+), col (\d+), (Error|Warning) - (.*?)(?: \(([^()\s]+)\))?$/;
const SUMMARY = /^[✖×] (\d+) problems? \((\d+) errors?, (\d+) warnings?\)/;
const MAX_WARNINGS = /^ESLint found too many warnings \(maximum: (\d+)\)/;
// A stylish header: a path with a source-like extension alone on its line.
const FILE_HEADER =
  /^(?:[A-Za-z]:)?[^\s:].*\.(?:[cm]?[jt]sx?|vue|svelte|astro|json5?|jsonc|mdx?|html?|ya?ml|css|scss|graphql|gql)$/;
const COMMAND = echoedCommandPattern('eslint');

/** Splits a stylish message column from the trailing rule id (separated by 2+ spaces). */
export function splitStylishMessage(rest: string): { message: string; rule?: string } {
  const text = rest.trimEnd();
  const gap = text.lastIndexOf('  ');
  if (gap !== -1) {
    const rule = text.slice(gap + 2).trim();
    if (rule !== '' && !rule.includes(' ')) return { message: text.slice(0, gap).trim(), rule };
  }
  return { message: text.trim() };
}

class EslintCondenser implements Condenser {
  readonly tool = TOOL;
  private readonly collector = new FindingCollector();
  private file: string | undefined;
  private firstLine: number | undefined;
  private command: string | undefined;
  private crash: string[] | undefined;
  private crashDone = false;

  push(line: LogLine): void {
    const text = line.text;
    if (this.crash && !this.crashDone) {
      if (text.trim() !== '' && this.crash.length < 6) this.crash.push(text.trim());
      else if (this.crash.length > 1) this.endCrash();
      return;
    }
    if (text.startsWith('  ') || text.startsWith('\t')) {
      if (this.file === undefined) return;
      const m = STYLISH.exec(text);
      if (!m) return;
      this.see(line);
      const { message, rule } = splitStylishMessage(m[4] ?? '');
      this.collector.add({
        kind: 'lint-error',
        tool: TOOL,
        severity: m[3] === 'warning' ? 'warning' : 'error',
        file: this.file,
        line: Number(m[1]),
        column: Number(m[2]),
        code: rule,
        message,
      });
      return;
    }
    if (text.includes(': line ')) {
      const m = COMPACT.exec(text);
      if (m) return this.addLocated(line, m[1], m[2], m[3], m[4], m[5], m[6]);
    }
    if (text.endsWith(']') && (text.includes('[Error') || text.includes('[Warning'))) {
      const m = UNIX.exec(text);
      if (m) return this.addLocated(line, m[1], m[2], m[3], m[5], m[4], m[6]);
    }
    const first = text.charCodeAt(0);
    if (first === 0x2716 || first === 0xd7) {
      if (SUMMARY.test(text)) this.see(line);
      this.file = undefined;
      return;
    }
    if (text.startsWith('ESLint found too many warnings')) {
      const m = MAX_WARNINGS.exec(text);
      if (m) {
        this.see(line);
        this.collector.add({ kind: 'lint-error', tool: TOOL, message: text.trim(), code: 'max-warnings' });
      }
      return;
    }
    if (text.startsWith('Oops! Something went wrong!')) {
      this.see(line);
      this.crash = [];
      return;
    }
    if (this.command === undefined && (text.startsWith('> ') || text.startsWith('$ '))) {
      this.command = echoedCommand(text, COMMAND);
      if (this.command !== undefined) this.see(line);
      return;
    }
    if (FILE_HEADER.test(text)) this.file = text.trim();
    else if (text.trim() !== '') this.file = undefined;
  }

  wantsEveryLine(): boolean {
    return this.file !== undefined || (this.crash !== undefined && !this.crashDone);
  }

  finish(): CondenserOutput {
    if (this.crash && !this.crashDone) this.endCrash();
    return {
      ...this.collector.output(TOOL, this.firstLine),
      ...(this.command !== undefined && { command: this.command }),
    };
  }

  private see(line: LogLine): void {
    this.firstLine ??= line.number;
  }

  private endCrash(): void {
    this.crashDone = true;
    const lines = (this.crash ?? []).filter((l) => !/^ESLint: \d/.test(l));
    if (lines.length === 0) return;
    this.collector.add({
      kind: 'build-error',
      tool: TOOL,
      message: lines[0] ?? 'ESLint crashed',
      excerpt: lines.slice(1).join('\n') || undefined,
    });
  }

  private addLocated(
    line: LogLine,
    file: string | undefined,
    ln: string | undefined,
    col: string | undefined,
    severity: string | undefined,
    message: string | undefined,
    rule: string | undefined,
  ): void {
    this.see(line);
    this.collector.add({
      kind: 'lint-error',
      tool: TOOL,
      severity: severity === 'Warning' ? 'warning' : 'error',
      file,
      line: Number(ln),
      column: Number(col),
      code: rule,
      message: message ?? '',
    });
  }
}

export const eslintCondenser: CondenserFactory = {
  tool: TOOL,
  description: 'ESLint (stylish, unix and compact formats)',
  // Headers are recognised by their extension; problem lines only matter after a header.
  trigger:
    /\.(?:[cm]?[jt]sx?|vue|svelte|astro|json5?|jsonc|mdx?|html?|ya?ml|css|scss|graphql|gql)$|: line \d+, col \d+, |\[(?:Error|Warning)[/\]]|^[✖×] \d+ problem|^ESLint found too many|^Oops! Something went wrong|^[>$] .*eslint/,
  create: () => new EslintCondenser(),
};
