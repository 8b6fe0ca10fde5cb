/**
 * Converts an Octokit `RequestError` (or any thrown value) into a `GitHostError`, so no vendor
 * error type leaves adapters/github/ (shared/STYLE.md §8). Keeps the status, GitHub's
 * `retry-after` (secondary rate limits) and the original error as `cause`.
 */
import { GitHostError } from '../../shared/errors.ts';

interface RequestErrorLike {
  status?: unknown;
  message?: unknown;
  response?: { headers?: Record<string, unknown> };
}

/** The HTTP status of an Octokit error, or `undefined` when there was no response. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as RequestErrorLike | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** Wraps `error` as a GitHostError whose message names the operation. */
export function mapRequestError(error: unknown, operation: string): GitHostError {
  if (error instanceof GitHostError) return error;
  const status = statusOf(error);
  const retryAfter = Number((error as RequestErrorLike | null)?.response?.headers?.['retry-after']);
  const reason = error instanceof Error ? error.message : String(error);
  return new GitHostError(`${operation} failed${status ? ` (HTTP ${status})` : ''}: ${reason}`, {
    ...(status !== undefined ? { status } : {}),
    ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {}),
    cause: error,
  });
}
