/**
 * Maps each effect `step` asks for to port calls, and turns results into the next events.
 * Dry-run is honoured here and only here (STYLE.md §12.9): writes and coder runs are logged as
 * "[dry-run] would …" and produce no event, so the target simply waits.
 */
import type { FailureReport } from '../contracts/failure-report.ts';
import type { NotificationsConfig } from '../core/notify/notifications-config.ts';
import type { DiffStat } from '../core/notify/types.ts';
import type { Migration } from '../core/migration.ts';
import { buildDiffStat, renderDiffStat, renderPrBody, renderPrTemplate } from '../core/pr-body.ts';
import type { PrTemplateValues } from '../core/pr-body.ts';
import { summarizeCi } from '../core/target/aggregate-ci.ts';
import type { Effect } from '../core/target/effects.ts';
import type { EffectError, TargetEvent } from '../core/target/events.ts';
import { isAppCommit } from '../core/target/is-app-commit.ts';
import type { Target } from '../core/target/target.ts';
import { budgetUsed } from '../core/target/target.ts';
import type { ChangeSet, CoderBudget, CoderMigration, CoderTask } from '../ports/coder.ts';
import { StaleHeadError } from '../ports/git-host.ts';
import type { CommitInfo, PullRequestInfo } from '../ports/git-host.ts';
import { GitHostError } from '../shared/errors.ts';
import type { InstallationDeps } from './deps.ts';
import { buildFallbackReport } from './failure-report-fallback.ts';
import { handOver } from './hand-over.ts';
import { withAuthor } from './load-target.ts';
import { loadNotificationsConfig } from './load-review-config.ts';
import { reviewMigrationFromManifest, reviewTarget } from './review-target.ts';
import { toRepoRef } from './deps.ts';

type HumanCommit = Extract<TargetEvent, { type: 'human-commit-detected' }>;

/** What one advance carries between effects (never persisted: a restart re-derives it). */
export interface EffectContext {
  migration: Migration;
  pr?: PullRequestInfo;
  /** The last coder run's change set, for `push-commit`. */
  changeSet?: ChangeSet;
  /** Rendered diff stat of the last pushed change, for the PR body. */
  stat?: string;
  /** `update-marker` was asked for; the marker is written once, at the end of the advance. */
  markerDirty: boolean;
  /** What the last review found, for the hand-over (absent after a restart: recomputed there). */
  review?: { diffStat: DiffStat; reviewNotes: string[] };
  /** The green CI just read, for the judge's CI summary. */
  greenCi?: { sha: string; passed: number };
}

/** Placeholder values for the PR title/body templates. */
export function templateValues(migration: Migration, target: Target): PrTemplateValues {
  const ref = toRepoRef(target.repo);
  return {
    migration: { id: migration.id, title: migration.title, description: migration.description },
    repo: { owner: ref.owner, name: ref.repo, defaultBranch: target.baseRef ?? '' },
  };
}

