/**
 * The scripted CI of the simulator. A test registers a script; on every new head SHA of a
 * branch (push) or PR (opened / synchronize / reopened) the script looks at the repository
 * content and says what CI does: GitHub Actions workflow runs with jobs and logs, third-party
 * check runs, commit statuses, and optionally the companion Action's `fleetwright/report`
 * check run. The simulator then creates the records and emits the webhooks in GitHub's order
 * (workflow_run requested → check_run created → … → check_run completed → check_suite
 * completed → workflow_run completed). `hold: true` leaves everything running until the test
 * calls `complete()`; returning `undefined` means the commit has no CI at all.
 */
import type { FailureReport } from '../../src/contracts/failure-report.ts';
import type { SimApp, SimCheckRun, SimRepo, SimStatus, SimWorkflowRun } from './model.ts';
import * as ser from './serialize.ts';
import type { Actor, GitHubSim } from './simulator.ts';

export type CiConclusion =
  'success' | 'failure' | 'cancelled' | 'timed_out' | 'neutral' | 'skipped' | 'action_required';

export interface CiJobPlan {
  name: string;
  conclusion: CiConclusion;
  /** The job's plain-text log (served by `GET /actions/jobs/{id}/logs`). */
  log?: string;
}

export interface CiWorkflowPlan {
  name: string;
  /** `.github/workflows/<file>`; defaults from the name. */
  path?: string;
  jobs: CiJobPlan[];
}

export interface CiPlan {
  /** GitHub Actions workflow runs (one check suite each). */
  workflows?: CiWorkflowPlan[];
  /** Check runs from a third-party CI app. */
  checkRuns?: {
    name: string;
    conclusion: CiConclusion;
    app?: { id: number; slug: string };
    output?: { title: string; summary: string; text?: string };
  }[];
  /** Commit statuses from a status-only CI. */
  statuses?: {
    context: string;
    state: 'success' | 'failure' | 'error';
    description?: string;
    targetUrl?: string;
  }[];
  /**
   * The companion Action's report: posted as the `fleetwright/report` check run by the
   * github-actions app on the head SHA, JSON in `output.text`, Markdown in `output.summary`.
   */
  report?: FailureReport;
  /** Keep every run in progress (statuses pending) until `ci.complete(repo, sha)`. */
  hold?: boolean;
}

export interface CiContext {
  repo: { owner: string; repo: string };
  sha: string;
  branch: string;
  trigger: 'push' | 'pull_request';
  /** The open PR numbers whose head is this SHA. */
  pullRequests: number[];
  /**
   * True when one of those PRs conflicts with its base: GitHub then runs no `pull_request`
   * workflows, so a script emulating that returns `undefined` for the pull_request trigger.
   */
  conflicting: boolean;
  /** Files at the SHA. */
  files(): string[];
  readFile(path: string): string | undefined;
}

/** Decides CI for one commit; `undefined` = this commit gets no CI at all. */
export type CiScript = (ctx: CiContext) => CiPlan | undefined | Promise<CiPlan | undefined>;

interface PendingCi {
  repo: SimRepo;
  sha: string;
  plan: CiPlan;
  runs: { run: SimWorkflowRun; checkRuns: SimCheckRun[]; plan: CiWorkflowPlan }[];
  thirdParty: {
    run: SimCheckRun;
    conclusion: CiConclusion;
    output?: { title: string; summary: string; text?: string };
  }[];
}

export const REPORT_CHECK_NAME = 'fleetwright/report';

export class CiEngine {
  private script: CiScript | undefined;
  private readonly sim: GitHubSim;
  private readonly ran = new Set<string>();
  private readonly work = new Set<Promise<void>>();
  private readonly held = new Map<string, PendingCi>();
  private readonly apps = new Map<number, SimApp>();
  /** Every (repo, sha, trigger) the script was asked about, in order. */
  readonly history: {
    repo: string;
    sha: string;
    branch: string;
    trigger: 'push' | 'pull_request';
    plan: CiPlan | undefined;
  }[] = [];

  constructor(sim: GitHubSim) {
    this.sim = sim;
  }

  private triggers: ('push' | 'pull_request')[] = ['push', 'pull_request'];

  /** Registers (or with `undefined` removes) the CI script and the triggers that run it. */
  set(script: CiScript | undefined, on: ('push' | 'pull_request')[] = ['push', 'pull_request']): void {
    this.script = script;
    this.triggers = on;
  }

  /** Called by the simulator when a branch or PR head moves; CI runs once per SHA. */
  onHeadChanged(repo: SimRepo, sha: string, branch: string, trigger: 'push' | 'pull_request'): void {
    if (!this.script || !this.triggers.includes(trigger)) return;
    const key = `${repo.id}:${sha}`;
    if (this.ran.has(key)) return;
    this.ran.add(key);
    this.track(this.execute(repo, sha, branch, trigger));
  }

