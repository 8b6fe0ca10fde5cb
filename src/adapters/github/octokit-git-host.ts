/**
 * OctokitGitHost: the GitHost port over a real Octokit (Probot's `context.octokit` or
 * `app.auth(installationId)`). The only code that talks to GitHub; every method converts
 * Octokit errors into `GitHostError` / `StaleHeadError`. The client carries the base URL,
 * so github.com and GitHub Enterprise Server work alike. One module per area; this class only
 * binds them to one client.
 */
import type { ChangeSet } from '../../ports/coder.ts';
import type {
  ChangedFile,
  CheckRunRequest,
  CiSnapshot,
  CommitInfo,
  DirEntry,
  FileContent,
  GitHost,
  IssueInfo,
  PullRequestDiff,
  PullRequestInfo,
  Reaction,
  RepoInfo,
  RepoPermission,
  RepoRef,
  RequestedReviewers,
  TeamMembership,
} from '../../ports/git-host.ts';
import type { FailureReport } from '../../contracts/failure-report.ts';
import { listFailedJobLogs } from './actions.ts';
import {
  commitChangeSet,
  ensureBranch,
  findBranchHead,
  listCommitsBetween,
  resetBranch,
} from './branches.ts';
import { ensureCheckRun, findFailureReport, getCiSnapshot } from './checks.ts';
import {
  silentLogger,
  type AdapterContext,
  type AdapterLogger,
  type GitHubClient,
  type OctokitGitHostOptions,
} from './client.ts';
import { downloadTarball, findFile, listChangedFiles, listDirectory } from './contents.ts';
import {
  addReaction,
  createComment,
  ensureComment,
  ensureIssue,
  ensureLabels,
  findIssue,
  getPermission,
} from './issues.ts';
import {
  ensureDraftPullRequest,
  findPullRequestForBranch,
  getPullRequest,
  markReadyForReview,
  requestReviewers,
  updatePullRequest,
} from './pulls.ts';
import { getPullRequestDiff, listRequestedReviewers } from './pull-request-review.ts';
import { findRepository, listRepositories } from './repositories.ts';
import { findTeamMembership } from './teams.ts';

export class OctokitGitHost implements GitHost {
  private readonly ctx: AdapterContext;

  constructor(octokit: GitHubClient, log: AdapterLogger | undefined, options: OctokitGitHostOptions = {}) {
    if (options.appId !== undefined && (!Number.isInteger(options.appId) || options.appId <= 0)) {
      throw new Error(`OctokitGitHost: appId must be a positive integer, got ${options.appId}`);
    }
    this.ctx = {
      octokit,
      log: log ?? silentLogger,
      appId: options.appId,
      botLogin: options.appSlug ? `${options.appSlug}[bot]` : undefined,
      maxLogBytes: options.maxLogBytes ?? 2 * 1024 * 1024,
      repoNodeIds: new Map(),
    };
  }