/** Runs one effect; returns the events it produced. Port errors propagate to the caller. */
export async function runEffect(
  deps: InstallationDeps,
  context: EffectContext,
  target: Target,
  effect: Effect,
): Promise<TargetEvent[]> {
  const ref = toRepoRef(target.repo);
  const dryRun = context.migration.policy.dryRun;
  const meta = { migration: target.migrationId, repo: target.repo, pr: target.prNumber, effect: effect.type };
  switch (effect.type) {
    case 'read-baseline': {
      const sha = await deps.host.findBranchHead(ref, effect.baseRef);
      if (sha === undefined)
        throw new GitHostError(`Default branch ${effect.baseRef} not found`, { status: 404 });
      const snapshot = await deps.host.getCiSnapshot(ref, sha);
      const summary = summarizeCi(snapshot, { ownAppSlug: deps.appSlug });
      return [{ type: 'baseline-observed', sha, ci: summary.verdict, failing: summary.failing }];
    }
    case 'run-coder': {
      if (dryRun) {
        deps.log.info(meta, '[dry-run] would run the coder');
        return [];
      }
      return [await runCoder(deps, context, target, effect)];
    }
    case 'push-commit': {
      if (dryRun) {
        deps.log.info(meta, '[dry-run] would push a commit');
        return [];
      }
      const changeSet = context.changeSet;
      if (!changeSet) {
        return [
          failed(effect.type, {
            kind: 'unexpected',
            message: 'no change set in memory (restarted mid-iteration)',
          }),
        ];
      }
      if (effect.createBranch) await deps.host.ensureBranch(ref, effect.branch, effect.expectedHeadSha);
      const { sha } = await deps.host.commitChangeSet(ref, {
        branch: effect.branch,
        expectedHeadSha: effect.expectedHeadSha,
        headline: effect.headline,
        body: effect.body,
        changeSet,
      });
      context.stat = renderDiffStat(buildDiffStat(changeSet.diff));
      context.changeSet = undefined;
      return [{ type: 'commit-pushed', sha }];
    }
    case 'open-draft-pr': {
      const values = templateValues(context.migration, target);
      const stat = context.stat ?? (await statFromGitHub(deps, target));
      const body = renderPrBody({ template: context.migration.pr.body, values, target, stat });
      const title = renderPrTemplate(context.migration.pr.title, values).slice(0, 256);
      const labels = [...new Set([...effect.labels, ...context.migration.pr.labels])];
      if (dryRun) {
        deps.log.info({ ...meta, title, labels }, '[dry-run] would open a draft PR');
        return [];
      }
      const pr = await deps.host.ensureDraftPullRequest(ref, {
        head: effect.branch,
        base: effect.base,
        title,
        body,
        labels,
      });
      context.pr = pr;
      return [{ type: 'pr-opened', number: pr.number, headSha: pr.headSha }];
    }
    case 'update-marker':
      context.markerDirty = true;
      return [];
    case 'set-labels': {
      const pr = context.pr;
      if (!pr) return [];
      const add = effect.add.filter((label) => !pr.labels.includes(label));
      const remove = effect.remove.filter((label) => pr.labels.includes(label));
      if (add.length === 0 && remove.length === 0) return [];
      if (dryRun) {
        deps.log.info({ ...meta, add, remove }, '[dry-run] would change labels');
        return [];
      }
      // The PR was read in this advance (and kept current by every label change since).
      await deps.host.ensureLabels(ref, pr.number, { add, remove }, pr.labels);
      context.pr = { ...pr, labels: [...pr.labels.filter((label) => !remove.includes(label)), ...add] };
      return [];
    }
    case 'comment': {
      if (!context.pr) return [];
      if (dryRun) {
        deps.log.info({ ...meta, key: effect.key }, '[dry-run] would comment');
        return [];
      }
      await deps.host.ensureComment(ref, context.pr.number, effect.key, effect.body);
      return [];
    }
    case 'read-ci': {
      const snapshot = await deps.host.getCiSnapshot(ref, effect.headSha);
      const summary = summarizeCi(snapshot, { ownAppSlug: deps.appSlug });
      if (summary.verdict === 'green') context.greenCi = { sha: effect.headSha, passed: summary.passed };
      let report: FailureReport | undefined;
      if (summary.verdict === 'red') {
        report =
          (await deps.host.findFailureReport(ref, effect.headSha)) ??
          (await buildFallbackReport(deps.host, ref, snapshot, summary.failing));
      }
      return [
        {
          type: 'ci-completed',
          headSha: effect.headSha,
          ci: summary.verdict,
          failing: summary.failing,
          ...(report ? { report } : {}),
        },
      ];
    }
    case 'run-judge': {
      if (dryRun) {
        deps.log.info(meta, '[dry-run] would review the diff (guards + judge)');
        return [];
      }
      const pullNumber = context.pr?.number ?? target.prNumber;
      if (pullNumber === undefined) return [];
      return runJudge(deps, context, target, pullNumber, effect.headSha);
    }
    case 'request-owner-review':
    case 'mark-ready': {
      const pullNumber = context.pr?.number ?? target.prNumber;
      if (pullNumber === undefined) return [];
      if (dryRun) {
        deps.log.info(meta, '[dry-run] would hand the PR over to reviewers');
        return [];
      }
      await runHandOver(deps, context, target, pullNumber, effect.type === 'mark-ready');
      return [];
    }
    case 'check-branch': {
      // A read, so it runs in dry-run too: the decision it feeds is the same.
      const found = await checkDiscard(deps, target, {
        branch: effect.branch,
        base: effect.base,
        expectedHeadSha: effect.expectedHeadSha,
        force: effect.force === true,
      });
      if (found.type !== 'foreign') return [];
      deps.log.warn(
        { ...meta, sha: found.event.sha },
        'Not regenerating: the branch has a commit the app did not make',
      );
      return [found.event];
    }
    case 'reset-branch': {
      if (dryRun) {
        deps.log.info(meta, '[dry-run] would reset the branch');
        return [];
      }
      const found = await checkDiscard(deps, target, {
        branch: effect.branch,
        base: effect.sha,
        expectedHeadSha: effect.expectedHeadSha,
        force: effect.force === true,
      });
      if (found.type === 'gone') {
        // Deleted meanwhile (a retry of a target without a PR): nothing to discard, start afresh.
        await deps.host.ensureBranch(ref, effect.branch, effect.sha);
        return [];
      }
      if (found.type === 'foreign') {
        deps.log.warn({ ...meta, sha: found.event.sha }, 'Not resetting over a commit the app did not make');
        context.changeSet = undefined;
        return [found.event];
      }
      if (effect.force === true) {
        deps.log.info(
          { ...meta, head: found.head },
          'Resetting the branch over commits a writer agreed to discard',
        );
      }
      await deps.host.resetBranch(ref, effect.branch, effect.sha, effect.expectedHeadSha);
      return [];
    }
    case 'schedule-tick':
      // The wake-up time is part of the target (`wakeAt`); the periodic tick picks it up.
      return [];
  }
}

