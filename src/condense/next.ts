/**
 * Next.js `next build` condenser:
 *   Failed to compile.
 *   ./src/app/page.tsx:3:7
 *   Type error: Type 'string' is not assignable to type 'number'.
 * and "./app/page.tsx" + "Module not found: Can't resolve '@/lib/x'", the lint table
 * ("12:7  Error: 'x' is assigned a value but never used.  @typescript-eslint/no-unused-vars"
 * under "./src/a.tsx"), and "> Build error occurred" / "Error occurred prerendering page "/x"".
 */
import type { FindingKind } from '../contracts/failure-report.ts';
import { buildExcerpt, FindingCollector } from './finding.ts';
import type { Condenser, CondenserFactory, CondenserOutput, LogLine } from './types.ts';

const TOOL = 'next';
const BANNER = /^\s*▲ Next\.js \d+/;
const FAILED = /^Failed to (?:compile|type check)\.?$/;
const PATH_LINE = /^(\.{0,2}\/[^\s:]+|[\w@-][\w./@-]*\.[cm]?[jt]sx?)(?::(\d+):(\d+))?$/;
const LINT = /^(\d+):(\d+)\s+(Error|Warning): (.*?)(?:\s{2,}(\S+))?$/;
const BUILD_ERROR = /^> Build error occurred$/;
const PRERENDER = /^Error occurred prerendering page "([^"]+)"/;

class NextCondenser implements Condenser {
  readonly tool = TOOL;
  private readonly collector = new FindingCollector();
  private inFailure = false;
  private afterBuildError = false;
  private file: { path: string; line?: number; column?: number } | undefined;
  private detail: string[] = [];
  private message: { kind: FindingKind; text: string } | undefined;
  private detected = false;
  private firstLine: number | undefined;
  private lines = 0;
  /** The current file's lines are an ESLint table, not a message. */
  private lintTable = false;

  push(line: LogLine): void {
    const text = line.text.trimEnd();
    if (BANNER.test(text)) {
      this.detected = true;
      this.firstLine ??= line.number;
      return;
    }
    if (FAILED.test(text.trim())) {
      this.see(line);
      this.inFailure = true;
      this.lines = 0;
      return;
    }
    if (BUILD_ERROR.test(text.trim())) {
      this.flush();
      this.see(line);
      this.inFailure = false;
      this.afterBuildError = true;
      return;
    }
    const prerender = PRERENDER.exec(text);
    if (prerender) {
      this.see(line);
      this.flush();
      this.file = { path: prerender[1] ?? '' };
      this.message = { kind: 'runtime-error', text: text.trim() };
      this.inFailure = true;
      this.lines = 0;
      return;
    }
    if (this.afterBuildError) {
      if (text.trim() === '') return;
      this.afterBuildError = false;
      // The Error line after "> Build error occurred" is the reason when nothing else was found.
      if (this.collector.size === 0 && !this.message) {
        this.collector.add({ kind: 'build-error', tool: TOOL, message: text.trim() });
      }
      return;
    }
    if (!this.inFailure) return;
    if (++this.lines > 200) {
      this.flush();
      this.inFailure = false;
      return;
    }
    const path = PATH_LINE.exec(text.trim());
    if (path && !text.startsWith(' ')) {
      this.flush();
      const loc: { path: string; line?: number; column?: number } = { path: path[1] ?? '' };
      if (path[2] !== undefined) {
        loc.line = Number(path[2]);
        loc.column = Number(path[3]);
      }
      this.file = loc;
      return;
    }
    const lint = LINT.exec(text.trim());
    if (lint && this.file) {
      this.lintTable = true;
      this.collector.add({
        kind: 'lint-error',
        tool: TOOL,
        severity: lint[3] === 'Warning' ? 'warning' : 'error',
        file: this.file.path,
        line: Number(lint[1]),
        column: Number(lint[2]),
        code: lint[5],
        message: lint[4] ?? '',
      });
      return;
    }
    if (text.startsWith('info ') || text.startsWith('Next.js build worker exited')) {
      this.flush();
      this.inFailure = false;
      return;
    }
    if (!this.file || this.lintTable) return;
    if (!this.message) {
      if (text.trim() === '') return;
      const t = text.trim();
      const kind: FindingKind = t.startsWith('Type error:') ? 'type-error' : 'build-error';
      this.message = { kind, text: t.replace(/^Type error: /, '') };
      return;
    }
    if (text.trim() === '' && this.detail.length > 0) {
      this.flush();
      return;
    }
    // A bare docs link ("https://nextjs.org/docs/messages/module-not-found") says nothing new.
    if (/^\s*https?:\/\/\S+$/.test(text)) return;
    if (this.detail.length < 10) this.detail.push(text);
  }

  wantsEveryLine(): boolean {
    return this.inFailure || this.afterBuildError;
  }

  finish(): CondenserOutput {
    this.flush();
    return this.collector.output(TOOL, this.firstLine, this.detected || this.collector.size > 0);
  }

  private see(line: LogLine): void {
    this.detected = true;
    this.firstLine ??= line.number;
  }

  private flush(): void {
    if (this.file && this.message) {
      this.collector.add({
        kind: this.message.kind,
        tool: TOOL,
        file: this.file.path,
        line: this.file.line,
        column: this.file.column,
        message: this.message.text,
        excerpt: buildExcerpt(this.detail),
      });
    }
    this.file = undefined;
    this.message = undefined;
    this.detail = [];
    this.lintTable = false;
  }
}

export const nextCondenser: CondenserFactory = {
  tool: TOOL,
  description: 'Next.js build',
  trigger:
    /^\s*▲ Next\.js \d|^Failed to (?:compile|type check)|^> Build error occurred|^Error occurred prerendering page/,
  create: () => new NextCondenser(),
};
