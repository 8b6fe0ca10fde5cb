/**
 * `pull_request.opened`, `.reopened` and `.synchronize` (registered for all three, since each
 * means "this head commit needs a verdict"): a pull request against the config repo's default
 * branch gets the `fleetwright/manifests` check run on its head commit, so broken manifests can
 * be caught before merge (and required by branch protection). Guard, decode, delegate.
 */
import type { Context } from 'probot';
import { validateConfigRepo } from '../workflows/validate-config-repo.ts';
import { isConfigRepo } from './handler-deps.ts';
import type { HandlerDeps } from './handler-deps.ts';

/** The pull_request actions this handler is registered for. */
export const CONFIG_PULL_REQUEST_EVENTS = [
  'pull_request.opened',
  'pull_request.reopened',
  'pull_request.synchronize',
] as const;

export function onPullRequestOpened(deps: HandlerDeps) {
  return async (context: Context<(typeof CONFIG_PULL_REQUEST_EVENTS)[number]>): Promise<void> => {
    const { repository, pull_request: pr } = context.payload;
    if (!isConfigRepo(repository.name, deps.config))
      return context.log.debug(
        { repo: repository.full_name },
        'Pull request outside the config repo, skipping',
      );
    if (pr.base.ref !== repository.default_branch)
      return context.log.debug(
        { base: pr.base.ref },
        'Pull request not against the default branch, skipping',
      );

    // The check goes on the PR head commit (not the merge commit), where GitHub shows it.
    const outcome = await validateConfigRepo(deps.forInstallation(context).gitHost, {
      modelCatalog: deps.modelCatalog,
      repo: { owner: repository.owner.login, repo: repository.name },
      headSha: pr.head.sha,
      baseSha: pr.base.sha,
    });
    context.log.info(
      {
        repo: repository.full_name,
        pr: pr.number,
        sha: pr.head.sha,
        conclusion: outcome.conclusion,
        errors: outcome.errorCount,
      },
      'Config repo pull request validated',
    );
  };
}