/**
 * Whether a reset of `branch` to `base` may discard what is on it: only the app's own commits may
 * go, proven by GitHub (bot author + GitHub's signature). The SHAs the marker recorded as pushed
 * count too (a GHES without web commit signing leaves the app's commits unsigned; only writers,
 * who could discard them anyway, can edit the marker), but that list keeps the last few
 * iterations only. With `force` (a writer's `/migrate retry --force`) everything up to exactly
 * `expectedHeadSha` may go, and nothing pushed after it. Used before a regenerate's coder run
 * (`check-branch`) and again by the reset itself.
 */
async function checkDiscard(
  deps: InstallationDeps,
  target: Target,
  input: { branch: string; base: string; expectedHeadSha: string; force: boolean },
): Promise<{ type: 'gone' } | { type: 'ok'; head: string } | { type: 'foreign'; event: HumanCommit }> {
  const ref = toRepoRef(target.repo);
  const head = await deps.host.findBranchHead(ref, input.branch);
  if (head === undefined) return { type: 'gone' };
  if (input.force) {
    if (head === input.expectedHeadSha) return { type: 'ok', head };
    // The branch moved after the command: what came later was not agreed to be discarded.
    const later = await deps.host.listCommitsBetween(ref, input.expectedHeadSha, head);
    const person = later.find((commit) => !isAppCommit(commit, deps.botLogin));
    return { type: 'foreign', event: foundBeforeReset(head, person, deps.botLogin) };
  }
  const [foreign] = await listForeignCommits(deps, target, input.base, head);
  // The branch head is what `/migrate continue` builds on; the author names the person.
  return foreign
    ? { type: 'foreign', event: foundBeforeReset(head, foreign, deps.botLogin) }
    : { type: 'ok', head };
}

/**
 * The commits on the target's branch between `base` and `head` that a reset may not discard,
 * oldest first: neither provably the app's nor recorded in the marker as pushed by it.
 */
export async function listForeignCommits(
  deps: InstallationDeps,
  target: Target,
  base: string,
  head: string,
): Promise<CommitInfo[]> {
  const recorded = new Set(target.history.flatMap((attempt) => (attempt.sha ? [attempt.sha] : [])));
  const commits = await deps.host.listCommitsBetween(toRepoRef(target.repo), base, head);
  return commits.filter((commit) => !isAppCommit(commit, deps.botLogin) && !recorded.has(commit.sha));
}

function foundBeforeReset(
  head: string,
  commit: { authorLogin: string | null; verified?: boolean } | undefined,
  botLogin: string,
): HumanCommit {
  return { type: 'human-commit-detected', sha: head, ...withAuthor(commit, botLogin), beforeReset: true };
}

