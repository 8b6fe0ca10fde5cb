/**
 * Vite build condenser, for both bundlers Vite has shipped:
 * - Rollup (Vite ≤ 7): "error during build:" then the message
 *   (`Could not resolve "./x.js" from "src/main.js"`, `[vite:esbuild] Transform failed…`,
 *   `[vite]: Rollup failed to resolve import "x" from "/abs/src/main.js".`) and
 *   "file: /abs/src/main.js:2:24";
 * - Rolldown (Vite 8): "Build failed with N errors:" then per error "[CODE] message" and a
 *   box whose first line holds the place: "╭─[ src/main.js:2:24 ]".
 * The build's own stack trace (inside node_modules) ends the error section.
 */
import { buildExcerpt, FindingCollector, type FindingInput } from './finding.ts';
import type { Condenser, CondenserFactory, CondenserOutput, LogLine } from './types.ts';

const TOOL = 'vite';
const BANNER = /^vite v\d+\.\d+\.\d+ building/;
const START = /^(?:error during build:|Build failed with \d+ errors?:?)$/;
const ROLLDOWN = /^\[([A-Z_]+)\] (?:Error: )?(.*)$/;
const BOX_LOCATION = /[╭┌]─+\[ ?(.+?):(\d+):(\d+) ?\]/;
const FILE_LINE = /^file: (.+?)(?::(\d+):(\d+))?$/;
const PLUGIN = /^\[([\w:@/.-]+)\] (.*)$/;
const STACK = /^\s+at /;
const MAX_SECTION = 120;

class ViteCondenser implements Condenser {
  readonly tool = TOOL;
  private readonly collector = new FindingCollector();
  private inSection = false;
  private sectionLines = 0;
  private current: (FindingInput & { detail: string[] }) | undefined;
  private detected = false;
  private firstLine: number | undefined;

  push(line: LogLine): void {
    const text = line.text;
    if (BANNER.test(text)) {
      this.detected = true;
      this.firstLine ??= line.number;
      return;
    }
    if (START.test(text.trim())) {
      if (!this.detected && !text.startsWith('error during build')) return;
      this.detected = true;
      this.firstLine ??= line.number;
      this.inSection = true;
      this.sectionLines = 0;
      return;
    }
    if (!this.inSection) return;
    if (++this.sectionLines > MAX_SECTION || STACK.test(text) || text.startsWith('}')) {
      this.end();
      return;
    }
    const trimmed = text.trim();
    if (trimmed === '' || /^Build failed with \d+ errors?:?$/.test(trimmed)) return;
    const c = this.current;
    const rolldown = ROLLDOWN.exec(trimmed);
    if (rolldown && !(c && c.file === undefined && c.code === undefined && c.detail.length === 0)) {
      this.flush();
      this.current = {
        kind: 'build-error',
        tool: TOOL,
        code: rolldown[1],
        message: rolldown[2] ?? '',
        detail: [],
      };
      return;
    }
    if (!c) {
      const plugin = PLUGIN.exec(trimmed);
      this.current = {
        kind: 'build-error',
        tool: TOOL,
        code: plugin ? plugin[1] : undefined,
        message: plugin ? (plugin[2] ?? '') : trimmed,
        detail: [],
      };
      const resolve = /^Rollup failed to resolve import "[^"]+" from "([^"]+)"/.exec(this.current.message);
      if (resolve) this.current.file = resolve[1];
      return;
    }
    const box = BOX_LOCATION.exec(trimmed);
    if (box && c.file === undefined) {
      c.file = box[1];
      c.line = Number(box[2]);
      c.column = Number(box[3]);
      return;
    }
    const file = FILE_LINE.exec(trimmed);
    if (file) {
      c.file = file[1];
      if (file[2] !== undefined) {
        c.line = Number(file[2]);
        c.column = Number(file[3]);
      }
      return;
    }
    // Transform errors repeat esbuild's "file:line:col: ERROR: message".
    const inline = /^(.+?):(\d+):(\d+): ERROR: (.*)$/.exec(trimmed);
    if (inline && c.line === undefined) {
      c.file = inline[1];
      c.line = Number(inline[2]);
      c.column = Number(inline[3]) + 1;
      c.message = `${c.message} ${inline[4] ?? ''}`.trim();
      return;
    }
    if (c.detail.length < 10) c.detail.push(text.trimEnd());
  }

  wantsEveryLine(): boolean {
    return this.inSection;
  }

  finish(): CondenserOutput {
    this.end();
    return this.collector.output(TOOL, this.firstLine, this.detected);
  }

  private end(): void {
    this.flush();
    this.inSection = false;
  }

  private flush(): void {
    const c = this.current;
    this.current = undefined;
    if (!c) return;
    const { detail, ...finding } = c;
    // The box's help lines ("Module not found.", "'x' is imported by…") are worth a few lines.
    const help = detail
      .map((d) => d.replace(/^[\s│|╰─┬]+/, '').trim())
      .filter((d) => d !== '' && !/^\d+ [│|]/.test(d) && !/^[\s│|╰╯╭╮─┬┴]*$/.test(d));
    this.collector.add({ ...finding, excerpt: buildExcerpt(help.slice(0, 6)) });
  }
}

export const viteCondenser: CondenserFactory = {
  tool: TOOL,
  description: 'Vite build (Rollup and Rolldown errors)',
  trigger: /^vite v\d|^error during build:|^Build failed with \d+ error/,
  create: () => new ViteCondenser(),
};
