/**
 * A bridge while `OctokitGitHost` grows to the whole GitHost port (h/sim): methods it has are
 * delegated; the others throw a `GitHostError` naming the method, so a job that needs one fails
 * loudly (logged, target → `error`, retried later) instead of the app not starting at all. Once
 * the adapter implements the port, this is an identity wrapper.
 */
import type { GitHost } from '../../ports/git-host.ts';
import { GitHostError } from '../../shared/errors.ts';

/** Every port method; a `Record` so that a method added to the port fails compilation here. */
const PORT_METHODS: Record<keyof GitHost, true> = {
  listRepositories: true,
  findRepository: true,
  findFile: true,
  listDirectory: true,
  listChangedFiles: true,
  downloadTarball: true,
  findBranchHead: true,
  ensureBranch: true,
  commitChangeSet: true,
  resetBranch: true,
  listCommitsBetween: true,
  getCiSnapshot: true,
  findFailureReport: true,
  listFailedJobLogs: true,
  ensureCheckRun: true,
  findPullRequestForBranch: true,
  getPullRequest: true,
  ensureDraftPullRequest: true,
  updatePullRequest: true,
  ensureLabels: true,
  ensureComment: true,
  createComment: true,
  markReadyForReview: true,
  requestReviewers: true,
  getPullRequestDiff: true,
  listRequestedReviewers: true,
  getPermission: true,
  addReaction: true,
  findIssue: true,
  ensureIssue: true,
};

export function completeGitHost(partial: Partial<GitHost>): GitHost {
  const host = {} as Record<string, unknown>;
  for (const method of Object.keys(PORT_METHODS) as (keyof GitHost)[]) {
    const implemented = partial[method];
    host[method] =
      typeof implemented === 'function'
        ? // Bound to the adapter: its private fields are not reachable through another receiver.
          (implemented as (...args: unknown[]) => unknown).bind(partial)
        : () =>
            Promise.reject(
              new GitHostError(`GitHost.${method} is not implemented by this adapter yet`, { status: 501 }),
            );
  }
  return host as unknown as GitHost;
}
