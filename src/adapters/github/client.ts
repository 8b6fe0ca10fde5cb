/**
 * The Octokit surface the GitHub adapter uses: `rest.*`, `paginate` and `graphql`, exactly what
 * Probot's `context.octokit` and `app.auth(installationId)` return. Typed structurally from the
 * Octokit packages Probot is built on, so the adapter does not import Probot itself. The base
 * URL (github.com or a GHE host) is the client's business; the adapter never builds API URLs.
 */
import type { Octokit } from '@octokit/core';
import type { PaginateInterface } from '@octokit/plugin-paginate-rest';
import type { Api } from '@octokit/plugin-rest-endpoint-methods';

export type GitHubClient = Octokit & Api & { paginate: PaginateInterface };

/** The pino-like logger the adapter writes to (Probot's `context.log` fits). */
export interface AdapterLogger {
  debug(meta: object, message: string): void;
  warn(meta: object, message: string): void;
}

export const silentLogger: AdapterLogger = { debug: () => {}, warn: () => {} };

export interface OctokitGitHostOptions {
  /** The GitHub App's id: finds the app's own check runs, comments and issues. */
  appId: number;
  /** The app's slug; its bot login `<slug>[bot]` narrows issue searches. */
  appSlug?: string;
  /** Per-job cap for downloaded Actions logs (default 2 MiB: the first quarter and the tail are kept). */
  maxLogBytes?: number;
}

/** What every area module receives. */
export interface AdapterContext {
  octokit: GitHubClient;
  log: AdapterLogger;
  appId: number;
  botLogin: string | undefined;
  maxLogBytes: number;
  /** GraphQL node ids of repositories, cached for the adapter's lifetime. */
  repoNodeIds: Map<string, string>;
}
