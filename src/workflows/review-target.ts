/**
 * Review (issue 7): decide whether a green PR is worth a human's time, and publish the decision.
 *
 * 1. Check the PR still points at the reviewed head SHA (a newer push gets its own review).
 * 2. On a redelivery, reuse the verdict already published on this SHA (no second LLM call).
 * 3. Get the PR's full diff (size-capped), the test counts of the base and head reports, and the
 *    org-wide criteria from the config repo.
 * 4. Run the deterministic guards, then the judge (which applies `decideVerdict`: guards and the
 *    fail-closed rule override the model). An unavailable diff rejects without an LLM call.
 * 5. Publish the check run `fleetwright/judge` (success/failure, annotations at guard findings)
 *    and ONE judge comment on the PR, edited in place on every later review.
 *
 * The judge that cannot run at all (`JudgeError`) yields an `error` outcome and a failed check run
 * that says so: a required status check must not pass by accident.
 */
import type { TestCounts } from '../contracts/failure-report.ts';
import { addUsage, ZERO_USAGE, type Usage } from '../contracts/usage.ts';
import { Verdict } from '../contracts/verdict.ts';
import { parseUnifiedDiff } from '../core/diff/parse-unified-diff.ts';
import type { DiffFile } from '../core/diff/types.ts';
import { runGuards } from '../core/guards/run-guards.ts';
import type { GuardFinding, GuardInput } from '../core/guards/types.ts';
import { renderJudgeReportMarkdown } from '../core/judge/render-judge-report.ts';
import type { VerdictSource } from '../core/judge/types.ts';
import type { DiffStat } from '../core/notify/types.ts';
import type { JudgeCiSummary } from '../core/prompts/judge.ts';
import type { Annotation, CheckRunInfo, GitHost, RepoRef } from '../ports/git-host.ts';
import type { Judge, JudgeResult } from '../ports/judge.ts';
import { JudgeError } from '../shared/errors.ts';
import { loadOrgJudgeCriteria } from './load-review-config.ts';

/** Name of the check run; usable as a required status check. */
export const JUDGE_CHECK_NAME = 'fleetwright/judge';
/** Hidden key of the judge comment (`ensureComment`): one per PR, edited in place. */
export const JUDGE_COMMENT_KEY = 'fleetwright:judge';
/** Diffs larger than this are not reviewed (nor held in memory). */
export const MAX_REVIEW_DIFF_BYTES = 5 * 1024 * 1024;

const MAX_REVIEW_NOTES = 20;
const MAX_NOTE_CHARS = 300;

const VERDICT_MARKER = /<!-- fleetwright:judge-verdict v1 ([A-Za-z0-9+/=]+) -->/;

export interface ReviewLogger {
  info(meta: object, message: string): void;
  warn(meta: object, message: string): void;
}

export interface ReviewDeps {
  gitHost: GitHost;
  judge: Judge;
  log: ReviewLogger;
}

/** What the review needs of the migration (see `reviewMigrationFromManifest`). */
export interface ReviewMigration {
  id: string;
  title: string;
  /** The coder prompt, resolved (inline `prompt` or the text of `promptFile`). */
  prompt: string;
  judgeCriteria: readonly string[];
  allowedPaths: readonly string[];
  allowWorkflowEdits: boolean;
  /** Manifest `model.judge` / `model.maxOutputTokens`. */
  judgeModel?: string;
  maxOutputTokens?: number;
  /** Manifest `guards`: size limits and per-kind severity overrides (built-in defaults when absent). */
  guardLimits?: GuardInput['limits'];
  guardSeverity?: GuardInput['severity'];
}

export interface ReviewTargetInput {
  repo: RepoRef;
  pullNumber: number;
  headSha: string;
  baseSha: string;
  migration: ReviewMigration;
  /** The org's config repo, for `judge-criteria.md`; `orgCriteria` wins when given (already loaded). */
  configRepo?: RepoRef;
  orgCriteria?: string;
  /** Summary of the PR's (green) CI. */
  ci?: JudgeCiSummary;
  /** Test counts of the base and head reports; read from their `fleetwright/report` when absent. */
  testCounts?: { base?: TestCounts; head?: TestCounts };
  /**
   * The app's slug: enables reusing the verdict this app already published on `headSha` (a
   * redelivered event then costs no model call). Other apps' check runs are never trusted.
   */
  appSlug?: string;
  /** Run the judge even when a verdict for this SHA exists. */
  force?: boolean;
  signal?: AbortSignal;
}

