/**
 * What the GitHub adapter's area modules share: the client (Probot's Octokit: `rest.*`,
 * `paginate`, `graphql`; it carries the base URL, github.com or a GHE host, so the adapter
 * never builds API URLs), the logger and the app's identity.
 */
import type { AdapterLogger, Octokit } from './octokit.ts';

export type { AdapterLogger } from './octokit.ts';
export { silentLogger } from './octokit.ts';
export type GitHubClient = Octokit;

export interface OctokitGitHostOptions {
  /**
   * The GitHub App's id: finds the app's own check runs, comments and issues. Without it (token
   * auth in tests) any app-written comment/issue with the key counts as ours, and check runs are
   * matched by name only.
   */
  appId?: number;
  /** The app's slug; its bot login `<slug>[bot]` narrows issue searches. */
  appSlug?: string;
  /** Per-job cap for downloaded Actions logs (default 2 MiB: the first quarter and the tail are kept). */
  maxLogBytes?: number;
}

/** What every area module receives. */
export interface AdapterContext {
  octokit: GitHubClient;
  log: AdapterLogger;
  appId: number | undefined;
  botLogin: string | undefined;
  maxLogBytes: number;
  /** GraphQL node ids of repositories, cached for the adapter's lifetime. */
  repoNodeIds: Map<string, string>;
}
