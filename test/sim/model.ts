/**
 * The simulator's state: installations, repositories and everything GitHub keeps per
 * repository. Plain mutable records; `GitHubSim` (simulator.ts) owns them and keeps them
 * consistent, the REST/GraphQL handlers and the control API only go through it.
 */
import type { GitStore } from './git-store.ts';

export interface SimUser {
  login: string;
  id: number;
  type: 'User' | 'Bot' | 'Organization';
  email?: string;
}

export interface SimApp {
  id: number;
  slug: string;
  name: string;
  owner: SimUser;
}

export interface SimInstallation {
  id: number;
  account: SimUser;
  suspended: boolean;
}

export type SimPermission = 'admin' | 'maintain' | 'write' | 'triage' | 'read';

export interface SimLabel {
  id: number;
  name: string;
  color: string;
  description: string | null;
  default: boolean;
}

export interface SimReaction {
  id: number;
  content: string;
  user: SimUser;
  createdAt: string;
}

export interface SimComment {
  id: number;
  issueNumber: number;
  body: string;
  user: SimUser;
  /** Set when an installation token wrote it (`performed_via_github_app`). */
  viaApp: SimApp | null;
  createdAt: string;
  updatedAt: string;
  reactions: SimReaction[];
}

export interface SimPull {
  headRef: string;
  headSha: string;
  baseRef: string;
  baseSha: string;
  draft: boolean;
  merged: boolean;
  mergedAt: string | null;
  mergedBy: SimUser | null;
  mergeCommitSha: string | null;
  requestedReviewers: string[];
  requestedTeams: string[];
  maintainerCanModify: boolean;
}

export interface SimIssue {
  id: number;
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  stateReason: string | null;
  user: SimUser;
  viaApp: SimApp | null;
  labels: string[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  closedBy: SimUser | null;
  /** Present for pull requests (issues and PRs share numbers, as on GitHub). */
  pull?: SimPull;
  reactions: SimReaction[];
}

export interface SimAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
  raw_details?: string;
}

export interface SimCheckSuite {
  id: number;
  headSha: string;
  headBranch: string | null;
  app: SimApp;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: string | null;
  createdAt: string;
  updatedAt: string;
  /** GitHub does not send check_suite.completed twice for the same suite. */
  completedSent: boolean;
}

export interface SimCheckRun {
  id: number;
  suiteId: number;
  name: string;
  headSha: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: string | null;
  startedAt: string;
  completedAt: string | null;
  detailsUrl: string | null;
  externalId: string | null;
  app: SimApp;
  output: { title: string | null; summary: string | null; text: string | null; annotations: SimAnnotation[] };
}

export interface SimStatus {
  id: number;
  sha: string;
  state: 'pending' | 'success' | 'failure' | 'error';
  context: string;
  description: string | null;
  targetUrl: string | null;
  creator: SimUser;
  createdAt: string;
  updatedAt: string;
}

export interface SimWorkflowRun {
  id: number;
  name: string;
  path: string;
  workflowId: number;
  headSha: string;
  headBranch: string | null;
  event: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: string | null;
  suiteId: number;
  runNumber: number;
  runAttempt: number;
  createdAt: string;
  updatedAt: string;
  pullNumbers: number[];
  actor: SimUser;
}

export interface SimJob {
  id: number;
  runId: number;
  name: string;
  headSha: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: string | null;
  log: string;
  startedAt: string;
  completedAt: string | null;
  checkRunId: number;
}

export interface SimRepo {
  id: number;
  owner: SimUser;
  name: string;
  description: string | null;
  private: boolean;
  archived: boolean;
  fork: boolean;
  disabled: boolean;
  topics: string[];
  language: string | null;
  defaultBranch: string;
  installationId: number;
  createdAt: string;
  pushedAt: string;
  /** Free private repos cannot have draft PRs (GitHub answers 422). */
  draftPullRequests: boolean;
  git: GitStore;
  /** Full ref name (`refs/heads/main`) → commit SHA. */
  refs: Map<string, string>;
  issues: Map<number, SimIssue>;
  nextNumber: number;
  labels: Map<string, SimLabel>;
  comments: Map<number, SimComment>;
  checkSuites: SimCheckSuite[];
  checkRuns: SimCheckRun[];
  statuses: SimStatus[];
  workflowRuns: SimWorkflowRun[];
  jobs: SimJob[];
  collaborators: Map<string, SimPermission>;
}

/** Where `GET /repos/{o}/{r}` and friends resolve a repo, case-insensitively like GitHub. */
export function repoKey(owner: string, name: string): string {
  return `${owner}/${name}`.toLowerCase();
}
