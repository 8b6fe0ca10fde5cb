/**
 * Fan-out of one migration (a manifest landed or changed, or the app restarted):
 * 1. list the installation's repositories and select the targets (skips carry their reason);
 *    (outcomes without a PR come back from the ledger in the dashboard issue first);
 * 2. for repositories never looked at, find an existing PR on `fleetwright/<id>` first and adopt
 *    its marker, so a rerun never opens a second PR;
 * 3. merge the selection into the known targets (edits reach only unstarted targets);
 * 4. admit queued targets under the rollout limits and enqueue their work;
 * 5. resume adopted targets that were mid-flight.
 */
import { renderBranchName } from '../core/markers/branch-name.ts';
import { parseStateMarker } from '../core/markers/state-marker.ts';
import type { Migration } from '../core/migration.ts';
import type { AdmissionBlock } from '../core/planner/admit-targets.ts';
import { admitTargets } from '../core/planner/admit-targets.ts';
import { planTargets } from '../core/planner/plan-migration.ts';
import type { SkipReason } from '../core/planner/select-targets.ts';
import { selectTargets } from '../core/planner/select-targets.ts';
import type { TargetEvent } from '../core/target/events.ts';
import { step } from '../core/target/step.ts';
import type { Target } from '../core/target/target.ts';
import type { RepoInfo } from '../ports/git-host.ts';
import type { InstallationDeps } from './deps.ts';
import { targetJobKey, toRepoRef } from './deps.ts';
import { loadLedger } from './ledger.ts';

export interface FanOutResult {
  targets: number;
  skipped: { repo: string; reason: SkipReason }[];
  /** `repos` entries naming no repository of the installation. */
  missing: string[];
  /** Targets with an existing PR adopted from its marker in this run. */
  adopted: string[];
  admitted: string[];
  waiting: number;
  blockedBy?: AdmissionBlock;
}

/** How many repositories are probed for an existing PR at once. */
const DISCOVERY_CONCURRENCY = 4;

/** States in which an adopted target has work pending right away. */
const RESUME_STATES: ReadonlySet<Target['state']> = new Set([
  'awaiting-ci',
  'repairing',
  'drafting',
  'error',
  'judging',
]);

export async function fanOut(
  deps: InstallationDeps,
  migration: Migration,
  options: { repos?: RepoInfo[] } = {},
): Promise<FanOutResult> {
  deps.view.setMigration(migration);
  await loadLedger(deps, migration);
  // The config repo is never a target: a migration must not rewrite the manifests that drive it.
  const repos = (options.repos ?? (await deps.host.listRepositories())).filter(
    (repo) =>
      repo.owner.toLowerCase() !== deps.configRepo.owner.toLowerCase() ||
      repo.repo.toLowerCase() !== deps.configRepo.repo.toLowerCase(),
  );
  const { selections, missing } = selectTargets(repos, migration.selector, deps.org);

  const toDiscover = selections
    .filter(
      (selection) => selection.decision === 'target' && !deps.view.isDiscovered(migration.id, selection.repo),
    )
    .map((selection) => selection.repo);
  const adopted = await discover(deps, migration, toDiscover);

  const planned = planTargets({
    migrationId: migration.id,
    revision: migration.revision,
    existing: deps.view.targets(migration.id),
    selections,
    now: deps.clock.now(),
  });
  deps.view.setTargets(migration.id, planned);

  const admission = admitAndEnqueue(deps, migration.id);
  for (const repo of adopted) {
    const target = deps.view.findTarget(migration.id, repo);
    if (target && RESUME_STATES.has(target.state)) enqueueTick(deps, migration.id, repo);
  }
  const skipped = selections.flatMap((selection) =>
    selection.decision === 'skip' ? [{ repo: selection.repo, reason: selection.reason }] : [],
  );
  deps.log.info(
    {
      migration: migration.id,
      targets: planned.length,
      skipped: skipped.length,
      admitted: admission.admit.length,
      waiting: admission.waiting,
      blockedBy: admission.blockedBy,
    },
    'Fan-out planned',
  );
  return {
    targets: planned.length,
    skipped,
    missing,
    adopted,
    admitted: admission.admit,
    waiting: admission.waiting,
    ...(admission.blockedBy ? { blockedBy: admission.blockedBy } : {}),
  };
}

/**
 * Admits what the rollout limits allow and enqueues their work. The `admitted` transition is
 * applied to the view right away, so the slot is reserved before the job runs and a second
 * admission pass (a tick, another webhook) cannot overbook it. A target without a PR lives in the
 * view, so its job is a `tick` (at baseline it reads the baseline); a retried PR (or one to
 * regenerate on a moved base) is loaded from its marker, which still says `queued`, so its job
 * carries the `admitted` event itself.
 * `options.runHere`: the caller is that target's job and runs its `admitted` event itself
 * (`admittedEvent`), so no second job is queued for it.
 */
