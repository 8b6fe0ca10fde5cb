/**
 * Pull requests: find by head branch, open as draft (idempotently), edit, mark ready for review
 * (GraphQL only on GitHub), request reviewers.
 */
import type { PullRequestInfo, RepoRef } from '../../ports/git-host.ts';
import { GitHostError } from '../../shared/errors.ts';
import type { AdapterContext } from './client.ts';
import { ensureLabels } from './issues.ts';
import { attempt, isAlreadyExists } from './map-request-error.ts';
import { checkBranchName } from './paths.ts';

interface RestPull {
  number: number;
  node_id: string;
  title: string;
  body: string | null;
  state: string;
  merged?: boolean;
  merged_at: string | null;
  draft?: boolean;
  head: { ref: string; sha: string };
  base: { ref: string };
  labels: { name?: string }[];
  html_url: string;
  user: { login: string } | null;
  /** Only single-PR responses carry it, and `null` there while GitHub computes it. */
  mergeable?: boolean | null;
}

export function toPullRequestInfo(pull: RestPull): PullRequestInfo {
  return {
    number: pull.number,
    nodeId: pull.node_id,
    title: pull.title,
    body: pull.body ?? '',
    state: pull.state === 'open' ? 'open' : 'closed',
    // List responses have no `merged` flag; `merged_at` is set exactly when it was merged.
    merged: pull.merged ?? pull.merged_at !== null,
    draft: pull.draft ?? false,
    headRef: pull.head.ref,
    headSha: pull.head.sha,
    baseRef: pull.base.ref,
    labels: pull.labels.map((l) => l.name ?? '').filter(Boolean),
    htmlUrl: pull.html_url,
    authorLogin: pull.user?.login ?? null,
    mergeable: pull.mergeable ?? null,
  };
}

async function newestForHead(
  ctx: AdapterContext,
  ref: RepoRef,
  branch: string,
  state: 'open' | 'all',
): Promise<PullRequestInfo | undefined> {
  const { data } = await ctx.octokit.rest.pulls.list({
    owner: ref.owner,
    repo: ref.repo,
    head: `${ref.owner}:${branch}`,
    state,
    sort: 'created',
    direction: 'desc',
    per_page: 1,
  });
  const pull = data[0];
  return pull ? toPullRequestInfo(pull as RestPull) : undefined;
}

export async function findPullRequestForBranch(
  ctx: AdapterContext,
  ref: RepoRef,
  branch: string,
): Promise<PullRequestInfo | undefined> {
  checkBranchName(branch, 'findPullRequestForBranch');
  return attempt(`find PR for ${ref.owner}/${ref.repo}:${branch}`, () =>
    newestForHead(ctx, ref, branch, 'all'),
  );
}

export async function getPullRequest(
  ctx: AdapterContext,
  ref: RepoRef,
  number: number,
): Promise<PullRequestInfo> {
  return attempt(`read PR ${ref.owner}/${ref.repo}#${number}`, async () => {
    const { data } = await ctx.octokit.rest.pulls.get({
      owner: ref.owner,
      repo: ref.repo,
      pull_number: number,
    });
    return toPullRequestInfo(data as RestPull);
  });
}

export async function ensureDraftPullRequest(
  ctx: AdapterContext,
  ref: RepoRef,
  pr: { head: string; base: string; title: string; body: string; labels: string[] },
): Promise<PullRequestInfo> {
  checkBranchName(pr.head, 'ensureDraftPullRequest');
  checkBranchName(pr.base, 'ensureDraftPullRequest');
  return attempt(`open draft PR ${ref.owner}/${ref.repo}:${pr.head}`, async () => {
    let info = await newestForHead(ctx, ref, pr.head, 'open');
    if (!info) {
      try {
        const { data } = await ctx.octokit.rest.pulls.create({
          owner: ref.owner,
          repo: ref.repo,
          head: pr.head,
          base: pr.base,
          title: pr.title,
          body: pr.body,
          draft: true,
          maintainer_can_modify: true,
        });
        info = toPullRequestInfo(data as RestPull);
      } catch (error) {
        // A concurrent delivery opened it between our look and our write.
        if (!isAlreadyExists(error)) throw error;
        info = await newestForHead(ctx, ref, pr.head, 'open');
        if (!info)
          throw new GitHostError(`GitHub says a PR exists for ${pr.head} but none is open`, {
            status: 422,
            cause: error,
          });
      }
    }
    const have = info.labels;
    const missing = pr.labels.filter((l) => !have.some((h) => h.toLowerCase() === l.toLowerCase()));
    if (missing.length > 0) {
      await ensureLabels(ctx, ref, info.number, { add: missing }, have);
      info = { ...info, labels: [...have, ...missing] };
    }
    return info;
  });
}

export async function updatePullRequest(
  ctx: AdapterContext,
  ref: RepoRef,
  number: number,
  update: { title?: string; body?: string },
): Promise<void> {
  return attempt(`update PR ${ref.owner}/${ref.repo}#${number}`, async () => {
    if (update.title === undefined && update.body === undefined) return;
    await ctx.octokit.rest.pulls.update({
      owner: ref.owner,
      repo: ref.repo,
      pull_number: number,
      ...(update.title !== undefined ? { title: update.title } : {}),
      ...(update.body !== undefined ? { body: update.body } : {}),
    });
  });
}

const READY = `mutation FleetwrightReady($input: MarkPullRequestReadyForReviewInput!) {
  markPullRequestReadyForReview(input: $input) { pullRequest { id isDraft } }
}`;

export async function markReadyForReview(
  ctx: AdapterContext,
  ref: RepoRef,
  pullRequestNodeId: string,
): Promise<void> {
  return attempt(`mark ready for review ${ref.owner}/${ref.repo} ${pullRequestNodeId}`, async () => {
    await ctx.octokit.graphql(READY, { input: { pullRequestId: pullRequestNodeId } });
  });
}

export async function requestReviewers(
  ctx: AdapterContext,
  ref: RepoRef,
  number: number,
  reviewers: { users: string[]; teams: string[] },
): Promise<void> {
  return attempt(`request reviewers on ${ref.owner}/${ref.repo}#${number}`, async () => {
    if (reviewers.users.length === 0 && reviewers.teams.length === 0) return;
    await ctx.octokit.rest.pulls.requestReviewers({
      owner: ref.owner,
      repo: ref.repo,
      pull_number: number,
      reviewers: reviewers.users,
      team_reviewers: reviewers.teams,
    });
  });
}
