/**
 * `/migrate` commands on the dashboard issue, over the real workflows and queue on the fake GitHub:
 * what each command does to the targets, what the reply says per target, and the failure paths
 * (a pause that cannot be saved is not a pause; a resume of a manifest pause says where the switch is).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { parsePauseMarker } from '../../src/core/markers/dashboard-pause.ts';
import { renderBranchName } from '../../src/core/markers/branch-name.ts';
import { GitHostError } from '../../src/shared/errors.ts';
import { onCiChanged, onConfigPushed, onDashboardComment } from '../../src/workflows/enqueue.ts';
import { Harness, buildMigration } from './harness.ts';

const CONFIG = { owner: 'acme', repo: 'fleetwright-config' };
const BRANCH = renderBranchName('use-fetch');

let harness: Harness;
let nextComment = 500;
/** Repositories whose PR CI fails. */
let red: Set<string>;

/** Every open PR's CI finishes (red for `red`), and the webhooks are handled. */
async function ciRound(): Promise<void> {
  for (const pr of harness.github.openPullRequests()) {
    const ref = { owner: 'acme', repo: pr.repo.split('/')[1]! };
    harness.github.setCheckRun(ref, pr.headSha, {
      name: 'build',
      conclusion: red.has(pr.repo) ? 'failure' : 'success',
    });
    onCiChanged(harness.deps, {
      repo: pr.repo,
      branch: BRANCH,
      headSha: pr.headSha,
      deliveryId: `ci-${pr.repo}-${pr.headSha}`,
    });
  }
  await harness.drain();
}

function dashboard() {
  return harness.github.issues(CONFIG)[0]!;
}

/** Comments `body` on the dashboard as `login`; returns the reactions and the app's reply. */
async function say(body: string, login = 'alice', commentId = nextComment++) {
  onDashboardComment(harness.deps, {
    migrationId: 'use-fetch',
    issueNumber: dashboard().number,
    commentId,
    body,
    commenter: { login, type: 'User' },
  });
  await harness.drain();
  return {
    reactions: harness.github.reactions
      .filter((item) => item.commentId === commentId)
      .map((item) => item.reaction),
    reply: harness.github
      .issueComments(CONFIG, dashboard().number)
      .find((comment) => comment.body.includes(`fleetwright:command-reply:${commentId}`))?.body,
  };
}

const state = (repo: string) => harness.deps.view.findTarget('use-fetch', `acme/${repo}`);

beforeEach(async () => {
  red = new Set(['acme/svc-a', 'acme/svc-b']);
  harness = new Harness({
    migrations: [
      buildMigration({
        policy: { maxIterations: 2, maxOpenPrs: 20, prsPerHour: 50, maxConcurrentCoders: 4 },
      }),
    ],
    script: (task) =>
      task.repo === 'acme/na-1'
        ? { outcome: 'not-applicable', reason: 'no use of request' }
        : { outcome: 'changed', files: { 'src/http.ts': `// migrated ${task.repo} ${task.mode}\n` } },
  });
  for (const name of ['svc-a', 'svc-b', 'svc-c', 'na-1', 'red-1', 'red-2']) {
    const { ref, headSha } = harness.github.addRepo({
      name,
      files: { 'src/http.ts': "import request from 'request';\n" },
    });
    harness.github.setCheckRun(ref, headSha!, {
      name: 'build',
      conclusion: name.startsWith('red') ? 'failure' : 'success',
    });
  }
  harness.github.setPermission(CONFIG, 'alice', 'write');
  harness.github.setPermission(CONFIG, 'rita', 'triage');
  onConfigPushed(harness.deps, { deliveryId: 'push' });
  await harness.drain();
  await ciRound();
  await ciRound();
  expect([state('svc-a')?.state, state('svc-b')?.state, state('svc-c')?.state]).toEqual([
    'exhausted',
    'exhausted',
    'ready',
  ]);
});

