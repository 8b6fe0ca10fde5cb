/**
 * `/migrate` commands on PR comments, through `probot.receive` over the fleet runtime and the
 * in-memory GitHub: guard → enqueue on the target's key → reactions, permission, reply, step.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { parseStateMarker } from '../../src/core/markers/state-marker.ts';
import type { FleetRuntime } from '../../src/fleet-runtime.ts';
import { onIssueCommentCreated } from '../../src/handlers/issue-comment-created.ts';
import { onPushFleet } from '../../src/handlers/push-fleet.ts';
import { GitHostError } from '../../src/shared/errors.ts';
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
review:
  owners: ["olivia", "@acme/platform"]
`;
const installation = { id: 7 };
const API = { owner: 'acme', repo: 'api' };

let github: FakeGitHost;
let runtime: FleetRuntime;
let test: TestProbot;
let nextComment = 100;

async function receive(id: string, name: string, payload: object): Promise<void> {
  await test.probot.receive({ id, name, payload: { installation, ...payload } } as never);
  await runtime.jobs.drain();
}

const apiPr = () => github.allPullRequests().find((item) => item.repo === 'acme/api')!;
const stateOf = () => parseStateMarker(apiPr().body);
/** The replies the app posted (the PR also carries no other comments in these tests). */
const replies = () => apiPr().comments.map((comment) => comment.body);
const reactionsOn = (commentId: number) =>
  github.reactions.filter((item) => item.commentId === commentId).map((item) => item.reaction);

/** Delivers `body` as a PR comment by `login`; returns the comment id. */
async function comment(
  body: string,
  options: { login?: string; type?: string; prNumber?: number; delivery?: string; repo?: string } = {},
): Promise<number> {
  const id = nextComment++;
  const user = { login: options.login ?? 'maya', type: options.type ?? 'User' };
  await receive(options.delivery ?? `comment-${id}`, 'issue_comment', {
    action: 'created',
    issue: {
      number: options.prNumber ?? apiPr().number,
      pull_request: { url: 'https://api.github.com/repos/acme/api/pulls/1' },
    },
    comment: { id, body, user },
    sender: user,
    repository: repository(options.repo ?? 'api'),
  });
  return id;
}

beforeEach(async () => {
  const clock = new ManualClock(new Date('2026-11-21T09:00:00.000Z'));
  github = new FakeGitHost({ now: () => clock.now() });
  github.addRepo({ name: 'fleetwright-config', files: { 'migrations/use-fetch.yml': manifest } });
  const head = github.addRepo({ name: 'api' }).headSha!;
  github.setCheckRun(API, head, { name: 'build', conclusion: 'success' });
  github.addRepo({ name: 'web' });
  github.setPermission(API, 'maya', 'write');
  github.setPermission(API, 'olivia', 'admin');
  github.setPermission(API, 'rita', 'read');
  runtime = buildFleetRuntime(github, clock);
  test = await loadFleetProbot(runtime, (app, deps) => {
    app.on('push', onPushFleet(deps));
    app.on('issue_comment.created', onIssueCommentCreated(deps));
  });
  await receive('push-1', 'push', {
    ref: 'refs/heads/main',
    after: 'f'.repeat(40),
    deleted: false,
    repository: repository('fleetwright-config'),
    sender: { login: 'olivia' },
  });
  expect(stateOf()).toMatchObject({ status: 'ok', target: { state: 'awaiting-ci' } });
  github.resetCounts();
});