  listRepositories(): Promise<RepoInfo[]> {
    return listRepositories(this.ctx);
  }
  findRepository(ref: RepoRef): Promise<RepoInfo | undefined> {
    return findRepository(this.ctx, ref);
  }
  findFile(ref: RepoRef, path: string, gitRef?: string): Promise<FileContent | undefined> {
    return findFile(this.ctx, ref, path, gitRef);
  }
  listDirectory(ref: RepoRef, path: string, gitRef?: string): Promise<DirEntry[]> {
    return listDirectory(this.ctx, ref, path, gitRef);
  }
  listChangedFiles(ref: RepoRef, base: string, head: string): Promise<ChangedFile[]> {
    return listChangedFiles(this.ctx, ref, base, head);
  }
  downloadTarball(ref: RepoRef, sha: string): Promise<Uint8Array> {
    return downloadTarball(this.ctx, ref, sha);
  }
  findBranchHead(ref: RepoRef, branch: string): Promise<string | undefined> {
    return findBranchHead(this.ctx, ref, branch);
  }
  ensureBranch(ref: RepoRef, branch: string, sha: string): Promise<void> {
    return ensureBranch(this.ctx, ref, branch, sha);
  }
  commitChangeSet(
    ref: RepoRef,
    commit: {
      branch: string;
      expectedHeadSha: string;
      headline: string;
      body?: string;
      changeSet: ChangeSet;
    },
  ): Promise<{ sha: string }> {
    return commitChangeSet(this.ctx, ref, commit);
  }
  resetBranch(ref: RepoRef, branch: string, sha: string, expectedHeadSha: string): Promise<void> {
    return resetBranch(this.ctx, ref, branch, sha, expectedHeadSha);
  }
  listCommitsBetween(ref: RepoRef, base: string, head: string): Promise<CommitInfo[]> {
    return listCommitsBetween(this.ctx, ref, base, head);
  }
  getCiSnapshot(ref: RepoRef, sha: string): Promise<CiSnapshot> {
    return getCiSnapshot(this.ctx, ref, sha);
  }
  findFailureReport(ref: RepoRef, sha: string): Promise<FailureReport | undefined> {
    return findFailureReport(this.ctx, ref, sha);
  }
  listFailedJobLogs(ref: RepoRef, sha: string): Promise<{ jobName: string; url: string; log: string }[]> {
    return listFailedJobLogs(this.ctx, ref, sha);
  }
  ensureCheckRun(ref: RepoRef, request: CheckRunRequest): Promise<{ id: number }> {
    return ensureCheckRun(this.ctx, ref, request);
  }
  findPullRequestForBranch(ref: RepoRef, branch: string): Promise<PullRequestInfo | undefined> {
    return findPullRequestForBranch(this.ctx, ref, branch);
  }
  getPullRequest(ref: RepoRef, number: number): Promise<PullRequestInfo> {
    return getPullRequest(this.ctx, ref, number);
  }
  ensureDraftPullRequest(
    ref: RepoRef,
    pr: { head: string; base: string; title: string; body: string; labels: string[] },
  ): Promise<PullRequestInfo> {
    return ensureDraftPullRequest(this.ctx, ref, pr);
  }
  updatePullRequest(ref: RepoRef, number: number, update: { title?: string; body?: string }): Promise<void> {
    return updatePullRequest(this.ctx, ref, number, update);
  }
  ensureLabels(
    ref: RepoRef,
    number: number,
    labels: { add?: string[]; remove?: string[] },
    current?: readonly string[],
  ): Promise<void> {
    return ensureLabels(this.ctx, ref, number, labels, current);
  }
  ensureComment(
    ref: RepoRef,
    number: number,
    key: string,
    body: string,
  ): Promise<{ id: number; created: boolean }> {
    return ensureComment(this.ctx, ref, number, key, body);
  }
  createComment(ref: RepoRef, number: number, body: string): Promise<{ id: number }> {
    return createComment(this.ctx, ref, number, body);
  }
  markReadyForReview(ref: RepoRef, pullRequestNodeId: string): Promise<void> {
    return markReadyForReview(this.ctx, ref, pullRequestNodeId);
  }
  requestReviewers(
    ref: RepoRef,
    number: number,
    reviewers: { users: string[]; teams: string[] },
  ): Promise<void> {
    return requestReviewers(this.ctx, ref, number, reviewers);
  }
  getPullRequestDiff(
    ref: RepoRef,
    number: number,
    options?: { maxBytes?: number },
  ): Promise<PullRequestDiff> {
    return getPullRequestDiff(this.ctx.octokit, ref, number, options);
  }
  listRequestedReviewers(ref: RepoRef, number: number): Promise<RequestedReviewers> {
    return listRequestedReviewers(this.ctx.octokit, ref, number);
  }
  getPermission(ref: RepoRef, login: string): Promise<RepoPermission> {
    return getPermission(this.ctx, ref, login);
  }
  findTeamMembership(org: string, teamSlug: string, login: string): Promise<TeamMembership | undefined> {
    return findTeamMembership(this.ctx, org, teamSlug, login);
  }
  addReaction(ref: RepoRef, commentId: number, reaction: Reaction): Promise<void> {
    return addReaction(this.ctx, ref, commentId, reaction);
  }
  findIssue(ref: RepoRef, key: string): Promise<IssueInfo | undefined> {
    return findIssue(this.ctx, ref, key);
  }
  ensureIssue(
    ref: RepoRef,
    key: string,
    issue: { title: string; body: string; labels?: string[] },
  ): Promise<IssueInfo> {
    return ensureIssue(this.ctx, ref, key, issue);
  }
}
