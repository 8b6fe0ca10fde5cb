/**
 * CI news: `check_suite.completed`, `check_run.completed`, `workflow_run.completed` and `status`.
 * There is no single "CI finished" event, so each one only says "CI changed on this SHA of this
 * branch"; the workflow aggregates. Guard, decode, enqueue.
 */
import type { Context } from 'probot';
import { onCiChanged } from '../workflows/enqueue.ts';
import type { FleetHandlerDeps } from './fleet-deps.ts';
import { findInstallationTarget } from './fleet-deps.ts';

async function ciChanged(
  deps: FleetHandlerDeps,
  context: Context,
  branches: (string | null)[],
  sha: string,
): Promise<void> {
  const target = findInstallationTarget(context);
  if (!target) return context.log.debug('No installation or repository, skipping');
  const installation = await deps.fleet.forInstallation(target.installationId, target.org);
  for (const branch of branches.length > 0 ? branches : [null]) {
    const outcome = onCiChanged(installation, {
      repo: target.repo,
      branch,
      headSha: sha,
      deliveryId: context.id,
    });
    context.log.debug({ repo: target.repo, branch, sha, outcome }, 'CI change handled');
  }
}

export function onCheckSuiteCompleted(deps: FleetHandlerDeps) {
  return async (context: Context<'check_suite.completed'>): Promise<void> => {
    const suite = context.payload.check_suite;
    if (suite.app?.slug === deps.appSlug) return context.log.debug('Our own check suite, skipping');
    await ciChanged(deps, context, [suite.head_branch], suite.head_sha);
  };
}

export function onCheckRunCompleted(deps: FleetHandlerDeps) {
  return async (context: Context<'check_run.completed'>): Promise<void> => {
    const run = context.payload.check_run;
    if (run.app?.slug === deps.appSlug) return context.log.debug('Our own check run, skipping');
    await ciChanged(deps, context, [run.check_suite?.head_branch ?? null], run.head_sha);
  };
}

export function onWorkflowRunCompleted(deps: FleetHandlerDeps) {
  return async (context: Context<'workflow_run.completed'>): Promise<void> => {
    const run = context.payload.workflow_run;
    await ciChanged(deps, context, [run.head_branch], run.head_sha);
  };
}

export function onStatus(deps: FleetHandlerDeps) {
  return async (context: Context<'status'>): Promise<void> => {
    if (context.payload.state === 'pending') return context.log.debug('Pending status, skipping');
    await ciChanged(
      deps,
      context,
      context.payload.branches.map((branch) => branch.name),
      context.payload.sha,
    );
  };
}