export function admitAndEnqueue(
  deps: InstallationDeps,
  migrationId: string,
  options: { runHere?: string } = {},
): ReturnType<typeof admitTargets> {
  const migration = deps.view.findMigration(migrationId);
  const policy = deps.view.policyFor(migrationId);
  if (!migration || !policy) return { admit: [], waiting: 0 };
  const now = deps.clock.now();
  const admission = admitTargets(deps.view.targets(migrationId), policy, now);
  if (!migration.policy.dryRun && !deps.view.isLedgerLoaded(migrationId)) {
    // The dashboard issue (ledger and a `/migrate pause`) could not be read yet: admitting now
    // could ignore an owner's pause after a restart. Fail closed; the next dashboard sync (every
    // tick while the dashboard is out of date) reads it, and the tick after that admits.
    if (admission.admit.length > 0) {
      deps.log.info(
        { migration: migrationId, waiting: admission.admit.length },
        'Dashboard not read yet: admissions wait for it',
      );
    }
    return { admit: [], waiting: admission.waiting + admission.admit.length };
  }
  if (admission.wouldAdmit && admission.wouldAdmit.length > 0) {
    deps.log.info({ migration: migrationId, repos: admission.wouldAdmit }, '[dry-run] would admit targets');
  }
  for (const repo of admission.admit) {
    const target = deps.view.findTarget(migrationId, repo);
    if (!target) continue;
    const event = admittedEvent(migration, target);
    const transition = step(target, event, policy, now);
    if (transition.outcome !== 'applied') continue;
    deps.view.putTarget(transition.target);
    if (repo === options.runHere) continue;
    if (target.prNumber !== undefined) {
      deps.jobs.enqueue({
        key: targetJobKey(repo, migrationId),
        kind: 'coder',
        payload: { type: 'advance', installationId: deps.installationId, migrationId, repo, event },
      });
      continue;
    }
    // The job reads the baseline: a `tick` at baseline does exactly that.
    enqueueTick(deps, migrationId, repo, 'coder');
  }
  return admission;
}

/** The `admitted` event for `target`: the manifest's latest revision, the target's base branch. */
export function admittedEvent(
  migration: Migration,
  target: Target,
): Extract<TargetEvent, { type: 'admitted' }> {
  return { type: 'admitted', revision: migration.revision, baseRef: target.baseRef ?? 'HEAD' };
}

/** Enqueues a `tick` advance for one target. */
export function enqueueTick(
  deps: InstallationDeps,
  migrationId: string,
  repo: string,
  kind: 'coder' | 'default' = 'coder',
): void {
  deps.jobs.enqueue({
    key: targetJobKey(repo, migrationId),
    kind,
    payload: {
      type: 'advance',
      installationId: deps.installationId,
      migrationId,
      repo,
      event: { type: 'tick' },
    },
  });
}

/** Finds existing PRs on the migration's branch; adopts readable markers into the view. */
async function discover(
  deps: InstallationDeps,
  migration: Migration,
  repos: readonly string[],
): Promise<string[]> {
  const branch = renderBranchName(migration.id);
  const adopted: string[] = [];
  let index = 0;
  const worker = async (): Promise<void> => {
    while (index < repos.length) {
      const repo = repos[index++] as string;
      const known = deps.view.findTarget(migration.id, repo);
      if (
        known &&
        known.state !== 'queued' &&
        !(known.state === 'skipped' && known.failure?.class === 'ineligible')
      ) {
        deps.view.markDiscovered(migration.id, repo);
        continue;
      }
      const pr = await deps.host.findPullRequestForBranch(toRepoRef(repo), branch);
      deps.view.markDiscovered(migration.id, repo);
      if (!pr) continue;
      const parsed = parseStateMarker(pr.body);
      if (parsed.status === 'ok' && parsed.target.migrationId === migration.id) {
        let target: Target = { ...parsed.target, prNumber: pr.number };
        const policy = deps.view.policyFor(migration.id);
        if (pr.state === 'closed' && policy) {
          // People closed or merged it while we were not looking: the marker cannot know.
          target = step(
            target,
            { type: pr.merged ? 'pr-merged' : 'pr-closed' },
            policy,
            deps.clock.now(),
          ).target;
        }
        deps.view.putTarget(target);
        adopted.push(repo);
      } else {
        // A PR on our branch that we cannot read: hold the repo out of admission, never open another.
        deps.log.warn(
          { migration: migration.id, repo, pr: pr.number, marker: parsed.status },
          'PR on the migration branch without a readable marker',
        );
        const now = deps.clock.now().toISOString();
        deps.view.putTarget({
          ...(known ?? {
            migrationId: migration.id,
            manifestRevision: migration.revision,
            repo,
            iteration: 0,
            usage: { inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0, costUsd: 0 },
            history: [],
            errorCount: 0,
            createdAt: now,
          }),
          state: 'paused',
          reason: 'foreign-branch',
          detail: `PR #${pr.number} on ${branch} has no readable fleetwright marker`,
          failure: { class: 'human', signature: 'PR without a readable marker' },
          prNumber: pr.number,
          updatedAt: now,
          stateSince: now,
        });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(DISCOVERY_CONCURRENCY, repos.length) }, worker));
  return adopted.sort();
}
