/**
 * `check_run.rerequested`: someone pressed "Re-run" on a `fleetwright/manifests` check (GitHub
 * sends this only to the app that created the run). Validate that commit again. Guard, decode,
 * delegate.
 */
import type { Context } from 'probot';
import { MANIFEST_CHECK_NAME, validateConfigRepo } from '../workflows/validate-config-repo.ts';
import { isConfigRepo } from './handler-deps.ts';
import type { HandlerDeps } from './handler-deps.ts';

export function onCheckRunRerequested(deps: HandlerDeps) {
  return async (context: Context<'check_run.rerequested'>): Promise<void> => {
    const { repository, check_run: run } = context.payload;
    if (run.name !== MANIFEST_CHECK_NAME)
      return context.log.debug({ name: run.name }, 'Not the manifests check, skipping');
    if (!isConfigRepo(repository.name, deps.config))
      return context.log.debug({ repo: repository.full_name }, 'Check outside the config repo, skipping');

    // Same comparison base as the original run: the PR's base, else the push's `before`.
    const baseSha = run.pull_requests[0]?.base.sha ?? run.check_suite?.before ?? undefined;
    const outcome = await validateConfigRepo(deps.forInstallation(context).gitHost, {
      modelCatalog: deps.modelCatalog,
      repo: { owner: repository.owner.login, repo: repository.name },
      headSha: run.head_sha,
      ...(baseSha ? { baseSha } : {}),
    });
    context.log.info(
      { repo: repository.full_name, sha: run.head_sha, conclusion: outcome.conclusion },
      'Config repo re-validated on request',
    );
  };
}
