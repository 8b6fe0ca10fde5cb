/**
 * What webhook handlers call after guarding and decoding: each function turns one decoded
 * webhook into queued work and returns at once (GitHub gives a delivery 10 seconds). Dedupe is
 * on the delivery id (`X-GitHub-Delivery`), so a redelivered webhook does nothing twice.
 *
 * Wiring (see the report / README): push on the config repo's default branch → `onConfigPushed`;
 * `check_suite.completed`, `check_run.completed`, `workflow_run.completed`, `status` →
 * `onCiChanged`; `pull_request.closed` → `onPullRequestClosed`; `push` to a fleetwright branch
 * → `onBranchPushed`; `delete` of a fleetwright branch → `onBranchDeleted`; a timer → `onTimer`.
 */
import { parseCommand } from '../core/commands/parse-command.ts';
import { parseBranchName } from '../core/markers/branch-name.ts';
import type { TargetEvent } from '../core/target/events.ts';
import type { Target } from '../core/target/target.ts';
import type { EnqueueResult } from '../ports/jobs.ts';
import { dashboardJobKey } from './dashboard.ts';
import type { InstallationDeps } from './deps.ts';
import { targetJobKey, toRepoRef } from './deps.ts';
import { classifyError } from './run-effects.ts';

export type EnqueueOutcome =
  | 'enqueued'
  | 'duplicate'
  | 'not-ours'
  | 'closed'
  | 'no-target'
  | 'stale'
  | 'not-a-command'
  | 'lookup-failed';

function outcomeOf(result: EnqueueResult): EnqueueOutcome {
  return result.accepted ? 'enqueued' : result.reason;
}

function enqueueAdvance(
  deps: InstallationDeps,
  input: {
    repo: string;
    migrationId: string;
    event: TargetEvent;
    deliveryId: string;
    kind?: 'coder' | 'default';
  },
): EnqueueOutcome {
  return outcomeOf(
    deps.jobs.enqueue({
      key: targetJobKey(input.repo, input.migrationId),
      kind: input.kind ?? 'coder',
      // One delivery can concern several targets: the key makes the dedupe id per target.
      dedupeId: `${input.deliveryId}:${targetJobKey(input.repo, input.migrationId)}`,
      payload: {
        type: 'advance',
        installationId: deps.installationId,
        migrationId: input.migrationId,
        repo: input.repo,
        event: input.event,
      },
    }),
  );
}

/** A push on the config repo's default branch: re-read manifests and fan out. */
export function onConfigPushed(deps: InstallationDeps, input: { deliveryId: string }): EnqueueOutcome {
  return outcomeOf(
    deps.jobs.enqueue({
      key: `config#${deps.installationId}`,
      kind: 'default',
      dedupeId: input.deliveryId,
      payload: { type: 'reconcile', installationId: deps.installationId },
    }),
  );
}

/** States in which CI news about the last pushed commit can still change a target. */
const WAITING_ON_CI: ReadonlySet<Target['state']> = new Set(['awaiting-ci', 'judging', 'stalled']);

/**
 * Whether a `ci-changed` for `headSha` is news the target has already acted on: CI about the
 * app's last push while the target is no longer waiting on it (one CI run sends a burst of
 * webhooks; the first moves the target, the rest are spent). Checked again when the job runs,
 * because the burst is queued before the first one moved the target; a person's push carries
 * another SHA and is never spent.
 */
export function isSpentCiNews(known: Target | undefined, headSha: string): boolean {
  return known !== undefined && known.lastPushedSha === headSha && !WAITING_ON_CI.has(known.state);
}

/**
 * CI changed on a commit. On a fleetwright branch it concerns that target (`ci-changed`; stale
 * SHAs are dropped by `step`); on a default branch it may settle the baseline of waiting targets.
 */
export function onCiChanged(
  deps: InstallationDeps,
  input: { repo: string; branch: string | null; headSha: string; deliveryId: string },
): EnqueueOutcome {
  const parsed = input.branch === null ? undefined : parseBranchName(input.branch);
  if (parsed) {
    if (!deps.view.findMigration(parsed.migrationId)) return 'not-ours';
    // Cheap pre-filter on the view (kept current by every advance in this process and rebuilt
    // from markers on start-up): CI news for a commit other than our last push, or for a target
    // that is not waiting for CI, cannot change anything, so it costs no request. Human pushes
    // come through `onBranchPushed`, which always loads from GitHub. A target still `judging`
    // lost its verdict (a crash mid-review): CI news reviews it again. A target stalled on the
    // CI timeout still takes CI that finishes late (step.ts rule 7).
    const known = deps.view.findTarget(parsed.migrationId, input.repo);
    if (
      known &&
      (!WAITING_ON_CI.has(known.state) ||
        (known.lastPushedSha !== undefined && known.lastPushedSha !== input.headSha))
    ) {
      deps.log.debug(
        { migration: parsed.migrationId, repo: input.repo, state: known.state, sha: input.headSha },
        'CI event cannot change the target, skipping',
      );
      return 'stale';
    }
    return enqueueAdvance(deps, {
      repo: input.repo,
      migrationId: parsed.migrationId,
      event: { type: 'ci-changed', headSha: input.headSha },
      deliveryId: input.deliveryId,
      kind: 'coder',
    });
  }
  let outcome: EnqueueOutcome = 'no-target';
  for (const migration of deps.view.migrations()) {
    const target = deps.view.findTarget(migration.id, input.repo);
    if (target?.state !== 'baseline') continue;
    outcome = enqueueAdvance(deps, {
      repo: input.repo,
      migrationId: migration.id,
      event: { type: 'tick' },
      deliveryId: input.deliveryId,
    });
  }
  return outcome;
}

