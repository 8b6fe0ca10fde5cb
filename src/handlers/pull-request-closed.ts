/** `pull_request.closed`: a fleetwright PR was merged or closed by a person. Guard, decode, enqueue. */
import type { Context } from 'probot';
import { onPullRequestClosed as enqueueClosed } from '../workflows/enqueue.ts';
import type { FleetHandlerDeps } from './fleet-deps.ts';
import { findInstallationTarget } from './fleet-deps.ts';

export function onPullRequestClosed(deps: FleetHandlerDeps) {
  return async (context: Context<'pull_request.closed'>): Promise<void> => {
    const target = findInstallationTarget(context);
    if (!target) return context.log.debug('No installation, skipping');
    const pr = context.payload.pull_request;
    const installation = await deps.fleet.forInstallation(target.installationId, target.org);
    const outcome = enqueueClosed(installation, {
      repo: target.repo,
      branch: pr.head.ref,
      merged: pr.merged === true,
      deliveryId: context.id,
    });
    context.log.debug({ repo: target.repo, pr: pr.number, outcome }, 'PR closed handled');
  };
}
