/**
 * Repositories the installation can see. `empty` needs care: the REST repository object has
 * no such flag, only `size` (KB), which is 0 for empty repos but also, briefly, for new small
 * ones. Only size-0 repositories are probed (`GET /commits?per_page=1` answers 409 when empty),
 * so a 500-repo org costs its pages plus one request per size-0 repo.
 */
import type { RepoInfo, RepoRef } from '../../ports/git-host.ts';
import type { AdapterContext } from './client.ts';
import { attempt, isNotFound, isRequestError } from './map-request-error.ts';

interface RestRepo {
  id: number;
  name: string;
  owner: { login: string };
  default_branch?: string;
  archived?: boolean;
  fork: boolean;
  disabled?: boolean;
  private: boolean;
  topics?: string[];
  language?: string | null;
  html_url: string;
  size?: number;
}

async function isEmpty(ctx: AdapterContext, repo: RestRepo): Promise<boolean> {
  if ((repo.size ?? 1) > 0) return false;
  try {
    await ctx.octokit.rest.repos.listCommits({ owner: repo.owner.login, repo: repo.name, per_page: 1 });
    return false;
  } catch (error) {
    if (isRequestError(error) && error.status === 409) return true;
    throw error;
  }
}

async function toRepoInfo(ctx: AdapterContext, repo: RestRepo): Promise<RepoInfo> {
  return {
    owner: repo.owner.login,
    repo: repo.name,
    id: repo.id,
    defaultBranch: repo.default_branch ?? 'main',
    archived: repo.archived ?? false,
    fork: repo.fork,
    disabled: repo.disabled ?? false,
    // Disabled repositories answer 403 to everything, so do not probe them.
    empty: repo.disabled ? false : await isEmpty(ctx, repo),
    private: repo.private,
    topics: repo.topics ?? [],
    language: repo.language ?? null,
    htmlUrl: repo.html_url,
  };
}

export async function listRepositories(ctx: AdapterContext): Promise<RepoInfo[]> {
  return attempt('list installation repositories', async () => {
    const repos = (await ctx.octokit.paginate(ctx.octokit.rest.apps.listReposAccessibleToInstallation, {
      per_page: 100,
    })) as unknown as RestRepo[];
    const out: RepoInfo[] = [];
    for (const repo of repos) out.push(await toRepoInfo(ctx, repo));
    return out;
  });
}

export async function findRepository(ctx: AdapterContext, ref: RepoRef): Promise<RepoInfo | undefined> {
  return attempt(`read repository ${ref.owner}/${ref.repo}`, async () => {
    try {
      const { data } = await ctx.octokit.rest.repos.get({ owner: ref.owner, repo: ref.repo });
      return await toRepoInfo(ctx, data as RestRepo);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  });
}
