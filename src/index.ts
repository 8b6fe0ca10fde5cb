/**
 * Probot entry: wiring only. Do not add logic here; handlers live in src/handlers/ and the
 * work they start in src/workflows/. This is the only module that reads `process.env`.
 * Every event registered here must be listed in app.yml `default_events` and vice versa
 * (test/app-yml.test.ts).
 */
import type { ApplicationFunctionOptions, Probot } from 'probot';
import { OctokitGitHost } from './adapters/github/octokit-git-host.ts';
import { loadModelCatalog } from './adapters/local/model-catalog.ts';
import { parseAppConfig } from './app-config.ts';
import { onCheckRunRerequested } from './handlers/check-run-rerequested.ts';
import type { HandlerDeps } from './handlers/handler-deps.ts';
import { CONFIG_PULL_REQUEST_EVENTS, onPullRequestOpened } from './handlers/pull-request-opened.ts';
import { onPush } from './handlers/push.ts';

export default async function fleetwright(app: Probot, _options: ApplicationFunctionOptions): Promise<void> {
  const config = parseAppConfig(process.env);
  const appId = Number(process.env.APP_ID) || undefined;
  const deps: HandlerDeps = {
    config,
    modelCatalog: await loadModelCatalog(process.env),
    forInstallation: (context) => ({
      gitHost: new OctokitGitHost(context.octokit, context.log, appId ? { appId } : {}),
    }),
  };

  app.on('check_run.rerequested', onCheckRunRerequested(deps));
  app.on('push', onPush(deps));
  app.on([...CONFIG_PULL_REQUEST_EVENTS], onPullRequestOpened(deps));

  app.log.info({ configRepo: config.configRepo }, 'fleetwright loaded');
}
