/**
 * Probot entry: wiring only. Do not add logic here; handlers live in src/handlers/ and the
 * work they start in src/workflows/. This is the only module that reads `process.env`.
 * Every event registered here must be listed in app.yml `default_events` and vice versa
 * (test/app-yml.test.ts).
 */
import type { ApplicationFunctionOptions, Probot } from 'probot';
import { buildAnthropicClient } from './adapters/anthropic/build-anthropic-client.ts';
import { ClaudeCoder } from './adapters/anthropic/claude-coder.ts';
import { ClaudeJudge } from './adapters/anthropic/claude-judge.ts';
import { OctokitGitHost } from './adapters/github/octokit-git-host.ts';
import { loadModelCatalog } from './adapters/local/model-catalog.ts';
import { TarballWorkspaces } from './adapters/local/tarball-workspaces.ts';
import { SlackWebhookNotifier } from './adapters/slack/slack-webhook-notifier.ts';
import { parseAppConfig } from './app-config.ts';
import { FleetRuntime } from './fleet-runtime.ts';
import { onCheckRunRerequested, onCheckSuiteRerequested } from './handlers/check-run-rerequested.ts';
import {
  onCheckRunCompleted,
  onCheckSuiteCompleted,
  onStatus,
  onWorkflowRunCompleted,
} from './handlers/ci-completed.ts';
import type { FleetHandlerDeps } from './handlers/fleet-deps.ts';
import type { HandlerDeps } from './handlers/handler-deps.ts';
import { onIssueCommentCreated } from './handlers/issue-comment-created.ts';
import { onPullRequestClosed } from './handlers/pull-request-closed.ts';
import { CONFIG_PULL_REQUEST_EVENTS, onPullRequestOpened } from './handlers/pull-request-opened.ts';
import { onPushFleet } from './handlers/push-fleet.ts';
import { onPush } from './handlers/push.ts';
import type { Coder } from './ports/coder.ts';
import { systemClock } from './ports/clock.ts';
import type { Judge } from './ports/judge.ts';
import { NotificationBatcher } from './workflows/notification-batcher.ts';

export default async function fleetwright(app: Probot, _options: ApplicationFunctionOptions): Promise<void> {
  const config = parseAppConfig(process.env);
  const appId = Number(process.env.APP_ID) || undefined;
  const appSlug = config.appSlug;
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
  const judges = new Map<string, Judge>();
  const runtime = new FleetRuntime({
    configRepo: config.configRepo,
    appSlug,
    webUrl: config.webUrl,
    hostFor: async (installationId) =>
      new OctokitGitHost(await app.auth(installationId), app.log, appId ? { appId } : {}),
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
    // Same for judges: one per model (manifest `model.judge`); the output cap is per review.
    judgeFor: (model) => {
      let judge = judges.get(model);
      if (!judge) {
        judge = new ClaudeJudge(buildAnthropicClient(process.env), { model, catalog: modelCatalog }, app.log);
        judges.set(model, judge);
      }
      return judge;
    },
    // Ready PRs are announced in one Slack digest per team; the periodic tick flushes it.
    notifications: new NotificationBatcher({
      notifier: new SlackWebhookNotifier(app.log),
      clock: systemClock,
      log: app.log,
    }),
    workspaces: new TarballWorkspaces(app.log),
    log: app.log,
    concurrency: config.concurrency,
    coderConcurrency: config.coderConcurrency,
  });
  const fleet: FleetHandlerDeps = { config, appSlug, fleet: runtime };

  app.on('check_run.rerequested', onCheckRunRerequested(deps));
  app.on('check_suite.rerequested', onCheckSuiteRerequested(deps));
  app.on('push', onPush(deps));
  app.on('push', onPushFleet(fleet));
  app.on([...CONFIG_PULL_REQUEST_EVENTS], onPullRequestOpened(deps));
  app.on('pull_request.closed', onPullRequestClosed(fleet));
  app.on('check_suite.completed', onCheckSuiteCompleted(fleet));
  app.on('check_run.completed', onCheckRunCompleted(fleet));
  app.on('workflow_run.completed', onWorkflowRunCompleted(fleet));
  app.on('status', onStatus(fleet));
  app.on('issue_comment.created', onIssueCommentCreated(fleet));

  if (appId !== undefined && typeof app.auth === 'function') {
    // Start-up reconciliation (GitHub is the database) and the periodic tick.
    runtime.startTimer(config.tickMinutes * 60_000);
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
