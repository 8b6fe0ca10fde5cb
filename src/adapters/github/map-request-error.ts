/**
 * Converts Octokit errors (`RequestError`, `GraphqlResponseError`, network failures) into
 * `GitHostError`, so no Octokit type leaves adapters/github/ (shared/STYLE.md §8). Rate-limit
 * responses carry `retryAfterSeconds`: from `retry-after` (secondary limits) or from
 * `x-ratelimit-reset` when the primary limit is spent.
 */
import { StaleHeadError } from '../../ports/git-host.ts';
import { GitHostError } from '../../shared/errors.ts';

interface RequestErrorLike {
  status: number;
  message: string;
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
}

interface GraphqlErrorLike {
  errors: { type?: string; message: string; path?: (string | number)[] }[];
}

export function isRequestError(error: unknown): error is RequestErrorLike {
  return (
    typeof error === 'object' && error !== null && typeof (error as { status?: unknown }).status === 'number'
  );
}

export function isGraphqlError(error: unknown): error is GraphqlErrorLike {
  return typeof error === 'object' && error !== null && Array.isArray((error as { errors?: unknown }).errors);
}

/** The GraphQL error types of an Octokit GraphqlResponseError (`STALE_DATA`, `NOT_FOUND`…). */
export function graphqlErrorTypes(error: unknown): string[] {
  return isGraphqlError(error) ? error.errors.map((e) => e.type ?? '') : [];
}

/** The HTTP status of an Octokit error, or `undefined` when there was no response. */
export function statusOf(error: unknown): number | undefined {
  return isRequestError(error) ? error.status : undefined;
}

export function isNotFound(error: unknown): boolean {
  return (isRequestError(error) && error.status === 404) || graphqlErrorTypes(error).includes('NOT_FOUND');
}

/** The status and message of a 422 "Validation Failed", including GitHub's nested error messages. */
function validationMessages(error: unknown): string {
  if (!isRequestError(error)) return '';
  const data = error.response?.data as
    { message?: string; errors?: ({ message?: string; code?: string } | string)[] } | undefined;
  const nested = (data?.errors ?? [])
    .map((e) => (typeof e === 'string' ? e : (e.message ?? e.code ?? '')))
    .join('; ');
  return `${data?.message ?? error.message}${nested ? `: ${nested}` : ''}`;
}

/** A 422 saying the thing being created (a branch, a PR for that head) already exists: a race lost to another writer. */
export function isAlreadyExists(error: unknown): boolean {
  return isRequestError(error) && error.status === 422 && /already exists/i.test(validationMessages(error));
}

function retryAfter(headers: Record<string, string | number | undefined> | undefined): number | undefined {
  if (!headers) return undefined;
  const explicit = headers['retry-after'];
  if (explicit !== undefined && Number.isFinite(Number(explicit))) return Math.max(0, Number(explicit));
  if (String(headers['x-ratelimit-remaining']) === '0' && headers['x-ratelimit-reset'] !== undefined) {
    const reset = Number(headers['x-ratelimit-reset']);
    if (Number.isFinite(reset)) return Math.max(0, Math.ceil(reset - Date.now() / 1000));
  }
  return undefined;
}

/** Wraps any error from Octokit as a `GitHostError` whose message says what was attempted. */
export function mapRequestError(error: unknown, what: string): GitHostError {
  if (error instanceof GitHostError) return error;
  if (isRequestError(error)) {
    const detail = error.status === 422 ? validationMessages(error) : error.message;
    return new GitHostError(`${what} failed (HTTP ${error.status}): ${detail}`, {
      status: error.status,
      retryAfterSeconds: retryAfter(error.response?.headers),
      cause: error,
    });
  }
  if (isGraphqlError(error)) {
    const types = graphqlErrorTypes(error);
    const status = types.includes('NOT_FOUND')
      ? 404
      : types.includes('FORBIDDEN')
        ? 403
        : types.includes('RATE_LIMITED')
          ? 429
          : 422;
    const message = error.errors.map((e) => e.message).join('; ');
    return new GitHostError(
      `${what} failed (GraphQL ${types.filter(Boolean).join(',') || 'error'}): ${message}`,
      { status, cause: error },
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new GitHostError(`${what} failed: ${message}`, { cause: error });
}

/** Runs one adapter operation and converts whatever it throws. */
export async function attempt<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof StaleHeadError) throw error;
    throw mapRequestError(error, what);
  }
}
