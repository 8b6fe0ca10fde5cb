/**
 * The iteration loop of `fleetwright try`, the same loop the fleet runs for one target:
 *
 * 1. Run the coder: `initial`, then `repair` after a red verify, or `judge-feedback` after a
 *    rejection. Every coder run counts toward the iteration budget; coder and judge share the
 *    cost budget.
 * 2. Run the verify command. Red output is condensed into a FailureReport for the next repair;
 *    green output is condensed too, for its test counts (the guards compare them with the
 *    baseline's).
 * 3. Unless the judge is off: run the deterministic guards on the cumulative diff of the
 *    checkout against its state before the first coder run (with the manifest's scope, size
 *    limits and severity overrides), then the LLM judge. Approve ends the loop; reject feeds the
 *    verdict's required changes to the next coder run.
 *
 * It talks to the outside only through the ports and callbacks it is given, so it can be
 * driven by fakes; `try.ts` wires the real coder, judge, workspace and verify command.
 */
import { condenseText } from '../condense/condense.ts';
import type { FailureReport, Finding, TestCounts } from '../contracts/failure-report.ts';
import { ZERO_USAGE, addUsage, cacheHitRate, type Usage } from '../contracts/usage.ts';
import type { Verdict } from '../contracts/verdict.ts';
import { parseUnifiedDiff } from '../core/diff/parse-unified-diff.ts';
import type { DiffFile } from '../core/diff/types.ts';
import { buildGuardSettings } from '../core/guards/build-guard-settings.ts';
import { runGuards } from '../core/guards/run-guards.ts';
import type { GuardFinding } from '../core/guards/types.ts';
import type { VerdictSource } from '../core/judge/types.ts';
import type { Manifest } from '../core/manifest/schema.ts';
import type { JudgeCiSummary } from '../core/prompts/judge.ts';
import type {
  AttemptSummary,
  ChangeSet,
  Coder,
  CoderMigration,
  CoderOutcome,
  CoderProgress,
  CoderResult,
  CoderTask,
} from '../ports/coder.ts';
import type { Judge, JudgeResult } from '../ports/judge.ts';
import { CoderError, DiffParseError, JudgeError } from '../shared/errors.ts';
import type { VerifyResult } from '../adapters/local/run-verify-command.ts';

/** How a 'try' run ended. */
export type TryOutcome =
  | 'green'
  | 'unverified'
  | 'not-applicable'
  | 'red'
  | 'baseline-red'
  | 'judge-rejected'
  | Exclude<CoderOutcome, 'changed' | 'not-applicable'>;

/** One review by the guards and the judge, as reported per iteration and in `--json`. */
export interface JudgeRecord {
  verdict: Verdict['verdict'];
  decidedBy: VerdictSource;
  reasons: string[];
  requiredChanges: string[];
  guardFindings: GuardFinding[];
  blockingFindings: GuardFinding[];
  truncatedFiles: string[];
  omittedFiles: string[];
  model: string;
  usage: Usage;
}

export interface IterationRecord {
  iteration: number;
  mode: CoderTask['mode'];
  coderOutcome: CoderOutcome;
  summary: string;
  reason?: string;
  turns: number;
  toolCalls: number;
  filesTouched: string[];
  usage: Usage;
  verify?: { exitCode: number; durationMs: number; findings: number; testCounts?: TestCounts };
  judge?: JudgeRecord;
}

export interface TryLoopDeps {
  coder: Coder;
  /** `undefined` with `--no-judge`: green (or unverified) ends the loop. */
  judge: Judge | undefined;
  /** Runs the verify command in the checkout; `undefined` without `--verify`. */
  verify: (() => Promise<VerifyResult>) | undefined;
  /** The cumulative change of the checkout since before the first coder run. */
  changeSet: () => Promise<ChangeSet>;
  progress: (line: string) => void;
}

export interface TryLoopOptions {
  manifest: Manifest;
  migration: CoderMigration;
  /** The checkout's root (stripped from condensed paths) and its name (`repo` in prompts). */
  repoRoot: string;
  repoName: string;
  maxIterations: number;
  /** The verify command as typed (recorded in reports and the CI summary). */
  verifyCommand: string | undefined;
  /** Test counts of the green baseline, when its output showed them. */
  baselineCounts: TestCounts | undefined;
  /** Org-wide judge criteria (the fleet reads them from the config repo). */
  orgCriteria: string | undefined;
}

