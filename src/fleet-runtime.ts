/**
 * Wiring for the fan-out workflows: one in-process job queue for the server, and per
 * installation a view, a content pacer and the ports. src/index.ts builds one `FleetRuntime` and
 * hands handlers `runtime.forInstallation(...)`; jobs resolve their installation's ports later
 * through `hostFor`, because the webhook's token may have expired by the time a job runs.
 * No Probot import here, so the whole assembly is testable with fakes.
 */
import { InProcessJobs } from './adapters/local/in-process-jobs.ts';
import type { Clock } from './ports/clock.ts';
import { systemClock } from './ports/clock.ts';
import type { Coder } from './ports/coder.ts';
import type { GitHost } from './ports/git-host.ts';
import type { Judge } from './ports/judge.ts';
import type { Log } from './ports/log.ts';
import type { ReadyPrQueue } from './ports/notifier.ts';
import type { WorkspaceFactory } from './ports/workspace.ts';
import { ContentPacer } from './workflows/content-pacer.ts';
import { DASHBOARD_MIN_INTERVAL_MS, requestDashboardSyncs } from './workflows/dashboard.ts';
import type { InstallationDeps, WorkflowJob } from './workflows/deps.ts';
import { FleetView } from './workflows/fleet-view.ts';
import { buildJobHandler } from './workflows/handle-job.ts';
import { loadMigrationsFromConfigRepo } from './workflows/load-migrations.ts';
import { buildPacedGitHost } from './workflows/paced-git-host.ts';

export interface FleetRuntimeOptions {
  /** Name of the org config repo (AppConfig.configRepo). */
  configRepo: string;
  /** The app's slug; its bot login is `<slug>[bot]`. */
  appSlug: string;
  /** GitHub's web address (AppConfig.webUrl), for links in the dashboard; absent = plain names. */
  webUrl?: string;
  /** A GitHost for an installation, with a token fresh enough for a job that runs now. */
  hostFor(installationId: number): Promise<GitHost>;
  /** The coder for a model id (memoise it: it is asked per coder run). */
  coderFor(model: string): Coder;
  /** The judge for a model id (memoise it too: it is asked per review). */
  judgeFor(model: string): Judge;
  /**
   * Ready-PR notifications (the batcher of src/workflows/notification-batcher.ts): hand-over
   * queues into it, every timer beat flushes what is due. Absent = nobody is notified.
   */
  notifications?: ReadyPrQueue & { flushDue(): Promise<unknown> };
  workspaces: WorkspaceFactory;
  log: Log;
  clock?: Clock;
  /** Jobs at once (default 4) and coder jobs at once (default 2), server-wide. */
  concurrency?: number;
  coderConcurrency?: number;
}

interface InstallationState {
  org: string;
  view: FleetView;
  pacer: ContentPacer;
}

export class FleetRuntime {
  readonly jobs: InProcessJobs<WorkflowJob>;
  readonly #options: FleetRuntimeOptions;
  readonly #clock: Clock;
  readonly #installations = new Map<number, InstallationState>();

  constructor(options: FleetRuntimeOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.jobs = new InProcessJobs<WorkflowJob>({
      handle: buildJobHandler((installationId) => this.depsFor(installationId)),
      log: options.log,
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
      ...(options.coderConcurrency ? { coderConcurrency: options.coderConcurrency } : {}),
    });
  }

  /** Registers an installation (its org) and returns its deps; call from handlers and at start-up. */
  async forInstallation(installationId: number, org: string): Promise<InstallationDeps> {
    if (!this.#installations.has(installationId)) {
      this.#installations.set(installationId, {
        org,
        view: new FleetView(),
        pacer: new ContentPacer(this.#clock),
      });
    }
    return this.depsFor(installationId);
  }

  /** The deps of a registered installation (jobs call this when they run). */
  async depsFor(installationId: number): Promise<InstallationDeps> {
    const state = this.#installations.get(installationId);
    if (!state) throw new Error(`Installation ${installationId} is not registered with the fleet runtime`);
    const raw = await this.#options.hostFor(installationId);
    const { host, counts } = buildPacedGitHost(raw, {
      pacer: state.pacer,
      clock: this.#clock,
      log: this.#options.log,
    });
    const configRepo = { owner: state.org, repo: this.#options.configRepo };
    return {
      installationId,
      org: state.org,
      configRepo,
      ...(this.#options.webUrl ? { webUrl: this.#options.webUrl } : {}),
      host,
      coderFor: (model) => this.#options.coderFor(model),
      judgeFor: (model) => this.#options.judgeFor(model),
      ...(this.#options.notifications ? { notifications: this.#options.notifications } : {}),
      workspaces: this.#options.workspaces,
      clock: this.#clock,
      log: this.#options.log,
      jobs: this.jobs,
      view: state.view,
      appSlug: this.#options.appSlug,
      requestCounts: counts,
      botLogin: `${this.#options.appSlug}[bot]`,
      loadMigrations: () => loadMigrationsFromConfigRepo(host, configRepo),
    };
  }

  /** Installations registered so far (the timer ticks each). */
  installationIds(): number[] {
    return [...this.#installations.keys()];
  }

  /** Start-up: register an installation and queue its reconciliation (config repo + PR markers). */
  async reconcileInstallation(installationId: number, org: string): Promise<void> {
    const deps = await this.forInstallation(installationId, org);
    deps.jobs.enqueue({
      key: `config#${installationId}`,
      kind: 'default',
      payload: { type: 'reconcile', installationId },
    });
  }

  /** One timer beat: queue a tick for every registered installation. Never throws. */
  tickAll(): void {
    // Batched Slack digests go out on the same beat (the batcher sends each team at most one per window).
    this.#options.notifications?.flushDue().catch((error: unknown) => {
      this.#options.log.warn({ err: error }, 'Ready-PR notifications could not be flushed');
    });
    for (const installationId of this.installationIds()) {
      this.jobs.enqueue({
        key: `tick#${installationId}`,
        kind: 'default',
        payload: { type: 'tick', installationId },
      });
    }
  }

  /**
   * Runs `tickAll` every `intervalMs` (default 5 minutes) until the returned function is called.
   * The timer is unref'd so it never keeps a stopping process alive.
   */
  startTimer(intervalMs = 5 * 60_000): () => void {
    const timer = setInterval(() => this.tickAll(), intervalMs);
    timer.unref();
    // Dashboards changed since their last edit are written on a shorter beat (see dashboard.ts).
    const dashboards = setInterval(() => this.syncDashboards(), DASHBOARD_MIN_INTERVAL_MS);
    dashboards.unref();
    return () => {
      clearInterval(timer);
      clearInterval(dashboards);
    };
  }

  /** One dashboard beat: queue a sync for every dashboard that changed. No request when none did. */
  syncDashboards(): void {
    for (const [installationId, state] of this.#installations) {
      requestDashboardSyncs({ installationId, view: state.view, clock: this.#clock, jobs: this.jobs });
    }
  }
}
