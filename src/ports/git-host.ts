/**
 * The GitHost port: everything fleetwright asks of GitHub, for one installation.
 * `OctokitGitHost` (src/adapters/github/) is the only implementation that talks HTTP; workflow
 * tests use an in-memory fake. Methods are semantic ("what the workflow needs"), so the adapter
 * is free to pick REST or one GraphQL query, and to count and pace requests.
 *
 * Conventions:
 * - `find*` returns `undefined` when the thing does not exist; `get*` throws `GitHostError`.
 * - `ensure*` looks before it writes, so a redelivered webhook is harmless.
 * - Errors are `GitHostError` (with `status`, `retryAfterSeconds`), or `StaleHeadError` when an
 *   optimistic-concurrency write lost the race. No Octokit type crosses this boundary.
 */
import type { FailureReport } from '../contracts/failure-report.ts';
import type { ChangeSet } from './coder.ts';

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface RepoInfo extends RepoRef {
  id: number;
  defaultBranch: string;
  archived: boolean;
  fork: boolean;
  /** Disabled repositories reject writes. */
  disabled: boolean;
  /** No commits yet (GitHub reports size 0 and no default branch head). */
  empty: boolean;
  private: boolean;
  topics: string[];
  /** GitHub's primary language, or null. */
  language: string | null;
  htmlUrl: string;
}

export interface FileContent {
  path: string;
  /** UTF-8 text; binary files are not returned by `findFile`. */
  text: string;
  /** Blob SHA. */
  sha: string;
}

export interface DirEntry {
  path: string;
  name: string;
  type: 'file' | 'dir' | 'symlink' | 'submodule';
  /** Size in bytes when GitHub reports it (files), so callers can refuse oversize files unread. */
  size?: number;
}

export interface ChangedFile {
  path: string;
  status: 'added' | 'modified' | 'removed' | 'renamed' | 'copied' | 'changed' | 'unchanged';
  previousPath?: string;
}

export interface CommitInfo {
  sha: string;
  parents: string[];
  message: string;
  /** Login of the GitHub user the commit is attributed to, when GitHub resolved one. */
  authorLogin: string | null;
  /**
   * GitHub's signature verification (`commit.verification.verified`). Commits the app creates
   * through the API are signed by GitHub; absent = unknown, which ownership checks treat as
   * unverified (src/core/target/is-app-commit.ts).
   */
  verified?: boolean;
}

/** One check run as GitHub reports it; conclusions outside the known set are kept as strings. */
export interface CheckRunInfo {
  id: number;
  name: string;
  headSha: string;
  status: string;
  conclusion: string | null;
  appSlug: string | null;
  checkSuiteId: number | null;
  detailsUrl: string | null;
  startedAt: string | null;
  completedAt: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
}

export interface CommitStatusInfo {
  context: string;
  state: 'success' | 'failure' | 'error' | 'pending';
  description: string | null;
  targetUrl: string | null;
  creatorLogin: string | null;
}

/** All CI signals for one commit. Aggregation into green/red/pending is pure (src/core). */
export interface CiSnapshot {
  sha: string;
  checkRuns: CheckRunInfo[];
  statuses: CommitStatusInfo[];
}

export interface PullRequestInfo {
  number: number;
  /** GraphQL node id, needed for `markReadyForReview`. */
  nodeId: string;
  title: string;
  body: string;
  state: 'open' | 'closed';
  merged: boolean;
  draft: boolean;
  headRef: string;
  headSha: string;
  baseRef: string;
  labels: string[];
  htmlUrl: string;
  authorLogin: string | null;
  /**
   * Whether the PR merges cleanly into its base: `false` = conflicts (GitHub then runs no
   * `pull_request` workflow), `null` = GitHub is still computing it, or the response (a list, a
   * closed PR) does not say. Only `false` is a fact to act on.
   */
  mergeable: boolean | null;
}

export interface Annotation {
  path: string;
  startLine: number;
  endLine: number;
  startColumn?: number;
  endColumn?: number;
  level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
}

