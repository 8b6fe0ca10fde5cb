/**
 * REST routes for CI signals: check runs and suites, commit statuses, and GitHub Actions runs,
 * jobs and job logs (302 to a plain-text download, as GitHub does).
 */
import { HttpError, notFound, validationFailed } from './http-error.ts';
import type { SimAnnotation, SimCheckRun, SimRepo } from './model.ts';
import * as ser from './serialize.ts';
import { paginate, type Route, type RouteContext } from './route.ts';
import type { GitHubSim } from './simulator.ts';

const MAX_OUTPUT = 65535;
const CONCLUSIONS = [
  'action_required',
  'cancelled',
  'failure',
  'neutral',
  'success',
  'skipped',
  'stale',
  'timed_out',
];

function shaOf(sim: GitHubSim, repo: SimRepo, ref: string): string {
  const sha = sim.resolveRef(repo, ref);
  if (!sha) throw new HttpError(422, `No commit found for SHA: ${ref}`);
  return sha;
}

interface OutputInput {
  title?: string;
  summary?: string;
  text?: string;
  annotations?: SimAnnotation[];
}

function checkOutput(output: OutputInput | undefined): void {
  if (!output) return;
  if (typeof output.title !== 'string' || typeof output.summary !== 'string') {
    throw validationFailed(
      'CheckRun',
      'output',
      'missing_field',
      'output.title and output.summary are required',
    );
  }
  for (const field of ['summary', 'text'] as const) {
    const value = output[field];
    if (typeof value === 'string' && value.length > MAX_OUTPUT) {
      throw new HttpError(
        422,
        `Invalid request.\n\nOnly ${MAX_OUTPUT} characters are allowed; ${value.length} were supplied.`,
      );
    }
  }
  const annotations = output.annotations ?? [];
  if (annotations.length > 50)
    throw new HttpError(422, 'Invalid request.\n\nOnly 50 annotations are allowed per request.');
  for (const a of annotations) {
    if (!a.path || !Number.isInteger(a.start_line) || !Number.isInteger(a.end_line) || !a.message) {
      throw validationFailed(
        'CheckRun',
        'annotations',
        'invalid',
        'path, start_line, end_line and message are required',
      );
    }
    if (!['notice', 'warning', 'failure'].includes(a.annotation_level)) {
      throw validationFailed('CheckRun', 'annotation_level', 'invalid');
    }
    if ((a.start_column !== undefined || a.end_column !== undefined) && a.start_line !== a.end_line) {
      throw validationFailed(
        'CheckRun',
        'annotations',
        'invalid',
        'start_column and end_column are only allowed on a single line',
      );
    }
  }
}

function checkConclusion(body: Record<string, unknown>): void {
  if (body.conclusion !== undefined && !CONCLUSIONS.includes(String(body.conclusion))) {
    throw validationFailed('CheckRun', 'conclusion', 'invalid');
  }
  if (body.conclusion === 'stale')
    throw validationFailed('CheckRun', 'conclusion', 'invalid', 'only GitHub can set stale');
  if (body.status === 'completed' && body.conclusion === undefined) {
    throw new HttpError(422, 'Invalid request.\n\nConclusion required if status is completed.');
  }
}

function runJson(ctx: RouteContext, run: SimCheckRun) {
  return ser.checkRun(run, ctx.repo, ctx.sim.urls, ctx.sim.pullsForSha(ctx.repo, run.headSha));
}

/** `filter=latest`: the newest run per name within each check suite (two workflows may share a job name). */
export function latestRuns(runs: SimCheckRun[]): SimCheckRun[] {
  const latest = new Map<string, SimCheckRun>();
  for (const run of runs) {
    const key = `${run.suiteId}\0${run.name}`;
    const current = latest.get(key);
    if (!current || run.id > current.id) latest.set(key, run);
  }
  return [...latest.values()];
}

function combinedState(states: string[]): string {
  if (states.some((s) => s === 'failure' || s === 'error')) return 'failure';
  if (states.length === 0 || states.some((s) => s === 'pending')) return 'pending';
  return 'success';
}

