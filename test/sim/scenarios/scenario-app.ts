/**
 * The app as the simulator scenarios run it: a real Probot configured like production
 * (GHE_HOST, GHE_PROTOCOL=http, app JWT → installation tokens), the FleetRuntime and the fleet
 * handlers, talking to GitHub only through OctokitGitHost, served over real HTTP.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNodeMiddleware, createProbot, ProbotOctokit, type Probot } from 'probot';
import { OctokitGitHost } from '../../../src/adapters/github/octokit-git-host.ts';
import { TarballWorkspaces } from '../../../src/adapters/local/tarball-workspaces.ts';
import { parseAppConfig } from '../../../src/app-config.ts';
import { FleetRuntime } from '../../../src/fleet-runtime.ts';
import {
  onCheckRunCompleted,
  onCheckSuiteCompleted,
  onStatus,
  onWorkflowRunCompleted,
} from '../../../src/handlers/ci-completed.ts';
import type { FleetHandlerDeps } from '../../../src/handlers/fleet-deps.ts';
import { onIssueCommentCreated } from '../../../src/handlers/issue-comment-created.ts';
import { onPullRequestClosed } from '../../../src/handlers/pull-request-closed.ts';
import { onPushFleet } from '../../../src/handlers/push-fleet.ts';
import type { Coder } from '../../../src/ports/coder.ts';
import type { Judge } from '../../../src/ports/judge.ts';
import { silentLog } from '../../../src/ports/log.ts';
import { ManualClock } from '../../fakes/manual-clock.ts';
import { ScriptedJudge } from '../../fakes/scripted-judge.ts';
import { GitHubSim, type CiScript, type DeliveryOptions } from '../index.ts';

export const SCENARIO_SLUG = 'fleetwright';
/** The organisation every scenario's repositories live in. */
export const SCENARIO_ORG = 'acme';
/** When every scenario's clock starts. */
export const SCENARIO_T0 = new Date('2026-11-21T09:00:00.000Z');

export interface ScenarioApp {
  runtime: FleetRuntime;
  server: Server;
  url: string;
  /**
   * Stops the server (a crash or a deploy): it stops listening at once; the runtime, its view
   * and its job queue are simply dropped. Quiesce first if queued work must not be lost.
   * Idempotent; the cleanup registered at start is then a no-op.
   */
  stop(): Promise<void>;
}

export interface ScenarioAppOptions {
  sim: GitHubSim;
  clock: ManualClock;
  coder: Coder;
  /** Defaults to a judge that approves everything. */
  judge?: Judge;
  appId: number;
  webhookSecret: string;
  privateKey: string;
  /** Where the server's shutdown is registered (the test's afterEach runs them). */
  cleanups: (() => Promise<void>)[];
}

/**
 * The cleanups a scenario file's tests register (servers, the simulator), run newest first after
 * each test, pass or fail. Call once at the top level of the file.
 */
export { registerCleanups as registerScenarioCleanups } from '../../helpers/cleanups.ts';

/** What every scenario starts from: a clock, a running simulator and the org's config repository. */
export interface ScenarioWorld {
  clock: ManualClock;
  sim: GitHubSim;
  /** `acme/fleetwright-config`, holding only a README until the scenario commits manifests. */
  config: ReturnType<GitHubSim['createRepo']>;
  /**
   * Starts an app instance (one key for all of them, as for one GitHub App) and points the
   * simulator's webhooks at it, then applies `deliveries` if given. Call again for a fresh
   * instance after a crash (`ScenarioApp.stop`).
   */
  startApp(options: {
    coder: Coder;
    judge?: Judge;
    deliveries?: Partial<DeliveryOptions>;
  }): Promise<ScenarioApp>;
}

export interface ScenarioWorldOptions {
  cleanups: (() => Promise<void>)[];
  /** The simulator's CI for every push (`GitHubSim.setCi`). */
  ci?: CiScript;
  appId?: number;
  webhookSecret?: string;
}

/**
 * Starts the simulator on a `ManualClock` at `SCENARIO_T0` and creates the config repository;
 * the simulator's shutdown is registered in `cleanups`. The scenario then creates its target
 * repositories and starts the app (`startApp`).
 */
export async function startScenarioWorld(options: ScenarioWorldOptions): Promise<ScenarioWorld> {
  const appId = options.appId ?? 4343;
  const webhookSecret = options.webhookSecret ?? 'scenario-secret';
  const clock = new ManualClock(SCENARIO_T0);
  const sim = await new GitHubSim({
    appId,
    appSlug: SCENARIO_SLUG,
    webhookSecret,
    now: () => clock.now(),
  }).start();
  options.cleanups.push(() => sim.stop());
  if (options.ci) sim.setCi(options.ci);
  const config = sim.createRepo({
    owner: SCENARIO_ORG,
    name: 'fleetwright-config',
    files: { 'README.md': '# config\n' },
  });
  const privateKey = generateAppKey();
  const startApp: ScenarioWorld['startApp'] = async ({ coder, judge, deliveries }) => {
    const app = await startScenarioApp({
      sim,
      clock,
      coder,
      ...(judge ? { judge } : {}),
      appId,
      webhookSecret,
      privateKey,
      cleanups: options.cleanups,
    });
    sim.deliverTo(app.url);
    if (deliveries) sim.configureDeliveries(deliveries);
    return app;
  };
  return { clock, sim, config, startApp };
}