interface ReviewBase {
  headSha: string;
  decidedBy: VerdictSource;
  reasons: string[];
  /** Every guard finding of this review; empty when a published verdict was reused. */
  guardFindings: GuardFinding[];
  diffStat: DiffStat;
  /** Guard findings for the human reviewer (non-blocking), one line each. */
  reviewNotes: string[];
  checkRunId: number;
  commentId: number;
  usage: Usage;
  /** True when the verdict was already published on this SHA and was reused. */
  reused: boolean;
}

export type ReviewOutcome =
  | ({ type: 'approved' } & ReviewBase)
  | ({ type: 'rejected'; requiredChanges: string[] } & ReviewBase)
  | {
      type: 'error';
      code: 'stale-head' | 'pull-request-closed' | 'judge-unavailable';
      reason: string;
      usage: Usage;
    };

/** The review inputs of a parsed manifest, given its resolved prompt text. */
export function reviewMigrationFromManifest(
  manifest: {
    id: string;
    title: string;
    judge: { criteria: readonly string[] };
    scope: { allowedPaths: readonly string[]; allowWorkflowEdits: boolean };
    model: { judge: string; maxOutputTokens: number };
  },
  prompt: string,
): ReviewMigration {
  return {
    id: manifest.id,
    title: manifest.title,
    prompt,
    judgeCriteria: manifest.judge.criteria,
    allowedPaths: manifest.scope.allowedPaths,
    allowWorkflowEdits: manifest.scope.allowWorkflowEdits,
    judgeModel: manifest.model.judge,
    maxOutputTokens: manifest.model.maxOutputTokens,
  };
}

/** Reviews one PR at `headSha`. Throws `GitHostError` when GitHub fails (the caller retries). */
export async function reviewTarget(deps: ReviewDeps, input: ReviewTargetInput): Promise<ReviewOutcome> {
  const { gitHost, log } = deps;
  const { repo, pullNumber, headSha, migration } = input;
  const where = { repo: `${repo.owner}/${repo.repo}`, pullNumber, headSha };

  const pr = await gitHost.getPullRequest(repo, pullNumber);
  if (pr.state !== 'open') {
    return { type: 'error', code: 'pull-request-closed', reason: 'The PR is closed', usage: ZERO_USAGE };
  }
  if (pr.headSha !== headSha) {
    return {
      type: 'error',
      code: 'stale-head',
      reason: `The PR head moved to ${pr.headSha}; ${headSha} is no longer reviewed`,
      usage: ZERO_USAGE,
    };
  }

  if (input.appSlug !== undefined && input.force !== true) {
    const previous = await findPublishedVerdict(gitHost, repo, headSha, input.appSlug);
    if (previous !== undefined) {
      const { id: commentId } = await gitHost.ensureComment(
        repo,
        pullNumber,
        JUDGE_COMMENT_KEY,
        commentBody(stripMarker(previous.run.output.summary ?? ''), headSha),
      );
      log.info({ ...where, verdict: previous.verdict.verdict }, 'Judge verdict already published; reused');
      return outcomeOf(previous.verdict, {
        headSha,
        decidedBy: previous.decidedBy,
        reasons: previous.verdict.reasons,
        guardFindings: [],
        diffStat: previous.diffStat,
        reviewNotes: previous.reviewNotes,
        checkRunId: previous.run.id,
        commentId,
        usage: ZERO_USAGE,
        reused: true,
      });
    }
  }

  await gitHost.ensureCheckRun(repo, {
    name: JUDGE_CHECK_NAME,
    headSha,
    status: 'in_progress',
    title: 'Reviewing the change',
    summary: 'The deterministic guards and the LLM judge are reviewing this commit.',
  });

  const diff = await gitHost.getPullRequestDiff(repo, pullNumber, { maxBytes: MAX_REVIEW_DIFF_BYTES });
  if (diff.type === 'too-large') {
    const verdict: Verdict = {
      verdict: 'reject',
      reasons: [`The diff could not be reviewed: ${diff.reason}`],
      requiredChanges: [
        'Make a much smaller change: only what the migration asks for, without reformatting or regenerating files.',
      ],
    };
    return publish(deps, input, {
      verdict,
      decidedBy: 'guards',
      findings: [],
      blocking: [],
      files: [],
      judge: undefined,
    });
  }
  const files = parseUnifiedDiff(diff.text);
  const testCounts = input.testCounts ?? (await readTestCounts(gitHost, repo, input.baseSha, headSha));
  const orgCriteria =
    input.orgCriteria ??
    (input.configRepo === undefined ? undefined : await loadOrgJudgeCriteria(gitHost, input.configRepo));

  const findings = runGuards({
    files,
    migrationPrompt: migration.prompt,
    allowedPaths: migration.allowedPaths,
    allowWorkflowEdits: migration.allowWorkflowEdits,
    ...(migration.guardLimits ? { limits: migration.guardLimits } : {}),
    ...(migration.guardSeverity ? { severity: migration.guardSeverity } : {}),
    ...(testCounts.base !== undefined || testCounts.head !== undefined ? { testCounts } : {}),
  });

  let result: JudgeResult;
  try {
    result = await deps.judge.review(
      {
        repo: where.repo,
        migration: {
          id: migration.id,
          title: migration.title,
          prompt: migration.prompt,
          judgeCriteria: migration.judgeCriteria,
          allowedPaths: migration.allowedPaths,
        },
        ...(orgCriteria === undefined ? {} : { orgCriteria }),
        files,
        guardFindings: findings,
        ...(input.ci === undefined ? {} : { ci: input.ci }),
      },
      {
        ...(input.signal ? { signal: input.signal } : {}),
        ...(migration.judgeModel ? { model: migration.judgeModel } : {}),
        ...(migration.maxOutputTokens ? { maxOutputTokens: migration.maxOutputTokens } : {}),
      },
    );
  } catch (error) {
    if (!(error instanceof JudgeError)) throw error;
    const reason = `The judge could not run: ${error.message}`;
    await gitHost.ensureCheckRun(repo, {
      name: JUDGE_CHECK_NAME,
      headSha,
      status: 'completed',
      conclusion: 'failure',
      title: 'The judge could not run',
      summary: `${reason}\n\nThe review will be retried; nothing was decided about this change.`,
    });
    log.warn({ ...where, reason }, 'Judge unavailable');
    return { type: 'error', code: 'judge-unavailable', reason, usage: ZERO_USAGE };
  }

  return publish(deps, input, {
    verdict: result.verdict,
    decidedBy: result.decidedBy,
    findings,
    blocking: result.blockingFindings,
    files,
    judge: result,
  });
}

