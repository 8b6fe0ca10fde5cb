/**
 * A GitHost decorator for one installation: content-creating calls wait for the ContentPacer,
 * and any call GitHub answered with a secondary-rate-limit error is retried after `retry-after`
 * (or one minute, doubling, when GitHub did not say). Other errors pass through untouched.
 * It also counts calls per method, which is how workflows report requests per step.
 */
import type { Clock } from '../ports/clock.ts';
import type { GitHost } from '../ports/git-host.ts';
import type { Log } from '../ports/log.ts';
import { GitHostError } from '../shared/errors.ts';
import type { ContentPacer } from './content-pacer.ts';

/** Methods that create or change content on GitHub (the 80/min, 500/h secondary limit). */
export const CONTENT_CREATING_METHODS: ReadonlySet<keyof GitHost> = new Set<keyof GitHost>([
  'ensureBranch',
  'commitChangeSet',
  'resetBranch',
  'ensureCheckRun',
  'ensureDraftPullRequest',
  'updatePullRequest',
  'ensureLabels',
  'ensureComment',
  'createComment',
  'markReadyForReview',
  'requestReviewers',
  'addReaction',
  'ensureIssue',
]);

export interface PacedGitHostOptions {
  pacer: ContentPacer;
  clock: Clock;
  log: Log;
  /** Retries after a rate-limit answer (default 3). */
  maxRetries?: number;
}

/** Calls made through a counted host, per method. */
export type RequestCounts = Partial<Record<keyof GitHost, number>>;

/** Total of `counts`. */
export function totalRequests(counts: RequestCounts): number {
  return Object.values(counts).reduce((sum, count) => sum + (count ?? 0), 0);
}

function isRateLimited(error: unknown): error is GitHostError {
  return (
    error instanceof GitHostError &&
    (error.status === 429 || (error.status === 403 && error.retryAfterSeconds !== undefined))
  );
}

/** Wraps `inner`; `counts` accumulates every call made through the returned host. */
export function buildPacedGitHost(
  inner: GitHost,
  options: PacedGitHostOptions,
): { host: GitHost; counts: RequestCounts } {
  const counts: RequestCounts = {};
  const maxRetries = options.maxRetries ?? 3;
  const host = new Proxy(inner, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      const method = property as keyof GitHost;
      const call = value as (...args: unknown[]) => Promise<unknown>;
      return async (...args: unknown[]) => {
        for (let attempt = 0; ; attempt += 1) {
          if (CONTENT_CREATING_METHODS.has(method)) await options.pacer.acquire();
          counts[method] = (counts[method] ?? 0) + 1;
          try {
            return await call.apply(target, args);
          } catch (error) {
            if (!isRateLimited(error) || attempt >= maxRetries) throw error;
            const seconds = error.retryAfterSeconds ?? 60 * 2 ** attempt;
            options.log.warn({ method, attempt, seconds }, 'GitHub rate limit: waiting before retrying');
            options.pacer.pauseFor(seconds);
            if (!CONTENT_CREATING_METHODS.has(method)) await options.clock.sleep(seconds * 1000);
          }
        }
      };
    },
  });
  return { host, counts };
}
