/**
 * The periodic tick (a timer in the wiring, every few minutes): wakes targets whose `wakeAt`
 * has passed (CI polling, timeouts → `stalled`, polls of stalled targets, error back-off) and
 * admits queued targets as rollout slots free up with time. Webhooks usually arrive first; the
 * tick makes the app correct without them (GitHub never redelivers a failed webhook on its own).
 * A waiting target without a `wakeAt` (a marker from before stalled targets were polled) still
 * gets a poll derived from when it last changed (src/core/target/ci-poll.ts).
 */
import { findPollAt } from '../core/target/ci-poll.ts';
import type { InstallationDeps } from './deps.ts';
import { targetJobKey } from './deps.ts';
import { admitAndEnqueue } from './fan-out.ts';

export interface TickResult {
  woken: number;
  admitted: number;
}

export function tick(deps: InstallationDeps): TickResult {
  if (!deps.view.reconciled && deps.loadMigrations) {
    // Start-up reconciliation failed (GitHub was down?): retry it rather than stay idle until
    // the next push to the config repo.
    deps.jobs.enqueue({
      key: `config#${deps.installationId}`,
      kind: 'default',
      payload: { type: 'reconcile', installationId: deps.installationId },
    });
  }
  const now = deps.clock.now().getTime();
  let woken = 0;
  let admitted = 0;
  for (const migration of deps.view.migrations()) {
    const policy = deps.view.policyFor(migration.id);
    for (const target of deps.view.targets(migration.id)) {
      const wakeAt = policy ? findPollAt(target, policy) : target.wakeAt;
      if (wakeAt === undefined || Date.parse(wakeAt) > now) continue;
      const result = deps.jobs.enqueue({
        key: targetJobKey(target.repo, migration.id),
        kind: 'coder',
        // One wake-up per scheduled time: a second timer firing early does not double the work.
        dedupeId: `tick:${targetJobKey(target.repo, migration.id)}:${wakeAt}`,
        payload: {
          type: 'advance',
          installationId: deps.installationId,
          migrationId: migration.id,
          repo: target.repo,
          event: { type: 'tick' },
        },
      });
      if (result.accepted) woken += 1;
    }
    admitted += admitAndEnqueue(deps, migration.id).admit.length;
  }
  return { woken, admitted };
}
