/**
 * Advances one target by one event:
 * 1. load its state from GitHub (PR marker, labels, branch) or the view (no PR yet);
 * 2. step every observation, then the event, through the pure state machine;
 * 3. run the effects each transition asks for, feeding their results back as events;
 * 4. save the marker once at the end (and before a coder run, so a crash cannot lose an
 *    iteration's count or cost).
 * Runs inside a job keyed by repo + migration, so two advances of one target never overlap.
 */
import { updatePrBody } from '../core/pr-body.ts';
import type { Effect } from '../core/target/effects.ts';
import type { TargetEvent } from '../core/target/events.ts';
import { step } from '../core/target/step.ts';
import type { Target } from '../core/target/target.ts';
import type { InstallationDeps } from './deps.ts';
import { toRepoRef } from './deps.ts';
import { loadTarget } from './load-target.ts';
import type { LoadedTarget } from './load-target.ts';
import { totalRequests } from './paced-git-host.ts';
import type { EffectContext } from './run-effects.ts';
import { classifyError, runEffect, templateValues } from './run-effects.ts';

/** A bound on transitions per advance: a bug in `step` must not spin forever. */
const MAX_TRANSITIONS = 40;

export interface AdvanceResult {
  /** The target after the advance; `undefined` when the migration is unknown or the PR unmanaged. */
  target?: Target;
  /** Outcome of every stepped event, in order (logs and tests). */
  outcomes: { event: TargetEvent['type']; outcome: string; note?: string }[];
  skipped?: 'unknown-migration' | 'unmanaged-pr';
  /** GitHub requests made by this advance, loading included (unless preloaded), when deps count them. */
  requests?: number;
}

export async function advanceTarget(
  deps: InstallationDeps,
  migrationId: string,
  repo: string,
  event: TargetEvent,
  /**
   * The target as the caller just loaded it for this same job (`loadTarget`), so it is not read
   * from GitHub twice; nothing else advances the target in between (the job is the target's).
   */
  preloaded?: LoadedTarget,
): Promise<AdvanceResult> {
  const migration = deps.view.findMigration(migrationId);
  if (!migration) {
    deps.log.debug({ migration: migrationId, repo }, 'Unknown migration, skipping');
    return { outcomes: [], skipped: 'unknown-migration' };
  }
  const requestsBefore = deps.requestCounts ? totalRequests(deps.requestCounts) : 0;
  const loaded = preloaded ?? (await loadTarget(deps, migration, repo, event));
  if (loaded.status === 'unmanaged') {
    deps.log.warn(
      { migration: migrationId, repo, pr: loaded.pr.number, reason: loaded.reason },
      'PR marker unreadable, leaving the PR alone',
    );
    return { outcomes: [], skipped: 'unmanaged-pr' };
  }
  let target = loaded.target;
  deps.view.putTarget(target);
  const context: EffectContext = { migration, markerDirty: false, ...(loaded.pr ? { pr: loaded.pr } : {}) };
  const queue: TargetEvent[] = [...loaded.observations, event];
  const outcomes: AdvanceResult['outcomes'] = [];

  for (let transitions = 0; queue.length > 0; transitions += 1) {
    if (transitions >= MAX_TRANSITIONS) {
      deps.log.error(
        { migration: migrationId, repo, state: target.state },
        'Too many transitions in one advance',
      );
      break;
    }
    const next = queue.shift() as TargetEvent;
    const policy = deps.view.policyFor(migrationId);
    if (!policy) break;
    const transition = step(target, next, policy, deps.clock.now());
    outcomes.push({
      event: next.type,
      outcome: transition.outcome,
      ...(transition.note ? { note: transition.note } : {}),
    });
    if (transition.outcome !== 'applied') {
      deps.log.debug(
        {
          migration: migrationId,
          repo,
          event: next.type,
          outcome: transition.outcome,
          note: transition.note,
        },
        'Event ignored',
      );
      continue;
    }
    if (transition.target.state !== target.state) {
      deps.log.info(
        {
          migration: migrationId,
          repo,
          from: target.state,
          to: transition.target.state,
          reason: transition.target.reason,
        },
        'Target moved',
      );
    }
    target = transition.target;
    deps.view.putTarget(target);
    for (const effect of transition.effects) {
      if (effect.type === 'run-coder') await saveMarker(deps, context, target);
      const produced = await runEffectSafely(deps, context, target, effect);
      queue.push(...produced);
      // A failure, or a foreign commit found before a reset, voids the rest of the transition.
      if (produced.some((item) => item.type === 'effect-failed' || item.type === 'human-commit-detected'))
        break;
    }
  }
  await saveMarker(deps, context, target);
  const requests = deps.requestCounts ? totalRequests(deps.requestCounts) - requestsBefore : undefined;
  deps.log.debug(
    { migration: migrationId, repo, state: target.state, events: outcomes.length, requests },
    'Target advanced',
  );
  return { target, outcomes, ...(requests === undefined ? {} : { requests }) };
}

async function runEffectSafely(
  deps: InstallationDeps,
  context: EffectContext,
  target: Target,
  effect: Effect,
): Promise<TargetEvent[]> {
  try {
    return await runEffect(deps, context, target, effect);
  } catch (error) {
    const classified = classifyError(error);
    deps.log.warn(
      { migration: target.migrationId, repo: target.repo, effect: effect.type, error: classified },
      'Effect failed',
    );
    return [{ type: 'effect-failed', effect: effect.type, error: classified }];
  }
}

/** Writes the marker (and status section) if asked for and different; never over a marker it cannot read. */
async function saveMarker(deps: InstallationDeps, context: EffectContext, target: Target): Promise<void> {
  const pr = context.pr;
  if (!context.markerDirty || !pr) return;
  context.markerDirty = false;
  const body = updatePrBody(pr.body, target, templateValues(context.migration, target));
  if (body === undefined) {
    deps.log.warn(
      { migration: target.migrationId, repo: target.repo, pr: pr.number },
      'PR marker unreadable, not overwriting it',
    );
    return;
  }
  if (body === pr.body) return;
  if (context.migration.policy.dryRun) {
    deps.log.info(
      { migration: target.migrationId, repo: target.repo, pr: pr.number },
      '[dry-run] would update the PR marker',
    );
    return;
  }
  try {
    await deps.host.updatePullRequest(toRepoRef(target.repo), pr.number, { body });
    context.pr = { ...pr, body };
  } catch (error) {
    // The next advance re-reads the marker and tries again; the decision itself stands.
    deps.log.warn(
      { migration: target.migrationId, repo: target.repo, pr: pr.number, error: classifyError(error) },
      'Could not save the PR marker',
    );
  }
}