export interface TryLoopResult {
  outcome: TryOutcome;
  iterations: IterationRecord[];
  /** Coder and judge together. */
  usage: Usage;
  /** All coder runs together. */
  coderUsage: Usage;
  /** All judge reviews together. */
  judgeUsage: Usage;
  /** The latest review, and the iteration whose change it reviewed. */
  lastReview: { iteration: number; record: JudgeRecord } | undefined;
  reviews: number;
  /** Why the run stopped early, when the coder or judge could not run at all. */
  failure: string | undefined;
}

/** Runs the loop until approved (or green without a judge), a coder stop, or a spent budget. */
export async function runTryLoop(deps: TryLoopDeps, options: TryLoopOptions): Promise<TryLoopResult> {
  const { manifest, migration, maxIterations } = options;
  const { progress } = deps;
  const state: TryLoopResult = {
    outcome: 'red',
    iterations: [],
    usage: ZERO_USAGE,
    coderUsage: ZERO_USAGE,
    judgeUsage: ZERO_USAGE,
    lastReview: undefined,
    reviews: 0,
    failure: undefined,
  };
  const history: AttemptSummary[] = [];
  const repo = options.repoName;
  let task: CoderTask = { mode: 'initial', migration, repo };
  const remainingBudget = () =>
    Math.round((manifest.budget.maxCostPerRepoUsd - state.usage.costUsd) * 1e6) / 1e6;

  for (let iteration = 1; iteration <= maxIterations; iteration += 1) {
    const remaining = remainingBudget();
    if (remaining <= 0) {
      state.outcome = 'budget-exhausted';
      progress(`Cost budget of $${manifest.budget.maxCostPerRepoUsd} spent; stopping.`);
      break;
    }
    progress(`iteration ${iteration}/${maxIterations} (${task.mode}): coder running…`);
    let result: CoderResult;
    try {
      const before = state.usage;
      result = await deps.coder.run(
        task,
        { root: options.repoRoot },
        {
          maxTurns: manifest.budget.maxCoderTurns,
          maxOutputTokens: manifest.model.maxOutputTokens * manifest.budget.maxCoderTurns,
          maxCostUsd: remaining,
          timeoutMs: manifest.budget.coderTimeoutMinutes * 60_000,
        },
        { onProgress: (event) => progress(renderProgress(event, before)) },
      );
    } catch (error) {
      if (!(error instanceof CoderError)) throw error;
      // The API could not be used at all (credentials, endpoint down after retries).
      progress(`  coder: could not run: ${error.message}`);
      state.outcome = 'error';
      state.failure = error.message;
      break;
    }
    state.usage = addUsage(state.usage, result.usage);
    state.coderUsage = addUsage(state.coderUsage, result.usage);
    const record: IterationRecord = {
      iteration,
      mode: task.mode,
      coderOutcome: result.outcome,
      summary: result.summary,
      ...(result.reason === undefined ? {} : { reason: result.reason }),
      turns: result.turns,
      toolCalls: result.toolCalls,
      filesTouched: result.filesTouched ?? [],
      usage: result.usage,
    };
    state.iterations.push(record);
    progress(
      `  coder: ${result.outcome} after ${result.turns} turns, ${result.toolCalls} tool calls, ${formatTokens(result.usage)}, $${result.usage.costUsd.toFixed(4)}${result.reason ? ` — ${result.reason}` : ''}`,
    );
    if (result.outcome === 'not-applicable') {
      // After a red verify or a rejection, "does not apply" leaves a bad change behind: giving up.
      state.outcome = task.mode === 'initial' ? 'not-applicable' : 'gave-up';
      break;
    }
    if (result.outcome !== 'changed') {
      state.outcome = result.outcome;
      break;
    }
    const attempt = { iteration, summary: result.summary, files: result.filesTouched ?? [] };

    // 2. Verify.
    let ci: JudgeCiSummary | undefined;
    let headCounts: TestCounts | undefined;
    if (deps.verify !== undefined && options.verifyCommand !== undefined) {
      const run = await deps.verify();
      const report = condenseVerifyOutput(run, options.verifyCommand, options.repoRoot);
      headCounts = report.testCounts;
      record.verify = {
        exitCode: run.exitCode,
        durationMs: run.durationMs,
        findings: run.exitCode === 0 ? 0 : report.findings.length,
        ...(headCounts === undefined ? {} : { testCounts: headCounts }),
      };
      progress(`  verify: \`${options.verifyCommand}\` ${describeVerify(run)}`);
      if (run.exitCode !== 0) {
        progress(indent(firstFindings(report)));
        history.push({ ...attempt, result: `verify red: ${oneLineReport(report)}` });
        task = { mode: 'repair', migration, repo, report, history: [...history] };
        state.outcome = 'red';
        continue;
      }
      ci = {
        conclusion: 'success',
        summary: `\`${options.verifyCommand}\` passed (exit 0 in ${(run.durationMs / 1000).toFixed(1)} s).${renderBaselineCounts(options.baselineCounts)}`,
        ...(headCounts === undefined ? {} : { testCounts: headCounts }),
      };
    }
    const passed: TryOutcome = deps.verify === undefined ? 'unverified' : 'green';
    if (deps.judge === undefined) {
      state.outcome = passed;
      break;
    }

    // 3. Guards and judge on the cumulative diff.
    if (remainingBudget() <= 0) {
      state.outcome = 'budget-exhausted';
      progress(`Cost budget of $${manifest.budget.maxCostPerRepoUsd} spent before the judge could run.`);
      break;
    }
    let review: { result: JudgeResult; findings: GuardFinding[] };
    try {
      review = await reviewChange(deps, options, ci, headCounts);
    } catch (error) {
      if (!(error instanceof JudgeError) && !(error instanceof DiffParseError)) throw error;
      progress(`  judge: could not run: ${error.message}`);
      state.outcome = 'error';
      state.failure = error.message;
      break;
    }
    const judged = buildJudgeRecord(review.result, review.findings);
    record.judge = judged;
    state.reviews += 1;
    state.lastReview = { iteration, record: judged };
    state.usage = addUsage(state.usage, review.result.usage);
    state.judgeUsage = addUsage(state.judgeUsage, review.result.usage);
    progress(renderJudgeProgress(judged));
    if (judged.verdict === 'approve') {
      state.outcome = passed;
      break;
    }
    const more = judged.reasons.length > 1 ? ` (+${judged.reasons.length - 1} more)` : '';
    history.push({ ...attempt, result: `judge rejected: ${judged.reasons[0] ?? 'no reason given'}${more}` });
    task = {
      mode: 'judge-feedback',
      migration,
      repo,
      requiredChanges: judged.requiredChanges,
      reasons: judged.reasons,
      history: [...history],
    };
    state.outcome = 'judge-rejected';
  }
  return state;
}

