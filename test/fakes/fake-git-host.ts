/**
 * An in-memory GitHub for workflow tests, implementing the whole GitHost port faithfully:
 * repositories, commits with trees, branches with optimistic concurrency (`expectedHeadSha`),
 * PRs (draft, labels, comments with hidden keys, close/merge), check runs and statuses, issues.
 * It counts calls per method and records every PR opening, so tests can assert limits and
 * report requests per opened PR. Test-only controls are the methods after the port section.
 */
import { FailureReport } from '../../src/contracts/failure-report.ts';
import { renderFileDiff } from '../../src/core/diff/render-unified-diff.ts';
import { findHiddenKey, withHiddenKey } from '../../src/core/markers/hidden-key.ts';
import type { ChangeSet } from '../../src/ports/coder.ts';
import type {
  ChangedFile,
  CheckRunInfo,
  CheckRunRequest,
  CiSnapshot,
  CommitInfo,
  CommitStatusInfo,
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
} from '../../src/ports/git-host.ts';
import { StaleHeadError } from '../../src/ports/git-host.ts';
import { GitHostError } from '../../src/shared/errors.ts';

interface FakeCommit {
  sha: string;
  parents: string[];
  files: Map<string, string>;
  message: string;
  authorLogin: string | null;
  /** Signed by GitHub: only commits the app made through the API (a person's push is unsigned). */
  verified: boolean;
}

interface FakeComment {
  id: number;
  body: string;
  authorLogin: string;
}

interface FakePr {
  number: number;
  nodeId: string;
  title: string;
  body: string;
  state: 'open' | 'closed';
  merged: boolean;
  draft: boolean;
  headRef: string;
  /** Frozen when the PR closes; live (the branch head) while open. */
  closedHeadSha?: string;
  baseRef: string;
  labels: string[];
  authorLogin: string;
  comments: FakeComment[];
  reviewers: { users: string[]; teams: string[] };
  openedAt: string;
}

interface FakeRepo {
  info: RepoInfo;
  branches: Map<string, string>;
  prs: FakePr[];
  labels: Set<string>;
  checkRuns: Map<string, CheckRunInfo[]>;
  statuses: Map<string, CommitStatusInfo[]>;
  issues: (IssueInfo & { labels: string[]; comments: FakeComment[] })[];
  failedLogs: Map<string, { jobName: string; url: string; log: string }[]>;
  permissions: Map<string, RepoPermission>;
}

export interface FakeRepoSpec {
  name: string;
  owner?: string;
  files?: Record<string, string>;
  defaultBranch?: string;
  archived?: boolean;
  fork?: boolean;
  disabled?: boolean;
  empty?: boolean;
  topics?: string[];
  language?: string | null;
  private?: boolean;
}

export type FakeMethod = keyof GitHost;

export class FakeGitHost implements GitHost {
  readonly botLogin: string;
  readonly appSlug: string;
  /** Calls per port method. */
  readonly counts: Partial<Record<FakeMethod, number>> = {};
  /** GitHub signs the app's API commits; `false` models a GHES without web commit signing. */
  signsAppCommits = true;
  /** Every PR opened: repo, number, time, and how many PRs of that branch were open right after. */
  readonly openedPrs: {
    repo: string;
    number: number;
    branch: string;
    at: string;
    openOnBranchPrefix: number;
  }[] = [];
  readonly #repos = new Map<string, FakeRepo>();
  readonly #commits = new Map<string, FakeCommit>();
  readonly #now: () => Date;
  #nextSha = 1;
  #nextId = 1000;
  #failures: { method: FakeMethod; error: Error; remaining: number }[] = [];

  constructor(options: { now: () => Date; botLogin?: string; appSlug?: string }) {
    this.#now = options.now;
    this.botLogin = options.botLogin ?? 'fleetwright[bot]';
    this.appSlug = options.appSlug ?? 'fleetwright';
  }

  // ── Port ──────────────────────────────────────────────────────────────────────────────────────

