/**
 * "Is this commit the app's own?" decides whether the app may discard a commit (regenerate on a
 * moved base) or adopt it (a branch without a PR). GitHub vouches for it (bot author + GitHub's
 * signature), never the marker's bounded SHA list and never what a person can write themselves.
 */
import { describe, expect, it } from 'vitest';
import { renderBranchName } from '../../src/core/markers/branch-name.ts';
import { describeCommitAuthor, isAppCommit } from '../../src/core/target/is-app-commit.ts';
import { MAX_HISTORY } from '../../src/core/target/target.ts';
import { advanceTarget } from '../../src/workflows/advance-target.ts';
import { fanOut } from '../../src/workflows/fan-out.ts';
import { firstPrMarker, harnessWithApi } from './harness.ts';

const BRANCH = renderBranchName('use-fetch');
const REPO = 'acme/api';

const setup = (maxIterations = 3) => harnessWithApi({ maxIterations });

const marker = firstPrMarker;

describe('isAppCommit', () => {
  it('needs both the bot as author and GitHub’s signature', () => {
    const bot = 'fleetwright[bot]';
    expect(isAppCommit({ authorLogin: bot, verified: true }, bot)).toBe(true);
    expect(isAppCommit({ authorLogin: 'Fleetwright[bot]', verified: true }, bot)).toBe(true);
    // A person's `git commit --author` with the bot's e-mail: attributed to the bot, unsigned.
    expect(isAppCommit({ authorLogin: bot, verified: false }, bot)).toBe(false);
    // GitHub did not say (older GHES, a port that does not read it): unknown is foreign.
    expect(isAppCommit({ authorLogin: bot }, bot)).toBe(false);
    expect(isAppCommit({ authorLogin: 'alice', verified: true }, bot)).toBe(false);
    expect(isAppCommit({ authorLogin: null, verified: true }, bot)).toBe(false);
  });

  it('names a forged author as such in pause messages', () => {
    const bot = 'fleetwright[bot]';
    expect(describeCommitAuthor({ authorLogin: bot, verified: false }, bot)).toBe(
      "fleetwright[bot] (unsigned, so not the app's)",
    );
    expect(describeCommitAuthor({ authorLogin: 'alice', verified: false }, bot)).toBe('alice');
    expect(describeCommitAuthor({ authorLogin: null }, bot)).toBeUndefined();
  });
});

describe('workflows: commit ownership', () => {
  it(`regenerates over more than ${MAX_HISTORY} of its own commits (older than the marker's history)`, async () => {
    const { harness, ref } = setup(MAX_HISTORY + 4);
    await fanOut(harness.deps, harness.migrations[0]!);
    await harness.drain();
    // Red CI on every head until the branch holds MAX_HISTORY + 2 commits of the app.
    for (let run = 1; run < MAX_HISTORY + 2; run++) {
      const head = harness.github.allPullRequests()[0]!.headSha;
      harness.github.setCheckRun(ref, head, { name: 'build', conclusion: 'failure' });
      await advanceTarget(harness.deps, 'use-fetch', REPO, { type: 'ci-changed', headSha: head });
    }
    expect(harness.coder.calls).toHaveLength(MAX_HISTORY + 2);
    const before = marker(harness);
    expect(before).toMatchObject({ state: 'awaiting-ci', iteration: MAX_HISTORY + 2 });
    expect(before.history).toHaveLength(MAX_HISTORY);
    const base = before.baseSha!;
    const ours = await harness.github.listCommitsBetween(ref, base, BRANCH);
    expect(ours).toHaveLength(MAX_HISTORY + 2);

    const newBase = harness.github.pushCommit(ref, 'main', { 'src/http.ts': '// v2 by people\n' }, 'alice');
    await harness.poll(REPO);

    // All ten commits were the app's (the first two no longer in the marker): reset, one fresh commit.
    expect(marker(harness)).toMatchObject({
      state: 'awaiting-ci',
      baseSha: newBase,
      iteration: MAX_HISTORY + 3,
    });
    const after = await harness.github.listCommitsBetween(ref, newBase, BRANCH);
    expect(after.map((commit) => commit.authorLogin)).toEqual([harness.github.botLogin]);
    expect(harness.github.counts.resetBranch).toBe(1);
  });

  it('on a GitHub that does not sign the app’s commits, still regenerates over those its marker recorded', async () => {
    const { harness, ref } = setup();
    harness.github.signsAppCommits = false;
    await fanOut(harness.deps, harness.migrations[0]!);
    await harness.drain();
    const head = harness.github.allPullRequests()[0]!.headSha;
    harness.github.setCheckRun(ref, head, { name: 'build', conclusion: 'failure' });
    await advanceTarget(harness.deps, 'use-fetch', REPO, { type: 'ci-changed', headSha: head });
    expect(marker(harness)).toMatchObject({ state: 'awaiting-ci', iteration: 2 });

    const newBase = harness.github.pushCommit(ref, 'main', { 'src/http.ts': '// v2 by people\n' }, 'alice');
    await harness.poll(REPO);

    expect(marker(harness)).toMatchObject({ state: 'awaiting-ci', baseSha: newBase, iteration: 3 });
    expect(harness.github.counts.resetBranch).toBe(1);
  });

  it('never discards a person’s commit that forges the bot as author: pauses, keeps it', async () => {
    const { harness, ref } = setup();
    await fanOut(harness.deps, harness.migrations[0]!);
    await harness.drain();
    const bot = harness.github.botLogin;
    // A person commits "as" the bot (author e-mail), then `/migrate continue` builds on it.
    const forged = harness.github.pushCommit(ref, BRANCH, { 'docs/notes.md': 'mine\n' }, bot);
    await advanceTarget(harness.deps, 'use-fetch', REPO, { type: 'tick' });
    expect(marker(harness)).toMatchObject({ state: 'paused', reason: 'human-commit' });
    await advanceTarget(harness.deps, 'use-fetch', REPO, {
      type: 'command-received',
      command: { name: 'continue' },
      actor: 'alice',
    });
    expect(marker(harness)).toMatchObject({ state: 'awaiting-ci', lastPushedSha: forged });

    harness.github.pushCommit(ref, 'main', { 'src/http.ts': '// v2 by people\n' }, 'bob');
    await harness.poll(REPO);

    expect(harness.github.counts.resetBranch ?? 0).toBe(0);
    expect(harness.github.branchHead(ref, BRANCH)).toBe(forged);
    expect(marker(harness)).toMatchObject({ state: 'paused', reason: 'human-commit' });
    expect(marker(harness).detail).toContain('unsigned');
  });

  it('does not adopt a branch whose commits forge the bot as author', async () => {
    const { harness, ref } = setup();
    // Someone prepares `fleetwright/use-fetch` before the app gets there, authored "as" the bot.
    const main = harness.github.branchHead(ref, 'main')!;
    await harness.github.ensureBranch(ref, BRANCH, main);
    harness.github.pushCommit(ref, BRANCH, { 'src/http.ts': '// not the app\n' }, harness.github.botLogin);
    await fanOut(harness.deps, harness.migrations[0]!);
    await harness.drain();

    expect(harness.github.allPullRequests()).toEqual([]);
    expect(harness.coder.calls).toHaveLength(0);
    expect(harness.deps.view.findTarget('use-fetch', REPO)).toMatchObject({
      state: 'paused',
      reason: 'foreign-branch',
    });
  });
});
