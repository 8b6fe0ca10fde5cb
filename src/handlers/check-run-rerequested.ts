/**
 * "Re-run" on the `fleetwright/manifests` check: `check_run.rerequested` (one check) or
 * `check_suite.rerequested` ("Re-run all checks"; GitHub sends both only to the app that owns
 * the run or suite). Validate that commit again. Guard, decode, delegate.
 */
import type { Context } from 'probot';
import { MANIFEST_CHECK_NAME, validateConfigRepo } from '../workflows/validate-config-repo.ts';
import { isConfigRepo } from './handler-deps.ts';
import type { HandlerDeps } from './handler-deps.ts';

export function onCheckRunRerequested(deps: HandlerDeps) {
  return async (context: Context<'check_run.rerequested'>): Promise<void> => {
    const { check_run: run } = context.payload;
    if (run.name !== MANIFEST_CHECK_NAME)
      return context.log.debug({ name: run.name }, 'Not the manifests check, skipping');
    // Same comparison base as the original run: the PR's base, else the push's `before`.
    const baseSha = run.pull_requests[0]?.base.sha ?? run.check_suite?.before ?? undefined;
    await revalidate(deps, context, run.head_sha, baseSha);
  };
}

export function onCheckSuiteRerequested(deps: HandlerDeps) {
  return async (context: Context<'check_suite.rerequested'>): Promise<void> => {
    const { check_suite: suite } = context.payload;
    // The only suite the app owns is the one holding its manifests check, and only in the config
    // repo (checked in `revalidate`); anywhere else a suite of ours has nothing to re-run.
    const baseSha = suite.pull_requests[0]?.base.sha ?? suite.before ?? undefined;
    await revalidate(deps, context, suite.head_sha, baseSha);
  };
}

async function revalidate(
  deps: HandlerDeps,
  context: Context<'check_run.rerequested' | 'check_suite.rerequested'>,
  headSha: string,
  baseSha: string | undefined,
): Promise<void> {
  const { repository } = context.payload;
  if (!isConfigRepo(repository.name, deps.config))
    return context.log.debug({ repo: repository.full_name }, 'Re-run outside the config repo, skipping');
  const outcome = await validateConfigRepo(deps.forInstallation(context).gitHost, {
    modelCatalog: deps.modelCatalog,
    repo: { owner: repository.owner.login, repo: repository.name },
    headSha,
    ...(baseSha ? { baseSha } : {}),
  });
  context.log.info(
    { repo: repository.full_name, sha: headSha, conclusion: outcome.conclusion },
    'Config repo re-validated on request',
  );
}