  async listRepositories(): Promise<RepoInfo[]> {
    this.#count('listRepositories');
    return [...this.#repos.values()].map((repo) => ({ ...repo.info, topics: [...repo.info.topics] }));
  }

  async findRepository(ref: RepoRef): Promise<RepoInfo | undefined> {
    this.#count('findRepository');
    const repo = this.#repos.get(key(ref));
    return repo ? { ...repo.info } : undefined;
  }

  async findFile(ref: RepoRef, path: string, gitRef?: string): Promise<FileContent | undefined> {
    this.#count('findFile');
    const commit = this.#resolve(this.#repo(ref), gitRef);
    const text = commit?.files.get(path);
    return text === undefined ? undefined : { path, text, sha: blobSha(text) };
  }

  async listDirectory(ref: RepoRef, path: string, gitRef?: string): Promise<DirEntry[]> {
    this.#count('listDirectory');
    const commit = this.#resolve(this.#repo(ref), gitRef);
    if (!commit) return [];
    const prefix = path === '' ? '' : `${path.replace(/\/$/, '')}/`;
    const entries = new Map<string, DirEntry>();
    for (const [file, text] of commit.files) {
      if (!file.startsWith(prefix)) continue;
      const rest = file.slice(prefix.length);
      const [name = '', ...more] = rest.split('/');
      entries.set(name, {
        path: `${prefix}${name}`,
        name,
        type: more.length > 0 ? 'dir' : 'file',
        ...(more.length > 0 ? {} : { size: text.length }),
      });
    }
    return [...entries.values()].sort((a, b) => a.path.localeCompare(b.path));
  }

  async listChangedFiles(ref: RepoRef, base: string, head: string): Promise<ChangedFile[]> {
    this.#count('listChangedFiles');
    const repo = this.#repo(ref);
    const a = this.#resolve(repo, base);
    const b = this.#resolve(repo, head);
    if (!a || !b) throw new GitHostError('No common ancestor', { status: 404 });
    const changed: ChangedFile[] = [];
    for (const [path, text] of b.files) {
      const before = a.files.get(path);
      if (before === undefined) changed.push({ path, status: 'added' });
      else if (before !== text) changed.push({ path, status: 'modified' });
    }
    for (const path of a.files.keys()) if (!b.files.has(path)) changed.push({ path, status: 'removed' });
    return changed.sort((x, y) => x.path.localeCompare(y.path));
  }

  async downloadTarball(ref: RepoRef, sha: string): Promise<Uint8Array> {
    this.#count('downloadTarball');
    const commit = this.#resolve(this.#repo(ref), sha);
    if (!commit) throw new GitHostError(`No commit ${sha}`, { status: 404 });
    return new TextEncoder().encode(JSON.stringify(Object.fromEntries(commit.files)));
  }

  async findBranchHead(ref: RepoRef, branch: string): Promise<string | undefined> {
    this.#count('findBranchHead');
    return this.#repo(ref).branches.get(branch);
  }

  async ensureBranch(ref: RepoRef, branch: string, sha: string): Promise<void> {
    this.#count('ensureBranch');
    const repo = this.#repo(ref);
    this.#writable(repo);
    if (!this.#commits.has(sha)) throw new GitHostError(`No commit ${sha}`, { status: 422 });
    const current = repo.branches.get(branch);
    if (current === sha) return;
    if (current !== undefined) throw new StaleHeadError(`Branch ${branch} points at ${current}`, sha);
    repo.branches.set(branch, sha);
  }

  async commitChangeSet(
    ref: RepoRef,
    commit: {
      branch: string;
      expectedHeadSha: string;
      headline: string;
      body?: string;
      changeSet: ChangeSet;
    },
  ): Promise<{ sha: string }> {
    this.#count('commitChangeSet');
    const repo = this.#repo(ref);
    this.#writable(repo);
    const head = repo.branches.get(commit.branch);
    if (head === undefined) throw new GitHostError(`Branch ${commit.branch} not found`, { status: 404 });
    if (head !== commit.expectedHeadSha)
      throw new StaleHeadError(`Branch ${commit.branch} moved to ${head}`, commit.expectedHeadSha);
    if (commit.changeSet.additions.length + commit.changeSet.deletions.length === 0) {
      throw new GitHostError('Empty commits are refused', { status: 422 });
    }
    const parent = this.#commits.get(head) as FakeCommit;
    const files = new Map(parent.files);
    for (const addition of commit.changeSet.additions)
      files.set(addition.path, addition.contents.toString('utf8'));
    for (const deletion of commit.changeSet.deletions) files.delete(deletion.path);
    const sha = this.#commit(files, [head], commit.headline, this.botLogin, this.signsAppCommits);
    repo.branches.set(commit.branch, sha);
    return { sha };
  }

  async resetBranch(ref: RepoRef, branch: string, sha: string, expectedHeadSha: string): Promise<void> {
    this.#count('resetBranch');
    const repo = this.#repo(ref);
    const head = repo.branches.get(branch);
    if (head !== expectedHeadSha) throw new StaleHeadError(`Branch ${branch} moved`, expectedHeadSha);
    repo.branches.set(branch, sha);
  }

  async listCommitsBetween(ref: RepoRef, base: string, head: string): Promise<CommitInfo[]> {
    this.#count('listCommitsBetween');
    const repo = this.#repo(ref);
    const baseCommit = this.#resolve(repo, base);
    const headCommit = this.#resolve(repo, head);
    if (!baseCommit || !headCommit) throw new GitHostError('Unknown commit', { status: 404 });
    const ancestors = new Set<string>();
    for (let walk: FakeCommit | undefined = baseCommit; walk; walk = this.#commits.get(walk.parents[0] ?? ''))
      ancestors.add(walk.sha);
    const result: CommitInfo[] = [];
    for (
      let walk: FakeCommit | undefined = headCommit;
      walk && !ancestors.has(walk.sha);
      walk = this.#commits.get(walk.parents[0] ?? '')
    ) {
      result.push({
        sha: walk.sha,
        parents: [...walk.parents],
        message: walk.message,
        authorLogin: walk.authorLogin,
        verified: walk.verified,
      });
    }
    return result.reverse();
  }

  async getCiSnapshot(ref: RepoRef, sha: string): Promise<CiSnapshot> {
    this.#count('getCiSnapshot');
    const repo = this.#repo(ref);
    const runs = repo.checkRuns.get(sha) ?? [];
    const latest = new Map<string, CheckRunInfo>();
    for (const run of runs) {
      const previous = latest.get(run.name);
      if (!previous || run.id > previous.id) latest.set(run.name, run);
    }
    return {
      sha,
      checkRuns: [...latest.values()].map((run) => ({ ...run })),
      statuses: [...(repo.statuses.get(sha) ?? [])].reverse(),
    };
  }

  async findFailureReport(ref: RepoRef, sha: string): Promise<FailureReport | undefined> {
    this.#count('findFailureReport');
    const runs = (this.#repo(ref).checkRuns.get(sha) ?? []).filter(
      (run) => run.name === 'fleetwright/report',
    );
    const text = runs.at(-1)?.output.text;
    if (!text) return undefined;
    try {
      const parsed = FailureReport.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  async listFailedJobLogs(
    ref: RepoRef,
    sha: string,
  ): Promise<{ jobName: string; url: string; log: string }[]> {
    this.#count('listFailedJobLogs');
    return this.#repo(ref).failedLogs.get(sha) ?? [];
  }

  async ensureCheckRun(ref: RepoRef, request: CheckRunRequest): Promise<{ id: number }> {
    this.#count('ensureCheckRun');
    const repo = this.#repo(ref);
    const runs = repo.checkRuns.get(request.headSha) ?? [];
    const existing = runs.find((run) => run.name === request.name && run.appSlug === this.appSlug);
    const info: CheckRunInfo = {
      id: existing?.id ?? this.#nextId++,
      name: request.name,
      headSha: request.headSha,
      status: request.conclusion ? 'completed' : (request.status ?? 'queued'),
      conclusion: request.conclusion ?? null,
      appSlug: this.appSlug,
      checkSuiteId: 1,
      detailsUrl: request.detailsUrl ?? null,
      startedAt: this.#now().toISOString(),
      completedAt: request.conclusion ? this.#now().toISOString() : null,
      output: { title: request.title, summary: request.summary, text: request.text ?? null },
    };
    repo.checkRuns.set(request.headSha, [...runs.filter((run) => run !== existing), info]);
    return { id: info.id };
  }

  async findPullRequestForBranch(ref: RepoRef, branch: string): Promise<PullRequestInfo | undefined> {
    this.#count('findPullRequestForBranch');
    const repo = this.#repo(ref);
    const pr = repo.prs.filter((item) => item.headRef === branch).at(-1);
    // Like GitHub's PR list, which never says whether a PR merges cleanly.
    return pr ? { ...this.#prInfo(repo, pr), mergeable: null } : undefined;
  }

  async getPullRequest(ref: RepoRef, number: number): Promise<PullRequestInfo> {
    this.#count('getPullRequest');
    const repo = this.#repo(ref);
    const pr = repo.prs.find((item) => item.number === number);
    if (!pr) throw new GitHostError(`PR #${number} not found`, { status: 404 });
    return this.#prInfo(repo, pr);
  }

  async ensureDraftPullRequest(
    ref: RepoRef,
    request: { head: string; base: string; title: string; body: string; labels: string[] },
  ): Promise<PullRequestInfo> {
    this.#count('ensureDraftPullRequest');
    const repo = this.#repo(ref);
    this.#writable(repo);
    const open = repo.prs.find((item) => item.headRef === request.head && item.state === 'open');
    if (open) return this.#prInfo(repo, open);
    if (!repo.branches.has(request.head))
      throw new GitHostError(`Head ${request.head} not found`, { status: 422 });
    if (!repo.branches.has(request.base))
      throw new GitHostError(`Base ${request.base} not found`, { status: 422 });
    if (request.body.length > 65_536) throw new GitHostError('Body too long', { status: 422 });
    const number = repo.prs.length + 1;
    for (const label of request.labels) repo.labels.add(label);
    const pr: FakePr = {
      number,
      nodeId: `PR_${repo.info.id}_${number}`,
      title: request.title,
      body: request.body,
      state: 'open',
      merged: false,
      draft: true,
      headRef: request.head,
      baseRef: request.base,
      labels: [...new Set(request.labels)],
      authorLogin: this.botLogin,
      comments: [],
      reviewers: { users: [], teams: [] },
      openedAt: this.#now().toISOString(),
    };
    repo.prs.push(pr);
    const prefix = request.head;
    this.openedPrs.push({
      repo: fullName(repo.info),
      number,
      branch: request.head,
      at: pr.openedAt,
      openOnBranchPrefix: this.openPullRequests().filter((item) => item.headRef === prefix).length,
    });
    return this.#prInfo(repo, pr);
  }

  async updatePullRequest(
    ref: RepoRef,
    number: number,
    update: { title?: string; body?: string },
  ): Promise<void> {
    this.#count('updatePullRequest');
    const pr = this.#pr(ref, number);
    if (update.body !== undefined && update.body.length > 65_536)
      throw new GitHostError('Body too long', { status: 422 });
    if (update.title !== undefined) pr.title = update.title;
    if (update.body !== undefined) pr.body = update.body;
  }

  async ensureLabels(
    ref: RepoRef,
    number: number,
    labels: { add?: string[]; remove?: string[] },
  ): Promise<void> {
    this.#count('ensureLabels');
    const repo = this.#repo(ref);
    const pr = this.#pr(ref, number);
    for (const label of labels.add ?? []) {
      repo.labels.add(label);
      if (!pr.labels.includes(label)) pr.labels.push(label);
    }
    pr.labels = pr.labels.filter((label) => !(labels.remove ?? []).includes(label));
  }

  async ensureComment(
    ref: RepoRef,
    number: number,
    commentKey: string,
    body: string,
  ): Promise<{ id: number; created: boolean }> {
    this.#count('ensureComment');
    const pr = this.#thread(ref, number);
    const full = withHiddenKey(commentKey, body);
    const existing = pr.comments.find(
      (comment) => comment.authorLogin === this.botLogin && findHiddenKey(comment.body) === commentKey,
    );
    if (existing) {
      existing.body = full;
      return { id: existing.id, created: false };
    }
    const comment = { id: this.#nextId++, body: full, authorLogin: this.botLogin };
    pr.comments.push(comment);
    return { id: comment.id, created: true };
  }

  async createComment(ref: RepoRef, number: number, body: string): Promise<{ id: number }> {
    this.#count('createComment');
    const comment = { id: this.#nextId++, body, authorLogin: this.botLogin };
    this.#thread(ref, number).comments.push(comment);
    return { id: comment.id };
  }

  async markReadyForReview(ref: RepoRef, pullRequestNodeId: string): Promise<void> {
    this.#count('markReadyForReview');
    const pr = this.#repo(ref).prs.find((item) => item.nodeId === pullRequestNodeId);
    if (!pr) throw new GitHostError('Unknown node id', { status: 404 });
    pr.draft = false;
  }

  async requestReviewers(
    ref: RepoRef,
    number: number,
    reviewers: { users: string[]; teams: string[] },
  ): Promise<void> {
    this.#count('requestReviewers');
    const pr = this.#pr(ref, number);
    pr.reviewers = {
      users: [...new Set([...pr.reviewers.users, ...reviewers.users])],
      teams: [...new Set([...pr.reviewers.teams, ...reviewers.teams])],
    };
  }

  async getPullRequestDiff(
    ref: RepoRef,
    number: number,
    options: { maxBytes?: number } = {},
  ): Promise<PullRequestDiff> {
    this.#count('getPullRequestDiff');
    const repo = this.#repo(ref);
    const pr = repo.prs.find((item) => item.number === number);
    if (!pr) throw new GitHostError(`PR #${number} not found`, { status: 404 });
    const base = this.#resolve(repo, pr.baseRef);
    const head = this.#resolve(repo, pr.closedHeadSha ?? pr.headRef);
    if (!base || !head) throw new GitHostError('No common ancestor', { status: 404 });
    const paths = [...new Set([...base.files.keys(), ...head.files.keys()])].sort();
    const text = paths
      .map((path) => {
        const before = base.files.get(path);
        const after = head.files.get(path);
        return renderFileDiff({
          path,
          before: before === undefined ? undefined : { text: before, mode: '100644' },
          after: after === undefined ? undefined : { text: after, mode: '100644' },
        });
      })
      .join('');
    const bytes = new TextEncoder().encode(text).length;
    if (options.maxBytes !== undefined && bytes > options.maxBytes) {
      return {
        type: 'too-large',
        bytes,
        reason: `The diff is ${bytes} bytes, over the ${options.maxBytes}-byte limit`,
      };
    }
    return { type: 'diff', text, bytes };
  }

  async listRequestedReviewers(ref: RepoRef, number: number): Promise<RequestedReviewers> {
    this.#count('listRequestedReviewers');
    const pr = this.#pr(ref, number);
    return { users: [...pr.reviewers.users], teams: [...pr.reviewers.teams] };
  }

  async getPermission(ref: RepoRef, login: string): Promise<RepoPermission> {
    this.#count('getPermission');
    return this.#repo(ref).permissions.get(login) ?? 'none';
  }

  async addReaction(ref: RepoRef, commentId: number, reaction: Reaction): Promise<void> {
    this.#count('addReaction');
    const repo = `${ref.owner}/${ref.repo}`.toLowerCase();
    // GitHub answers 200 for a reaction the app already left: recorded once.
    if (
      !this.reactions.some((r) => r.repo === repo && r.commentId === commentId && r.reaction === reaction)
    ) {
      this.reactions.push({ repo, commentId, reaction });
    }
  }

  /** Reactions the app left on comments, in order (`repo` lowercased). */
  readonly reactions: { repo: string; commentId: number; reaction: Reaction }[] = [];

  async findTeamMembership(
    org: string,
    teamSlug: string,
    login: string,
  ): Promise<TeamMembership | undefined> {
    this.#count('findTeamMembership');
    return this.#teams.get(`${org}/${teamSlug}`.toLowerCase())?.get(login.toLowerCase());
  }

  readonly #teams = new Map<string, Map<string, TeamMembership>>();

  /** `login` belongs to the team `org/slug` (`pending`: invited only); `findTeamMembership` reads it. */
  setTeamMember(org: string, teamSlug: string, login: string, state: TeamMembership = 'active'): void {
    const key = `${org}/${teamSlug}`.toLowerCase();
    const team = this.#teams.get(key) ?? new Map<string, TeamMembership>();
    team.set(login.toLowerCase(), state);
    this.#teams.set(key, team);
  }

  /** Sets a user's permission on a repository (`getPermission` answers `none` otherwise). */
  setPermission(ref: RepoRef, login: string, permission: RepoPermission): void {
    this.#repo(ref).permissions.set(login, permission);
  }

  async findIssue(ref: RepoRef, issueKey: string): Promise<IssueInfo | undefined> {
    this.#count('findIssue');
    const issue = this.#repo(ref).issues.find((item) => findHiddenKey(item.body) === issueKey);
    return issue
      ? {
          number: issue.number,
          title: issue.title,
          body: issue.body,
          state: issue.state,
          htmlUrl: issue.htmlUrl,
        }
      : undefined;
  }

  async ensureIssue(
    ref: RepoRef,
    issueKey: string,
    issue: { title: string; body: string; labels?: string[] },
  ): Promise<IssueInfo> {
    this.#count('ensureIssue');
    const repo = this.#repo(ref);
    const body = withHiddenKey(issueKey, issue.body);
    const existing = repo.issues.find((item) => findHiddenKey(item.body) === issueKey);
    if (existing) {
      existing.title = issue.title;
      existing.body = body;
      return {
        number: existing.number,
        title: existing.title,
        body: existing.body,
        state: existing.state,
        htmlUrl: existing.htmlUrl,
      };
    }
    const created = {
      number: repo.prs.length + repo.issues.length + 1000,
      title: issue.title,
      body,
      state: 'open' as const,
      htmlUrl: `https://github.test/${fullName(repo.info)}/issues/x`,
      labels: issue.labels ?? [],
      comments: [],
    };
    repo.issues.push(created);
    return {
      number: created.number,
      title: created.title,
      body: created.body,
      state: created.state,
      htmlUrl: created.htmlUrl,
    };
  }

  // ── Test controls (not part of the port) ─────────────────────────────────────────────────────

  /** Adds a repository with one initial commit on its default branch (none when `empty`). */
  addRepo(spec: FakeRepoSpec): { ref: RepoRef; headSha: string | undefined } {
    const owner = spec.owner ?? 'acme';
    const defaultBranch = spec.defaultBranch ?? 'main';
    const info: RepoInfo = {
      owner,
      repo: spec.name,
      id: this.#nextId++,
      defaultBranch,
      archived: spec.archived ?? false,
      fork: spec.fork ?? false,
      disabled: spec.disabled ?? false,
      empty: spec.empty ?? false,
      private: spec.private ?? true,
      topics: spec.topics ?? [],
      language: spec.language === undefined ? 'TypeScript' : spec.language,
      htmlUrl: `https://github.test/${owner}/${spec.name}`,
    };
    const repo: FakeRepo = {
      info,
      branches: new Map(),
      prs: [],
      labels: new Set(),
      checkRuns: new Map(),
      statuses: new Map(),
      issues: [],
      failedLogs: new Map(),
      permissions: new Map(),
    };
    this.#repos.set(key(info), repo);
    let headSha: string | undefined;
    if (!info.empty) {
      headSha = this.#commit(
        new Map(Object.entries(spec.files ?? { 'README.md': `# ${spec.name}\n` })),
        [],
        'Initial commit',
        'octocat',
      );
      repo.branches.set(defaultBranch, headSha);
    }
    return { ref: { owner, repo: spec.name }, headSha };
  }

  /** Adds or replaces a check run on `sha` (as another app, e.g. GitHub Actions). */
  setCheckRun(
    ref: RepoRef,
    sha: string,
    run: { name: string; status?: string; conclusion?: string | null; appSlug?: string; text?: string },
  ): void {
    const repo = this.#repo(ref);
    const runs = repo.checkRuns.get(sha) ?? [];
    const info: CheckRunInfo = {
      id: this.#nextId++,
      name: run.name,
      headSha: sha,
      status: run.status ?? (run.conclusion ? 'completed' : 'in_progress'),
      conclusion: run.conclusion ?? null,
      appSlug: run.appSlug ?? 'github-actions',
      checkSuiteId: 1,
      detailsUrl: null,
      startedAt: this.#now().toISOString(),
      completedAt: run.conclusion ? this.#now().toISOString() : null,
      output: { title: null, summary: null, text: run.text ?? null },
    };
    repo.checkRuns.set(sha, [...runs, info]);
  }

  /** Adds a commit status on `sha` (newest last; the snapshot lists newest first, like GitHub). */
  setStatus(ref: RepoRef, sha: string, context: string, state: CommitStatusInfo['state']): void {
    const repo = this.#repo(ref);
    repo.statuses.set(sha, [
      ...(repo.statuses.get(sha) ?? []),
      { context, state, description: null, targetUrl: null, creatorLogin: 'ci-bot' },
    ]);
  }

  /** The failed jobs' logs the Actions API returns for `sha` (the log fallback). */
  setFailedJobLogs(ref: RepoRef, sha: string, logs: { jobName: string; url: string; log: string }[]): void {
    this.#repo(ref).failedLogs.set(sha, logs);
  }

  /**
   * A person pushes a commit on `branch`, attributed to `author` (a person can write any author
   * e-mail, the bot's included) and unsigned, as a plain `git push` is.
   */
  pushCommit(ref: RepoRef, branch: string, files: Record<string, string>, author = 'octocat'): string {
    const repo = this.#repo(ref);
    const head = repo.branches.get(branch);
    if (head === undefined) throw new Error(`no branch ${branch}`);
    const parent = this.#commits.get(head) as FakeCommit;
    const sha = this.#commit(
      new Map([...parent.files, ...Object.entries(files)]),
      [head],
      'human change',
      author,
    );
    repo.branches.set(branch, sha);
    return sha;
  }

  /** Closes (or merges) the PR on `branch`. */
  closePullRequest(ref: RepoRef, branch: string, merged = false): void {
    const repo = this.#repo(ref);
    const pr = repo.prs.find((item) => item.headRef === branch && item.state === 'open');
    if (!pr) throw new Error(`no open PR on ${branch}`);
    pr.closedHeadSha = repo.branches.get(branch);
    pr.state = 'closed';
    pr.merged = merged;
  }

  /** Makes the next `times` calls of `method` throw `error`. */
  failNext(method: FakeMethod, error: Error, times = 1): void {
    this.#failures.push({ method, error, remaining: times });
  }

  openPullRequests(): (PullRequestInfo & { repo: string; comments: FakeComment[] })[] {
    return this.allPullRequests().filter((pr) => pr.state === 'open');
  }

  allPullRequests(): (PullRequestInfo & { repo: string; comments: FakeComment[] })[] {
    return [...this.#repos.values()].flatMap((repo) =>
      repo.prs.map((pr) => ({
        ...this.#prInfo(repo, pr),
        repo: fullName(repo.info),
        comments: pr.comments.map((comment) => ({ ...comment })),
      })),
    );
  }

  branchHead(ref: RepoRef, branch: string): string | undefined {
    return this.#repo(ref).branches.get(branch);
  }

  commitAuthor(sha: string): string | null | undefined {
    return this.#commits.get(sha)?.authorLogin;
  }

  /** The app's comments on issue `number` (replies on the dashboard). */
  issueComments(ref: RepoRef, number: number): FakeComment[] {
    return (this.#repo(ref).issues.find((item) => item.number === number)?.comments ?? []).map((comment) => ({
      ...comment,
    }));
  }

  /** The app's issues in a repository (the dashboard). */
  issues(ref: RepoRef): IssueInfo[] {
    return this.#repo(ref).issues.map((issue) => ({
      number: issue.number,
      title: issue.title,
      body: issue.body,
      state: issue.state,
      htmlUrl: issue.htmlUrl,
    }));
  }

  totalRequests(): number {
    return Object.values(this.counts).reduce((sum, count) => sum + (count ?? 0), 0);
  }

  resetCounts(): void {
    for (const method of Object.keys(this.counts) as FakeMethod[]) delete this.counts[method];
  }

  // ── Internals ────────────────────────────────────────────────────────────────────────────────

  #count(method: FakeMethod): void {
    this.counts[method] = (this.counts[method] ?? 0) + 1;
    const failure = this.#failures.find((item) => item.method === method && item.remaining > 0);
    if (failure) {
      failure.remaining -= 1;
      throw failure.error;
    }
  }