export const ciRoutes: Route[] = [
  {
    method: 'POST',
    template: '/repos/{owner}/{repo}/check-runs',
    write: true,
    handler: (ctx) => {
      const { sim, repo, body, actor } = ctx;
      if (typeof body.name !== 'string' || body.name === '')
        throw validationFailed('CheckRun', 'name', 'missing_field');
      const sha = String(body.head_sha ?? '');
      if (!repo.git.getCommit(sha)) throw new HttpError(422, `No commit found for SHA: ${sha}`);
      checkConclusion(body);
      const output = body.output as OutputInput | undefined;
      checkOutput(output);
      const run = sim.createCheckRun(
        repo,
        {
          name: body.name,
          headSha: sha,
          status: body.status as SimCheckRun['status'] | undefined,
          conclusion: (body.conclusion as string | undefined) ?? null,
          output: output
            ? {
                title: output.title,
                summary: output.summary,
                text: output.text ?? null,
                annotations: output.annotations ?? [],
              }
            : undefined,
          detailsUrl: (body.details_url as string | undefined) ?? null,
          externalId: (body.external_id as string | undefined) ?? null,
          startedAt: body.started_at as string | undefined,
          completedAt: body.completed_at as string | undefined,
        },
        actor.app ?? sim.app,
        actor,
      );
      return { status: 201, json: runJson(ctx, run) };
    },
  },
  {
    method: 'PATCH',
    template: '/repos/{owner}/{repo}/check-runs/{check_run_id}',
    write: true,
    handler: (ctx) => {
      const { sim, repo, body, actor } = ctx;
      const run = repo.checkRuns.find((r) => r.id === Number(ctx.params.check_run_id));
      if (!run) throw notFound();
      if (actor.app && run.app.id !== actor.app.id)
        throw new HttpError(
          403,
          'Invalid app_id `' + actor.app.id + '` - check run can only be modified by its creating app.',
        );
      checkConclusion(body);
      const output = body.output as OutputInput | undefined;
      checkOutput(output);
      sim.updateCheckRun(
        repo,
        run,
        {
          name: body.name as string | undefined,
          status: body.status as SimCheckRun['status'] | undefined,
          conclusion: body.conclusion as string | undefined,
          output,
          detailsUrl: body.details_url as string | undefined,
          externalId: body.external_id as string | undefined,
          completedAt: body.completed_at as string | undefined,
        },
        actor,
      );
      return { json: runJson(ctx, run) };
    },
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/check-runs/{check_run_id}',
    handler: (ctx) => {
      const run = ctx.repo.checkRuns.find((r) => r.id === Number(ctx.params.check_run_id));
      if (!run) throw notFound();
      return { json: runJson(ctx, run) };
    },
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/check-runs/{check_run_id}/annotations',
    handler: (ctx) => {
      const run = ctx.repo.checkRuns.find((r) => r.id === Number(ctx.params.check_run_id));
      if (!run) throw notFound();
      const all = run.output.annotations.map((a) => ({
        path: a.path,
        blob_href: `${ctx.sim.baseUrl}/${ctx.repo.owner.login}/${ctx.repo.name}/blob/${run.headSha}/${a.path}`,
        start_line: a.start_line,
        end_line: a.end_line,
        start_column: a.start_column ?? null,
        end_column: a.end_column ?? null,
        annotation_level: a.annotation_level,
        title: a.title ?? null,
        message: a.message,
        raw_details: a.raw_details ?? null,
      }));
      const { page, headers } = paginate(ctx, all);
      return { json: page, headers };
    },
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/commits/{ref}/check-runs',
    handler: (ctx) => {
      const { sim, repo, query } = ctx;
      const sha = shaOf(sim, repo, ctx.params.ref!);
      let runs = repo.checkRuns.filter((r) => r.headSha === sha);
      if (query.get('filter') !== 'all') runs = latestRuns(runs);
      if (query.get('check_name')) runs = runs.filter((r) => r.name === query.get('check_name'));
      if (query.get('status')) runs = runs.filter((r) => r.status === query.get('status'));
      if (query.get('app_id')) runs = runs.filter((r) => r.app.id === Number(query.get('app_id')));
      runs.sort((a, b) => b.id - a.id);
      const { page, headers } = paginate(ctx, runs);
      return { headers, json: { total_count: runs.length, check_runs: page.map((r) => runJson(ctx, r)) } };
    },
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/commits/{ref}/check-suites',
    handler: (ctx) => {
      const { sim, repo, query } = ctx;
      const sha = shaOf(sim, repo, ctx.params.ref!);
      let suites = repo.checkSuites.filter((s) => s.headSha === sha);
      if (query.get('app_id')) suites = suites.filter((s) => s.app.id === Number(query.get('app_id')));
      if (query.get('check_name')) {
        const name = query.get('check_name');
        suites = suites.filter((s) => repo.checkRuns.some((r) => r.suiteId === s.id && r.name === name));
      }
      const { page, headers } = paginate(ctx, suites);
      const pulls = sim.pullsForSha(repo, sha);
      return {
        headers,
        json: {
          total_count: suites.length,
          check_suites: page.map((s) => ser.checkSuite(s, repo, sim.urls, repo.checkRuns, pulls)),
        },
      };
    },
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/check-suites/{check_suite_id}/check-runs',
    handler: (ctx) => {
      let runs = ctx.repo.checkRuns.filter((r) => r.suiteId === Number(ctx.params.check_suite_id));
      if (ctx.query.get('filter') !== 'all') runs = latestRuns(runs);
      const { page, headers } = paginate(ctx, runs);
      return { headers, json: { total_count: runs.length, check_runs: page.map((r) => runJson(ctx, r)) } };
    },
  },
  {
    method: 'POST',
    template: '/repos/{owner}/{repo}/statuses/{sha}',
    write: true,
    handler: ({ sim, repo, params, body, actor }) => {
      const sha = params.sha!;
      if (!repo.git.getCommit(sha)) throw new HttpError(422, `No commit found for SHA: ${sha}`);
      if (!['pending', 'success', 'failure', 'error'].includes(String(body.state)))
        throw validationFailed('Status', 'state', 'custom', 'State is not included in the list');
      const created = sim.createStatus(
        repo,
        {
          sha,
          state: body.state as 'pending',
          context: (body.context as string | undefined) ?? 'default',
          description: (body.description as string | undefined) ?? null,
          targetUrl: (body.target_url as string | undefined) ?? null,
        },
        actor,
      );
      return { status: 201, json: ser.status(created, sim.urls, repo) };
    },
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/commits/{ref}/status',
    handler: (ctx) => {
      const { sim, repo } = ctx;
      const sha = shaOf(sim, repo, ctx.params.ref!);
      const latest = new Map<string, (typeof repo.statuses)[number]>();
      for (const s of repo.statuses) if (s.sha === sha) latest.set(s.context, s);
      const statuses = [...latest.values()];
      return {
        json: {
          state: combinedState(statuses.map((s) => s.state)),
          statuses: statuses.map((s) => ser.status(s, sim.urls, repo)),
          sha,
          total_count: statuses.length,
          repository: ser.repo(repo, sim.urls),
          commit_url: `${sim.apiUrl}/repos/${repo.owner.login}/${repo.name}/commits/${sha}`,
          url: `${sim.apiUrl}/repos/${repo.owner.login}/${repo.name}/commits/${sha}/status`,
        },
      };
    },
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/commits/{ref}/statuses',
    handler: (ctx) => {
      const { sim, repo } = ctx;
      const sha = shaOf(sim, repo, ctx.params.ref!);
      const all = repo.statuses.filter((s) => s.sha === sha).reverse();
      const { page, headers } = paginate(ctx, all);
      return { headers, json: page.map((s) => ser.status(s, sim.urls, repo)) };
    },
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/actions/runs',
    handler: (ctx) => {
      const { sim, repo, query } = ctx;
      let runs = [...repo.workflowRuns].reverse();
      if (query.get('head_sha')) runs = runs.filter((r) => r.headSha === query.get('head_sha'));
      if (query.get('branch')) runs = runs.filter((r) => r.headBranch === query.get('branch'));
      if (query.get('event')) runs = runs.filter((r) => r.event === query.get('event'));
      const status = query.get('status');
      if (status) runs = runs.filter((r) => r.status === status || r.conclusion === status);
      const { page, headers } = paginate(ctx, runs);
      return {
        headers,
        json: {
          total_count: runs.length,
          workflow_runs: page.map((r) =>
            ser.workflowRun(r, repo, sim.urls, sim.pullsForSha(repo, r.headSha)),
          ),
        },
      };
    },
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/actions/runs/{run_id}',
    handler: ({ sim, repo, params }) => {
      const run = repo.workflowRuns.find((r) => r.id === Number(params.run_id));
      if (!run) throw notFound();
      return { json: ser.workflowRun(run, repo, sim.urls, sim.pullsForSha(repo, run.headSha)) };
    },
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/actions/runs/{run_id}/jobs',
    handler: (ctx) => {
      const { sim, repo, params } = ctx;
      const run = repo.workflowRuns.find((r) => r.id === Number(params.run_id));
      if (!run) throw notFound();
      const jobs = repo.jobs.filter((j) => j.runId === run.id);
      const { page, headers } = paginate(ctx, jobs);
      return {
        headers,
        json: { total_count: jobs.length, jobs: page.map((j) => ser.job(j, run, repo, sim.urls)) },
      };
    },
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/actions/jobs/{job_id}',
    handler: ({ sim, repo, params }) => {
      const job = repo.jobs.find((j) => j.id === Number(params.job_id));
      if (!job) throw notFound();
      return {
        json: ser.job(
          job,
          repo.workflowRuns.find((r) => r.id === job.runId)!,
          repo,
          sim.urls,
        ),
      };
    },
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/actions/jobs/{job_id}/logs',
    handler: ({ sim, repo, params }) => {
      const job = repo.jobs.find((j) => j.id === Number(params.job_id));
      if (!job) throw notFound();
      if (job.status !== 'completed') throw new HttpError(404, 'Not Found');
      const path = `/_download/logs/${repo.owner.login}/${repo.name}/jobs/${job.id}.txt`;
      sim.downloads.set(path, { body: job.log, contentType: 'text/plain; charset=utf-8' });
      return { status: 302, headers: { location: `${sim.baseUrl}${path}` } };
    },
  },
];