export interface CheckRunRequest {
  name: string;
  headSha: string;
  status?: 'queued' | 'in_progress' | 'completed';
  conclusion?: 'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required';
  title: string;
  /** Markdown, ≤ 65,535 characters (the adapter enforces the cap). */
  summary: string;
  text?: string;
  /** Any number; the adapter sends them in batches of 50. */
  annotations?: Annotation[];
  detailsUrl?: string;
  externalId?: string;
}

export interface IssueInfo {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  htmlUrl: string;
}

/**
 * A PR's full diff against its base (`application/vnd.github.diff`), or why it is not available:
 * GitHub refuses diffs beyond its own limits (HTTP 406), and the adapter refuses ones larger than
 * the caller's `maxBytes` rather than holding them in memory.
 */
export type PullRequestDiff =
  { type: 'diff'; text: string; bytes: number } | { type: 'too-large'; bytes?: number; reason: string };

/** Reviewers whose review is currently requested on a PR (teams by slug, without the org). */
export interface RequestedReviewers {
  users: string[];
  teams: string[];
}

export type RepoPermission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

/** A team membership's state; only `active` makes someone a member. */
export type TeamMembership = 'active' | 'pending';

export type Reaction = '+1' | '-1' | 'laugh' | 'confused' | 'heart' | 'hooray' | 'rocket' | 'eyes';

/** The branch moved since the caller read it: nothing was written. */
export class StaleHeadError extends Error {
  override name = 'StaleHeadError';
  readonly expectedHeadSha: string;
  constructor(message: string, expectedHeadSha: string, options?: { cause?: unknown }) {
    super(message, options);
    this.expectedHeadSha = expectedHeadSha;
  }
}

export interface GitHost {
  // Repositories
  /** Every repository the installation can access. */
  listRepositories(): Promise<RepoInfo[]>;
  findRepository(ref: RepoRef): Promise<RepoInfo | undefined>;

  // Contents
  /** A text file at `gitRef` (default branch when omitted); `undefined` when missing or binary. */
  findFile(ref: RepoRef, path: string, gitRef?: string): Promise<FileContent | undefined>;
  /** Directory entries; `[]` when the directory does not exist. */
  listDirectory(ref: RepoRef, path: string, gitRef?: string): Promise<DirEntry[]>;
  /** Files changed between two commits (`base...head`). */
  listChangedFiles(ref: RepoRef, base: string, head: string): Promise<ChangedFile[]>;
  /** The gzipped tarball of a commit, as bytes. */
  downloadTarball(ref: RepoRef, sha: string): Promise<Uint8Array>;

  // Branches and commits
  /** The SHA a branch points at, or `undefined` when the branch does not exist. */
  findBranchHead(ref: RepoRef, branch: string): Promise<string | undefined>;
  /** Creates `branch` at `sha`; succeeds if it already points there; throws `StaleHeadError` if it points elsewhere. */
  ensureBranch(ref: RepoRef, branch: string, sha: string): Promise<void>;
  /**
   * One verified commit on `branch` whose parent must be `expectedHeadSha` (GraphQL
   * `createCommitOnBranch`). Throws `StaleHeadError` when the branch has moved.
   */
  commitChangeSet(
    ref: RepoRef,
    commit: {
      branch: string;
      expectedHeadSha: string;
      headline: string;
      body?: string;
      changeSet: ChangeSet;
    },
  ): Promise<{ sha: string }>;
  /**
   * Moves `branch` to `sha` (a non-fast-forward reset) only if it still points at `expectedHeadSha`.
   * Callers must have checked that every commit being discarded is the app's own.
   */
  resetBranch(ref: RepoRef, branch: string, sha: string, expectedHeadSha: string): Promise<void>;
  /** Commits reachable from `head` and not from `base`, oldest first. */
  listCommitsBetween(ref: RepoRef, base: string, head: string): Promise<CommitInfo[]>;

