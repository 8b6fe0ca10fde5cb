/**
 * What the review and hand-over steps read from a pull request: its full diff (REST
 * `GET /repos/{owner}/{repo}/pulls/{n}` with the `application/vnd.github.diff` media type) and its
 * pending review requests. `OctokitGitHost` delegates `getPullRequestDiff` and
 * `listRequestedReviewers` here.
 */
import type { PullRequestDiff, RepoRef, RequestedReviewers } from '../../ports/git-host.ts';
import { mapRequestError, statusOf } from './map-request-error.ts';
import type { Octokit } from './octokit.ts';

/** Default cap on a PR diff held in memory; a migration diff this large is not reviewable anyway. */
export const DEFAULT_MAX_DIFF_BYTES = 5 * 1024 * 1024;

/**
 * The PR's diff as text. GitHub answers 406 (or 422) when the diff exceeds its own limits
 * (files or lines); both, and a diff over `maxBytes`, are `too-large` rather than errors, so the
 * caller can reject the PR with a reason instead of retrying forever.
 */
export async function getPullRequestDiff(
  octokit: Octokit,
  ref: RepoRef,
  number: number,
  options: { maxBytes?: number } = {},
): Promise<PullRequestDiff> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_DIFF_BYTES;
  let data: unknown;
  let headers: Record<string, unknown>;
  try {
    ({ data, headers } = await octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
      owner: ref.owner,
      repo: ref.repo,
      pull_number: number,
      headers: { accept: 'application/vnd.github.diff' },
    }));
  } catch (error) {
    const status = statusOf(error);
    if (status === 406 || status === 422) {
      return {
        type: 'too-large',
        reason: `GitHub refused to produce the diff (HTTP ${status}): ${error instanceof Error ? error.message : String(error)}`,
      };
    }
    throw mapRequestError(error, `reading the diff of ${ref.owner}/${ref.repo}#${number}`);
  }
  const declared = Number(headers['content-length']);
  const text =
    typeof data === 'string'
      ? data
      : data instanceof ArrayBuffer
        ? new TextDecoder().decode(data)
        : undefined;
  if (text === undefined) {
    throw mapRequestError(
      new Error('GitHub answered something other than a diff'),
      `reading the diff of ${ref.owner}/${ref.repo}#${number}`,
    );
  }
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes || (Number.isFinite(declared) && declared > maxBytes)) {
    return {
      type: 'too-large',
      bytes: Math.max(bytes, Number.isFinite(declared) ? declared : 0),
      reason: `The diff is ${bytes} bytes, over the ${maxBytes}-byte limit`,
    };
  }
  return { type: 'diff', text, bytes };
}

/** Pending review requests: user logins and team slugs. */
export async function listRequestedReviewers(
  octokit: Octokit,
  ref: RepoRef,
  number: number,
): Promise<RequestedReviewers> {
  try {
    const { data } = await octokit.rest.pulls.listRequestedReviewers({
      owner: ref.owner,
      repo: ref.repo,
      pull_number: number,
    });
    return {
      users: (data.users ?? []).map((u) => u.login),
      teams: (data.teams ?? []).map((t) => t.slug),
    };
  } catch (error) {
    throw mapRequestError(error, `listing requested reviewers of ${ref.owner}/${ref.repo}#${number}`);
  }
}
