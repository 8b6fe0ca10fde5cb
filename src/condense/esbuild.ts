/**
 * esbuild condenser:
 *   ✘ [ERROR] Expected ")" but found ";"
 *       src/app.ts:4:48:
 *         4 │ export const message: string = greet(config.name;
 *   1 error
 * plus "▲ [WARNING] …" and the one-line API format "src/a.ts:4:48: ERROR: message" that tools
 * wrapping esbuild (tsup, older Vite) print. Plugin errors read "✘ [ERROR] [plugin x] message".
 */
import { buildExcerpt, FindingCollector } from './finding.ts';
import type { Condenser, CondenserFactory, CondenserOutput, LogLine } from './types.ts';

const TOOL = 'esbuild';
const HEADER = /^\s*(?:✘|X|×|▲) \[(ERROR|WARNING)\] (.*)$/;
const LOCATION = /^\s+((?:[A-Za-z]:)?[^\s:][^:]*):(\d+):(\d+):\s*$/;
const INLINE = /^(?:.*?: )?((?:[A-Za-z]:)?[^\s:][^:]*):(\d+):(\d+): (ERROR|WARNING): (.*)$/;
const SUMMARY = /^\d+ (?:warnings? and \d+ )?errors?$/;

interface Pending {
  severity: 'error' | 'warning';
  message: string;
  file?: string;
  line?: number;
  column?: number;
  detail: string[];
}

class EsbuildCondenser implements Condenser {
  readonly tool = TOOL;
  private readonly collector = new FindingCollector();
  private pending: Pending | undefined;
  private firstLine: number | undefined;

  push(line: LogLine): void {
    const text = line.text;
    if (text.includes('[ERROR]') || text.includes('[WARNING]')) {
      const m = HEADER.exec(text);
      if (m) {
        this.flush();
        this.firstLine ??= line.number;
        this.pending = {
          severity: m[1] === 'WARNING' ? 'warning' : 'error',
          message: m[2] ?? '',
          detail: [],
        };
        return;
      }
    }
    if (text.includes(': ERROR: ') || text.includes(': WARNING: ')) {
      const m = INLINE.exec(text);
      if (m) {
        this.flush();
        this.firstLine ??= line.number;
        this.collector.add({
          kind: 'build-error',
          tool: TOOL,
          severity: m[4] === 'WARNING' ? 'warning' : 'error',
          file: m[1],
          line: Number(m[2]),
          column: Number(m[3]) + 1,
          message: m[5] ?? '',
        });
        return;
      }
    }
    const p = this.pending;
    if (!p) return;
    if (SUMMARY.test(text.trim())) {
      this.flush();
      return;
    }
    if (p.file === undefined) {
      const loc = LOCATION.exec(text);
      if (loc) {
        p.file = loc[1];
        p.line = Number(loc[2]);
        // esbuild prints 0-based columns.
        p.column = Number(loc[3]) + 1;
        return;
      }
    }
    if (text.trim() === '') {
      if (p.file !== undefined && p.detail.length > 0) this.flush();
      return;
    }
    if (text.startsWith(' ') && p.detail.length < 10) p.detail.push(text.trimEnd());
    else if (!text.startsWith(' ')) this.flush();
  }

  wantsEveryLine(): boolean {
    return this.pending !== undefined;
  }

  finish(): CondenserOutput {
    this.flush();
    return this.collector.output(TOOL, this.firstLine);
  }

  private flush(): void {
    const p = this.pending;
    this.pending = undefined;
    if (!p) return;
    this.collector.add({
      kind: 'build-error',
      tool: TOOL,
      severity: p.severity,
      file: p.file,
      line: p.line,
      column: p.column,
      message: p.message,
      excerpt: buildExcerpt(p.detail),
    });
  }
}

export const esbuildCondenser: CondenserFactory = {
  tool: TOOL,
  description: 'esbuild (and tools that print its errors: tsup, Vite 5/6 transforms)',
  trigger: /^\s*(?:✘|X|×|▲) \[(?:ERROR|WARNING)\] |: (?:ERROR|WARNING): /,
  create: () => new EsbuildCondenser(),
};
