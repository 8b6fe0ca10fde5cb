/**
 * The fan-out handlers, wired into a Probot instance over the fleet runtime and the in-memory
 * GitHub: webhook → guard → enqueue → workflow. Payloads are trimmed to the fields the handlers
 * read. Redeliveries reuse the delivery id, as GitHub does.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { parseStateMarker } from '../../src/core/markers/state-marker.ts';
import type { FleetRuntime } from '../../src/fleet-runtime.ts';
import {
  onCheckRunCompleted,
  onCheckSuiteCompleted,
  onStatus,
  onWorkflowRunCompleted,
} from '../../src/handlers/ci-completed.ts';
import { onPullRequestClosed } from '../../src/handlers/pull-request-closed.ts';
import { onPushFleet } from '../../src/handlers/push-fleet.ts';
import { FakeGitHost } from '../fakes/fake-git-host.ts';
import { ManualClock } from '../fakes/manual-clock.ts';
import { ScriptedJudge } from '../fakes/scripted-judge.ts';
import type { TestProbot } from '../helpers/probot.ts';
import { buildFleetRuntime, loadFleetProbot, repository } from './fleet-probot.ts';

const BRANCH = 'fleetwright/use-fetch';
const manifest = `version: 1
id: use-fetch
title: Replace request with fetch
prompt: Replace request with fetch.
targets:
  patterns: ["api", "slow"]
`;
const installation = { id: 7 };

let github: FakeGitHost;
let runtime: FleetRuntime;
let test: TestProbot;
let apiHead: string;
let slowHead: string;
let judge: ScriptedJudge;

async function receive(id: string, name: string, payload: object): Promise<void> {
  await test.probot.receive({ id, name, payload: { installation, ...payload } } as never);
  await runtime.jobs.drain();
}

const pr = (repo: string) => github.allPullRequests().find((item) => item.repo === `acme/${repo}`);

beforeEach(async () => {
  judge = new ScriptedJudge();
  const clock = new ManualClock(new Date('2026-11-21T09:00:00.000Z'));
  github = new FakeGitHost({ now: () => clock.now() });
  github.addRepo({ name: 'fleetwright-config', files: { 'migrations/use-fetch.yml': manifest } });
  apiHead = github.addRepo({ name: 'api' }).headSha!;
  github.setCheckRun({ owner: 'acme', repo: 'api' }, apiHead, { name: 'build', conclusion: 'success' });
  slowHead = github.addRepo({ name: 'slow' }).headSha!;
  github.setStatus({ owner: 'acme', repo: 'slow' }, slowHead, 'ci/jenkins', 'pending');
  runtime = buildFleetRuntime(github, clock, () => judge);
  test = await loadFleetProbot(runtime, (app, deps) => {
    app.on('push', onPushFleet(deps));
    app.on('check_suite.completed', onCheckSuiteCompleted(deps));
    app.on('check_run.completed', onCheckRunCompleted(deps));
    app.on('workflow_run.completed', onWorkflowRunCompleted(deps));
    app.on('status', onStatus(deps));
    app.on('pull_request.closed', onPullRequestClosed(deps));
  });
  await receive('push-1', 'push', {
    ref: 'refs/heads/main',
    after: 'f'.repeat(40),
    deleted: false,
    repository: repository('fleetwright-config'),
    sender: { login: 'owner' },
  });
});

describe('handlers: fan-out webhooks', () => {
  it('a push to the config repo fans out; the baseline of a repo with pending CI waits', async () => {
    expect(pr('api')).toMatchObject({ draft: true, headRef: BRANCH });
    expect(pr('slow')).toBeUndefined();
  });

  it('a status on the default branch settles a pending baseline', async () => {
    github.setStatus({ owner: 'acme', repo: 'slow' }, slowHead, 'ci/jenkins', 'success');

    await receive('status-1', 'status', {
      sha: slowHead,
      state: 'success',
      branches: [{ name: 'main' }],
      repository: repository('slow'),
    });

    expect(pr('slow')).toMatchObject({ headRef: BRANCH });
  });

  it('CI completion events move the PR on, once, whatever the event kind or redelivery', async () => {
    const head = pr('api')!.headSha;
    github.setCheckRun({ owner: 'acme', repo: 'api' }, head, { name: 'build', conclusion: 'success' });
    const suite = {
      action: 'completed',
      check_suite: { head_branch: BRANCH, head_sha: head, app: { slug: 'github-actions' } },
      repository: repository('api'),
    };

    await receive('suite-1', 'check_suite', suite);
    await receive('suite-1', 'check_suite', suite);
    await receive('run-1', 'check_run', {
      action: 'completed',
      check_run: { head_sha: head, app: { slug: 'github-actions' }, check_suite: { head_branch: BRANCH } },
      repository: repository('api'),
    });
    await receive('wf-1', 'workflow_run', {
      action: 'completed',
      workflow_run: { head_branch: BRANCH, head_sha: head },
      repository: repository('api'),
    });

    // One review (the judge approves) and one hand-over, whatever the number of deliveries.
    expect(parseStateMarker(pr('api')!.body)).toMatchObject({ status: 'ok', target: { state: 'ready' } });
    expect(judge.calls).toHaveLength(1);
    expect(pr('api')!.comments).toHaveLength(1);
    expect(pr('api')!.draft).toBe(false);
  });

  it('ignores our own check suites and branches that are not ours', async () => {
    github.resetCounts();

    await receive('own-1', 'check_suite', {
      action: 'completed',
      check_suite: { head_branch: BRANCH, head_sha: pr('api')!.headSha, app: { slug: 'fleetwright' } },
      repository: repository('api'),
    });
    await receive('other-1', 'check_suite', {
      action: 'completed',
      check_suite: { head_branch: 'feature/x', head_sha: 'a'.repeat(40), app: { slug: 'github-actions' } },
      repository: repository('api'),
    });
    await receive('push-x', 'push', {
      ref: 'refs/heads/feature/x',
      after: 'a'.repeat(40),
      deleted: false,
      repository: repository('api'),
      sender: { login: 'octocat' },
    });

    expect(github.totalRequests()).toBe(0);
  });

  it("a person's push pauses the target; the app's own push does not", async () => {
    const human = github.pushCommit({ owner: 'acme', repo: 'api' }, BRANCH, { 'b.ts': 'x' });

    await receive('push-bot', 'push', {
      ref: `refs/heads/${BRANCH}`,
      after: human,
      deleted: false,
      repository: repository('api'),
      sender: { login: 'fleetwright[bot]' },
    });
    expect(parseStateMarker(pr('api')!.body)).toMatchObject({ target: { state: 'awaiting-ci' } });
    await receive('push-human', 'push', {
      ref: `refs/heads/${BRANCH}`,
      after: human,
      deleted: false,
      repository: repository('api'),
      sender: { login: 'octocat' },
    });

    expect(parseStateMarker(pr('api')!.body)).toMatchObject({
      target: { state: 'paused', reason: 'human-commit' },
    });
  });

  it('a merged PR ends the target as merged', async () => {
    github.closePullRequest({ owner: 'acme', repo: 'api' }, BRANCH, true);
    const closed = {
      action: 'closed',
      pull_request: { number: pr('api')!.number, merged: true, head: { ref: BRANCH } },
      repository: repository('api'),
    };

    await receive('closed-1', 'pull_request', closed);
    await receive('closed-1', 'pull_request', closed);

    const deps = await runtime.depsFor(7);
    expect(deps.view.findTarget('use-fetch', 'acme/api')).toMatchObject({ state: 'merged' });
    expect(parseStateMarker(pr('api')!.body)).toMatchObject({ target: { state: 'merged' } });
  });
});
