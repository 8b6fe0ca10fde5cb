/**
 * `issue_comment.created` on issues (not PRs): only a `/migrate` comment on the app's own
 * dashboard issue in the config repo reaches the dashboard workflow; anything else is skipped
 * without a request. Through `probot.receive` over the fleet runtime and the in-memory GitHub.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { FleetRuntime } from '../../src/fleet-runtime.ts';
import { onIssueCommentCreated } from '../../src/handlers/issue-comment-created.ts';
import { onPushFleet } from '../../src/handlers/push-fleet.ts';
import { FakeGitHost } from '../fakes/fake-git-host.ts';
import { ManualClock } from '../fakes/manual-clock.ts';
import type { TestProbot } from '../helpers/probot.ts';
import { buildFleetRuntime, loadFleetProbot, repository } from './fleet-probot.ts';

const manifest = `version: 1
id: use-fetch
title: Replace request with fetch
prompt: Replace request with fetch.
targets:
  patterns: ["api"]
`;
const CONFIG = { owner: 'acme', repo: 'fleetwright-config' };

let github: FakeGitHost;
let runtime: FleetRuntime;
let test: TestProbot;
let nextComment = 300;

/** Delivers a comment on an issue; returns the comment id. */
async function comment(
  body: string,
  issue: { number: number; body: string; author?: string },
  options: { login?: string; type?: string; repo?: string } = {},
): Promise<number> {
  const id = nextComment++;
  const user = { login: options.login ?? 'olivia', type: options.type ?? 'User' };
  await test.probot.receive({
    id: `comment-${id}`,
    name: 'issue_comment',
    payload: {
      action: 'created',
      installation: { id: 7 },
      issue: {
        number: issue.number,
        body: issue.body,
        user: { login: issue.author ?? 'fleetwright[bot]', type: 'Bot' },
      },
      comment: { id, body, user },
      sender: user,
      repository: repository(options.repo ?? 'fleetwright-config'),
    },
  } as never);
  await runtime.jobs.drain();
  return id;
}

const dashboard = () => github.issues(CONFIG)[0]!;
const reactionsOn = (id: number) =>
  github.reactions.filter((item) => item.commentId === id).map((item) => item.reaction);

beforeEach(async () => {
  const clock = new ManualClock(new Date('2026-11-21T09:00:00.000Z'));
  github = new FakeGitHost({ now: () => clock.now() });
  github.addRepo({ name: 'fleetwright-config', files: { 'migrations/use-fetch.yml': manifest } });
  const head = github.addRepo({ name: 'api' }).headSha!;
  github.setCheckRun({ owner: 'acme', repo: 'api' }, head, { name: 'build', conclusion: 'success' });
  github.setPermission(CONFIG, 'olivia', 'admin');
  runtime = buildFleetRuntime(github, clock);
  test = await loadFleetProbot(runtime, (app, deps) => {
    app.on('push', onPushFleet(deps));
    app.on('issue_comment.created', onIssueCommentCreated(deps));
  });
  await test.probot.receive({
    id: 'push-1',
    name: 'push',
    payload: {
      installation: { id: 7 },
      ref: 'refs/heads/main',
      after: 'f'.repeat(40),
      deleted: false,
      repository: repository('fleetwright-config'),
      sender: { login: 'olivia' },
    },
  } as never);
  await runtime.jobs.drain();
  expect(github.issues(CONFIG)).toHaveLength(1);
  github.resetCounts();
});

describe('issue_comment.created on the dashboard issue', () => {
  it('runs a writer’s command on the app’s dashboard: 👀, the pause saved in the issue, 🚀', async () => {
    const id = await comment('/migrate pause', dashboard());

    expect(reactionsOn(id)).toEqual(['eyes', 'rocket']);
    expect(dashboard().body).toContain('<!-- fleetwright:pause v1 {"by":"olivia"');
    expect(github.counts.getPermission).toBe(1);
  });

  it.each([
    ['an issue that is not a dashboard', () => ({ number: 1, body: 'Please migrate faster' }), {}],
    ['a dashboard key in an issue a person opened', () => ({ ...dashboard(), author: 'mallory' }), {}],
    ['a dashboard key outside the config repo', () => dashboard(), { repo: 'api' }],
    ['a bot', () => dashboard(), { login: 'renovate[bot]', type: 'Bot' }],
  ])('skips %s without a request', async (_name, issue, options) => {
    const id = await comment('/migrate pause', issue(), options);

    expect(reactionsOn(id)).toEqual([]);
    expect(github.totalRequests()).toBe(0);
  });

  it('skips a comment without a /migrate line without a request', async () => {
    await comment('Thanks, looks good.\n> /migrate pause', dashboard());

    expect(github.totalRequests()).toBe(0);
  });
});
