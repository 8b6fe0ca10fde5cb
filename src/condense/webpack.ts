/**
 * webpack condenser (webpack 4/5, webpack-cli, loaders, fork-ts-checker):
 *   ERROR in ./src/format.js 2:25
 *   Module parse failed: Unterminated template (2:25)
 *   …explanation, code frame…
 *   ERROR in ./src/index.js 2:0-46
 *   Module not found: Error: Can't resolve './does-not-exist.js' in '/abs/src'
 *   webpack compiled with 2 errors
 * Also "ERROR in src/a.ts:3:7" + "TS2322: …" (fork-ts-checker) and "WARNING in …".
 * webpack columns are 0-based; findings use 1-based columns like every other tool.
 */
import type { FindingKind } from '../contracts/failure-report.ts';
import { buildExcerpt, FindingCollector } from './finding.ts';
import type { Condenser, CondenserFactory, CondenserOutput, LogLine } from './types.ts';

const TOOL = 'webpack';
const HEADER = /^(ERROR|WARNING) in (.+?)(?: (\d+):(\d+)(?:-\d+(?::\d+)?)?)?\s*$/;
const COLON_LOCATION = /^(.+?):(\d+):(\d+)$/;
const SUMMARY = /^webpack(?: [\d.]+)? compiled with (?:(\d+) errors?)?/;
const TS_CODE = /^\[?(?:tsl\] )?(?:ERROR in .*\n)?(TS\d+): (.*)$/;
const MAX_DETAIL = 14;

interface Pending {
  severity: 'error' | 'warning';
  file: string;
  line?: number;
  column?: number;
  detail: string[];
}

class WebpackCondenser implements Condenser {
  readonly tool = TOOL;
  private readonly collector = new FindingCollector();
  private pending: Pending | undefined;
  private detected = false;
  private firstLine: number | undefined;

  push(line: LogLine): void {
    const text = line.text;
    if (text.startsWith('ERROR in ') || text.startsWith('WARNING in ')) {
      const m = HEADER.exec(text);
      if (m) {
        this.flush();
        this.firstLine ??= line.number;
        let file = (m[2] ?? '').trim();
        let ln = m[3] === undefined ? undefined : Number(m[3]);
        let col = m[4] === undefined ? undefined : Number(m[4]) + 1;
        const colon = ln === undefined ? COLON_LOCATION.exec(file) : null;
        if (colon) {
          // fork-ts-checker style "src/a.ts:3:7": already 1-based.
          file = colon[1] ?? file;
          ln = Number(colon[2]);
          col = Number(colon[3]);
        }
        // "./src/a.js + 3 modules" (concatenated modules): the first module is the place.
        file = file.replace(/ \+ \d+ modules?$/, '');
        this.pending = {
          severity: m[1] === 'WARNING' ? 'warning' : 'error',
          file,
          line: ln,
          column: col,
          detail: [],
        };
        return;
      }
    }
    if (text.startsWith('webpack ')) {
      if (SUMMARY.test(text)) {
        this.detected = true;
        this.firstLine ??= line.number;
      }
      this.flush();
      return;
    }
    const p = this.pending;
    if (!p) return;
    if (text.trim() === '') {
      if (p.detail.length > 0) this.flush();
      return;
    }
    if (p.detail.length < MAX_DETAIL) p.detail.push(text.trimEnd());
  }

  wantsEveryLine(): boolean {
    return this.pending !== undefined;
  }

  finish(): CondenserOutput {
    this.flush();
    return this.collector.output(TOOL, this.firstLine, this.detected || this.collector.size > 0);
  }

  private flush(): void {
    const p = this.pending;
    this.pending = undefined;
    if (!p) return;
    const [first = 'webpack error', ...rest] = p.detail;
    let message = first;
    let code: string | undefined;
    let kind: FindingKind = 'build-error';
    let detail = rest;
    // "Module build failed (from ./node_modules/babel-loader/lib/index.js):" says where; the
    // next line says what.
    if (/^Module build failed\b.*:$/.test(first) && rest[0] !== undefined) {
      message = rest[0].replace(/^(?:Error|SyntaxError): (?:\/\S+: )?/, (s) => s.replace(/\/\S+: /, ''));
      detail = rest.slice(1);
    }
    const ts = TS_CODE.exec(message);
    if (ts) {
      code = ts[1];
      message = ts[2] ?? message;
      kind = 'type-error';
    } else if (/^Module not found\b/.test(message)) kind = 'build-error';
    const paren = /\((\d+):(\d+)\)\s*$/.exec(message);
    this.collector.add({
      kind,
      tool: TOOL,
      severity: p.severity,
      file: p.file,
      line: p.line ?? (paren ? Number(paren[1]) : undefined),
      column: p.column ?? (paren ? Number(paren[2]) + 1 : undefined),
      code,
      message,
      excerpt: buildExcerpt(
        detail.filter(
          (d) =>
            !d.startsWith('You may need an appropriate loader') &&
            !d.startsWith('File was processed with these loaders'),
        ),
      ),
    });
  }
}

export const webpackCondenser: CondenserFactory = {
  tool: TOOL,
  description: 'webpack',
  trigger: /^(?:ERROR|WARNING) in |^webpack(?: [\d.]+)? compiled/,
  create: () => new WebpackCondenser(),
};
