/**
 * Probot entry: wiring only. Do not add logic here; handlers live in src/handlers/ and the
 * work they start in src/workflows/. This is the only module that reads `process.env`.
 * Every event registered here must be listed in app.yml `default_events` and vice versa
 * (test/app-yml.test.ts).
 */
import type { ApplicationFunctionOptions, Probot } from 'probot';
import { buildAnthropicClient } from './adapters/anthropic/build-anthropic-client.ts';
import { ClaudeCoder } from './adapters/anthropic/claude-coder.ts';
import { completeGitHost } from './adapters/github/complete-git-host.ts';
import { OctokitGitHost } from './adapters/github/octokit-git-host.ts';
import { loadModelCatalog } from './adapters/local/model-catalog.ts';
import { TarballWorkspaces } from './adapters/local/tarball-workspaces.ts';
import { parseAppConfig } from './app-config.ts';
import { FleetRuntime } from './fleet-runtime.ts';
import { onCheckRunRerequested } from './handlers/check-run-rerequested.ts';
import {
  onCheckRunCompleted,
  onCheckSuiteCompleted,
  onStatus,
  onWorkflowRunCompleted,
} from './handlers/ci-completed.ts';
import type { FleetHandlerDeps } from './handlers/fleet-deps.ts';
import type { HandlerDeps } from './handlers/handler-deps.ts';
import { onPullRequestClosed } from './handlers/pull-request-closed.ts';
import { CONFIG_PULL_REQUEST_EVENTS, onPullRequestOpened } from './handlers/pull-request-opened.ts';
import { onPushFleet } from './handlers/push-fleet.ts';
import { onPush } from './handlers/push.ts';
import type { Coder } from './ports/coder.ts';

export default async function fleetwright(app: Probot, _options: ApplicationFunctionOptions): Promise<void> {
  const config = parseAppConfig(process.env);
  const appId = Number(process.env.APP_ID) || undefined;
  const appSlug = process.env.FLEETWRIGHT_APP_SLUG ?? 'fleetwright';
  const modelCatalog = await loadModelCatalog(process.env);
  const deps: HandlerDeps = {
    config,
    modelCatalog,
    forInstallation: (context) => ({
      gitHost: new OctokitGitHost(context.octokit, context.log, appId ? { appId } : {}),
    }),
  };

  // Coders are built on first use, so the app starts (and validates manifests) without
  // Anthropic credentials; a coder run without them fails its target with a CoderError.
  const coders = new Map<string, Coder>();
  const runtime = new FleetRuntime({
    configRepo: config.configRepo,
    appSlug,
    hostFor: async (installationId) =>
      completeGitHost(new OctokitGitHost(await app.auth(installationId), app.log, appId ? { appId } : {})),
    coderFor: (model) => {
      let coder = coders.get(model);
      if (!coder) {
        coder = new ClaudeCoder({
          client: buildAnthropicClient(process.env),
          model,
          catalog: modelCatalog,
          log: app.log,
        });
        coders.set(model, coder);
      }
      return coder;
    },
    workspaces: new TarballWorkspaces(app.log),
    log: app.log,
    concurrency: Number(process.env.FLEETWRIGHT_CONCURRENCY) || 4,
    coderConcurrency: Number(process.env.FLEETWRIGHT_CODER_CONCURRENCY) || 2,
  });
  const fleet: FleetHandlerDeps = { config, appSlug, fleet: runtime };

  app.on('check_run.rerequested', onCheckRunRerequested(deps));
  app.on('push', onPush(deps));
  app.on('push', onPushFleet(fleet));
  app.on([...CONFIG_PULL_REQUEST_EVENTS], onPullRequestOpened(deps));
  app.on('pull_request.closed', onPullRequestClosed(fleet));
  app.on('check_suite.completed', onCheckSuiteCompleted(fleet));
  app.on('check_run.completed', onCheckRunCompleted(fleet));
  app.on('workflow_run.completed', onWorkflowRunCompleted(fleet));
  app.on('status', onStatus(fleet));

  if (appId !== undefined && typeof app.auth === 'function') {
    // Start-up reconciliation (GitHub is the database) and the periodic tick.
    runtime.startTimer(Number(process.env.FLEETWRIGHT_TICK_MINUTES || 5) * 60_000);
    void reconcileAll(app, runtime);
  }
  app.log.info({ configRepo: config.configRepo }, 'fleetwright loaded');
}

/** Registers every installation with the runtime and queues its reconciliation. */
async function reconcileAll(app: Probot, runtime: FleetRuntime): Promise<void> {
  try {
    const octokit = await app.auth();
    const installations = await octokit.paginate(octokit.rest.apps.listInstallations, { per_page: 100 });
    for (const installation of installations) {
      const org =
        installation.account && 'login' in installation.account ? installation.account.login : undefined;
      if (org) await runtime.reconcileInstallation(installation.id, org);
    }
  } catch (error) {
    app.log.warn(
      { err: error },
      'Start-up reconciliation failed; installations register on their next webhook',
    );
  }
}
