/**
 * Prettier `--check` condenser: "[warn] src/a.ts" per unformatted file, closed by
 * "[warn] Code style issues found in 2 files. Run Prettier with --write to fix." (older:
 * "Code style issues found in the above file(s)…"), and "[error] src/b.ts: SyntaxError: …"
 * for files it cannot parse. File lines only count once the summary confirms a check run.
 */
import { FindingCollector } from './finding.ts';
import type { Condenser, CondenserFactory, CondenserOutput, LogLine } from './types.ts';

const TOOL = 'prettier';
const SUMMARY = /^\[warn\] Code style issues (?:found|were found)/;
const ERROR = /^\[error\] ([^\s:][^:]*?): (\w*Error): (.*?)(?: \((\d+):(\d+)\))?$/;
const MAX_PENDING = 200;

class PrettierCondenser implements Condenser {
  readonly tool = TOOL;
  private readonly collector = new FindingCollector();
  private pending: { file: string; line: number }[] = [];
  private pendingOverflow = 0;
  private firstLine: number | undefined;

  push(line: LogLine): void {
    const text = line.text;
    if (text.startsWith('[warn] ')) {
      if (SUMMARY.test(text)) {
        this.firstLine ??= this.pending[0]?.line ?? line.number;
        for (const p of this.pending) {
          this.collector.add({
            kind: 'format-error',
            tool: TOOL,
            file: p.file,
            message: 'File is not formatted (prettier --check)',
          });
        }
        for (let i = 0; i < this.pendingOverflow; i++) {
          this.collector.add({ kind: 'format-error', tool: TOOL, message: 'File is not formatted' });
        }
        this.pending = [];
        this.pendingOverflow = 0;
        return;
      }
      const file = text.slice(7).trim();
      if (file !== '' && !file.includes(' ')) {
        if (this.pending.length < MAX_PENDING) this.pending.push({ file, line: line.number });
        else this.pendingOverflow++;
      }
      return;
    }
    if (text.startsWith('[error] ')) {
      const m = ERROR.exec(text);
      if (!m) return;
      this.firstLine ??= line.number;
      this.collector.add({
        kind: 'format-error',
        tool: TOOL,
        file: m[1],
        line: m[4] === undefined ? undefined : Number(m[4]),
        column: m[5] === undefined ? undefined : Number(m[5]),
        code: m[2],
        message: m[3] ?? '',
      });
    }
  }

  finish(): CondenserOutput {
    return this.collector.output(TOOL, this.firstLine);
  }
}

export const prettierCondenser: CondenserFactory = {
  tool: TOOL,
  description: 'Prettier --check',
  trigger: /^\[(?:warn|error)\] /,
  create: () => new PrettierCondenser(),
};