/**
 * A branch event (PR closed, push, deletion) for the target a fleetwright branch names; events on
 * other branches, or on a migration this installation does not know, are 'not-ours'.
 */
function enqueueOnOurBranch(
  deps: InstallationDeps,
  input: { repo: string; branch: string; deliveryId: string },
  event: TargetEvent,
): EnqueueOutcome {
  const parsed = parseBranchName(input.branch);
  if (!parsed || !deps.view.findMigration(parsed.migrationId)) return 'not-ours';
  return enqueueAdvance(deps, {
    repo: input.repo,
    migrationId: parsed.migrationId,
    event,
    deliveryId: input.deliveryId,
    kind: 'default',
  });
}

/** A PR on a fleetwright branch was closed or merged. */
export function onPullRequestClosed(
  deps: InstallationDeps,
  input: { repo: string; branch: string; merged: boolean; deliveryId: string },
): EnqueueOutcome {
  return enqueueOnOurBranch(deps, input, { type: input.merged ? 'pr-merged' : 'pr-closed' });
}

/**
 * A push to a fleetwright branch by someone other than the app (the handler drops the app's own
 * pushes by sender). Loading the target compares the head with the last pushed SHA and pauses.
 */
export function onBranchPushed(
  deps: InstallationDeps,
  input: { repo: string; branch: string; headSha: string; deliveryId: string },
): EnqueueOutcome {
  return enqueueOnOurBranch(deps, input, { type: 'ci-changed', headSha: input.headSha });
}

/** A fleetwright branch was deleted. */
export function onBranchDeleted(
  deps: InstallationDeps,
  input: { repo: string; branch: string; deliveryId: string },
): EnqueueOutcome {
  return enqueueOnOurBranch(deps, input, { type: 'branch-deleted' });
}

/**
 * Whether a comment carries a `/migrate` line (valid or not): the cheap check handlers make
 * before anything costs a request. Pure.
 */
export function isCommandComment(body: string | null | undefined): boolean {
  return parseCommand(body).type !== 'none';
}

/**
 * A `/migrate` comment on a pull request (the handler has dropped bots and plain comments). The
 * webhook does not name the PR's branch, so this reads the PR (one request), keeps only PRs on a
 * fleetwright branch of a known migration, and queues the command on that target's key: it runs
 * after, never during, another advance of the same target. A PR fleetwright does not manage is
 * ignored without a trace.
 */
export async function onCommandComment(
  deps: InstallationDeps,
  input: {
    repo: string;
    prNumber: number;
    commentId: number;
    body: string;
    commenter: { login: string; type: string };
    deliveryId: string;
  },
): Promise<EnqueueOutcome> {
  const parsed = parseCommand(input.body);
  if (parsed.type === 'none') return 'not-a-command';
  // No migration known in this installation: no PR can be ours, and no request is spent finding out.
  if (deps.view.migrations().length === 0) return 'not-ours';
  let headRef: string;
  try {
    headRef = (await deps.host.getPullRequest(toRepoRef(input.repo), input.prNumber)).headRef;
  } catch (error) {
    deps.log.warn(
      { repo: input.repo, pr: input.prNumber, error: classifyError(error) },
      'Could not read the PR of a /migrate comment; the command is not run',
    );
    return 'lookup-failed';
  }
  const branch = parseBranchName(headRef);
  if (!branch || !deps.view.findMigration(branch.migrationId)) return 'not-ours';
  // Commands that may reach the state machine can lead to a coder run (`continue` on red CI).
  const reachesStep = parsed.type === 'command' && !['status', 'help'].includes(parsed.command.name);
  const key = targetJobKey(input.repo, branch.migrationId);
  return outcomeOf(
    deps.jobs.enqueue({
      key,
      kind: reachesStep ? 'coder' : 'default',
      dedupeId: `${input.deliveryId}:${key}`,
      payload: {
        type: 'command',
        installationId: deps.installationId,
        migrationId: branch.migrationId,
        repo: input.repo,
        prNumber: input.prNumber,
        commentId: input.commentId,
        body: input.body,
        commenter: input.commenter,
      },
    }),
  );
}

/**
 * A `/migrate` comment on a migration's dashboard issue in the config repo (the handler has
 * dropped bots, plain comments and issues that are not the app's dashboard). Queued on the
 * dashboard's key, once per comment: the same comment delivered twice runs once.
 */
export function onDashboardComment(
  deps: InstallationDeps,
  input: {
    migrationId: string;
    issueNumber: number;
    commentId: number;
    body: string;
    commenter: { login: string; type: string };
  },
): EnqueueOutcome {
  if (parseCommand(input.body).type === 'none') return 'not-a-command';
  if (!deps.view.findMigration(input.migrationId)) return 'not-ours';
  return outcomeOf(
    deps.jobs.enqueue({
      key: dashboardJobKey(deps.installationId, input.migrationId),
      kind: 'default',
      dedupeId: `dashboard-comment:${input.commentId}`,
      payload: {
        type: 'dashboard-command',
        installationId: deps.installationId,
        migrationId: input.migrationId,
        issueNumber: input.issueNumber,
        commentId: input.commentId,
        body: input.body,
        commenter: input.commenter,
      },
    }),
  );
}

/** The periodic timer (and start-up, after `reconcile`). */
export function onTimer(deps: InstallationDeps): EnqueueOutcome {
  return outcomeOf(
    deps.jobs.enqueue({
      key: `tick#${deps.installationId}`,
      kind: 'default',
      payload: { type: 'tick', installationId: deps.installationId },
    }),
  );
}