  /** Runs the script for a SHA now (e.g. a baseline created before the script was set). */
  async run(
    ref: { owner: string; repo: string },
    sha: string,
    trigger: 'push' | 'pull_request' = 'push',
  ): Promise<void> {
    const repo = this.sim.getRepo(ref);
    this.ran.add(`${repo.id}:${sha}`);
    await this.execute(repo, sha, this.sim.branchesAt(repo, sha) ?? repo.defaultBranch, trigger);
  }

  private track(promise: Promise<void>): void {
    const tracked = promise.catch((error: unknown) => {
      this.sim.backgroundErrors.push(error);
    });
    this.work.add(tracked);
    void tracked.finally(() => this.work.delete(tracked));
  }

  busy(): boolean {
    return this.work.size > 0;
  }

  async idle(): Promise<void> {
    while (this.work.size > 0) await Promise.all([...this.work]);
  }

  close(): void {
    this.held.clear();
  }

  /** SHAs whose CI is held, as `owner/repo@sha`. */
  heldRuns(): string[] {
    return [...this.held.values()].map((p) => `${p.repo.owner.login}/${p.repo.name}@${p.sha}`);
  }

  /** Completes held CI for a SHA (optionally overriding the plan's outcome). */
  complete(ref: { owner: string; repo: string }, sha: string): void {
    const repo = this.sim.getRepo(ref);
    const pending = this.held.get(`${repo.id}:${sha}`);
    if (!pending) throw new Error(`no held CI for ${ref.owner}/${ref.repo}@${sha}`);
    this.held.delete(`${repo.id}:${sha}`);
    this.finish(pending);
  }

  private actionsActor(): Actor {
    return { user: this.sim.ensureUser('github-actions[bot]', 'Bot'), app: this.sim.actionsApp };
  }

  private appFor(spec: { id: number; slug: string } | undefined): SimApp {
    if (!spec) spec = { id: 9001, slug: 'external-ci' };
    let app = this.apps.get(spec.id);
    if (!app) {
      app = {
        id: spec.id,
        slug: spec.slug,
        name: spec.slug,
        owner: this.sim.ensureUser(spec.slug, 'Organization'),
      };
      this.apps.set(spec.id, app);
    }
    return app;
  }

  private async execute(
    repo: SimRepo,
    sha: string,
    branch: string,
    trigger: 'push' | 'pull_request',
  ): Promise<void> {
    const script = this.script;
    if (!script) return;
    const files = repo.git.filesAt(sha);
    const ctx: CiContext = {
      repo: { owner: repo.owner.login, repo: repo.name },
      sha,
      branch,
      trigger,
      pullRequests: [...repo.issues.values()]
        .filter((i) => i.pull && i.state === 'open' && i.pull.headSha === sha)
        .map((i) => i.number),
      conflicting: [...repo.issues.values()].some(
        (i) => i.pull && i.state === 'open' && i.pull.headSha === sha && this.sim.isConflicting(repo, i),
      ),
      files: () => [...files.keys()].sort(),
      readFile: (path) => {
        const file = files.get(path);
        return file ? repo.git.getBlob(file.sha)!.toString('utf8') : undefined;
      },
    };
    const plan = await script(ctx);
    this.history.push({ repo: `${repo.owner.login}/${repo.name}`, sha, branch, trigger, plan });
    if (!plan) return;
    const sim = this.sim;
    const actions = this.actionsActor();
    const pending: PendingCi = { repo, sha, plan, runs: [], thirdParty: [] };
    for (const workflow of plan.workflows ?? []) {
      const suite = sim.ensureSuite(repo, sha, sim.actionsApp, branch, true);
      const now = sim.now();
      const run: SimWorkflowRun = {
        id: sim.nextId(),
        name: workflow.name,
        path:
          workflow.path ?? `.github/workflows/${workflow.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.yml`,
        workflowId: 100 + (plan.workflows ?? []).indexOf(workflow),
        headSha: sha,
        headBranch: branch,
        event: trigger,
        status: 'queued',
        conclusion: null,
        suiteId: suite.id,
        runNumber: repo.workflowRuns.length + 1,
        runAttempt: 1,
        createdAt: now,
        updatedAt: now,
        pullNumbers: ctx.pullRequests,
        actor: actions.user,
      };
      repo.workflowRuns.push(run);
      this.emitWorkflowRun(repo, run, 'requested');
      run.status = 'in_progress';
      this.emitWorkflowRun(repo, run, 'in_progress');
      const checkRuns = workflow.jobs.map((job) => {
        const checkRun = sim.createCheckRun(
          repo,
          { name: job.name, headSha: sha, status: 'in_progress', suiteId: suite.id },
          sim.actionsApp,
          actions,
        );
        repo.jobs.push({
          id: sim.nextId(),
          runId: run.id,
          name: job.name,
          headSha: sha,
          status: 'in_progress',
          conclusion: null,
          log: job.log ?? `${job.name}: ${job.conclusion}\n`,
          startedAt: now,
          completedAt: null,
          checkRunId: checkRun.id,
        });
        return checkRun;
      });
      pending.runs.push({ run, checkRuns, plan: workflow });
    }
    for (const spec of plan.checkRuns ?? []) {
      const app = this.appFor(spec.app);
      const actor: Actor = { user: sim.ensureUser(`${app.slug}[bot]`, 'Bot'), app };
      const run = sim.createCheckRun(
        repo,
        { name: spec.name, headSha: sha, status: 'in_progress' },
        app,
        actor,
      );
      pending.thirdParty.push({ run, conclusion: spec.conclusion, output: spec.output });
    }
    for (const status of plan.statuses ?? []) {
      sim.createStatus(
        repo,
        {
          sha,
          state: 'pending',
          context: status.context,
          description: 'In progress',
          targetUrl: status.targetUrl,
        },
        sim.human('ci-bot'),
      );
    }
    if (plan.hold) this.held.set(`${repo.id}:${sha}`, pending);
    else this.finish(pending);
  }