async function reviewChange(
  deps: TryLoopDeps,
  options: TryLoopOptions,
  ci: JudgeCiSummary | undefined,
  headCounts: TestCounts | undefined,
): Promise<{ result: JudgeResult; findings: GuardFinding[] }> {
  const { manifest, migration } = options;
  const judge = deps.judge as Judge;
  const files: DiffFile[] = parseUnifiedDiff((await deps.changeSet()).diff);
  const findings = runGuards({
    files,
    migrationPrompt: migration.prompt,
    ...buildGuardSettings(manifest),
    ...(options.baselineCounts !== undefined && headCounts !== undefined
      ? { testCounts: { base: options.baselineCounts, head: headCounts } }
      : {}),
  });
  const blocking = findings.filter((f) => f.severity === 'block').length;
  deps.progress(
    `  guards: ${findings.length === 0 ? 'no findings' : `${findings.length} finding(s), ${blocking} of severity block`}; judge (${manifest.model.judge}) reviewing ${files.length} file(s)…`,
  );
  const result = await judge.review(
    {
      repo: options.repoName,
      migration: {
        id: migration.id,
        title: migration.title,
        prompt: migration.prompt,
        judgeCriteria: manifest.judge.criteria,
        allowedPaths: migration.allowedPaths,
      },
      ...(options.orgCriteria === undefined ? {} : { orgCriteria: options.orgCriteria }),
      files,
      guardFindings: findings,
      ...(ci === undefined ? {} : { ci }),
    },
    { model: manifest.model.judge, maxOutputTokens: manifest.model.judgeMaxOutputTokens },
  );
  return { result, findings };
}

function buildJudgeRecord(result: JudgeResult, findings: GuardFinding[]): JudgeRecord {
  return {
    verdict: result.verdict.verdict,
    decidedBy: result.decidedBy,
    reasons: result.verdict.reasons,
    requiredChanges: result.verdict.requiredChanges,
    guardFindings: findings,
    blockingFindings: result.blockingFindings,
    truncatedFiles: result.truncatedFiles,
    omittedFiles: result.omittedFiles,
    model: result.model,
    usage: result.usage,
  };
}

/**
 * Condenses verify output into a FailureReport (green output too: its test counts feed the
 * guards). When a red run has no finding any condenser recognises, the tail of the raw output
 * goes in as one generic finding: the coder must always get the evidence, even for a tool
 * fleetwright has no condenser for.
 */
