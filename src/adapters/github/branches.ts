/**
 * Branches and commits. Commits go through GraphQL `createCommitOnBranch` (one request, signed
 * by GitHub as the app's bot, and `expectedHeadOid` makes it a compare-and-swap on the branch).
 * Resets use `updateRefs` with `beforeOid`, the only atomic compare-and-swap GitHub offers for
 * a non-fast-forward ref move (REST `PATCH /git/refs` with `force` has no precondition).
 */
import type { ChangeSet } from '../../ports/coder.ts';
import { StaleHeadError, type CommitInfo, type RepoRef } from '../../ports/git-host.ts';
import { GitHostError } from '../../shared/errors.ts';
import type { AdapterContext } from './client.ts';
import { attempt, graphqlErrorTypes, isAlreadyExists, isNotFound } from './map-request-error.ts';
import { checkBranchName, checkRepoPath, checkSha } from './paths.ts';

export async function findBranchHead(
  ctx: AdapterContext,
  ref: RepoRef,
  branch: string,
): Promise<string | undefined> {
  checkBranchName(branch, 'findBranchHead');
  return attempt(`read branch ${ref.owner}/${ref.repo}:${branch}`, async () => {
    try {
      const { data } = await ctx.octokit.rest.git.getRef({
        owner: ref.owner,
        repo: ref.repo,
        ref: `heads/${branch}`,
      });
      return data.object.sha;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  });
}

export async function ensureBranch(
  ctx: AdapterContext,
  ref: RepoRef,
  branch: string,
  sha: string,
): Promise<void> {
  checkBranchName(branch, 'ensureBranch');
  checkSha(sha, 'ensureBranch');
  return attempt(`create branch ${ref.owner}/${ref.repo}:${branch}`, async () => {
    try {
      await ctx.octokit.rest.git.createRef({
        owner: ref.owner,
        repo: ref.repo,
        ref: `refs/heads/${branch}`,
        sha,
      });
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
      const current = await findBranchHead(ctx, ref, branch);
      if (current === sha.toLowerCase()) return;
      throw new StaleHeadError(
        `Branch ${branch} in ${ref.owner}/${ref.repo} already exists at ${current ?? 'an unknown commit'}`,
        sha,
        {
          cause: error,
        },
      );
    }
  });
}

const CREATE_COMMIT = `mutation FleetwrightCommit($input: CreateCommitOnBranchInput!) {
  createCommitOnBranch(input: $input) { commit { oid } }
}`;

export async function commitChangeSet(
  ctx: AdapterContext,
  ref: RepoRef,
  commit: { branch: string; expectedHeadSha: string; headline: string; body?: string; changeSet: ChangeSet },
): Promise<{ sha: string }> {
  const what = `commit to ${ref.owner}/${ref.repo}:${commit.branch}`;
  checkBranchName(commit.branch, what);
  const expected = checkSha(commit.expectedHeadSha, what);
  const { additions, deletions } = commit.changeSet;
  if (additions.length === 0 && deletions.length === 0)
    throw new GitHostError(`${what}: the change set is empty`);
  if (commit.headline.trim() === '') throw new GitHostError(`${what}: the commit headline is empty`);
  const seen = new Set<string>();
  for (const { path } of [...additions, ...deletions]) {
    checkRepoPath(path, what);
    // GitHub rejects a path listed twice (e.g. added and deleted in the same commit).
    if (seen.has(path))
      throw new GitHostError(`${what}: path "${path}" appears more than once in the change set`);
    seen.add(path);
  }
  return attempt(what, async () => {
    try {
      const result = await ctx.octokit.graphql<{ createCommitOnBranch: { commit: { oid: string } } }>(
        CREATE_COMMIT,
        {
          input: {
            branch: { repositoryNameWithOwner: `${ref.owner}/${ref.repo}`, branchName: commit.branch },
            expectedHeadOid: expected,
            message: { headline: commit.headline, ...(commit.body ? { body: commit.body } : {}) },
            fileChanges: {
              // Buffer's base64 is RFC 4648 with padding, which the Base64String scalar requires.
              additions: additions.map((a) => ({
                path: a.path,
                contents: Buffer.from(a.contents).toString('base64'),
              })),
              deletions: deletions.map((d) => ({ path: d.path })),
            },
          },
        },
      );
      return { sha: result.createCommitOnBranch.commit.oid };
    } catch (error) {
      if (graphqlErrorTypes(error).includes('STALE_DATA')) {
        throw new StaleHeadError(
          `Branch ${commit.branch} in ${ref.owner}/${ref.repo} moved away from ${expected}`,
          expected,
          { cause: error },
        );
      }
      throw error;
    }
  });
}

const REPO_ID = `query FleetwrightRepoId($owner: String!, $name: String!) {
  repository(owner: $owner, name: $name) { id }
}`;

const UPDATE_REFS = `mutation FleetwrightResetBranch($input: UpdateRefsInput!) {
  updateRefs(input: $input) { clientMutationId }
}`;

async function repositoryNodeId(ctx: AdapterContext, ref: RepoRef): Promise<string> {
  const key = `${ref.owner}/${ref.repo}`.toLowerCase();
  const cached = ctx.repoNodeIds.get(key);
  if (cached) return cached;
  const data = await ctx.octokit.graphql<{ repository: { id: string } }>(REPO_ID, {
    owner: ref.owner,
    name: ref.repo,
  });
  ctx.repoNodeIds.set(key, data.repository.id);
  return data.repository.id;
}

export async function resetBranch(
  ctx: AdapterContext,
  ref: RepoRef,
  branch: string,
  sha: string,
  expectedHeadSha: string,
): Promise<void> {
  const what = `reset ${ref.owner}/${ref.repo}:${branch}`;
  checkBranchName(branch, what);
  const target = checkSha(sha, what);
  const expected = checkSha(expectedHeadSha, what);
  return attempt(what, async () => {
    const repositoryId = await repositoryNodeId(ctx, ref);
    try {
      await ctx.octokit.graphql(UPDATE_REFS, {
        input: {
          repositoryId,
          refUpdates: [{ name: `refs/heads/${branch}`, beforeOid: expected, afterOid: target, force: true }],
        },
      });
    } catch (error) {
      if (graphqlErrorTypes(error).includes('STALE_DATA')) {
        throw new StaleHeadError(
          `Branch ${branch} in ${ref.owner}/${ref.repo} moved away from ${expected}`,
          expected,
          { cause: error },
        );
      }
      throw error;
    }
  });
}

export async function listCommitsBetween(
  ctx: AdapterContext,
  ref: RepoRef,
  base: string,
  head: string,
): Promise<CommitInfo[]> {
  return attempt(`list commits ${ref.owner}/${ref.repo} ${base}...${head}`, async () => {
    const out: CommitInfo[] = [];
    // Paged compare returns the commits oldest first, 100 per page.
    for (let page = 1; ; page++) {
      const { data } = await ctx.octokit.rest.repos.compareCommitsWithBasehead({
        owner: ref.owner,
        repo: ref.repo,
        basehead: `${base}...${head}`,
        per_page: 100,
        page,
      });
      for (const c of data.commits) {
        out.push({
          sha: c.sha,
          parents: c.parents.map((p) => p.sha),
          message: c.commit.message,
          authorLogin: c.author?.login ?? null,
          verified: c.commit.verification?.verified === true,
        });
      }
      if (data.commits.length < 100 || out.length >= data.total_commits) return out;
    }
  });
}