async function runCoder(
  deps: InstallationDeps,
  context: EffectContext,
  target: Target,
  effect: Extract<Effect, { type: 'run-coder' }>,
): Promise<TargetEvent> {
  const { migration } = context;
  const ref = toRepoRef(target.repo);
  const coderMigration: CoderMigration = {
    id: migration.id,
    title: migration.title,
    prompt: migration.prompt,
    allowWorkflowEdits: migration.coder.allowWorkflowEdits,
    allowedPaths: migration.coder.allowedPaths,
  };
  const history = effect.history.map((attempt) => ({
    iteration: attempt.iteration,
    summary: attempt.summary,
    files: attempt.files,
    result: attempt.result ?? attempt.outcome,
  }));
  const instruction = effect.instruction ? { instruction: effect.instruction } : {};
  const task: CoderTask =
    effect.mode === 'initial'
      ? { mode: 'initial', migration: coderMigration, repo: target.repo, ...instruction }
      : effect.mode === 'repair'
        ? {
            mode: 'repair',
            migration: coderMigration,
            repo: target.repo,
            report: effect.report ?? emptyReport(),
            history,
            ...instruction,
          }
        : {
            mode: 'judge-feedback',
            migration: coderMigration,
            repo: target.repo,
            requiredChanges: effect.requiredChanges ?? [],
            reasons: effect.reasons ?? [],
            history,
            ...instruction,
          };
  const policy = deps.view.policyFor(migration.id);
  // The per-repository budget is per attempt: a retry starts it afresh (see `budgetUsed`).
  const remainingRepo = migration.policy.maxCostPerRepoUsd - budgetUsed(target).costUsd;
  const remainingTotal = migration.policy.maxTotalUsd - (policy?.migrationSpentUsd ?? 0);
  const budget: CoderBudget = {
    maxTurns: migration.coder.maxTurns,
    maxOutputTokens: migration.coder.maxOutputTokens,
    maxCostUsd: Math.max(0, Math.min(remainingRepo, remainingTotal)),
    timeoutMs: migration.coder.timeoutMinutes * 60_000,
  };
  const tarball = await deps.host.downloadTarball(ref, effect.sha);
  const workspace = await deps.workspaces.fromTarball(tarball, { label: `${migration.id}-${ref.repo}` });
  try {
    const result = await deps.coderFor(migration.coder.model).run(task, workspace, budget);
    context.changeSet = result.changeSet;
    const files = [
      ...result.changeSet.additions.map((file) => file.path),
      ...result.changeSet.deletions.map((file) => file.path),
    ];
    return {
      type: 'coder-finished',
      result: {
        outcome: result.outcome,
        summary: result.summary,
        ...(result.reason ? { reason: result.reason } : {}),
        files,
        usage: result.usage,
      },
    };
  } finally {
    await workspace.dispose();
  }
}

/**
 * Guards + LLM judge on `headSha` (review-target.ts), turned into `judge-finished`. A verdict this
 * app already published on the SHA is reused (redelivery: no second model call, one comment, one
 * check run). A review that cannot run is an `effect-failed`, so the target backs off and retries.
 */
async function runJudge(
  deps: InstallationDeps,
  context: EffectContext,
  target: Target,
  pullNumber: number,
  headSha: string,
): Promise<TargetEvent[]> {
  const { migration } = context;
  const review = {
    ...reviewMigrationFromManifest(
      {
        id: migration.id,
        title: migration.title,
        judge: { criteria: migration.judge.criteria },
        scope: {
          allowedPaths: migration.coder.allowedPaths,
          allowWorkflowEdits: migration.coder.allowWorkflowEdits,
        },
        // The judge has its own output cap (manifest `model.judgeMaxOutputTokens`).
        model: { judge: migration.judge.model, maxOutputTokens: migration.judge.maxOutputTokens },
      },
      migration.prompt,
    ),
    guardLimits: migration.judge.guards.limits,
    guardSeverity: migration.judge.guards.severity,
  };
  const outcome = await reviewTarget(
    { gitHost: deps.host, judge: deps.judgeFor(migration.judge.model), log: deps.log },
    {
      repo: toRepoRef(target.repo),
      pullNumber,
      headSha,
      // Without the base commit there is no base report to compare test counts with.
      ...(target.baseSha === undefined ? { baseSha: headSha, testCounts: {} } : { baseSha: target.baseSha }),
      migration: review,
      ...(context.greenCi?.sha === headSha
        ? {
            ci: {
              conclusion: 'success' as const,
              summary: `CI passed on ${headSha.slice(0, 7)}: ${context.greenCi.passed} check run(s) and status(es) green.`,
            },
          }
        : {}),
      configRepo: deps.configRepo,
      appSlug: deps.appSlug,
    },
  );
  switch (outcome.type) {
    case 'approved':
    case 'rejected':
      context.review = { diffStat: outcome.diffStat, reviewNotes: outcome.reviewNotes };
      return [
        {
          type: 'judge-finished',
          headSha,
          verdict: outcome.type === 'approved' ? 'approve' : 'reject',
          reasons: outcome.reasons,
          requiredChanges: outcome.type === 'rejected' ? outcome.requiredChanges : [],
          usage: outcome.usage,
        },
      ];
    case 'error':
      if (outcome.code === 'pull-request-closed') {
        // Nothing to review; the closed webhook (or the next load of the target) ends it.
        deps.log.info(
          { migration: migration.id, repo: target.repo, pr: pullNumber },
          'PR closed before review',
        );
        return [];
      }
      return [
        failed('run-judge', {
          kind: outcome.code === 'stale-head' ? 'stale-head' : 'unexpected',
          message: `review not done (${outcome.code}): ${outcome.reason}`,
        }),
      ];
  }
}