async function publish(
  deps: ReviewDeps,
  input: ReviewTargetInput,
  review: {
    verdict: Verdict;
    decidedBy: VerdictSource;
    findings: GuardFinding[];
    blocking: readonly GuardFinding[];
    files: readonly DiffFile[];
    judge: JudgeResult | undefined;
  },
): Promise<ReviewOutcome> {
  const { gitHost, log } = deps;
  const { repo, pullNumber, headSha } = input;
  const usage = review.judge?.usage ?? ZERO_USAGE;
  const approved = review.verdict.verdict === 'approve';
  const diffStat = diffStatOf(review.files);
  const blocking = new Set(review.blocking);
  // Bounded: they travel in the check-run marker (65,535-character summary) and in Slack messages.
  const reviewNotes = review.findings
    .filter((f) => !blocking.has(f))
    .slice(0, MAX_REVIEW_NOTES)
    .map((f) =>
      clip(
        `${f.message}${f.file === undefined ? '' : ` (${f.file}${f.line === undefined ? '' : `:${f.line}`})`}`,
      ),
    );
  const report = renderJudgeReportMarkdown(
    {
      verdict: review.verdict,
      decidedBy: review.decidedBy,
      guardFindings: review.findings,
      blockingFindings: review.blocking,
      truncatedFiles: review.judge?.truncatedFiles ?? [],
      omittedFiles: review.judge?.omittedFiles ?? [],
      model: review.judge?.model ?? 'none (not called)',
      usage,
    },
    { maxChars: 60_000 },
  );
  const marker = renderMarker({
    verdict: review.verdict,
    decidedBy: review.decidedBy,
    diffStat,
    reviewNotes,
  });
  const { id: checkRunId } = await gitHost.ensureCheckRun(repo, {
    name: JUDGE_CHECK_NAME,
    headSha,
    status: 'completed',
    conclusion: approved ? 'success' : 'failure',
    title: approved
      ? 'Approved by the fleetwright judge'
      : `Changes required (${review.verdict.requiredChanges.length})`,
    summary: `${report}\n${marker}`,
    annotations: annotationsOf(review.findings, blocking),
  });
  const { id: commentId } = await gitHost.ensureComment(
    repo,
    pullNumber,
    JUDGE_COMMENT_KEY,
    commentBody(report, headSha),
  );
  log.info(
    {
      repo: `${repo.owner}/${repo.repo}`,
      pullNumber,
      headSha,
      verdict: review.verdict.verdict,
      decidedBy: review.decidedBy,
      findings: review.findings.length,
      costUsd: usage.costUsd,
    },
    'PR reviewed',
  );
  return outcomeOf(review.verdict, {
    headSha,
    decidedBy: review.decidedBy,
    reasons: review.verdict.reasons,
    guardFindings: review.findings,
    diffStat,
    reviewNotes,
    checkRunId,
    commentId,
    usage: addUsage(ZERO_USAGE, usage),
    reused: false,
  });
}

