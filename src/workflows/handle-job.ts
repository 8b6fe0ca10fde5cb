/**
 * The queue's worker side: dispatches one `WorkflowJob` to its workflow. Errors that escape a
 * workflow (GitHub down while loading a target) are isolated here: the target is recorded as
 * `error` in the view with a back-off, so the tick retries it, and the queue carries on.
 */
import { step } from '../core/target/step.ts';
import { buildTarget } from '../core/target/target.ts';
import type { JobHandler } from '../ports/jobs.ts';
import { advanceTarget } from './advance-target.ts';
import type { InstallationDeps, WorkflowJob } from './deps.ts';
import { isSpentCiNews } from './enqueue.ts';
import { admitAndEnqueue, fanOut } from './fan-out.ts';
import { requestDashboardSync, requestDashboardSyncs, runDashboardSync } from './dashboard.ts';
import { reconcile } from './reconcile.ts';
import { runCommand } from './run-command.ts';
import { runDashboardCommand } from './run-dashboard-command.ts';
import { classifyError } from './run-effects.ts';
import { tick } from './tick.ts';

export type DepsResolver = (installationId: number) => InstallationDeps | Promise<InstallationDeps>;

export function buildJobHandler(depsFor: DepsResolver): JobHandler<WorkflowJob> {
  return async (payload) => {
    const deps = await depsFor(payload.installationId);
    switch (payload.type) {
      case 'advance':
        if (
          payload.event.type === 'ci-changed' &&
          isSpentCiNews(deps.view.findTarget(payload.migrationId, payload.repo), payload.event.headSha)
        ) {
          // The rest of a CI webhook burst whose first delivery already moved the target.
          deps.log.debug({ migration: payload.migrationId, repo: payload.repo }, 'Spent CI news, skipping');
          return;
        }
        try {
          await advanceTarget(deps, payload.migrationId, payload.repo, payload.event);
        } catch (error) {
          recordLoadError(deps, payload.migrationId, payload.repo, error);
          throw error;
        } finally {
          // A target that finished or failed may have freed a rollout slot.
          admitAndEnqueue(deps, payload.migrationId);
          requestDashboardSync(deps, payload.migrationId);
        }
        return;
      case 'command':
        try {
          await runCommand(deps, payload);
        } finally {
          admitAndEnqueue(deps, payload.migrationId);
          requestDashboardSync(deps, payload.migrationId);
        }
        return;
      case 'dashboard':
        await runDashboardSync(deps, payload.migrationId);
        return;
      case 'dashboard-command':
        await runDashboardCommand(deps, payload);
        return;
      case 'fan-out': {
        const migration = deps.view.findMigration(payload.migrationId);
        if (migration) await fanOut(deps, migration);
        requestDashboardSync(deps, payload.migrationId);
        return;
      }
      case 'tick':
        tick(deps);
        requestDashboardSyncs(deps);
        return;
      case 'reconcile':
        await reconcile(deps);
        requestDashboardSyncs(deps);
        return;
    }
  };
}

function recordLoadError(deps: InstallationDeps, migrationId: string, repo: string, error: unknown): void {
  const policy = deps.view.policyFor(migrationId);
  const migration = deps.view.findMigration(migrationId);
  if (!policy || !migration) return;
  const now = deps.clock.now();
  const current =
    deps.view.findTarget(migrationId, repo) ??
    buildTarget({ migrationId, manifestRevision: migration.revision, repo, now });
  const transition = step(
    current,
    { type: 'effect-failed', effect: 'load-target', error: classifyError(error) },
    policy,
    now,
  );
  if (transition.outcome === 'applied') deps.view.putTarget(transition.target);
}