  // CI
  /** Every check run (latest per name) and commit status for a commit. */
  getCiSnapshot(ref: RepoRef, sha: string): Promise<CiSnapshot>;
  /** The `fleetwright/report` FailureReport on `sha`, if the Action published one and it parses. */
  findFailureReport(ref: RepoRef, sha: string): Promise<FailureReport | undefined>;
  /** Plain-text logs of the failed jobs of the Actions runs on `sha` (log fallback), each capped by the adapter. */
  listFailedJobLogs(ref: RepoRef, sha: string): Promise<{ jobName: string; url: string; log: string }[]>;
  /** Creates a check run, or updates the app's existing run with the same name on the same SHA. */
  ensureCheckRun(ref: RepoRef, request: CheckRunRequest): Promise<{ id: number }>;

  // Pull requests
  /** The most recent PR whose head is `branch` in this repository, in any state. */
  findPullRequestForBranch(ref: RepoRef, branch: string): Promise<PullRequestInfo | undefined>;
  getPullRequest(ref: RepoRef, number: number): Promise<PullRequestInfo>;
  /** Opens a draft PR, or returns the open PR that already has this head. */
  ensureDraftPullRequest(
    ref: RepoRef,
    pr: { head: string; base: string; title: string; body: string; labels: string[] },
  ): Promise<PullRequestInfo>;
  updatePullRequest(ref: RepoRef, number: number, update: { title?: string; body?: string }): Promise<void>;
  /**
   * Adds labels that are missing (creating them in the repo when needed) and removes `remove`.
   * `current`: the PR's labels as the caller has just read them (e.g. with the PR), which spares
   * reading them again; a label a person changed meanwhile is harmless (adding a present label
   * and removing an absent one are no-ops).
   */
  ensureLabels(
    ref: RepoRef,
    number: number,
    labels: { add?: string[]; remove?: string[] },
    current?: readonly string[],
  ): Promise<void>;
  /**
   * Creates or edits in place the app's comment identified by `key` (a hidden marker in its body),
   * so the same comment is never posted twice.
   */
  ensureComment(
    ref: RepoRef,
    number: number,
    key: string,
    body: string,
  ): Promise<{ id: number; created: boolean }>;
  /** Posts a new comment (replies to commands); not idempotent by design. */
  createComment(ref: RepoRef, number: number, body: string): Promise<{ id: number }>;
  markReadyForReview(ref: RepoRef, pullRequestNodeId: string): Promise<void>;
  /** The PR's full unified diff against its base; `too-large` beyond `maxBytes` (adapter default 5 MB) or GitHub's limits. */
  getPullRequestDiff(ref: RepoRef, number: number, options?: { maxBytes?: number }): Promise<PullRequestDiff>;
  /** Users and teams (slugs) whose review is pending on the PR, so a hand-over never requests twice. */
  listRequestedReviewers(ref: RepoRef, number: number): Promise<RequestedReviewers>;
  requestReviewers(
    ref: RepoRef,
    number: number,
    reviewers: { users: string[]; teams: string[] },
  ): Promise<void>;

  // People and commands
  getPermission(ref: RepoRef, login: string): Promise<RepoPermission>;
  /**
   * `login`'s membership of the organization team `org/teamSlug`: `active`, `pending` (invited,
   * not accepted: not a member yet), or `undefined` when GitHub says there is none (404: no such
   * team, or not in it). Any other failure throws `GitHostError` (403: the app lacks the
   * organization's Members permission), so a caller can never mistake an error for membership.
   */
  findTeamMembership(org: string, teamSlug: string, login: string): Promise<TeamMembership | undefined>;
  addReaction(ref: RepoRef, commentId: number, reaction: Reaction): Promise<void>;

  // Issues (the migration dashboard)
  /**
   * The app's open or closed issue identified by `key` (the hidden marker `ensureIssue` writes),
   * or `undefined` when there is none. Read-only: start-up reconciliation reads the migration
   * ledger from the dashboard issue without rewriting it. (Added by h/core.)
   */
  findIssue(ref: RepoRef, key: string): Promise<IssueInfo | undefined>;
  /** Finds the app's issue identified by `key` (hidden marker), or creates it; edits title/body when they differ. */
  ensureIssue(
    ref: RepoRef,
    key: string,
    issue: { title: string; body: string; labels?: string[] },
  ): Promise<IssueInfo>;
}