export function condenseVerifyOutput(run: VerifyResult, command: string, repoRoot: string): FailureReport {
  const report: FailureReport = condenseText(run.output, {
    command,
    exitCode: run.exitCode,
    repoRoot,
    source: { producer: 'cli' },
  });
  if (run.exitCode === 0 || report.findings.length > 0) return report;
  const tail = run.output.replace(/\s+$/, '').split('\n').slice(-40).join('\n');
  const excerpt = tail.length > 4_000 ? tail.slice(-4_000) : tail;
  const finding: Finding = {
    kind: 'generic',
    tool: 'verify',
    severity: 'error',
    message: `\`${command}\` exited with code ${run.exitCode}; the end of its output follows`,
    excerpt,
    occurrences: 1,
  };
  return { ...report, conclusion: 'failure', findings: [finding] };
}

export function describeVerify(run: VerifyResult): string {
  const seconds = (run.durationMs / 1000).toFixed(1);
  if (run.timedOut) return `timed out after ${seconds} s`;
  return run.exitCode === 0 ? `green (${seconds} s)` : `red: exit ${run.exitCode} (${seconds} s)`;
}

/** The baseline's counts for the CI summary (the head's go in `testCounts`, which the prompt shows). */
function renderBaselineCounts(base: TestCounts | undefined): string {
  if (base === undefined) return '';
  return ` On the unmodified checkout: ${base.passed} passed, ${base.failed} failed, ${base.skipped} skipped${base.total === undefined ? '' : `, ${base.total} total`}.`;
}

export function firstFindings(report: FailureReport, max = 5): string {
  const lines = report.findings.slice(0, max).map((f) => {
    const where = f.file === undefined ? '' : `${f.file}${f.line === undefined ? '' : `:${f.line}`} `;
    const test = f.testName === undefined ? '' : ` [${f.testName}]`;
    // A generic finding is raw output: show its last lines, the human has nothing else.
    const raw =
      f.kind === 'generic' && f.excerpt !== undefined
        ? `\n${f.excerpt.split('\n').slice(-12).join('\n')}`
        : '';
    return `- ${where}${f.message}${test}${raw}`;
  });
  if (report.findings.length > max) lines.push(`- … ${report.findings.length - max} more`);
  return lines.join('\n');
}

function oneLineReport(report: FailureReport): string {
  const first = report.findings[0];
  const count = report.findings.length + report.dropped.reduce((sum, d) => sum + d.count, 0);
  if (first === undefined) return `exit ${report.exitCode ?? '?'}`;
  const where = first.file === undefined ? '' : ` in ${first.file}`;
  const test = first.testName === undefined ? '' : ` (${first.testName})`;
  return `${count} finding${count === 1 ? '' : 's'}, first: ${first.message.slice(0, 160)}${where}${test}`;
}

export function indent(text: string, by = '    '): string {
  return text
    .split('\n')
    .map((line) => `${by}${line}`)
    .join('\n');
}

function renderProgress(event: CoderProgress, before: Usage): string {
  switch (event.type) {
    case 'turn': {
      const total = addUsage(before, event.usage);
      return `  turn ${event.turn} · this run: ${formatTokens(event.usage)} · cache hit ${(cacheHitRate(event.usage) * 100).toFixed(0)}% · $${total.costUsd.toFixed(4)} in total`;
    }
    case 'tool':
      return `    ${event.isError ? '✗' : '✓'} ${event.summary}`;
    case 'retry':
      return `  API ${event.status ?? 'connection error'}: retry ${event.attempt} in ${(event.waitMs / 1000).toFixed(1)} s`;
  }
}

function renderJudgeProgress(judged: JudgeRecord): string {
  const head = `  judge: ${judged.verdict === 'approve' ? 'approved' : 'rejected'} (${describeDecidedBy(judged.decidedBy)}), ${formatTokens(judged.usage)}, $${judged.usage.costUsd.toFixed(4)}`;
  if (judged.verdict === 'approve') return head;
  return `${head}\n${indent(judged.requiredChanges.map((c) => `- ${c}`).join('\n'))}`;
}

export function describeDecidedBy(source: VerdictSource): string {
  switch (source) {
    case 'llm':
      return 'decided by the LLM judge';
    case 'guards':
      return 'decided by the deterministic guards';
    case 'fail-closed':
      return "fail closed: the judge's answer could not be used";
  }
}

export function formatTokens(usage: Usage): string {
  const n = (x: number) => x.toLocaleString('en-US');
  return `${n(usage.inputTokens)} in / ${n(usage.outputTokens)} out / ${n(usage.cacheWriteTokens)} cache write / ${n(usage.cacheReadTokens)} cache read tokens`;
}