  private finish(pending: PendingCi): void {
    const { repo, sha, plan } = pending;
    const sim = this.sim;
    const actions = this.actionsActor();
    for (const { run, checkRuns, plan: workflow } of pending.runs) {
      // The Action publishes its report from inside a job, so it exists before the suite completes.
      if (plan.report && run === pending.runs[0]?.run) this.postReport(repo, sha, run.suiteId, plan.report);
      workflow.jobs.forEach((job, index) => {
        const record = repo.jobs.find((j) => j.checkRunId === checkRuns[index]!.id)!;
        record.status = 'completed';
        record.conclusion = job.conclusion;
        record.completedAt = sim.now();
        sim.updateCheckRun(repo, checkRuns[index]!, { conclusion: job.conclusion }, actions);
      });
      const order: CiConclusion[] = [
        'action_required',
        'cancelled',
        'timed_out',
        'failure',
        'neutral',
        'skipped',
        'success',
      ];
      const conclusions = workflow.jobs.map((j) => j.conclusion);
      run.status = 'completed';
      run.conclusion = order.find((c) => conclusions.includes(c)) ?? 'success';
      run.updatedAt = sim.now();
      this.emitWorkflowRun(repo, run, 'completed');
    }
    if (plan.report && pending.runs.length === 0) this.postReport(repo, sha, undefined, plan.report);
    for (const { run, conclusion, output } of pending.thirdParty) {
      const actor: Actor = { user: sim.ensureUser(`${run.app.slug}[bot]`, 'Bot'), app: run.app };
      sim.updateCheckRun(
        repo,
        run,
        {
          conclusion,
          output: output
            ? { title: output.title, summary: output.summary, text: output.text ?? null }
            : undefined,
        },
        actor,
      );
    }
    for (const status of plan.statuses ?? []) {
      sim.createStatus(
        repo,
        {
          sha,
          state: status.state as SimStatus['state'],
          context: status.context,
          description: status.description ?? null,
          targetUrl: status.targetUrl ?? null,
        },
        sim.human('ci-bot'),
      );
    }
  }

  /** Posts the companion Action's check run, the way action/src/publish.ts does. */
  private postReport(repo: SimRepo, sha: string, suiteId: number | undefined, report: FailureReport): void {
    const sim = this.sim;
    const findings = report.findings
      .slice(0, 50)
      .filter((f) => f.file && f.line)
      .map((f) => ({
        path: f.file!,
        start_line: f.line!,
        end_line: f.line!,
        annotation_level: (f.severity === 'warning' ? 'warning' : 'failure') as 'warning' | 'failure',
        message: f.message,
        title: f.code ? `${f.tool} ${f.code}` : f.tool,
      }));
    sim.createCheckRun(
      repo,
      {
        name: REPORT_CHECK_NAME,
        headSha: sha,
        conclusion: report.conclusion === 'success' ? 'success' : 'failure',
        suiteId,
        output: {
          title: report.conclusion === 'success' ? 'CI passed' : `${report.findings.length} finding(s)`,
          summary:
            report.findings
              .map((f) => `- ${f.file ?? ''}${f.line ? `:${f.line}` : ''} ${f.message}`)
              .join('\n') || 'No findings',
          text: JSON.stringify(report),
          annotations: findings,
        },
      },
      sim.actionsApp,
      this.actionsActor(),
    );
  }

  private emitWorkflowRun(repo: SimRepo, run: SimWorkflowRun, action: string): void {
    const sim = this.sim;
    sim.emit(
      'workflow_run',
      {
        action,
        workflow_run: ser.workflowRun(run, repo, sim.urls, sim.pullsForSha(repo, run.headSha)),
        workflow: {
          id: run.workflowId,
          node_id: ser.nodeId('Workflow', run.workflowId),
          name: run.name,
          path: run.path,
          state: 'active',
          url: `${sim.apiUrl}/repos/${repo.owner.login}/${repo.name}/actions/workflows/${run.workflowId}`,
        },
      },
      this.actionsActor(),
      repo.installationId,
      repo,
    );
  }
}