describe('issue_comment.created: /migrate on a migration PR', () => {
  it('an authorised /migrate stop pauses the target, with 👀 then 🚀 and no reply', async () => {
    const id = await comment('/migrate stop');

    expect(stateOf()).toMatchObject({ target: { state: 'paused', reason: 'stopped' } });
    expect(reactionsOn(id)).toEqual(['eyes', 'rocket']);
    expect(replies()).toEqual([]);
    expect(github.counts.getPermission).toBe(1);
  });

  it('the same delivery twice runs the command once', async () => {
    const id = await comment('/migrate stop', { delivery: 'stop-1' });
    nextComment = id;
    await comment('/migrate stop', { delivery: 'stop-1' });

    expect(stateOf()).toMatchObject({ target: { state: 'paused' } });
    expect(reactionsOn(id)).toEqual(['eyes', 'rocket']);
    expect(replies()).toEqual([]);
  });

  it('a reader is refused with 😕 and a reply saying why; the target does not change', async () => {
    const before = apiPr().body;
    const id = await comment('/migrate stop', { login: 'rita' });

    expect(apiPr().body).toBe(before);
    expect(reactionsOn(id)).toEqual(['eyes', 'confused']);
    expect(replies()).toHaveLength(1);
    expect(replies()[0]).toContain('`/migrate stop` was not run');
    expect(replies()[0]).toContain('@rita has `read` access to this repository');
  });

  it('a user without any access is refused as well', async () => {
    const id = await comment('/migrate continue', { login: 'stranger' });

    expect(reactionsOn(id)).toEqual(['eyes', 'confused']);
    expect(replies()[0]).toContain('@stranger has no access');
  });

  it('comments by bots, the app included, cost no request at all', async () => {
    await comment('/migrate stop', { login: 'fleetwright[bot]', type: 'Bot' });
    await comment('/migrate stop', { login: 'renovate[bot]', type: 'User' });
    await comment('/migrate stop', { login: 'ci-robot', type: 'Bot' });

    expect(github.totalRequests()).toBe(0);
    expect(stateOf()).toMatchObject({ target: { state: 'awaiting-ci' } });
  });

  it('comments without a /migrate line, quoted commands and issue comments cost no request', async () => {
    await comment('Looks good to me');
    await comment('> /migrate stop\n\nwhy would I?');
    await receive('issue-1', 'issue_comment', {
      action: 'created',
      issue: { number: 999 },
      comment: { id: 1, body: '/migrate stop', user: { login: 'maya', type: 'User' } },
      sender: { login: 'maya', type: 'User' },
      repository: repository('api'),
    });

    expect(github.totalRequests()).toBe(0);
  });

  it('an unknown command gets a helpful reply with a suggestion and the help', async () => {
    const id = await comment('/migrate stpo');

    expect(reactionsOn(id)).toEqual(['confused']);
    expect(replies()).toHaveLength(1);
    expect(replies()[0]).toContain('Did you mean `/migrate stop`?');
    expect(replies()[0]).toContain('`/migrate status`');
    expect(stateOf()).toMatchObject({ target: { state: 'awaiting-ci' } });
  });

  it('a command on a PR fleetwright does not manage is ignored without a trace', async () => {
    const web = { owner: 'acme', repo: 'web' };
    await github.ensureBranch(web, 'feature/x', github.branchHead(web, 'main')!);
    const foreign = await github.ensureDraftPullRequest(web, {
      head: 'feature/x',
      base: 'main',
      title: 'A person’s PR',
      body: '',
      labels: [],
    });
    github.resetCounts();

    const id = await comment('/migrate stop', { repo: 'web', prNumber: foreign.number });

    expect(github.counts).toEqual({ getPullRequest: 1 });
    expect(reactionsOn(id)).toEqual([]);
  });

  it('/migrate status replies with state, iteration, cost and the commands that apply', async () => {
    const id = await comment('/migrate status');

    expect(reactionsOn(id)).toEqual(['eyes', 'rocket']);
    expect(replies()).toHaveLength(1);
    const reply = replies()[0]!;
    expect(reply).toContain('**fleetwright status** for acme/api · Replace request with fetch');
    expect(reply).toContain('| state | `awaiting-ci`');
    expect(reply).toMatch(/\| iteration \| 1 of 5 \|/);
    expect(reply).toContain('| cost so far |');
    expect(reply).toContain('Commands that apply now: `/migrate stop`');
    expect(stateOf()).toMatchObject({ target: { state: 'awaiting-ci' } });
  });

  it('/migrate help lists the PR commands, for anyone, without a permission look-up', async () => {
    const id = await comment('/migrate help', { login: 'rita' });

    expect(reactionsOn(id)).toEqual(['eyes', 'rocket']);
    expect(replies()[0]).toContain('**fleetwright commands on this PR**');
    expect(replies()[0]).toContain('`/migrate fix <instructions>`');
    expect(github.counts.getPermission).toBeUndefined();
  });

  it('/migrate continue resumes a stopped PR (back to waiting for its CI)', async () => {
    await comment('/migrate stop');
    expect(stateOf()).toMatchObject({ target: { state: 'paused' } });
    const id = await comment('/migrate continue');

    expect(stateOf()).toMatchObject({ target: { state: 'awaiting-ci' } });
    expect(reactionsOn(id)).toEqual(['eyes', 'rocket']);
  });

  it("/migrate continue right after a person's push, before its webhook, builds on that commit", async () => {
    github.pushCommit(API, 'fleetwright/use-fetch', { 'b.ts': 'x' });
    const id = await comment('/migrate continue');

    expect(reactionsOn(id)).toEqual(['eyes', 'rocket']);
    expect(stateOf()).toMatchObject({
      target: { state: 'awaiting-ci', lastPushedSha: apiPr().headSha },
    });
  });

  it('a redelivered /migrate status under a new delivery id edits its one reply', async () => {
    const id = await comment('/migrate status', { delivery: 'status-1' });
    nextComment = id;
    await comment('/migrate status', { delivery: 'status-1-redelivered' });

    expect(replies()).toHaveLength(1);
    expect(reactionsOn(id)).toEqual(['eyes', 'rocket']);
  });

  it('a GitHub error while checking permission is answered with 😕 and a reply, not silence', async () => {
    github.failNext('getPermission', new GitHostError('Server Error', { status: 502 }));
    const before = apiPr().body;
    const id = await comment('/migrate stop');

    expect(reactionsOn(id)).toEqual(['eyes', 'confused']);
    expect(replies()[0]).toContain('GitHub answered with an error (http 502)');
    expect(apiPr().body).toBe(before);
  });

  it('a second /migrate stop is refused as already stopped, not run twice', async () => {
    await comment('/migrate stop');
    const id = await comment('/migrate stop');

    expect(reactionsOn(id)).toEqual(['eyes', 'confused']);
    expect(replies()[0]).toContain('it is already stopped');
  });

  it('/migrate approve needs an owner: listed by login or an active member of a listed team', async () => {
    github.setTeamMember('acme', 'platform', 'pat', 'pending');
    github.setPermission(API, 'pat', 'write');
    const refused = await comment('/migrate approve');
    const pending = await comment('/migrate approve', { login: 'pat' });
    github.setTeamMember('acme', 'platform', 'maya');
    const member = await comment('/migrate approve');

    expect(reactionsOn(refused)).toEqual(['eyes', 'confused']);
    expect(replies()[0]).toContain('is for the migration');
    expect(reactionsOn(pending)).toEqual(['eyes', 'confused']);
    expect(replies()[1]).toContain('is for the migration');
    // An owner now: refused only because the PR does not wait for an owner's review.
    expect(reactionsOn(member)).toEqual(['eyes', 'confused']);
    expect(replies()[2]).toContain('applies only while it waits for an owner');
  });

  it('/migrate fix runs one repair iteration with the instruction and replies with the commit', async () => {
    const before = stateOf();
    const id = await comment('/migrate fix use the global fetch');

    expect(reactionsOn(id)).toEqual(['eyes', 'rocket']);
    expect(replies()[0]).toMatch(
      /^🚀 The coder applied your instruction in commit `[0-9a-f]{7}` \(iteration 2\)/m,
    );
    expect(stateOf()).toMatchObject({ target: { state: 'awaiting-ci', iteration: 2 } });
    expect(before).toMatchObject({ target: { iteration: 1 } });
  });
});