/** A fresh RSA key for the app's JWTs (PKCS#1, as GitHub issues them). */
export function generateAppKey(): string {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
}

/** Starts the app on 127.0.0.1:0; `url` is where the simulator delivers webhooks. */
export async function startScenarioApp(options: ScenarioAppOptions): Promise<ScenarioApp> {
  const { sim, clock, coder, appId } = options;
  const judge = options.judge;
  const probot = createProbot({
    env: {
      APP_ID: String(appId),
      PRIVATE_KEY: options.privateKey,
      WEBHOOK_SECRET: options.webhookSecret,
      GHE_HOST: sim.host,
      GHE_PROTOCOL: 'http',
      LOG_LEVEL: 'silent',
    },
    overrides: {
      // The function form is applied last, so it wins over Probot's own throttle options.
      Octokit: ProbotOctokit.defaults((instanceOptions: object) => ({
        ...instanceOptions,
        retry: { enabled: false },
        throttle: { enabled: false },
      })),
    },
  });
  const runtime = new FleetRuntime({
    configRepo: 'fleetwright-config',
    appSlug: SCENARIO_SLUG,
    // Jobs outlive webhooks: each one gets a fresh installation token through the app JWT.
    hostFor: async (installationId) =>
      new OctokitGitHost(await probot.auth(installationId), undefined, { appId, appSlug: SCENARIO_SLUG }),
    coderFor: () => coder,
    judgeFor: () => judge ?? new ScriptedJudge(),
    workspaces: new TarballWorkspaces(silentLog),
    log: silentLog,
    clock,
    coderConcurrency: 3,
  });
  const deps: FleetHandlerDeps = {
    config: parseAppConfig({ FLEETWRIGHT_CONFIG_REPO: 'fleetwright-config' }),
    appSlug: SCENARIO_SLUG,
    fleet: runtime,
  };
  const appFn = (app: Probot) => {
    app.on('push', onPushFleet(deps));
    app.on('check_suite.completed', onCheckSuiteCompleted(deps));
    app.on('check_run.completed', onCheckRunCompleted(deps));
    app.on('workflow_run.completed', onWorkflowRunCompleted(deps));
    app.on('status', onStatus(deps));
    app.on('pull_request.closed', onPullRequestClosed(deps));
    // `/migrate` commands on PRs (a person's `/migrate continue` after a pause).
    app.on('issue_comment.created', onIssueCommentCreated(deps));
  };
  const middleware = await createNodeMiddleware(appFn, { probot });
  const server = createServer((req, res) => {
    void middleware(req, res, () => res.writeHead(404).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    })());
  options.cleanups.push(stop);
  return {
    runtime,
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`,
    stop,
  };
}

/** Until neither the simulator (webhooks, CI) nor the app's job queue has anything left to do. */
export async function quiesce(sim: GitHubSim, app: ScenarioApp): Promise<void> {
  for (let pass = 0; pass < 100; pass++) {
    const before = sim.deliveries.length + sim.requests.records.length;
    await sim.settle();
    await drainJobs(sim, app);
    await sim.settle();
    if (sim.deliveries.length + sim.requests.records.length === before) return;
  }
  throw new Error('the app and the simulator never went quiet');
}

/** How long the job queue may go without a single request to the simulator before it is stuck. */
const STUCK_MS = 20_000;

/**
 * Waits for the job queue to drain. Stuck = no request reached the simulator for `STUCK_MS`
 * while jobs were still running: a fixed deadline would fail a healthy run on a loaded machine
 * (coder jobs unpack tarballs), progress does not.
 */
async function drainJobs(sim: GitHubSim, app: ScenarioApp): Promise<void> {
  const drained = app.runtime.jobs.drain().then(() => true);
  let seen = sim.requests.records.length;
  let lastProgress = Date.now();
  for (;;) {
    const done = await Promise.race([
      drained,
      new Promise<false>((resolve) => setTimeout(() => resolve(false), 1_000).unref()),
    ]);
    if (done) return;
    if (sim.requests.records.length !== seen) {
      seen = sim.requests.records.length;
      lastProgress = Date.now();
    } else if (Date.now() - lastProgress > STUCK_MS) {
      throw new Error(`jobs never drained: ${JSON.stringify(app.runtime.jobs.stats())}`);
    }
  }
}
