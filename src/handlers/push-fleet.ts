/**
 * `push`, for the fan-out (the config check is push.ts): a push to the config repo's default
 * branch re-reads the manifests and fans out; someone else's push to a `fleetwright/<id>` branch
 * pauses that target; a deleted `fleetwright/<id>` branch closes it. Guard, decode, enqueue.
 */
import type { Context } from 'probot';
import { parseBranchName } from '../core/markers/branch-name.ts';
import { onBranchDeleted, onBranchPushed, onConfigPushed } from '../workflows/enqueue.ts';
import { isConfigRepo } from './handler-deps.ts';
import type { FleetHandlerDeps } from './fleet-deps.ts';
import { findInstallationTarget } from './fleet-deps.ts';

export function onPushFleet(deps: FleetHandlerDeps) {
  return async (context: Context<'push'>): Promise<void> => {
    const target = findInstallationTarget(context);
    if (!target) return context.log.debug('No installation, skipping');
    const { repository, ref, after, deleted, sender } = context.payload;
    if (isConfigRepo(repository.name, deps.config)) {
      if (ref !== `refs/heads/${repository.default_branch}` || deleted)
        return context.log.debug({ ref }, 'Not the config default branch, skipping');
      const installation = await deps.fleet.forInstallation(target.installationId, target.org);
      const outcome = onConfigPushed(installation, { deliveryId: context.id });
      return context.log.info({ outcome }, 'Config repo pushed: fan-out queued');
    }
    if (!parseBranchName(ref)) return context.log.debug({ ref }, 'Not a fleetwright branch, skipping');
    if (!deleted && sender?.login === `${deps.appSlug}[bot]`)
      return context.log.debug({ ref }, 'Our own push, skipping');
    const installation = await deps.fleet.forInstallation(target.installationId, target.org);
    const branch = ref.slice('refs/heads/'.length);
    const input = { repo: target.repo, branch, deliveryId: context.id };
    const outcome = deleted
      ? onBranchDeleted(installation, input)
      : onBranchPushed(installation, { ...input, headSha: after });
    context.log.info({ repo: target.repo, branch, deleted, outcome }, 'Push to a fleetwright branch handled');
  };
}
