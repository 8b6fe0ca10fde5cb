/**
 * GitHubSim: a stateful fake GitHub (REST under `/api/v3`, GraphQL at `/api/graphql`) served
 * over real HTTP on 127.0.0.1, plus a TypeScript control API for tests. State changes emit the
 * webhooks GitHub would send; a scripted CI hook turns pushes into check runs, statuses and
 * Actions runs. See test/sim/README.md for the supported routes and operations.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CiEngine, type CiScript } from './ci.ts';
import { GitStore, type FileMap, type GitCommit, type GitPerson } from './git-store.ts';
import { HttpError, notFound } from './http-error.ts';
import {
  repoKey,
  type SimApp,
  type SimCheckRun,
  type SimCheckSuite,
  type SimComment,
  type SimInstallation,
  type SimIssue,
  type SimLabel,
  type SimPermission,
  type SimRepo,
  type SimStatus,
  type SimUser,
} from './model.ts';
import { RequestLog, FaultInjector } from './requests.ts';
import { diffFiles } from './diff.ts';
import { handleRequest } from './server.ts';
import * as ser from './serialize.ts';
import {
  WebhookDispatcher,
  type DeliveryOptions,
  type DeliveryRecord,
  type WebhookEvent,
} from './webhooks.ts';

/** Who does something: a user, and the app when an installation token made the request. */
export interface Actor {
  user: SimUser;
  app: SimApp | null;
}

export interface RepoRef {
  owner: string;
  repo: string;
}

export type FileInput = string | Buffer | { content: string | Buffer; mode?: '100644' | '100755' | '120000' };

export interface CreateRepoOptions {
  owner: string;
  name: string;
  /** Initial files on the default branch; omit with `empty: true` for a repo without commits. */
  files?: Record<string, FileInput>;
  empty?: boolean;
  defaultBranch?: string;
  topics?: string[];
  language?: string | null;
  archived?: boolean;
  fork?: boolean;
  disabled?: boolean;
  private?: boolean;
  description?: string;
  /** Installation id; defaults to the installation on `owner` (created on demand). */
  installationId?: number;
  draftPullRequests?: boolean;
  collaborators?: Record<string, SimPermission>;
}

export interface SimOptions {
  appId?: number;
  appSlug?: string;
  webhookSecret?: string;
  /** The simulator's clock (ISO timestamps in payloads); defaults to real time. */
  now?: () => Date;
}

const ZERO_SHA = '0000000000000000000000000000000000000000';

/** One ref change, in order (`sim.refUpdates`): what the scenario invariants check pushes against. */
export interface RefUpdate {
  /** Position in the request log when the ref moved (orders ref changes against requests). */
  requestIndex: number;
  repo: string;
  ref: string;
  before: string | undefined;
  after: string | undefined;
  /** Not a fast-forward (the old head is not an ancestor of the new one). */
  forced: boolean;
  actor: string;
  /** Made through an app's installation token (the app), not by a person. */
  viaApp: boolean;
}

/** A write GitHub refused because the ref had moved (`STALE_DATA`): a push on a stale head, stopped. */
export interface StaleWrite {
  repo: string;
  ref: string;
  expected: string;
  actual: string | undefined;
  via: 'createCommitOnBranch' | 'updateRefs';
}

export class GitHubSim {
  readonly app: SimApp;
  readonly botUser: SimUser;
  readonly actionsApp: SimApp;
  readonly webhookSecret: string;
  readonly webhooks: WebhookDispatcher;
  readonly requests = new RequestLog();
  /** Every ref change (push, force-push, deletion), oldest first. */
  readonly refUpdates: RefUpdate[] = [];
  /** Every compare-and-swap write refused because the ref had moved. */
  readonly staleWrites: StaleWrite[] = [];
  readonly faults = new FaultInjector();
  readonly ci: CiEngine;
  readonly installations = new Map<number, SimInstallation>();
  readonly repos = new Map<string, SimRepo>();
  readonly users = new Map<string, SimUser>();
  /** Installation access tokens minted by `POST /app/installations/{id}/access_tokens`. */
  readonly tokens = new Map<string, number>();
  /** Errors thrown inside background work (CI scripts, deliveries), surfaced by `settle()`. */
  readonly backgroundErrors: unknown[] = [];
  /** Unauthenticated download URLs (`/_download/...`) that redirects point at: tarballs, logs. */
  /** Permissions of the simulated app that change behaviour (workflow file edits). */
  readonly appPermissions = { workflows: false, members: true };
  /** Team memberships by `org/slug` (lowercase), login (lowercase) → state; see `setTeamMember`. */
  readonly teams = new Map<string, Map<string, 'active' | 'pending'>>();
  readonly downloads = new Map<string, { body: Buffer | string; contentType: string }>();
  private server: Server | undefined;
  private port = 0;
  private nextIdValue = 1000;
  private readonly clock: () => Date;

  constructor(options: SimOptions = {}) {
    this.clock = options.now ?? (() => new Date());
    const owner = this.ensureUser('fleetwright-owner', 'Organization');
    this.app = {
      id: options.appId ?? 4242,
      slug: options.appSlug ?? 'fleetwright',
      name: 'fleetwright',
      owner,
    };
    this.botUser = this.ensureUser(`${this.app.slug}[bot]`, 'Bot');
    this.actionsApp = {
      id: 15368,
      slug: 'github-actions',
      name: 'GitHub Actions',
      owner: this.ensureUser('github', 'Organization'),
    };
    this.ensureUser('github-actions[bot]', 'Bot');
    this.webhookSecret = options.webhookSecret ?? 'sim-webhook-secret';
    this.webhooks = new WebhookDispatcher((error) => this.backgroundErrors.push(error));
    this.ci = new CiEngine(this);
  }

