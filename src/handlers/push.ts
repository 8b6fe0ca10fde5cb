/**
 * `push`: a push to the config repo's default branch re-validates its manifests and posts the
 * `fleetwright/manifests` check run on the pushed commit. Guard, decode, delegate.
 */
import type { Context } from 'probot';
import { validateConfigRepo } from '../workflows/validate-config-repo.ts';
import { isConfigRepo } from './handler-deps.ts';
import type { HandlerDeps } from './handler-deps.ts';

export function onPush(deps: HandlerDeps) {
  return async (context: Context<'push'>): Promise<void> => {
    const { repository, ref, after, before, deleted } = context.payload;
    if (!isConfigRepo(repository.name, deps.config))
      return context.log.debug({ repo: repository.full_name }, 'Push outside the config repo, skipping');
    if (ref !== `refs/heads/${repository.default_branch}`)
      return context.log.debug({ ref }, 'Push to a non-default branch of the config repo, skipping');
    if (deleted || /^0+$/.test(after)) return context.log.debug({ ref }, 'Branch deletion, skipping');

    const outcome = await validateConfigRepo(deps.forInstallation(context).gitHost, {
      modelCatalog: deps.modelCatalog,
      repo: {
        owner: repository.owner?.login ?? (repository.full_name.split('/')[0] as string),
        repo: repository.name,
      },
      headSha: after,
      baseSha: before,
    });
    context.log.info(
      {
        repo: repository.full_name,
        sha: after,
        conclusion: outcome.conclusion,
        migrations: outcome.migrations.length,
        errors: outcome.errorCount,
      },
      'Config repo validated',
    );
  };
}