describe('workflows/run-dashboard-command', () => {
  it('retry --failed: reruns every failure on its own target job, and acts once per comment', async () => {
    const calls = ['svc-a', 'svc-b'].map((repo) => harness.coder.callsFor(`acme/${repo}`));
    red.clear();

    const result = await say('/migrate retry --failed', 'alice', 900);
    const again = await say('/migrate retry --failed', 'alice', 900);

    expect(result.reactions).toEqual(['eyes', 'rocket']);
    expect(result.reply).toContain(
      '🚀 Retrying 4 repositories with revision `rev-1`: acme/red-1, acme/red-2, acme/svc-a, acme/svc-b.',
    );
    expect(again.reply).toBe(result.reply);
    await ciRound();
    expect(['svc-a', 'svc-b'].map((repo) => harness.coder.callsFor(`acme/${repo}`))).toEqual(
      calls.map((count) => count + 1),
    );
    expect([state('svc-a')?.state, state('svc-b')?.state]).toEqual(['ready', 'ready']);
    // The red baselines were checked again, and are still red; not-applicable is not a failure.
    expect([state('red-1')?.state, state('red-1')?.reason]).toEqual(['skipped', 'baseline-red']);
    expect(state('na-1')?.state).toBe('not-applicable');
  });

  it('retry owner/repo …: says per repository what it left alone and why, and names what is not a target', async () => {
    // svc-a's coder is running right now (as far as the view knows).
    harness.deps.view.putTarget({ ...state('svc-a')!, state: 'drafting' });
    const calls = harness.coder.callsFor('acme/na-1');

    const result = await say('/migrate retry acme/na-1 acme/svc-a acme/nope');

    expect(result.reactions).toEqual(['eyes', 'rocket']);
    expect(result.reply).toContain('🚀 Retrying 1 of 2 repositories with revision `rev-1`: acme/na-1.');
    expect(result.reply).toContain('- acme/svc-a (`drafting`): running now');
    expect(result.reply).toContain('Not targets of this migration: `acme/nope`.');
    expect(harness.coder.callsFor('acme/na-1')).toBe(calls + 1);
  });

  it('refuses people without write access, PR commands, and nothing-to-do retries, and answers help', async () => {
    const triage = await say('/migrate pause', 'rita');
    const wrongPlace = await say('/migrate stop');
    const nothing = await say('/migrate retry acme/nope');
    const help = await say('/migrate help', 'rita');
    const typo = await say('/migrate pasue');

    expect(triage.reactions).toEqual(['eyes', 'confused']);
    expect(triage.reply).toContain('`triage` access to the config repository');
    expect(harness.deps.view.findPause('use-fetch')).toBeUndefined();
    expect(wrongPlace.reply).toContain("acts on one repository: comment it on that repository's PR");
    expect(nothing.reactions).toEqual(['eyes', 'confused']);
    expect(nothing.reply).toContain('Nothing to retry.');
    expect(help.reactions).toEqual(['eyes', 'rocket']);
    expect(help.reply).toContain('**fleetwright commands on the migration dashboard**');
    expect(typo.reactions).toEqual(['confused']);
    expect(typo.reply).toContain('Did you mean `/migrate pause`?');
  });

  it('a pause that cannot be saved on GitHub is not a pause', async () => {
    harness.github.failNext('ensureIssue', new GitHostError('bad gateway', { status: 502 }));

    const result = await say('/migrate pause');

    expect(result.reactions).toEqual(['eyes', 'confused']);
    expect(result.reply).toContain('The command could not be completed');
    expect(harness.deps.view.findPause('use-fetch')).toBeUndefined();
    expect(harness.deps.view.policyFor('use-fetch')?.paused).toBe(false);
    expect(parsePauseMarker(dashboard().body).status).toBe('running');
  });

  it('pause holds repairs; resume continues the PRs the pause stopped', async () => {
    // svc-c starts over (a retry), and its new PR head goes red while the migration is paused.
    await say('/migrate retry acme/svc-c');
    expect(state('svc-c')?.state).toBe('awaiting-ci');
    red.add('acme/svc-c');
    const calls = harness.coder.callsFor('acme/svc-c');
    const paused = await say('/migrate pause');
    expect(paused.reactions).toEqual(['eyes', 'rocket']);
    expect(harness.deps.view.policyFor('use-fetch')?.paused).toBe(true);
    expect(parsePauseMarker(dashboard().body)).toMatchObject({ status: 'paused', pause: { by: 'alice' } });

    await ciRound();

    // No coder run while paused: the PR waits.
    expect([state('svc-c')?.state, state('svc-c')?.reason]).toEqual(['paused', 'stopped']);
    expect(harness.coder.callsFor('acme/svc-c')).toBe(calls);

    const resumed = await say('/migrate resume');

    expect(resumed.reactions).toEqual(['eyes', 'rocket']);
    expect(resumed.reply).toContain('1 PRs the pause had stopped continue');
    expect(state('svc-c')?.state).toBe('awaiting-ci');
    expect(harness.coder.callsFor('acme/svc-c')).toBe(calls + 1);
    expect(parsePauseMarker(dashboard().body).status).toBe('running');
  });

  it('after a restart, acts on the pause the dashboard issue holds, even before the next fan-out', async () => {
    await say('/migrate pause');
    harness.restart();
    harness.deps.view.setMigration(harness.migrations[0]!);

    const result = await say('/migrate resume');

    expect(result.reactions).toEqual(['eyes', 'rocket']);
    expect(result.reply).toContain('▶ Resumed by @');
    expect(parsePauseMarker(dashboard().body).status).toBe('running');
    expect(harness.deps.view.policyFor('use-fetch')?.paused).toBe(false);
  });

  it('resume of a migration its manifest pauses says where the switch is', async () => {
    const migration = harness.deps.view.findMigration('use-fetch')!;
    harness.deps.view.setMigration({ ...migration, policy: { ...migration.policy, paused: true } });

    const result = await say('/migrate resume');

    expect(result.reactions).toEqual(['eyes', 'confused']);
    expect(result.reply).toContain('paused by its manifest (`rollout.paused: true`)');
  });
});
