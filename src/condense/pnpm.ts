/**
 * pnpm condenser: " ERR_PNPM_OUTDATED_LOCKFILE  Cannot install with "frozen-lockfile" …"
 * followed by explanatory lines ("Failure reason: …"), ERR_PNPM_NO_MATCHING_VERSION,
 * ERR_PNPM_PEER_DEP_ISSUES with its "✕ unmet peer react@^18: found 17.0.2" tree, and any other
 * ERR_PNPM_* code. ERR_PNPM_RECURSIVE_RUN_FIRST_FAIL / ELIFECYCLE only say a script failed.
 */
import { buildExcerpt, FindingCollector } from './finding.ts';
import type { Condenser, CondenserFactory, CondenserOutput, LogLine } from './types.ts';

const TOOL = 'pnpm';
const ERROR = /^\s*(?:\[)?(ERR_PNPM_[A-Z0-9_]+)\]?\s+(.*)$/;
const WRAPPERS = new Set(['ERR_PNPM_RECURSIVE_RUN_FIRST_FAIL', 'ERR_PNPM_RECURSIVE_EXEC_FIRST_FAIL']);
const MAX_DETAIL = 12;

class PnpmCondenser implements Condenser {
  readonly tool = TOOL;
  private readonly collector = new FindingCollector();
  private current: { code: string; message: string; detail: string[]; blanks: number } | undefined;
  private firstLine: number | undefined;

  push(line: LogLine): void {
    const text = line.text;
    if (text.includes('ERR_PNPM_')) {
      const m = ERROR.exec(text);
      if (m) {
        this.flush();
        this.firstLine ??= line.number;
        this.current = { code: m[1] ?? '', message: (m[2] ?? '').trim(), detail: [], blanks: 0 };
        return;
      }
    }
    const c = this.current;
    if (!c) return;
    if (text.trim() === '') {
      if (++c.blanks >= 2 && c.detail.length > 0) this.flush();
      return;
    }
    c.blanks = 0;
    if (c.detail.length < MAX_DETAIL) c.detail.push(text.trimEnd());
    else this.flush();
  }

  wantsEveryLine(): boolean {
    return this.current !== undefined;
  }

  finish(): CondenserOutput {
    this.flush();
    return this.collector.output(TOOL, this.firstLine);
  }

  private flush(): void {
    const c = this.current;
    this.current = undefined;
    if (!c || WRAPPERS.has(c.code)) return;
    const packages: string[] = [];
    const spec = /found for (\S+)$/.exec(c.message)?.[1];
    if (spec) packages.push(spec);
    for (const d of c.detail) {
      const peer = /unmet peer (\S+): found (\S+)/.exec(d);
      if (peer) packages.push(peer[1] ?? '', `found ${peer[2] ?? ''}`);
    }
    const reason = c.detail.findIndex((d) => d.trim() === 'Failure reason:');
    const message =
      reason !== -1 && c.detail[reason + 1]
        ? `${c.message} (${(c.detail[reason + 1] ?? '').trim()})`
        : c.message;
    const lockfile =
      c.code === 'ERR_PNPM_OUTDATED_LOCKFILE' || c.code === 'ERR_PNPM_LOCKFILE_CONFIG_MISMATCH';
    this.collector.add({
      kind: 'dependency-error',
      tool: TOOL,
      code: c.code,
      message,
      file: lockfile ? 'pnpm-lock.yaml' : undefined,
      packages,
      excerpt: buildExcerpt(
        c.detail.filter(
          (d, i) =>
            !d.startsWith('Note that in CI environments') &&
            (reason === -1 || (i !== reason && i !== reason + 1)),
        ),
      ),
    });
  }
}

export const pnpmCondenser: CondenserFactory = {
  tool: TOOL,
  description: 'pnpm install errors (ERR_PNPM_*)',
  trigger: /ERR_PNPM_/,
  create: () => new PnpmCondenser(),
};
