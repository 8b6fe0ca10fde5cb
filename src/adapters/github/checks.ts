/**
 * CI signals: every check run (latest per name) and commit status of a commit, the companion
 * Action's `fleetwright/report` check run, and the app's own check runs: an identical redelivery
 * writes nothing, a run without annotations is updated in place, one with annotations is replaced
 * by a new run (PATCH would append to the old ones); annotations go 50 per request and
 * summary/text are capped at GitHub's 65,535 characters.
 */
import { REPORT_CHECK_NAME, type FailureReport } from '../../contracts/failure-report.ts';
import { parseFailureReport } from '../../contracts/parse-failure-report.ts';
import type {
  Annotation,
  CheckRunInfo,
  CheckRunRequest,
  CiSnapshot,
  CommitStatusInfo,
  RepoRef,
} from '../../ports/git-host.ts';
import { GitHostError } from '../../shared/errors.ts';
import type { AdapterContext } from './client.ts';
import { attempt } from './map-request-error.ts';
import { checkSha } from './paths.ts';

/** GitHub's limit for check run `output.summary` and `output.text`. */
export const MAX_CHECK_OUTPUT = 65_535;
const ANNOTATION_BATCH = 50;
const TRUNCATION_NOTE = '\n\n… (truncated by fleetwright to fit GitHub’s 65,535-character limit)';

/** Caps text at `max` characters, cutting at a line break when one is near and saying so. */
export function capText(text: string, max = MAX_CHECK_OUTPUT): string {
  if (text.length <= max) return text;
  const room = max - TRUNCATION_NOTE.length;
  const lastBreak = text.lastIndexOf('\n', room);
  const cut = lastBreak > room - 2000 ? lastBreak : room;
  return text.slice(0, cut) + TRUNCATION_NOTE;
}

interface RestCheckRun {
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  app: { id?: number; slug?: string } | null;
  check_suite: { id: number } | null;
  details_url: string | null;
  started_at: string | null;
  completed_at: string | null;
  output: { title: string | null; summary: string | null; text: string | null; annotations_count?: number };
}

function toCheckRunInfo(run: RestCheckRun): CheckRunInfo {
  return {
    id: run.id,
    name: run.name,
    headSha: run.head_sha,
    status: run.status,
    conclusion: run.conclusion,
    appSlug: run.app?.slug ?? null,
    checkSuiteId: run.check_suite?.id ?? null,
    detailsUrl: run.details_url,
    startedAt: run.started_at,
    completedAt: run.completed_at,
    output: { title: run.output.title, summary: run.output.summary, text: run.output.text },
  };
}

async function listCheckRuns(
  ctx: AdapterContext,
  ref: RepoRef,
  sha: string,
  filters: { check_name?: string; app_id?: number } = {},
): Promise<RestCheckRun[]> {
  return (await ctx.octokit.paginate(ctx.octokit.rest.checks.listForRef, {
    owner: ref.owner,
    repo: ref.repo,
    ref: sha,
    filter: 'latest',
    per_page: 100,
    ...filters,
  })) as unknown as RestCheckRun[];
}

const CI_SNAPSHOT = `query FleetwrightCiSnapshot($owner: String!, $name: String!, $oid: GitObjectID!) {
  repository(owner: $owner, name: $name) {
    object(oid: $oid) {
      ... on Commit {
        checkSuites(first: 100) {
          totalCount
          nodes {
            databaseId
            app { slug databaseId }
            checkRuns(first: 100, filterBy: { checkType: LATEST }) {
              totalCount
              nodes { databaseId name status conclusion detailsUrl startedAt completedAt title summary text }
            }
          }
        }
        status { contexts { context state description targetUrl creator { login } } }
      }
    }
  }
}`;

interface GraphqlCiSnapshot {
  repository: {
    object: {
      checkSuites: {
        totalCount: number;
        nodes: {
          databaseId: number;
          app: { slug: string; databaseId: number } | null;
          checkRuns: {
            totalCount: number;
            nodes: {
              databaseId: number;
              name: string;
              status: string;
              conclusion: string | null;
              detailsUrl: string | null;
              startedAt: string | null;
              completedAt: string | null;
              title: string | null;
              summary: string | null;
              text: string | null;
            }[];
          };
        }[];
      };
      status: {
        contexts: {
          context: string;
          state: string;
          description: string | null;
          targetUrl: string | null;
          creator: { login: string } | null;
        }[];
      } | null;
    } | null;
  } | null;
}

