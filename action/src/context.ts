/**
 * The workflow run the Action is in, from the runner's environment variables and the event
 * payload file. Only the fields we need are parsed, permissively (third-party data).
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

export interface RunContext {
  /** REST base URL; on GHES `https://host/api/v3`. Undefined when the runner did not set it. */
  readonly apiUrl: string | undefined;
  readonly repository: { readonly owner: string; readonly repo: string } | undefined;
  readonly eventName: string | undefined;
  /** The commit to attach the check run to; for pull requests the PR head, not the merge commit. */
  readonly headSha: string | undefined;
  /** Where the SHA came from, for the log. */
  readonly headShaSource: 'pull_request.head.sha' | 'GITHUB_SHA' | 'none';
  readonly runUrl: string | undefined;
  readonly job: string | undefined;
  /** `run_id-attempt-job`, stored as the check run's external_id. */
  readonly externalId: string | undefined;
  /** Absolute checkout root. */
  readonly workspace: string;
  /** Directory for the report file. */
  readonly tempDir: string | undefined;
  /** Unique per step (`__run`, `__run_2`, `__owner_action`): names the report file. */
  readonly stepId: string | undefined;
}

/** Fields of pull_request / pull_request_target payloads we use. */
const PullRequestPayload = z.object({
  pull_request: z.object({ head: z.object({ sha: z.string().regex(/^[0-9a-f]{40,64}$/) }) }),
});

/** Reads the run context; a missing or unreadable event file only loses the PR head SHA. */
export async function readRunContext(
  env: Readonly<Record<string, string | undefined>>,
  warn: (message: string) => void,
): Promise<RunContext> {
  const nonEmpty = (name: string) => {
    const value = env[name];
    return value === undefined || value === '' ? undefined : value;
  };
  const eventName = nonEmpty('GITHUB_EVENT_NAME');
  let headSha: string | undefined;
  let headShaSource: RunContext['headShaSource'] = 'none';
  const eventPath = nonEmpty('GITHUB_EVENT_PATH');
  // GITHUB_SHA of a pull_request run is the test merge commit (refs/pull/N/merge), which is
  // not the commit the PR shows checks for (shared/reference/api-facts.md §3.1).
  if ((eventName === 'pull_request' || eventName === 'pull_request_target') && eventPath !== undefined) {
    try {
      const parsed = PullRequestPayload.safeParse(JSON.parse(await readFile(eventPath, 'utf8')));
      if (parsed.success) {
        headSha = parsed.data.pull_request.head.sha;
        headShaSource = 'pull_request.head.sha';
      } else {
        warn(`The ${eventName} event payload has no pull_request.head.sha; using GITHUB_SHA`);
      }
    } catch (error) {
      warn(`Could not read the event payload ${eventPath}: ${(error as Error).message}; using GITHUB_SHA`);
    }
  }
  if (headSha === undefined && nonEmpty('GITHUB_SHA') !== undefined) {
    headSha = nonEmpty('GITHUB_SHA');
    headShaSource = 'GITHUB_SHA';
  }

  const [owner, repo, ...rest] = (nonEmpty('GITHUB_REPOSITORY') ?? '').split('/');
  const repository = owner && repo && rest.length === 0 ? { owner, repo } : undefined;
  const serverUrl = nonEmpty('GITHUB_SERVER_URL')?.replace(/\/+$/, '');
  const runId = nonEmpty('GITHUB_RUN_ID');
  const attempt = nonEmpty('GITHUB_RUN_ATTEMPT');
  const runUrl =
    serverUrl && repository && runId
      ? `${serverUrl}/${repository.owner}/${repository.repo}/actions/runs/${runId}${attempt ? `/attempts/${attempt}` : ''}`
      : undefined;
  const job = nonEmpty('GITHUB_JOB');
  return {
    apiUrl: nonEmpty('GITHUB_API_URL')?.replace(/\/+$/, ''),
    repository,
    eventName,
    headSha,
    headShaSource,
    runUrl,
    job,
    externalId: runId ? [runId, attempt ?? '1', job ?? 'job'].join('-') : undefined,
    workspace: nonEmpty('GITHUB_WORKSPACE') ?? process.cwd(),
    tempDir: nonEmpty('RUNNER_TEMP'),
    stepId: nonEmpty('GITHUB_ACTION'),
  };
}
