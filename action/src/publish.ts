/**
 * Publishes the report as a check run (shared/DESIGN.md §3.4): JSON in `output.text`, Markdown
 * in `output.summary`, annotations at the failing lines. The Checks API takes at most 50
 * annotations per request, so the first 50 go with the create call and the rest are appended
 * with PATCH calls of 50.
 *
 * Plain `fetch` against the runner's `GITHUB_API_URL` (GHES: `https://host/api/v3`), so the
 * bundle has no Octokit and tests intercept it with nock or a local server.
 */
import type { Annotation } from './report.ts';

/** GitHub accepts at most this many annotations per create/update request. */
export const ANNOTATIONS_PER_REQUEST = 50;

export interface CheckRunRequest {
  readonly apiUrl: string;
  readonly owner: string;
  readonly repo: string;
  readonly token: string;
  readonly name: string;
  readonly headSha: string;
  readonly conclusion: 'success' | 'failure';
  readonly title: string;
  /** Markdown, ≤ 65,535 characters. */
  readonly summary: string;
  /** The FailureReport JSON, ≤ 65,535 characters. */
  readonly text: string;
  readonly annotations: readonly Annotation[];
  readonly detailsUrl?: string;
  readonly externalId?: string;
  readonly startedAt: Date;
  readonly completedAt: Date;
}

export interface PublishOptions {
  readonly fetch?: typeof fetch;
  /** Retries for 5xx, 429 and secondary rate limits. */
  readonly retries?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface PublishedCheckRun {
  readonly id: number;
  readonly htmlUrl: string | undefined;
  /** Number of HTTP requests that succeeded (1 create + PATCHes). */
  readonly requests: number;
}

/** The Checks API refused or failed; `status` is the HTTP status when there was a response. */
export class PublishError extends Error {
  override name = 'PublishError';
  readonly status: number | undefined;
  constructor(message: string, status: number | undefined, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
  }
}

const MAX_RETRY_DELAY_MS = 10_000;

/** Creates the check run, then appends the remaining annotations. Throws `PublishError`. */
export async function publishCheckRun(
  request: CheckRunRequest,
  options: PublishOptions = {},
): Promise<PublishedCheckRun> {
  const base = `${request.apiUrl}/repos/${encodeURIComponent(request.owner)}/${encodeURIComponent(request.repo)}`;
  const batches: Annotation[][] = [];
  for (let i = 0; i < request.annotations.length; i += ANNOTATIONS_PER_REQUEST) {
    batches.push(request.annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
  }
  const output = (annotations: Annotation[] | undefined) => ({
    title: request.title,
    summary: request.summary,
    text: request.text,
    ...(annotations && annotations.length > 0 ? { annotations } : {}),
  });

  const created = await callGitHub(options, request.token, 'POST', `${base}/check-runs`, {
    name: request.name,
    head_sha: request.headSha,
    status: 'completed',
    conclusion: request.conclusion,
    started_at: request.startedAt.toISOString(),
    completed_at: request.completedAt.toISOString(),
    ...(request.detailsUrl ? { details_url: request.detailsUrl } : {}),
    ...(request.externalId ? { external_id: request.externalId } : {}),
    output: output(batches[0]),
  });
  const id = typeof created.id === 'number' ? created.id : undefined;
  if (id === undefined) throw new PublishError('The Checks API answered without a check run id', undefined);
  let requests = 1;
  for (const batch of batches.slice(1)) {
    // PATCH appends annotations; title and summary are required with every output.
    await callGitHub(options, request.token, 'PATCH', `${base}/check-runs/${id}`, { output: output(batch) });
    requests += 1;
  }
  return { id, htmlUrl: typeof created.html_url === 'string' ? created.html_url : undefined, requests };
}

async function callGitHub(
  options: PublishOptions,
  token: string,
  method: 'POST' | 'PATCH',
  url: string,
  body: unknown,
): Promise<Record<string, unknown>> {
  const doFetch = options.fetch ?? globalThis.fetch;
  const retries = options.retries ?? 2;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 0; ; attempt += 1) {
    let response: Response;
    try {
      response = await doFetch(url, {
        method,
        headers: {
          accept: 'application/vnd.github+json',
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'user-agent': 'fleetwright-action',
          'x-github-api-version': '2022-11-28',
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      if (attempt < retries) {
        await sleep(backoff(attempt));
        continue;
      }
      throw new PublishError(`${method} ${url} failed: ${(error as Error).message}`, undefined, {
        cause: error,
      });
    }
    const text = await response.text();
    if (response.ok) {
      try {
        return JSON.parse(text) as Record<string, unknown>;
      } catch (error) {
        throw new PublishError(
          `${method} ${url} answered ${response.status} with a non-JSON body`,
          response.status,
          {
            cause: error,
          },
        );
      }
    }
    const message = githubMessage(text);
    if (attempt < retries && isRetryable(response, message)) {
      await sleep(retryDelay(response, attempt));
      continue;
    }
    throw new PublishError(`${method} ${url} answered ${response.status}: ${message}`, response.status);
  }
}

function githubMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // Not JSON (a proxy's HTML error page): show the start of it.
  }
  return text.slice(0, 200) || '(empty body)';
}

function isRetryable(response: Response, message: string): boolean {
  if (response.status >= 500 || response.status === 429) return true;
  // Secondary rate limits come back as 403 with a message saying so (api-facts.md §3.7).
  return response.status === 403 && /rate limit/i.test(message);
}

function retryDelay(response: Response, attempt: number): number {
  const retryAfter = Number(response.headers.get('retry-after'));
  if (Number.isFinite(retryAfter) && retryAfter > 0) return Math.min(retryAfter * 1000, MAX_RETRY_DELAY_MS);
  return backoff(attempt);
}

const backoff = (attempt: number) => Math.min(1000 * 2 ** attempt, MAX_RETRY_DELAY_MS);
