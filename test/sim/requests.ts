/**
 * Request accounting and fault injection for the simulator.
 *
 * Every request is counted under a kind: `GET /repos/{owner}/{repo}/pulls` for REST (method +
 * route template) or `graphql createCommitOnBranch` (root field / operation). "Content-creating"
 * follows GitHub's secondary-limit wording: requests that create content (PRs, issues,
 * comments, commits, refs, labels, reactions, review requests, check runs, statuses), i.e. the
 * ones paced at 80/min and 500/h.
 */
import { HttpError } from './http-error.ts';

export interface RequestRecord {
  at: number;
  kind: string;
  api: 'rest' | 'graphql';
  method: string;
  path: string;
  installationId: number | undefined;
  write: boolean;
  contentCreating: boolean;
  status: number;
}

const CONTENT_CREATING = new Set([
  'POST /repos/{owner}/{repo}/pulls',
  'POST /repos/{owner}/{repo}/issues',
  'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
  'POST /repos/{owner}/{repo}/issues/{issue_number}/labels',
  'PUT /repos/{owner}/{repo}/issues/{issue_number}/labels',
  'POST /repos/{owner}/{repo}/labels',
  'POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions',
  'POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers',
  'POST /repos/{owner}/{repo}/git/refs',
  'POST /repos/{owner}/{repo}/git/commits',
  'POST /repos/{owner}/{repo}/git/blobs',
  'POST /repos/{owner}/{repo}/git/trees',
  'POST /repos/{owner}/{repo}/check-runs',
  'POST /repos/{owner}/{repo}/statuses/{sha}',
  'graphql createCommitOnBranch',
]);

export function isContentCreating(kind: string): boolean {
  return CONTENT_CREATING.has(kind);
}

export class RequestLog {
  readonly records: RequestRecord[] = [];

  record(entry: RequestRecord): void {
    this.records.push(entry);
  }

  /** Count per kind, sorted by kind. */
  byKind(filter: (r: RequestRecord) => boolean = () => true): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const r of this.records) if (filter(r)) counts[r.kind] = (counts[r.kind] ?? 0) + 1;
    return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
  }

  summary(filter: (r: RequestRecord) => boolean = () => true): {
    total: number;
    rest: number;
    graphql: number;
    writes: number;
    contentCreating: number;
  } {
    const chosen = this.records.filter(filter);
    return {
      total: chosen.length,
      rest: chosen.filter((r) => r.api === 'rest').length,
      graphql: chosen.filter((r) => r.api === 'graphql').length,
      writes: chosen.filter((r) => r.write).length,
      contentCreating: chosen.filter((r) => r.contentCreating).length,
    };
  }

  count(kind: string): number {
    return this.records.filter((r) => r.kind === kind).length;
  }

  reset(): void {
    this.records.length = 0;
  }
}

export interface FaultSpec {
  /** Matches the request kind (`POST /repos/{owner}/{repo}/pulls`, `graphql createCommitOnBranch`); omitted = any. */
  kind?: string | RegExp;
  /** `secondary-rate-limit` (403 + retry-after), `rate-limit` (primary, 403 + x-ratelimit-remaining 0), `too-many` (429), or a 5xx. */
  type: 'secondary-rate-limit' | 'rate-limit' | 'too-many' | 'server-error';
  status?: number;
  retryAfterSeconds?: number;
  /** How many matching requests fail (default 1; Infinity = until cleared). */
  times?: number;
  /** How many matching requests go through before the first one fails (default 0). */
  after?: number;
}

interface ActiveFault extends FaultSpec {
  remaining: number;
  hits: number;
  passed: number;
}

export class FaultInjector {
  private faults: ActiveFault[] = [];

  /** Makes the next `times` requests matching `kind` fail; returns a handle with the hit count. */
  add(spec: FaultSpec): { hits: () => number; clear: () => void } {
    const fault: ActiveFault = { ...spec, remaining: spec.times ?? 1, hits: 0, passed: 0 };
    this.faults.push(fault);
    return {
      hits: () => fault.hits,
      clear: () => {
        this.faults = this.faults.filter((f) => f !== fault);
      },
    };
  }

  clear(): void {
    this.faults = [];
  }

  /** Throws the injected error for this request, if a fault matches. */
  check(kind: string): void {
    const fault = this.faults.find(
      (f) =>
        f.remaining > 0 &&
        (f.kind === undefined || (typeof f.kind === 'string' ? f.kind === kind : f.kind.test(kind))),
    );
    if (!fault) return;
    if (fault.passed < (fault.after ?? 0)) {
      fault.passed++;
      return;
    }
    fault.remaining--;
    fault.hits++;
    if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
    const retryAfter = String(fault.retryAfterSeconds ?? 60);
    switch (fault.type) {
      case 'secondary-rate-limit':
        throw new HttpError(
          fault.status ?? 403,
          'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.',
          {},
          { 'retry-after': retryAfter },
        );
      case 'too-many':
        throw new HttpError(
          429,
          'You have exceeded a secondary rate limit.',
          {},
          { 'retry-after': retryAfter },
        );
      case 'rate-limit':
        throw new HttpError(
          fault.status ?? 403,
          'API rate limit exceeded for installation.',
          {},
          {
            'x-ratelimit-limit': '5000',
            'x-ratelimit-remaining': '0',
            'x-ratelimit-used': '5000',
            'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + Number(retryAfter)),
            'x-ratelimit-resource': 'core',
          },
        );
      case 'server-error':
        throw new HttpError(fault.status ?? 502, fault.status === 500 ? 'Server Error' : 'Bad Gateway');
    }
  }
}
