/**
 * The end of `fleetwright try`: the human summary (diff stat, outcome, verdict, usage, cost) on
 * stdout, or exactly one JSON object with `--json`, and the exit code.
 */
import { ZERO_USAGE, cacheHitRate, type Usage } from '../contracts/usage.ts';
import { renderDiffStat, summarizeDiff, type DiffStatEntry } from '../core/diff/render-unified-diff.ts';
import type { GuardFinding } from '../core/guards/types.ts';
import type { CliIo } from './io.ts';
import {
  describeDecidedBy,
  formatTokens,
  indent,
  type JudgeRecord,
  type TryLoopResult,
  type TryOutcome,
} from './try-loop.ts';

export interface TrySummary {
  outcome: TryOutcome;
  /** `undefined` when the run stopped before the loop (red baseline). */
  loop: TryLoopResult | undefined;
  diff: string;
  files: string[];
  /** False with --no-judge. */
  judgeEnabled: boolean;
  message: string;
}

/** Outcomes that exit 0. `green`/`unverified` only end the loop once the judge approved (or is off). */
const SUCCESS: ReadonlySet<TryOutcome> = new Set(['green', 'unverified', 'not-applicable']);

export function describeOutcome(outcome: TryOutcome, iterations: number, max: number): string {
  const runs = `${iterations} iteration${iterations === 1 ? '' : 's'}`;
  switch (outcome) {
    case 'green':
      return `green after ${runs}`;
    case 'red':
      return `still red after ${iterations} of ${max} iterations (iteration budget spent)`;
    case 'judge-rejected':
      return `green, but the judge rejected the change after ${iterations} of ${max} iterations (iteration budget spent)`;
    case 'unverified':
      return 'changed (not verified: no --verify command)';
    case 'not-applicable':
      return 'the migration does not apply to this repository';
    default:
      return `stopped: ${outcome}`;
  }
}

/** Writes the summary and returns the exit code: 0 on success, 1 otherwise. */
export function finishTry(io: CliIo, json: boolean, summary: TrySummary): number {
  const ok = SUCCESS.has(summary.outcome);
  const loop = summary.loop;
  const usage: Usage = loop?.usage ?? ZERO_USAGE;
  const stat: DiffStatEntry[] = summarizeDiff(summary.diff);
  const review = loop?.lastReview;
  if (json) {
    io.stdout.write(
      `${JSON.stringify({
        outcome: summary.outcome,
        green: ok,
        message: summary.message,
        iterations: loop?.iterations.length ?? 0,
        filesChanged: summary.files,
        diffStat: stat,
        judge:
          review === undefined || loop === undefined
            ? null
            : {
                verdict: review.record.verdict,
                decidedBy: review.record.decidedBy,
                reasons: review.record.reasons,
                requiredChanges: review.record.requiredChanges,
                guardFindings: review.record.guardFindings,
                blockingFindings: review.record.blockingFindings,
                model: review.record.model,
                iteration: review.iteration,
                reviews: loop.reviews,
                usage: loop.judgeUsage,
                costUsd: loop.judgeUsage.costUsd,
              },
        usage,
        costUsd: usage.costUsd,
        cacheHitRate: Math.round(cacheHitRate(usage) * 1000) / 1000,
        history: loop?.iterations ?? [],
      })}\n`,
    );
    return ok ? 0 : 1;
  }
  const lines = [
    '',
    summary.files.length === 0 ? 'No files changed.' : renderDiffStat(stat).trimEnd(),
    '',
    `Outcome: ${summary.message}`,
  ];
  if (review !== undefined && loop !== undefined) {
    const stale =
      review.iteration === loop.iterations.length
        ? ''
        : ` (of the change after iteration ${review.iteration}; later changes were not reviewed)`;
    lines.push('', ...renderVerdict(review.record, stale, loop.reviews, loop.judgeUsage));
  } else if (!summary.judgeEnabled) {
    lines.push('Judge: off (--no-judge)');
  }
  lines.push(
    '',
    `Usage: ${formatTokens(usage)} (cache hit rate ${(cacheHitRate(usage) * 100).toFixed(1)}%)`,
    `Cost: $${usage.costUsd.toFixed(4)} (coder $${(loop?.coderUsage.costUsd ?? 0).toFixed(4)}, judge $${(loop?.judgeUsage.costUsd ?? 0).toFixed(4)})`,
    '',
  );
  io.stdout.write(lines.join('\n'));
  return ok ? 0 : 1;
}

function renderVerdict(record: JudgeRecord, stale: string, reviews: number, usage: Usage): string[] {
  const out = [
    `Judge: ${record.verdict === 'approve' ? 'APPROVED' : 'REJECTED'}${stale} — ${describeDecidedBy(record.decidedBy)} (${record.model}, ${reviews} review${reviews === 1 ? '' : 's'}, $${usage.costUsd.toFixed(4)})`,
  ];
  if (record.reasons.length > 0) out.push('  Reasons:', ...record.reasons.map((r) => indent(`- ${r}`)));
  if (record.requiredChanges.length > 0)
    out.push('  Required changes:', ...record.requiredChanges.map((c, i) => indent(`${i + 1}. ${c}`)));
  if (record.guardFindings.length > 0) {
    const blocking = new Set(record.blockingFindings.map(findingKey));
    out.push('  Guard findings:', ...record.guardFindings.map((f) => indent(renderFinding(f, blocking))));
  } else {
    out.push('  Guard findings: none');
  }
  if (record.truncatedFiles.length > 0 || record.omittedFiles.length > 0) {
    out.push(
      `  The judge did not see the whole diff (shown in part: ${record.truncatedFiles.join(', ') || 'none'}; not shown: ${record.omittedFiles.join(', ') || 'none'}).`,
    );
  }
  return out;
}

function renderFinding(f: GuardFinding, blocking: ReadonlySet<string>): string {
  const where = f.file === undefined ? 'whole diff' : f.line === undefined ? f.file : `${f.file}:${f.line}`;
  const mark = blocking.has(findingKey(f)) ? '⛔ blocking' : `⚠ ${f.severity}`;
  return `${mark} ${f.kind} at ${where}: ${f.message}`;
}

function findingKey(f: GuardFinding): string {
  return `${f.kind}\u0000${f.file ?? ''}\u0000${f.line ?? ''}\u0000${f.evidence}`;
}