/**
 * Hand-over (hand-over.ts): with `ownerApproved` false and an owner preview, label + one comment
 * for the owners; otherwise ready for review, reviewers requested, teams notified. hand-over reads
 * the PR first, so a redelivery requests and notifies nobody twice.
 */
async function runHandOver(
  deps: InstallationDeps,
  context: EffectContext,
  target: Target,
  pullNumber: number,
  ownerApproved: boolean,
): Promise<void> {
  const { migration } = context;
  let notificationsConfig: NotificationsConfig | undefined;
  if (ownerApproved && deps.notifications) {
    const loaded = await loadNotificationsConfig(deps.host, deps.configRepo, deps.log);
    if (loaded.type === 'loaded') notificationsConfig = loaded.config;
  }
  const outcome = await handOver(
    {
      gitHost: deps.host,
      clock: deps.clock,
      log: deps.log,
      ...(deps.notifications ? { notifications: deps.notifications } : {}),
    },
    {
      repo: toRepoRef(target.repo),
      pullNumber,
      migration: {
        id: migration.id,
        title: migration.title,
        review: migration.review,
        judgeCriteria: migration.judge.criteria,
      },
      botLogin: deps.botLogin,
      ownerApproved,
      ...(context.review ? context.review : {}),
      ...(notificationsConfig ? { notificationsConfig } : {}),
    },
  );
  if (context.pr && outcome.type === 'ready') context.pr = { ...context.pr, draft: false };
  deps.log.info(
    { migration: migration.id, repo: target.repo, pr: pullNumber, handOver: outcome.type },
    'PR handed over',
  );
}

/** When CI is red without a report (no Action, no logs), the coder still gets a valid report. */
function emptyReport(): FailureReport {
  return { schemaVersion: 1, conclusion: 'failure', tools: [], findings: [], dropped: [], truncated: false };
}

/** File list of the branch against its base, for a PR opened after a restart (no diff in memory). */
async function statFromGitHub(deps: InstallationDeps, target: Target): Promise<string | undefined> {
  if (target.baseSha === undefined || target.lastPushedSha === undefined) return undefined;
  const files = await deps.host.listChangedFiles(
    toRepoRef(target.repo),
    target.baseSha,
    target.lastPushedSha,
  );
  if (files.length === 0) return undefined;
  return ['```', ...files.slice(0, 50).map((file) => ` ${file.status.padEnd(8)} ${file.path}`), '```'].join(
    '\n',
  );
}

function failed(effect: string, error: EffectError): TargetEvent {
  return { type: 'effect-failed', effect, error };
}

/** Classifies a port error for `step`. */
export function classifyError(error: unknown): EffectError {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof StaleHeadError) return { kind: 'stale-head', message };
  if (error instanceof GitHostError) {
    const status = error.status;
    const kind: EffectError['kind'] =
      status === 429 || error.retryAfterSeconds !== undefined
        ? 'rate-limited'
        : status === 403
          ? 'forbidden'
          : status === 404
            ? 'not-found'
            : 'http';
    return status === undefined ? { kind, message } : { kind, status, message };
  }
  // CoderError (cannot run at all) and programming errors alike: retried with back-off.
  return { kind: 'unexpected', message };
}