/** GraphQL's StatusState has EXPECTED (a required context that never reported): that is pending. */
function statusState(state: string): CommitStatusInfo['state'] {
  const lower = state.toLowerCase();
  return lower === 'success' || lower === 'failure' || lower === 'error' ? lower : 'pending';
}

async function getCiSnapshotRest(ctx: AdapterContext, ref: RepoRef, sha: string): Promise<CiSnapshot> {
  const [runs, combined] = await Promise.all([
    listCheckRuns(ctx, ref, sha),
    ctx.octokit.rest.repos.getCombinedStatusForRef({
      owner: ref.owner,
      repo: ref.repo,
      ref: sha,
      per_page: 100,
    }),
  ]);
  const statuses: CommitStatusInfo[] = combined.data.statuses.map((s) => ({
    context: s.context,
    state: statusState(s.state),
    description: s.description,
    targetUrl: s.target_url,
    creatorLogin: (s as { creator?: { login?: string } | null }).creator?.login ?? null,
  }));
  return { sha, checkRuns: runs.map(toCheckRunInfo), statuses };
}

/**
 * Every check run (latest per name and suite) and commit status of a commit in one GraphQL
 * query (the REST equivalent takes two requests, more past 100 runs). Past 100 suites or 100
 * runs in a suite it falls back to the paginated REST endpoints.
 */
export async function getCiSnapshot(ctx: AdapterContext, ref: RepoRef, sha: string): Promise<CiSnapshot> {
  const oid = checkSha(sha, 'getCiSnapshot');
  return attempt(`read CI of ${ref.owner}/${ref.repo}@${sha}`, async () => {
    const data = await ctx.octokit.graphql<GraphqlCiSnapshot>(CI_SNAPSHOT, {
      owner: ref.owner,
      name: ref.repo,
      oid,
    });
    const commit = data.repository?.object;
    if (!commit)
      throw new GitHostError(`Commit ${oid} not found in ${ref.owner}/${ref.repo}`, { status: 404 });
    const suites = commit.checkSuites;
    if (
      suites.totalCount > suites.nodes.length ||
      suites.nodes.some((s) => s.checkRuns.totalCount > s.checkRuns.nodes.length)
    ) {
      ctx.log.debug(
        { repo: `${ref.owner}/${ref.repo}`, sha },
        'More than 100 check suites or runs; reading CI through REST',
      );
      return getCiSnapshotRest(ctx, ref, oid);
    }
    const checkRuns: CheckRunInfo[] = suites.nodes.flatMap((suite) =>
      suite.checkRuns.nodes.map((run) => ({
        id: run.databaseId,
        name: run.name,
        headSha: oid,
        status: run.status.toLowerCase(),
        conclusion: run.conclusion?.toLowerCase() ?? null,
        appSlug: suite.app?.slug ?? null,
        checkSuiteId: suite.databaseId,
        detailsUrl: run.detailsUrl,
        startedAt: run.startedAt,
        completedAt: run.completedAt,
        output: { title: run.title, summary: run.summary, text: run.text },
      })),
    );
    const statuses: CommitStatusInfo[] = (commit.status?.contexts ?? []).map((c) => ({
      context: c.context,
      state: statusState(c.state),
      description: c.description,
      targetUrl: c.targetUrl,
      creatorLogin: c.creator?.login ?? null,
    }));
    return { sha: oid, checkRuns, statuses };
  });
}

/** The report JSON from a check run's `output.text`: the whole text, or a ```json fenced block. */
export function parseReportText(text: string | null): FailureReport | undefined {
  if (!text) return undefined;
  const candidates = [text.trim()];
  const fenced = /```(?:json)?\s*\n([\s\S]*?)\n```/.exec(text);
  if (fenced?.[1]) candidates.push(fenced[1].trim());
  for (const candidate of candidates) {
    try {
      return parseFailureReport(candidate);
    } catch {
      // Not this candidate; try the next form.
    }
  }
  return undefined;
}

export async function findFailureReport(
  ctx: AdapterContext,
  ref: RepoRef,
  sha: string,
): Promise<FailureReport | undefined> {
  checkSha(sha, 'findFailureReport');
  return attempt(`read ${REPORT_CHECK_NAME} of ${ref.owner}/${ref.repo}@${sha}`, async () => {
    const runs = await listCheckRuns(ctx, ref, sha, { check_name: REPORT_CHECK_NAME });
    // Several workflows may each publish one; the newest completed one wins.
    const completed = runs.filter((r) => r.status === 'completed').sort((a, b) => b.id - a.id);
    for (const run of completed) {
      const report = parseReportText(run.output.text);
      if (report) return report;
      ctx.log.warn(
        { repo: `${ref.owner}/${ref.repo}`, sha, checkRunId: run.id },
        'Ignoring a fleetwright/report check run whose output.text is not a FailureReport',
      );
    }
    return undefined;
  });
}

