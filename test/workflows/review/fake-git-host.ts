/**
 * A small in-memory GitHost for the review and hand-over workflow tests: one repository, one PR,
 * files per git ref, check runs per (name, SHA) owned by the app, comments with hidden keys,
 * labels, draft state and review requests. It implements only what those workflows call; any
 * other port method throws, so a workflow that starts using more is noticed.
 * Every call is counted and every write is logged, so tests can assert "nothing twice".
 */
import type { FailureReport } from '../../../src/contracts/failure-report.ts';
import type {
  ChangedFile,
  CheckRunInfo,
  CheckRunRequest,
  CiSnapshot,
  FileContent,
  GitHost,
  PullRequestDiff,
  PullRequestInfo,
  RepoRef,
  RequestedReviewers,
} from '../../../src/ports/git-host.ts';
import { GitHostError } from '../../../src/shared/errors.ts';

export const APP_SLUG = 'fleetwright-test';

export interface FakeCheckRun {
  id: number;
  request: CheckRunRequest;
  /** Every request that created or updated it, in order. */
  history: CheckRunRequest[];
}

export class ReviewFakeGitHost {
  readonly repo: RepoRef = { owner: 'acme', repo: 'shop' };
  pr: PullRequestInfo = {
    number: 7,
    nodeId: 'PR_kwDO7',
    title: 'Replace request with undici',
    body: '',
    state: 'open',
    merged: false,
    draft: true,
    headRef: 'fleetwright/request-to-undici',
    headSha: 'h'.repeat(40),
    baseRef: 'main',
    labels: ['fleetwright'],
    htmlUrl: 'https://github.com/acme/shop/pull/7',
    authorLogin: 'fleetwright-test[bot]',
    mergeable: true,
  };
  /** Files by git ref (`main`, a SHA) and path. */
  readonly files = new Map<string, Map<string, string>>();
  diff: PullRequestDiff = { type: 'diff', text: '', bytes: 0 };
  changedFiles: ChangedFile[] = [];
  readonly reports = new Map<string, FailureReport>();
  readonly checkRuns: FakeCheckRun[] = [];
  readonly comments = new Map<string, { id: number; body: string; edits: number }>();
  readonly requested: RequestedReviewers = { users: [], teams: [] };
  /** Every `requestReviewers` call, as sent. */
  readonly reviewRequests: RequestedReviewers[] = [];
  readonly calls = new Map<string, number>();
  #nextId = 100;

  /** The port view: only the implemented methods; others throw. */
  readonly host: GitHost;