function outcomeOf(verdict: Verdict, base: ReviewBase): ReviewOutcome {
  return verdict.verdict === 'approve'
    ? { type: 'approved', ...base }
    : { type: 'rejected', requiredChanges: verdict.requiredChanges, ...base };
}

function clip(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_NOTE_CHARS ? `${flat.slice(0, MAX_NOTE_CHARS - 1)}…` : flat;
}

function commentBody(report: string, headSha: string): string {
  return `${report}\n\n<sub>Reviewed commit ${headSha.slice(0, 12)}. This comment is updated on every review.</sub>`;
}

/**
 * Guard findings about a file become annotations: failures when they block, warnings otherwise.
 * A finding about a whole file (a deleted test file) is pinned to line 1 so it still shows up.
 */
function annotationsOf(findings: readonly GuardFinding[], blocking: ReadonlySet<GuardFinding>): Annotation[] {
  const out: Annotation[] = [];
  for (const f of findings) {
    if (f.file === undefined) continue;
    const line = f.line ?? 1;
    out.push({
      path: f.file,
      startLine: line,
      endLine: line,
      level: blocking.has(f) ? 'failure' : 'warning',
      title: `fleetwright guard: ${f.kind}`,
      message: f.evidence === '' ? f.message : `${f.message}\n\n${f.evidence}`,
    });
  }
  return out;
}

function diffStatOf(files: readonly DiffFile[]): DiffStat {
  let additions = 0;
  let deletions = 0;
  for (const f of files) {
    additions += f.additions;
    deletions += f.deletions;
  }
  return { files: files.length, additions, deletions };
}

async function readTestCounts(
  gitHost: GitHost,
  repo: RepoRef,
  baseSha: string,
  headSha: string,
): Promise<{ base?: TestCounts; head?: TestCounts }> {
  const [base, head] = await Promise.all([
    gitHost.findFailureReport(repo, baseSha),
    gitHost.findFailureReport(repo, headSha),
  ]);
  return {
    ...(base?.testCounts ? { base: base.testCounts } : {}),
    ...(head?.testCounts ? { head: head.testCounts } : {}),
  };
}

interface StoredVerdict {
  verdict: Verdict;
  decidedBy: VerdictSource;
  diffStat: DiffStat;
  reviewNotes: string[];
}

function renderMarker(stored: StoredVerdict): string {
  return `<!-- fleetwright:judge-verdict v1 ${Buffer.from(JSON.stringify(stored), 'utf8').toString('base64')} -->`;
}

function stripMarker(summary: string): string {
  return summary.replace(VERDICT_MARKER, '').trimEnd();
}

/** The verdict this app published on `headSha`, when its check run completed and carries a readable marker. */
async function findPublishedVerdict(
  gitHost: GitHost,
  repo: RepoRef,
  headSha: string,
  appSlug: string,
): Promise<(StoredVerdict & { run: CheckRunInfo }) | undefined> {
  const snapshot = await gitHost.getCiSnapshot(repo, headSha);
  const run = snapshot.checkRuns.find(
    (r) =>
      r.name === JUDGE_CHECK_NAME &&
      r.headSha === headSha &&
      r.appSlug === appSlug &&
      r.status === 'completed' &&
      (r.conclusion === 'success' || r.conclusion === 'failure'),
  );
  const match = run?.output.summary?.match(VERDICT_MARKER);
  if (run === undefined || match === null || match === undefined) return undefined;
  try {
    const raw = JSON.parse(Buffer.from(match[1] as string, 'base64').toString('utf8')) as Record<
      string,
      unknown
    >;
    const verdict = Verdict.parse(raw.verdict);
    // The conclusion is what GitHub enforces; a marker disagreeing with it is not trusted.
    if ((verdict.verdict === 'approve') !== (run.conclusion === 'success')) return undefined;
    const decidedBy = raw.decidedBy === 'guards' || raw.decidedBy === 'fail-closed' ? raw.decidedBy : 'llm';
    const stat = raw.diffStat as Partial<DiffStat> | undefined;
    return {
      run,
      verdict,
      decidedBy,
      diffStat: {
        files: Number(stat?.files) || 0,
        additions: Number(stat?.additions) || 0,
        deletions: Number(stat?.deletions) || 0,
      },
      reviewNotes: Array.isArray(raw.reviewNotes) ? raw.reviewNotes.filter((n) => typeof n === 'string') : [],
    };
  } catch {
    return undefined;
  }
}