function toRestAnnotation(a: Annotation) {
  const singleLine = a.startLine === a.endLine;
  return {
    path: a.path,
    start_line: a.startLine,
    end_line: a.endLine,
    // GitHub accepts columns only on single-line annotations.
    ...(singleLine && a.startColumn !== undefined ? { start_column: a.startColumn } : {}),
    ...(singleLine && a.endColumn !== undefined ? { end_column: a.endColumn } : {}),
    annotation_level: a.level,
    message: capText(a.message, 64 * 1024 - 100),
    ...(a.title ? { title: a.title.slice(0, 255) } : {}),
  };
}

export async function ensureCheckRun(
  ctx: AdapterContext,
  ref: RepoRef,
  request: CheckRunRequest,
): Promise<{ id: number }> {
  checkSha(request.headSha, 'ensureCheckRun');
  return attempt(
    `write check run "${request.name}" on ${ref.owner}/${ref.repo}@${request.headSha}`,
    async () => {
      const annotations = (request.annotations ?? []).map(toRestAnnotation);
      // GitHub documents no title limit; 255 keeps it within what its UI shows (and annotation titles' limit).
      const title = request.title.length <= 255 ? request.title : `${request.title.slice(0, 254)}…`;
      const summary = capText(request.summary);
      const text = request.text === undefined ? undefined : capText(request.text);
      const output = (batch: ReturnType<typeof toRestAnnotation>[]) => ({
        title,
        summary,
        ...(text !== undefined ? { text } : {}),
        ...(batch.length > 0 ? { annotations: batch } : {}),
      });
      const fields = {
        owner: ref.owner,
        repo: ref.repo,
        name: request.name,
        ...(request.detailsUrl ? { details_url: request.detailsUrl } : {}),
        ...(request.externalId ? { external_id: request.externalId } : {}),
        ...(request.conclusion
          ? { conclusion: request.conclusion, status: 'completed' as const }
          : request.status
            ? { status: request.status }
            : {}),
      };
      // One page is enough: filtered by name (and app), `latest` leaves one run per suite.
      const { data: listed } = await ctx.octokit.rest.checks.listForRef({
        owner: ref.owner,
        repo: ref.repo,
        ref: request.headSha,
        check_name: request.name,
        filter: 'latest',
        ...(ctx.appId !== undefined ? { app_id: ctx.appId } : {}),
      });
      const existing = (listed.check_runs as unknown as RestCheckRun[])
        .filter((r) => ctx.appId === undefined || r.app?.id === undefined || r.app.id === ctx.appId)
        .sort((a, b) => b.id - a.id)[0];
      // A redelivered webhook asking for exactly what is already there writes nothing.
      if (
        existing &&
        existing.status === 'completed' &&
        existing.conclusion === (request.conclusion ?? null) &&
        existing.output.title === title &&
        existing.output.summary === summary &&
        (text === undefined || existing.output.text === text) &&
        (existing.output.annotations_count ?? 0) === annotations.length
      ) {
        return { id: existing.id };
      }
      const first = annotations.slice(0, ANNOTATION_BATCH);
      let id: number;
      // PATCH appends annotations, so a run that already has some is replaced by a new run
      // instead of accumulating stale annotations; otherwise it is updated in place.
      if (existing && (existing.output.annotations_count ?? 0) === 0) {
        await ctx.octokit.rest.checks.update({ ...fields, check_run_id: existing.id, output: output(first) });
        id = existing.id;
      } else {
        const { data } = await ctx.octokit.rest.checks.create({
          ...fields,
          head_sha: request.headSha,
          output: output(first),
        });
        id = data.id;
      }
      // Each update appends its annotations to the run.
      for (let i = ANNOTATION_BATCH; i < annotations.length; i += ANNOTATION_BATCH) {
        await ctx.octokit.rest.checks.update({
          owner: ref.owner,
          repo: ref.repo,
          check_run_id: id,
          output: output(annotations.slice(i, i + ANNOTATION_BATCH)),
        });
      }
      return { id };
    },
  );
}