  // ---------------------------------------------------------------- server

  /** Starts the HTTP server on 127.0.0.1 and an ephemeral port. */
  async start(): Promise<this> {
    const server = createServer((req, res) => {
      handleRequest(this, req, res).catch((error: unknown) => {
        this.backgroundErrors.push(error);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ message: 'Simulator error', error: String(error) }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    this.webhooks.close();
    this.ci.close();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** `http://127.0.0.1:<port>`: the GHE host root (what `GHE_HOST` names); port 0 until started. */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** `GHE_HOST` value: host and port, for `GHE_PROTOCOL=http`. */
  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** REST base URL for Octokit (`baseUrl`). */
  get apiUrl(): string {
    return `${this.baseUrl}/api/v3`;
  }

  get urls(): ser.Urls {
    return { api: this.apiUrl, html: this.baseUrl };
  }

  now(): string {
    return this.clock()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
  }

  nextId(): number {
    return ++this.nextIdValue;
  }

  // ---------------------------------------------------------------- users, installations

  ensureUser(login: string, type: SimUser['type'] = 'User'): SimUser {
    const existing = this.users.get(login.toLowerCase());
    if (existing) return existing;
    const created: SimUser = {
      login,
      id: this.nextId(),
      type,
      email: `${login.replace(/\[bot\]$/, '')}@users.noreply.sim`,
    };
    this.users.set(login.toLowerCase(), created);
    return created;
  }

  findUser(login: string | null): SimUser | undefined {
    return login ? this.users.get(login.toLowerCase()) : undefined;
  }

  /** The actor of control-API actions: a human unless `login` names a bot. */
  human(login = 'octocat'): Actor {
    return { user: this.ensureUser(login, login.endsWith('[bot]') ? 'Bot' : 'User'), app: null };
  }

  /** The app acting through an installation token. */
  appActor(): Actor {
    return { user: this.botUser, app: this.app };
  }

  createInstallation(account: string, type: 'Organization' | 'User' = 'Organization'): SimInstallation {
    const installation: SimInstallation = {
      id: this.nextId(),
      account: this.ensureUser(account, type),
      suspended: false,
    };
    this.installations.set(installation.id, installation);
    this.emit(
      'installation',
      {
        action: 'created',
        installation: ser.installation(installation, this.app, this.urls),
        repositories: [],
        requester: null,
      },
      this.human(),
      installation.id,
      undefined,
    );
    return installation;
  }

  /** Mints an installation token (what the access_tokens endpoint does). */
  mintToken(installationId: number): string {
    if (!this.installations.has(installationId)) throw notFound();
    const token = `ghs_${randomBytes(18).toString('hex')}`;
    this.tokens.set(token, installationId);
    return token;
  }

  installationRepos(installationId: number): SimRepo[] {
    return [...this.repos.values()].filter((r) => r.installationId === installationId);
  }

  // ---------------------------------------------------------------- repositories

  createRepo(options: CreateRepoOptions): SimRepo {
    const key = repoKey(options.owner, options.name);
    if (this.repos.has(key)) throw new Error(`repository ${options.owner}/${options.name} exists`);
    const ownerUser = this.ensureUser(options.owner, 'Organization');
    let installationId = options.installationId;
    if (installationId === undefined) {
      const existing = [...this.installations.values()].find(
        (i) => i.account.login.toLowerCase() === options.owner.toLowerCase(),
      );
      installationId = (existing ?? this.createInstallation(options.owner)).id;
    }
    const now = this.now();
    const repo: SimRepo = {
      id: this.nextId(),
      owner: ownerUser,
      name: options.name,
      description: options.description ?? null,
      private: options.private ?? false,
      archived: options.archived ?? false,
      fork: options.fork ?? false,
      disabled: options.disabled ?? false,
      topics: options.topics ?? [],
      language: options.language ?? null,
      defaultBranch: options.defaultBranch ?? 'main',
      installationId,
      createdAt: now,
      pushedAt: now,
      draftPullRequests: options.draftPullRequests ?? true,
      git: new GitStore(),
      refs: new Map(),
      issues: new Map(),
      nextNumber: 1,
      labels: new Map(),
      comments: new Map(),
      checkSuites: [],
      checkRuns: [],
      statuses: [],
      workflowRuns: [],
      jobs: [],
      collaborators: new Map(
        Object.entries(options.collaborators ?? {}).map(([login, permission]) => [
          this.ensureUser(login).login.toLowerCase(),
          permission,
        ]),
      ),
    };
    this.repos.set(key, repo);
    if (!options.empty) {
      const files: FileMap = new Map();
      for (const [path, input] of Object.entries(options.files ?? { 'README.md': `# ${options.name}\n` })) {
        files.set(path, this.blobFor(repo, input));
      }
      const commit = this.writeCommit(repo, {
        parents: [],
        files,
        message: 'Initial commit',
        actor: this.human(),
      });
      repo.refs.set(`refs/heads/${repo.defaultBranch}`, commit.sha);
      // The repository "already existed": no push webhook, but its default branch has had CI
      // (when a script is set), so baselines have results.
      this.ci.onHeadChanged(repo, commit.sha, repo.defaultBranch, 'push');
    }
    return repo;
  }

  getRepo(ref: RepoRef | string): SimRepo {
    const key = typeof ref === 'string' ? ref.toLowerCase() : repoKey(ref.owner, ref.repo);
    const repo = this.repos.get(key);
    if (!repo) throw new Error(`no repository ${typeof ref === 'string' ? ref : `${ref.owner}/${ref.repo}`}`);
    return repo;
  }

  findRepo(owner: string, name: string): SimRepo | undefined {
    return this.repos.get(repoKey(owner, name));
  }

  blobFor(repo: SimRepo, input: FileInput): { sha: string; mode: '100644' | '100755' | '120000' } {
    if (typeof input === 'string' || Buffer.isBuffer(input))
      return { sha: repo.git.putBlob(input), mode: '100644' };
    return { sha: repo.git.putBlob(input.content), mode: input.mode ?? '100644' };
  }

  person(actor: Actor): GitPerson {
    return {
      name: actor.user.login,
      email: actor.user.email ?? `${actor.user.login}@users.noreply.sim`,
      date: this.now(),
    };
  }

  writeCommit(
    repo: SimRepo,
    spec: {
      parents: string[];
      files: FileMap;
      message: string;
      actor: Actor;
      verified?: boolean;
      author?: GitPerson;
      /** The account the author e-mail resolves to; defaults to the actor. */
      authorLogin?: string;
    },
  ): GitCommit {
    const treeSha = repo.git.putTree(spec.files);
    const person = this.person(spec.actor);
    return repo.git.putCommit({
      treeSha,
      parents: spec.parents,
      message: spec.message,
      author: spec.author ?? person,
      committer: spec.actor.app ? { name: 'GitHub', email: 'noreply@github.com', date: person.date } : person,
      authorLogin: spec.authorLogin ?? spec.actor.user.login,
      verified: spec.verified ?? spec.actor.app !== null,
    });
  }

  branchHead(repo: SimRepo, branch: string): string | undefined {
    return repo.refs.get(`refs/heads/${branch}`);
  }

  /** Resolves a branch, tag, full ref or (abbreviated) SHA to a commit SHA. */
  resolveRef(repo: SimRepo, ref: string): string | undefined {
    if (/^[0-9a-f]{40}$/i.test(ref))
      return repo.git.getCommit(ref.toLowerCase()) ? ref.toLowerCase() : undefined;
    for (const candidate of [ref, `refs/heads/${ref}`, `refs/tags/${ref}`, `refs/${ref}`]) {
      const sha = repo.refs.get(candidate);
      if (sha) return sha;
    }
    if (/^[0-9a-f]{7,39}$/i.test(ref)) {
      const matches = [...repo.git.commits.keys()].filter((sha) => sha.startsWith(ref.toLowerCase()));
      if (matches.length === 1) return matches[0];
    }
    return undefined;
  }

  /**
   * Moves (or creates, or deletes with `sha === undefined`) a ref and announces it: push
   * webhook, PR synchronize/close, CI. The single place refs change.
   */
  setRef(repo: SimRepo, ref: string, sha: string | undefined, actor: Actor): void {
    const before = repo.refs.get(ref);
    if (before === sha) return;
    if (sha === undefined) repo.refs.delete(ref);
    else repo.refs.set(ref, sha);
    repo.pushedAt = this.now();
    const forced = before !== undefined && sha !== undefined && !repo.git.isAncestor(before, sha);
    this.refUpdates.push({
      requestIndex: this.requests.records.length,
      repo: `${repo.owner.login}/${repo.name}`,
      ref,
      before,
      after: sha,
      forced,
      actor: actor.user.login,
      viaApp: actor.app !== null,
    });
    this.emitPush(repo, ref, before, sha, actor, forced);
    if (!ref.startsWith('refs/heads/')) return;
    const branch = ref.slice('refs/heads/'.length);
    let synchronized = false;
    for (const issue of repo.issues.values()) {
      const pull = issue.pull;
      if (!pull || issue.state !== 'open') continue;
      if (pull.baseRef === branch && sha) pull.baseSha = sha;
      if (pull.headRef !== branch) continue;
      if (sha === undefined) {
        this.closeIssue(repo, issue, actor);
        continue;
      }
      pull.headSha = sha;
      issue.updatedAt = this.now();
      this.emitPull(repo, issue, 'synchronize', actor, { before: before ?? ZERO_SHA, after: sha });
      synchronized = true;
    }
    if (sha) {
      // GitHub fires push workflows, then pull_request workflows for the synchronized PRs.
      this.ci.onHeadChanged(repo, sha, branch, 'push');
      if (synchronized) this.ci.onHeadChanged(repo, sha, branch, 'pull_request');
    }
  }

  /**
   * Control API: commits files (null deletes) on a branch as `by`, like `git push`. `author` is
   * the account GitHub attributes the commit to (from the author e-mail, which anyone can set:
   * `author: 'fleetwright[bot]'` forges the app); the commit is unsigned either way.
   */
  commit(
    ref: RepoRef,
    spec: {
      branch?: string;
      files?: Record<string, FileInput | null>;
      message?: string;
      by?: string;
      author?: string;
      parents?: string[];
    },
  ): string {
    const repo = this.getRepo(ref);
    const branch = spec.branch ?? repo.defaultBranch;
    const head = this.branchHead(repo, branch);
    const parents = spec.parents ?? (head ? [head] : []);
    const files: FileMap = new Map(parents[0] ? repo.git.filesAt(parents[0]) : []);
    for (const [path, input] of Object.entries(spec.files ?? {})) {
      if (input === null) files.delete(path);
      else files.set(path, this.blobFor(repo, input));
    }
    const actor = this.human(spec.by);
    const author = spec.author === undefined ? undefined : this.human(spec.author);
    const commit = this.writeCommit(repo, {
      parents,
      files,
      message: spec.message ?? 'Update files',
      actor,
      verified: false,
      ...(author ? { author: this.person(author), authorLogin: author.user.login } : {}),
    });
    this.setRef(repo, `refs/heads/${branch}`, commit.sha, actor);
    return commit.sha;
  }

  /** Control API: points `branch` at `sha` (creates it, or force-moves it). */
  pushRef(ref: RepoRef, branch: string, sha: string | undefined, by?: string): void {
    this.setRef(this.getRepo(ref), `refs/heads/${branch}`, sha, this.human(by));
  }

  /** Files of a commit/branch as text, for assertions. */
  readFiles(ref: RepoRef, gitRef?: string): Record<string, string> {
    const repo = this.getRepo(ref);
    const sha = this.resolveRef(repo, gitRef ?? repo.defaultBranch);
    if (!sha) throw new Error(`no ref ${gitRef}`);
    const out: Record<string, string> = {};
    for (const [path, file] of repo.git.filesAt(sha))
      out[path] = repo.git.getBlob(file.sha)!.toString('utf8');
    return out;
  }

  // ---------------------------------------------------------------- issues and pull requests

  ensureLabel(repo: SimRepo, name: string, color = 'ededed', description: string | null = null): SimLabel {
    const existing = repo.labels.get(name.toLowerCase());
    if (existing) return existing;
    const label: SimLabel = { id: this.nextId(), name, color, description, default: false };
    repo.labels.set(name.toLowerCase(), label);
    return label;
  }

  createIssue(
    repo: SimRepo,
    spec: { title: string; body?: string; labels?: string[]; pull?: SimIssue['pull'] },
    actor: Actor,
  ): SimIssue {
    const now = this.now();
    const issue: SimIssue = {
      id: this.nextId(),
      number: repo.nextNumber++,
      title: spec.title,
      body: spec.body ?? '',
      state: 'open',
      stateReason: null,
      user: actor.user,
      viaApp: actor.app,
      labels: [],
      createdAt: now,
      updatedAt: now,
      closedAt: null,
      closedBy: null,
      pull: spec.pull,
      reactions: [],
    };
    for (const name of spec.labels ?? []) issue.labels.push(this.ensureLabel(repo, name).name);
    repo.issues.set(issue.number, issue);
    if (issue.pull) {
      this.emitPull(repo, issue, 'opened', actor);
      this.ci.onHeadChanged(repo, issue.pull.headSha, issue.pull.headRef, 'pull_request');
    } else {
      this.emitIssue(repo, issue, 'opened', actor);
    }
    return issue;
  }

  closeIssue(repo: SimRepo, issue: SimIssue, actor: Actor): void {
    if (issue.state === 'closed') return;
    issue.state = 'closed';
    issue.stateReason = issue.pull ? null : 'completed';
    issue.closedAt = this.now();
    issue.closedBy = actor.user;
    issue.updatedAt = issue.closedAt;
    if (issue.pull) this.emitPull(repo, issue, 'closed', actor);
    else this.emitIssue(repo, issue, 'closed', actor);
  }

  reopenIssue(repo: SimRepo, issue: SimIssue, actor: Actor): void {
    if (issue.state === 'open') return;
    if (issue.pull?.merged) throw new HttpError(422, 'Cannot reopen a merged pull request');
    issue.state = 'open';
    issue.stateReason = issue.pull ? null : 'reopened';
    issue.closedAt = null;
    issue.closedBy = null;
    issue.updatedAt = this.now();
    if (issue.pull) {
      const head = this.branchHead(repo, issue.pull.headRef);
      if (!head) throw new HttpError(422, 'The head branch no longer exists');
      issue.pull.headSha = head;
      this.emitPull(repo, issue, 'reopened', actor);
    } else {
      this.emitIssue(repo, issue, 'reopened', actor);
    }
  }

  getIssue(ref: RepoRef, number: number): SimIssue {
    const issue = this.getRepo(ref).issues.get(number);
    if (!issue) throw new Error(`no issue #${number} in ${ref.owner}/${ref.repo}`);
    return issue;
  }

  /** Control API: a human merges the PR (merge commit on the base branch). */
  mergePullRequest(ref: RepoRef, number: number, by = 'octocat'): string {
    const repo = this.getRepo(ref);
    const issue = this.getIssue(ref, number);
    const pull = issue.pull;
    if (!pull || issue.state !== 'open') throw new Error(`#${number} is not an open pull request`);
    const actor = this.human(by);
    const baseHead = this.branchHead(repo, pull.baseRef)!;
    const files = new Map(repo.git.filesAt(pull.headSha));
    const merge = this.writeCommit(repo, {
      parents: [baseHead, pull.headSha],
      files,
      message: `Merge pull request #${number} from ${repo.owner.login}/${pull.headRef}`,
      actor,
    });
    pull.merged = true;
    pull.mergedAt = this.now();
    pull.mergedBy = actor.user;
    pull.mergeCommitSha = merge.sha;
    this.closeIssue(repo, issue, actor);
    this.setRef(repo, `refs/heads/${pull.baseRef}`, merge.sha, actor);
    return merge.sha;
  }

  /** Control API: a human closes (without merging) an issue or PR. */
  close(ref: RepoRef, number: number, by = 'octocat'): void {
    this.closeIssue(this.getRepo(ref), this.getIssue(ref, number), this.human(by));
  }

  reopen(ref: RepoRef, number: number, by = 'octocat'): void {
    this.reopenIssue(this.getRepo(ref), this.getIssue(ref, number), this.human(by));
  }

  createComment(repo: SimRepo, issue: SimIssue, body: string, actor: Actor): SimComment {
    const now = this.now();
    const comment: SimComment = {
      id: this.nextId(),
      issueNumber: issue.number,
      body,
      user: actor.user,
      viaApp: actor.app,
      createdAt: now,
      updatedAt: now,
      reactions: [],
    };
    repo.comments.set(comment.id, comment);
    this.emitComment(repo, issue, comment, 'created', actor);
    return comment;
  }

  /** Control API: a person comments (e.g. `/migrate retry`). */
  addComment(ref: RepoRef, number: number, body: string, by = 'octocat'): SimComment {
    return this.createComment(this.getRepo(ref), this.getIssue(ref, number), body, this.human(by));
  }

  /** Control API: `login` is a member of the team `org/slug` (`pending`: invited, not yet accepted). */
  setTeamMember(org: string, slug: string, login: string, state: 'active' | 'pending' = 'active'): void {
    this.ensureUser(login);
    const key = `${org.toLowerCase()}/${slug.toLowerCase()}`;
    const team = this.teams.get(key) ?? new Map<string, 'active' | 'pending'>();
    team.set(login.toLowerCase(), state);
    this.teams.set(key, team);
  }

  setCollaborator(ref: RepoRef, login: string, permission: SimPermission): void {
    this.ensureUser(login);
    this.getRepo(ref).collaborators.set(login.toLowerCase(), permission);
  }

  // ---------------------------------------------------------------- checks and statuses

  /** The app's check suite for a SHA (created on first use); `fresh` starts another (one per workflow run). */
  ensureSuite(repo: SimRepo, sha: string, app: SimApp, branch: string | null, fresh = false): SimCheckSuite {
    const existing = repo.checkSuites.findLast((s) => s.headSha === sha && s.app.id === app.id);
    if (existing && !fresh) return existing;
    const now = this.now();
    const suite: SimCheckSuite = {
      id: this.nextId(),
      headSha: sha,
      headBranch: branch,
      app,
      status: 'queued',
      conclusion: null,
      createdAt: now,
      updatedAt: now,
      completedSent: false,
    };
    repo.checkSuites.push(suite);
    return suite;
  }

  branchesAt(repo: SimRepo, sha: string): string | null {
    for (const [ref, at] of repo.refs) if (at === sha && ref.startsWith('refs/heads/')) return ref.slice(11);
    return null;
  }

  /** The minimal PR objects GitHub embeds in check/workflow payloads for a head SHA. */
  pullsForSha(repo: SimRepo, sha: string): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    for (const issue of repo.issues.values()) {
      const pull = issue.pull;
      if (!pull || issue.state !== 'open' || pull.headSha !== sha) continue;
      const repoLite = {
        id: repo.id,
        url: `${this.apiUrl}/repos/${repo.owner.login}/${repo.name}`,
        name: repo.name,
      };
      out.push({
        url: `${this.apiUrl}/repos/${repo.owner.login}/${repo.name}/pulls/${issue.number}`,
        id: issue.id,
        number: issue.number,
        head: { ref: pull.headRef, sha: pull.headSha, repo: repoLite },
        base: { ref: pull.baseRef, sha: pull.baseSha, repo: repoLite },
      });
    }
    return out;
  }

  /** Creates a check run (what `POST /check-runs` does) and emits check_run (+ suite) events. */
  createCheckRun(
    repo: SimRepo,
    spec: {
      name: string;
      headSha: string;
      status?: SimCheckRun['status'];
      conclusion?: string | null;
      output?: Partial<SimCheckRun['output']>;
      detailsUrl?: string | null;
      externalId?: string | null;
      suiteId?: number;
      startedAt?: string;
      completedAt?: string | null;
    },
    app: SimApp,
    actor: Actor,
  ): SimCheckRun {
    const suite = spec.suiteId
      ? repo.checkSuites.find((s) => s.id === spec.suiteId)!
      : this.ensureSuite(repo, spec.headSha, app, this.branchesAt(repo, spec.headSha));
    const now = this.now();
    const completed = spec.conclusion ? 'completed' : (spec.status ?? 'queued');
    const run: SimCheckRun = {
      id: this.nextId(),
      suiteId: suite.id,
      name: spec.name,
      headSha: spec.headSha,
      status: completed,
      conclusion: spec.conclusion ?? null,
      startedAt: spec.startedAt ?? now,
      completedAt: completed === 'completed' ? (spec.completedAt ?? now) : null,
      detailsUrl: spec.detailsUrl ?? null,
      externalId: spec.externalId ?? null,
      app,
      output: {
        title: spec.output?.title ?? null,
        summary: spec.output?.summary ?? null,
        text: spec.output?.text ?? null,
        annotations: [...(spec.output?.annotations ?? [])],
      },
    };
    repo.checkRuns.push(run);
    this.refreshSuite(repo, suite, actor);
    this.emitCheckRun(repo, run, 'created', actor);
    if (run.status === 'completed') this.emitCheckRun(repo, run, 'completed', actor);
    this.completeSuiteIfDone(repo, suite, actor);
    return run;
  }

  updateCheckRun(
    repo: SimRepo,
    run: SimCheckRun,
    spec: {
      name?: string;
      status?: SimCheckRun['status'];
      conclusion?: string | null;
      output?: Partial<SimCheckRun['output']>;
      detailsUrl?: string | null;
      externalId?: string | null;
      completedAt?: string | null;
    },
    actor: Actor,
  ): void {
    const wasCompleted = run.status === 'completed';
    if (spec.name !== undefined) run.name = spec.name;
    if (spec.detailsUrl !== undefined) run.detailsUrl = spec.detailsUrl;
    if (spec.externalId !== undefined) run.externalId = spec.externalId;
    if (spec.conclusion) {
      run.conclusion = spec.conclusion;
      run.status = 'completed';
      run.completedAt = spec.completedAt ?? this.now();
    } else if (spec.status) {
      run.status = spec.status;
      if (spec.status === 'completed') run.completedAt ??= this.now();
    }
    if (spec.output) {
      if (spec.output.title !== undefined) run.output.title = spec.output.title;
      if (spec.output.summary !== undefined) run.output.summary = spec.output.summary;
      if (spec.output.text !== undefined) run.output.text = spec.output.text;
      // GitHub appends annotations on each update (batches of 50).
      run.output.annotations.push(...(spec.output.annotations ?? []));
    }
    const suite = repo.checkSuites.find((s) => s.id === run.suiteId)!;
    this.refreshSuite(repo, suite, actor);
    if (!wasCompleted && run.status === 'completed') this.emitCheckRun(repo, run, 'completed', actor);
    this.completeSuiteIfDone(repo, suite, actor);
  }

  private refreshSuite(repo: SimRepo, suite: SimCheckSuite, _actor: Actor): void {
    const runs = repo.checkRuns.filter((r) => r.suiteId === suite.id);
    suite.updatedAt = this.now();
    if (runs.length === 0) return;
    if (runs.some((r) => r.status !== 'completed')) {
      suite.status = runs.some((r) => r.status === 'in_progress') ? 'in_progress' : 'queued';
      suite.conclusion = null;
      suite.completedSent = false;
      return;
    }
    suite.status = 'completed';
    // GitHub's suite conclusion: the "worst" run conclusion.
    const order = ['action_required', 'cancelled', 'timed_out', 'failure', 'neutral', 'skipped', 'success'];
    const conclusions = runs.map((r) => r.conclusion ?? 'neutral');
    suite.conclusion = order.find((c) => conclusions.includes(c)) ?? 'neutral';
    if (suite.conclusion === 'skipped' && conclusions.some((c) => c === 'success'))
      suite.conclusion = 'success';
  }

  private completeSuiteIfDone(repo: SimRepo, suite: SimCheckSuite, actor: Actor): void {
    if (suite.status !== 'completed' || suite.completedSent) return;
    suite.completedSent = true;
    this.emit(
      'check_suite',
      {
        action: 'completed',
        check_suite: ser.checkSuite(
          suite,
          repo,
          this.urls,
          repo.checkRuns,
          this.pullsForSha(repo, suite.headSha),
        ),
      },
      actor,
      repo.installationId,
      repo,
    );
  }

  createStatus(
    repo: SimRepo,
    spec: {
      sha: string;
      state: SimStatus['state'];
      context?: string;
      description?: string | null;
      targetUrl?: string | null;
    },
    actor: Actor,
  ): SimStatus {
    const now = this.now();
    const status: SimStatus = {
      id: this.nextId(),
      sha: spec.sha,
      state: spec.state,
      context: spec.context ?? 'default',
      description: spec.description ?? null,
      targetUrl: spec.targetUrl ?? null,
      creator: actor.user,
      createdAt: now,
      updatedAt: now,
    };
    repo.statuses.push(status);
    const commit = repo.git.getCommit(spec.sha)!;
    this.emit(
      'status',
      {
        id: status.id,
        sha: spec.sha,
        name: `${repo.owner.login}/${repo.name}`,
        target_url: status.targetUrl,
        context: status.context,
        description: status.description,
        state: status.state,
        commit: ser.commit(commit, repo, this.urls, (login) => this.findUser(login)),
        branches: [...repo.refs]
          .filter(([ref, sha]) => sha === spec.sha && ref.startsWith('refs/heads/'))
          .map(([ref, sha]) => ({
            name: ref.slice(11),
            commit: { sha, url: `${this.apiUrl}/repos/${repo.owner.login}/${repo.name}/commits/${sha}` },
            protected: false,
          })),
        created_at: now,
        updated_at: now,
      },
      actor,
      repo.installationId,
      repo,
    );
    return status;
  }

  /** Control API: a third-party CI posts a commit status. */
  postStatus(
    ref: RepoRef,
    spec: {
      sha: string;
      state: SimStatus['state'];
      context: string;
      description?: string;
      targetUrl?: string;
    },
    by = 'ci-bot',
  ): SimStatus {
    return this.createStatus(this.getRepo(ref), spec, this.human(by));
  }

  /**
   * Registers the scripted CI (see ci.ts); `undefined` removes it. `on` says which triggers run
   * it (default both, first one per SHA wins); `['pull_request']` models a repo whose workflows
   * only run on PRs (so a conflicting PR, or no PR, gets no CI).
   */
  setCi(script: CiScript | undefined, options: { on?: ('push' | 'pull_request')[] } = {}): void {
    this.ci.set(script, options.on);
  }

  // ---------------------------------------------------------------- webhooks

  /** Points deliveries at a URL (signed with the webhook secret), a function, or nowhere. */
  deliverTo(target: string | ((event: WebhookEvent) => Promise<void> | void) | undefined): void {
    if (target === undefined) this.webhooks.target = { type: 'none' };
    else if (typeof target === 'string')
      this.webhooks.target = { type: 'url', url: target, secret: this.webhookSecret };
    else this.webhooks.target = { type: 'function', receive: target };
  }

  configureDeliveries(options: Partial<DeliveryOptions>): void {
    this.webhooks.configure(options);
  }

  get deliveries(): readonly DeliveryRecord[] {
    return this.webhooks.deliveries;
  }

  emit(
    name: string,
    body: Record<string, unknown>,
    actor: Actor,
    installationId: number | undefined,
    repo: SimRepo | undefined,
  ): DeliveryRecord {
    const installation = installationId !== undefined ? this.installations.get(installationId) : undefined;
    const payload: Record<string, unknown> = {
      ...(repo ? { repository: ser.repo(repo, this.urls) } : {}),
      ...body,
      ...(repo && repo.owner.type === 'Organization'
        ? {
            organization: {
              login: repo.owner.login,
              id: repo.owner.id,
              node_id: ser.nodeId('Organization', repo.owner.id),
            },
          }
        : {}),
      sender: ser.user(actor.user, this.urls),
      ...(installation && name !== 'installation'
        ? { installation: { id: installation.id, node_id: ser.nodeId('Installation', installation.id) } }
        : {}),
    };
    return this.webhooks.emit(name, payload);
  }

  private emitPush(
    repo: SimRepo,
    ref: string,
    before: string | undefined,
    after: string | undefined,
    actor: Actor,
    forced: boolean,
  ): void {
    const commits = after ? repo.git.commitsBetween(before ?? ZERO_SHA, after).slice(-20) : [];
    const fullName = `${repo.owner.login}/${repo.name}`;
    const pushCommit = (c: GitCommit) => {
      const parentFiles = c.parents[0] ? repo.git.filesAt(c.parents[0]) : new Map();
      const files = repo.git.filesAt(c.sha);
      const added = [...files.keys()].filter((p) => !parentFiles.has(p));
      const removed = [...parentFiles.keys()].filter((p) => !files.has(p));
      const modified = [...files.keys()].filter(
        (p) => parentFiles.has(p) && parentFiles.get(p)!.sha !== files.get(p)!.sha,
      );
      return {
        id: c.sha,
        tree_id: c.treeSha,
        distinct: true,
        message: c.message,
        timestamp: c.committer.date,
        url: `${this.baseUrl}/${fullName}/commit/${c.sha}`,
        author: { name: c.author.name, email: c.author.email, username: c.authorLogin },
        committer: { name: c.committer.name, email: c.committer.email },
        added,
        removed,
        modified,
      };
    };
    const headCommit = after ? repo.git.getCommit(after) : undefined;
    this.emit(
      'push',
      {
        ref,
        before: before ?? ZERO_SHA,
        after: after ?? ZERO_SHA,
        created: before === undefined,
        deleted: after === undefined,
        forced,
        base_ref: null,
        compare: `${this.baseUrl}/${fullName}/compare/${(before ?? ZERO_SHA).slice(0, 12)}...${(after ?? ZERO_SHA).slice(0, 12)}`,
        commits: commits.map(pushCommit),
        head_commit: headCommit ? pushCommit(headCommit) : null,
        pusher: { name: actor.user.login, email: actor.user.email ?? null },
        // Push payloads carry a legacy flavour of the repository object.
        repository: { ...ser.repo(repo, this.urls), stargazers: 0, master_branch: repo.defaultBranch },
      },
      actor,
      repo.installationId,
      repo,
    );
  }

  /** A PR in REST/webhook shape, with its commit and diff statistics. */
  pullObject(repo: SimRepo, issue: SimIssue): Record<string, unknown> {
    const pull = issue.pull!;
    const base = repo.git.mergeBase(pull.baseSha, pull.headSha) ?? pull.baseSha;
    const files = diffFiles(
      this,
      repo,
      repo.git.filesAt(base),
      repo.git.filesAt(pull.headSha),
      pull.headSha,
    ) as { additions: number; deletions: number }[];
    return ser.pull(issue, repo, this.urls, (slug) => this.teamObject(slug), {
      commits: repo.git.commitsBetween(base, pull.headSha).length,
      additions: files.reduce((n, f) => n + f.additions, 0),
      deletions: files.reduce((n, f) => n + f.deletions, 0),
      changed_files: files.length,
      conflicting: this.isConflicting(repo, issue),
    });
  }

  /**
   * Would merging the PR conflict? True when the base branch and the head changed the same path
   * differently since their merge base (a file-level approximation of git's line merge).
   */
  isConflicting(repo: SimRepo, issue: SimIssue): boolean {
    const pull = issue.pull;
    if (!pull || issue.state !== 'open') return false;
    const base = this.branchHead(repo, pull.baseRef) ?? pull.baseSha;
    const mergeBase = repo.git.mergeBase(base, pull.headSha);
    if (!mergeBase) return true;
    const origin = repo.git.filesAt(mergeBase);
    const ours = repo.git.filesAt(base);
    const theirs = repo.git.filesAt(pull.headSha);
    for (const path of new Set([...ours.keys(), ...theirs.keys(), ...origin.keys()])) {
      const o = origin.get(path)?.sha;
      const a = ours.get(path)?.sha;
      const b = theirs.get(path)?.sha;
      if (a !== o && b !== o && a !== b) return true;
    }
    return false;
  }

  /** Control API: a person opens a PR (head and base are branches of the repository). */
  openPullRequest(
    ref: RepoRef,
    spec: { head: string; base?: string; title: string; body?: string; draft?: boolean },
    by = 'octocat',
  ): SimIssue {
    const repo = this.getRepo(ref);
    const base = spec.base ?? repo.defaultBranch;
    const headSha = this.branchHead(repo, spec.head);
    const baseSha = this.branchHead(repo, base);
    if (!headSha || !baseSha)
      throw new Error(`no branch ${headSha ? base : spec.head} in ${ref.owner}/${ref.repo}`);
    return this.createIssue(
      repo,
      {
        title: spec.title,
        body: spec.body,
        pull: {
          headRef: spec.head,
          headSha,
          baseRef: base,
          baseSha,
          draft: spec.draft ?? false,
          merged: false,
          mergedAt: null,
          mergedBy: null,
          mergeCommitSha: null,
          requestedReviewers: [],
          requestedTeams: [],
          maintainerCanModify: true,
        },
      },
      this.human(by),
    );
  }

  /** Control API: a person opens an issue. */
  openIssue(
    ref: RepoRef,
    spec: { title: string; body?: string; labels?: string[] },
    by = 'octocat',
  ): SimIssue {
    return this.createIssue(this.getRepo(ref), spec, this.human(by));
  }

  teamObject(slug: string): Record<string, unknown> {
    return { id: ser.loginId(`team:${slug}`), slug, name: slug, privacy: 'closed', permission: 'pull' };
  }

  emitPull(
    repo: SimRepo,
    issue: SimIssue,
    action: string,
    actor: Actor,
    extra: Record<string, unknown> = {},
  ): void {
    this.emit(
      'pull_request',
      {
        action,
        number: issue.number,
        pull_request: this.pullObject(repo, issue),
        ...extra,
      },
      actor,
      repo.installationId,
      repo,
    );
  }

  emitIssue(
    repo: SimRepo,
    issue: SimIssue,
    action: string,
    actor: Actor,
    extra: Record<string, unknown> = {},
  ): void {
    this.emit(
      'issues',
      { action, issue: ser.issue(issue, repo, this.urls), ...extra },
      actor,
      repo.installationId,
      repo,
    );
  }

  emitComment(
    repo: SimRepo,
    issue: SimIssue,
    comment: SimComment,
    action: string,
    actor: Actor,
    extra: Record<string, unknown> = {},
  ): void {
    this.emit(
      'issue_comment',
      {
        action,
        issue: ser.issue(issue, repo, this.urls),
        comment: ser.comment(comment, repo, this.urls),
        ...extra,
      },
      actor,
      repo.installationId,
      repo,
    );
  }

  emitCheckRun(repo: SimRepo, run: SimCheckRun, action: string, actor: Actor): void {
    const suite = repo.checkSuites.find((s) => s.id === run.suiteId)!;
    const pulls = this.pullsForSha(repo, run.headSha);
    const body = ser.checkRun(run, repo, this.urls, pulls);
    body.check_suite = ser.checkSuite(suite, repo, this.urls, repo.checkRuns, pulls);
    this.emit('check_run', { action, check_run: body }, actor, repo.installationId, repo);
  }

  // ---------------------------------------------------------------- waiting

  /**
   * Resolves once the simulator is quiet: no webhook queued or in flight, no CI script
   * running. Throws the first background error (a failed delivery or a throwing CI script).
   */
  async settle(options: { rethrow?: boolean } = {}): Promise<void> {
    for (;;) {
      await this.ci.idle();
      await this.webhooks.idle();
      if (!this.ci.busy() && !this.webhooks.busy()) break;
    }
    if (options.rethrow !== false && this.backgroundErrors.length > 0) {
      const [first] = this.backgroundErrors.splice(0);
      throw first;
    }
  }

  // ---------------------------------------------------------------- snapshots

  /** Every PR of a repository, as plain data for assertions. */
  pullRequests(ref: RepoRef): {
    number: number;
    title: string;
    body: string;
    state: 'open' | 'closed';
    draft: boolean;
    merged: boolean;
    head: string;
    headSha: string;
    base: string;
    labels: string[];
    author: string;
    requestedReviewers: string[];
    requestedTeams: string[];
  }[] {
    return [...this.getRepo(ref).issues.values()]
      .filter((i) => i.pull)
      .map((i) => ({
        number: i.number,
        title: i.title,
        body: i.body,
        state: i.state,
        draft: i.pull!.draft,
        merged: i.pull!.merged,
        head: i.pull!.headRef,
        headSha: i.pull!.headSha,
        base: i.pull!.baseRef,
        labels: [...i.labels],
        author: i.user.login,
        requestedReviewers: [...i.pull!.requestedReviewers],
        requestedTeams: [...i.pull!.requestedTeams],
      }));
  }

  issues(
    ref: RepoRef,
  ): { number: number; title: string; body: string; state: string; labels: string[]; author: string }[] {
    return [...this.getRepo(ref).issues.values()]
      .filter((i) => !i.pull)
      .map((i) => ({
        number: i.number,
        title: i.title,
        body: i.body,
        state: i.state,
        labels: [...i.labels],
        author: i.user.login,
      }));
  }

  /** Branch name → head SHA. */
  branches(ref: RepoRef): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, sha] of this.getRepo(ref).refs)
      if (name.startsWith('refs/heads/')) out[name.slice(11)] = sha;
    return out;
  }

  comments(
    ref: RepoRef,
    number: number,
  ): { id: number; body: string; author: string; reactions: string[] }[] {
    return [...this.getRepo(ref).comments.values()]
      .filter((c) => c.issueNumber === number)
      .map((c) => ({
        id: c.id,
        body: c.body,
        author: c.user.login,
        reactions: c.reactions.map((r) => r.content),
      }));
  }

  labels(ref: RepoRef): string[] {
    return [...this.getRepo(ref).labels.values()].map((l) => l.name);
  }

  checkRuns(ref: RepoRef, sha: string): SimCheckRun[] {
    return this.getRepo(ref).checkRuns.filter((r) => r.headSha === sha);
  }

  commitInfo(ref: RepoRef, sha: string): GitCommit {
    const commit = this.getRepo(ref).git.getCommit(sha);
    if (!commit) throw new Error(`no commit ${sha}`);
    return commit;
  }
}

export type { CiScript };