  #repo(ref: RepoRef): FakeRepo {
    const repo = this.#repos.get(key(ref));
    if (!repo) throw new GitHostError(`Repository ${ref.owner}/${ref.repo} not found`, { status: 404 });
    return repo;
  }

  #writable(repo: FakeRepo): void {
    if (repo.info.archived)
      throw new GitHostError('Repository was archived so is read-only.', { status: 403 });
    if (repo.info.disabled) throw new GitHostError('Repository access blocked', { status: 403 });
  }

  /** The comments of PR or issue `number` (issues: the app's dashboard). */
  #thread(ref: RepoRef, number: number): { comments: FakeComment[] } {
    const issue = this.#repo(ref).issues.find((item) => item.number === number);
    return issue ?? this.#pr(ref, number);
  }

  #pr(ref: RepoRef, number: number): FakePr {
    const pr = this.#repo(ref).prs.find((item) => item.number === number);
    if (!pr) throw new GitHostError(`PR #${number} not found`, { status: 404 });
    return pr;
  }

  #prInfo(repo: FakeRepo, pr: FakePr): PullRequestInfo {
    return {
      number: pr.number,
      nodeId: pr.nodeId,
      title: pr.title,
      body: pr.body,
      state: pr.state,
      merged: pr.merged,
      draft: pr.draft,
      headRef: pr.headRef,
      headSha: pr.closedHeadSha ?? repo.branches.get(pr.headRef) ?? '',
      baseRef: pr.baseRef,
      labels: [...pr.labels],
      htmlUrl: `https://github.test/${fullName(repo.info)}/pull/${pr.number}`,
      authorLogin: pr.authorLogin,
      mergeable: pr.state === 'open' ? !this.#conflicts(repo, pr) : null,
    };
  }

  /**
   * Would merging the PR conflict? A path changed on both the base side and the head side since
   * their merge base (first-parent ancestry), to different contents.
   */
  #conflicts(repo: FakeRepo, pr: FakePr): boolean {
    const base = this.#resolve(repo, pr.baseRef);
    const head = this.#resolve(repo, pr.headRef);
    if (!base || !head) return false;
    const baseAncestry = new Set<string>();
    for (let walk: FakeCommit | undefined = base; walk; walk = this.#commits.get(walk.parents[0] ?? ''))
      baseAncestry.add(walk.sha);
    let mergeBase: FakeCommit | undefined = head;
    while (mergeBase && !baseAncestry.has(mergeBase.sha))
      mergeBase = this.#commits.get(mergeBase.parents[0] ?? '');
    if (!mergeBase) return true;
    const paths = new Set([...base.files.keys(), ...head.files.keys(), ...mergeBase.files.keys()]);
    for (const path of paths) {
      const before = mergeBase.files.get(path);
      const ours = head.files.get(path);
      const theirs = base.files.get(path);
      if (ours !== before && theirs !== before && ours !== theirs) return true;
    }
    return false;
  }

  #resolve(repo: FakeRepo, gitRef?: string): FakeCommit | undefined {
    const ref = gitRef ?? repo.info.defaultBranch;
    const sha = repo.branches.get(ref) ?? ref;
    return this.#commits.get(sha);
  }

  #commit(
    files: Map<string, string>,
    parents: string[],
    message: string,
    authorLogin: string | null,
    verified = false,
  ): string {
    const sha = (this.#nextSha++).toString(16).padStart(40, '0').replace(/^0/, 'f');
    this.#commits.set(sha, { sha, parents, files, message, authorLogin, verified });
    return sha;
  }
}

function key(ref: RepoRef): string {
  return `${ref.owner}/${ref.repo}`.toLowerCase();
}

function fullName(info: RepoRef): string {
  return `${info.owner}/${info.repo}`;
}

function blobSha(text: string): string {
  let hash = 0;
  for (let index = 0; index < text.length; index += 1)
    hash = (Math.imul(hash, 31) + text.charCodeAt(index)) >>> 0;
  return hash.toString(16).padStart(40, '0');
}