  constructor() {
    const implemented: Partial<GitHost> = {
      getPullRequest: async (ref, number) => {
        this.#count('getPullRequest');
        this.#checkRepo(ref);
        if (number !== this.pr.number) throw new GitHostError(`no PR #${number}`, { status: 404 });
        return structuredClone(this.pr);
      },
      findFile: async (ref, path, gitRef) => {
        this.#count('findFile');
        const text = this.files.get(`${ref.owner}/${ref.repo}@${gitRef ?? 'main'}`)?.get(path);
        return text === undefined ? undefined : ({ path, text, sha: `blob-${path}` } satisfies FileContent);
      },
      listChangedFiles: async (ref) => {
        this.#count('listChangedFiles');
        this.#checkRepo(ref);
        return structuredClone(this.changedFiles);
      },
      getPullRequestDiff: async (ref, number, options) => {
        this.#count('getPullRequestDiff');
        this.#checkRepo(ref);
        if (number !== this.pr.number) throw new GitHostError(`no PR #${number}`, { status: 404 });
        if (
          this.diff.type === 'diff' &&
          options?.maxBytes !== undefined &&
          this.diff.bytes > options.maxBytes
        ) {
          return { type: 'too-large', bytes: this.diff.bytes, reason: 'over the cap' };
        }
        return structuredClone(this.diff);
      },
      findFailureReport: async (ref, sha) => {
        this.#count('findFailureReport');
        return this.reports.get(sha);
      },
      getCiSnapshot: async (ref, sha): Promise<CiSnapshot> => {
        this.#count('getCiSnapshot');
        return {
          sha,
          statuses: [],
          checkRuns: this.checkRuns.filter((r) => r.request.headSha === sha).map((r) => this.#info(r)),
        };
      },
      ensureCheckRun: async (ref, request) => {
        this.#count('ensureCheckRun');
        this.#checkRepo(ref);
        const existing = this.checkRuns.find(
          (r) => r.request.name === request.name && r.request.headSha === request.headSha,
        );
        if (existing) {
          existing.request = structuredClone(request);
          existing.history.push(structuredClone(request));
          return { id: existing.id };
        }
        const run = {
          id: this.#nextId++,
          request: structuredClone(request),
          history: [structuredClone(request)],
        };
        this.checkRuns.push(run);
        return { id: run.id };
      },
      ensureComment: async (ref, number, key, body) => {
        this.#count('ensureComment');
        this.#checkRepo(ref);
        const existing = this.comments.get(`${number}:${key}`);
        if (existing) {
          if (existing.body !== body) {
            existing.body = body;
            existing.edits += 1;
          }
          return { id: existing.id, created: false };
        }
        const id = this.#nextId++;
        this.comments.set(`${number}:${key}`, { id, body, edits: 0 });
        return { id, created: true };
      },
      ensureLabels: async (ref, number, labels) => {
        this.#count('ensureLabels');
        const remove = new Set((labels.remove ?? []).map((l) => l.toLowerCase()));
        const kept = this.pr.labels.filter((l) => !remove.has(l.toLowerCase()));
        for (const l of labels.add ?? []) if (!kept.includes(l)) kept.push(l);
        this.pr.labels = kept;
      },
      markReadyForReview: async (ref, nodeId) => {
        this.#count('markReadyForReview');
        if (nodeId !== this.pr.nodeId) throw new GitHostError('unknown node id', { status: 404 });
        this.pr.draft = false;
      },
      listRequestedReviewers: async () => {
        this.#count('listRequestedReviewers');
        return structuredClone(this.requested);
      },
      requestReviewers: async (ref, number, reviewers) => {
        this.#count('requestReviewers');
        this.reviewRequests.push(structuredClone(reviewers));
        for (const u of reviewers.users) if (!this.requested.users.includes(u)) this.requested.users.push(u);
        for (const t of reviewers.teams) if (!this.requested.teams.includes(t)) this.requested.teams.push(t);
      },
    };
    this.host = new Proxy(implemented as GitHost, {
      get: (target, prop) => {
        // Not a thenable, and symbols (inspection) pass through.
        if (typeof prop === 'symbol' || prop === 'then') return undefined;
        const fn = (target as unknown as Record<string, unknown>)[prop];
        if (fn === undefined) {
          return () => {
            throw new Error(`ReviewFakeGitHost: ${prop} is not implemented`);
          };
        }
        return fn;
      },
    });
  }

  /** Sets a file at a ref (default: the base branch). */
  setFile(path: string, text: string, gitRef = 'main'): void {
    const key = `${this.repo.owner}/${this.repo.repo}@${gitRef}`;
    let files = this.files.get(key);
    if (!files) {
      files = new Map();
      this.files.set(key, files);
    }
    files.set(path, text);
  }

  /** A file of another repository (the config repo). */
  setRepoFile(ref: RepoRef, path: string, text: string, gitRef = 'main'): void {
    const key = `${ref.owner}/${ref.repo}@${gitRef}`;
    let files = this.files.get(key);
    if (!files) {
      files = new Map();
      this.files.set(key, files);
    }
    files.set(path, text);
  }

  setDiff(text: string): void {
    this.diff = { type: 'diff', text, bytes: Buffer.byteLength(text) };
  }

  count(method: keyof GitHost): number {
    return this.calls.get(method) ?? 0;
  }

  judgeRun(): FakeCheckRun | undefined {
    return this.checkRuns.find((r) => r.request.name === 'fleetwright/judge');
  }

  #info(run: FakeCheckRun): CheckRunInfo {
    return {
      id: run.id,
      name: run.request.name,
      headSha: run.request.headSha,
      status: run.request.status ?? 'completed',
      conclusion: run.request.conclusion ?? null,
      appSlug: APP_SLUG,
      checkSuiteId: 1,
      detailsUrl: null,
      startedAt: null,
      completedAt: null,
      output: { title: run.request.title, summary: run.request.summary, text: run.request.text ?? null },
    };
  }

  #count(method: string): void {
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
  }

  #checkRepo(ref: RepoRef): void {
    if (ref.owner !== this.repo.owner || ref.repo !== this.repo.repo) {
      throw new GitHostError(`unknown repository ${ref.owner}/${ref.repo}`, { status: 404 });
    }
  }
}
