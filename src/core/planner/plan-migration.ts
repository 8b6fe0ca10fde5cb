/**
 * Merging a (new or edited) selection into a migration's known targets. Targets that have not
 * started take the latest manifest revision (a manifest edit reaches them); started targets keep
 * theirs and are never dropped, whatever the new selection says.
 */
import { normalizeSignature } from '../target/normalize-signature.ts';
import type { Target } from '../target/target.ts';
import { buildTarget } from '../target/target.ts';
import type { Selection } from './select-targets.ts';

/** Not started: the planner may still change or drop it. */
export function isUnstarted(target: Target): boolean {
  // A retried PR (or one to regenerate on a moved base) waiting for a coder slot has started: its
  // PR stays whatever the selection says.
  if (target.state === 'queued') return target.prNumber === undefined;
  // Skips decided by selection (not by a baseline run) are re-decided on every plan.
  return (
    target.state === 'skipped' &&
    target.failure?.class === 'ineligible' &&
    target.prNumber === undefined &&
    target.iteration === 0
  );
}

/**
 * The migration's targets after applying `selections` (sorted by repository). `existing` may hold
 * targets of repositories no longer selected: unstarted ones are dropped, started ones kept.
 */
export function planTargets(input: {
  migrationId: string;
  revision: string;
  existing: readonly Target[];
  selections: readonly Selection[];
  now: Date;
}): Target[] {
  const byRepo = new Map(input.existing.map((target) => [target.repo.toLowerCase(), target]));
  const planned = new Map<string, Target>();
  for (const selection of input.selections) {
    const key = selection.repo.toLowerCase();
    const current = byRepo.get(key);
    if (current && !isUnstarted(current)) {
      planned.set(key, current);
      continue;
    }
    const base =
      current ??
      buildTarget({
        migrationId: input.migrationId,
        manifestRevision: input.revision,
        repo: selection.repo,
        now: input.now,
      });
    planned.set(
      key,
      applySelection(
        { ...base, manifestRevision: input.revision, baseRef: selection.defaultBranch },
        selection,
        input.now,
      ),
    );
  }
  for (const [key, target] of byRepo) {
    if (!planned.has(key) && !isUnstarted(target)) planned.set(key, target);
  }
  return [...planned.values()].sort((a, b) => a.repo.localeCompare(b.repo));
}

function applySelection(target: Target, selection: Selection, now: Date): Target {
  const at = now.toISOString();
  if (selection.decision === 'target') {
    if (target.state === 'queued') return target;
    const queued: Target = { ...target, state: 'queued', updatedAt: at, stateSince: at };
    delete queued.reason;
    delete queued.detail;
    delete queued.failure;
    return queued;
  }
  if (target.state === 'skipped' && target.reason === selection.reason) return target;
  return {
    ...target,
    state: 'skipped',
    reason: selection.reason,
    failure: {
      class: 'ineligible',
      signature: normalizeSignature({ message: `repository ${selection.reason}` }),
    },
    updatedAt: at,
    stateSince: at,
  };
}
