/**
 * The default branch moves under an open PR and makes it conflict: the app regenerates its change
 * on the new base, resetting only a branch whose commits are all its own.
 */
import { describe, expect, it } from 'vitest';
import { renderBranchName } from '../../src/core/markers/branch-name.ts';
import { advanceTarget } from '../../src/workflows/advance-target.ts';
import { fanOut } from '../../src/workflows/fan-out.ts';
import { firstPrMarker, harnessWithApi } from './harness.ts';

const BRANCH = renderBranchName('use-fetch');
const REPO = 'acme/api';

const setup = () => harnessWithApi({ maxIterations: 3 });

const marker = firstPrMarker;

describe('workflows: a base branch that moves and makes the PR conflict', () => {
  it('regenerates the change on the new base: one fresh commit, same PR, counted as an iteration', async () => {
    const { harness, ref } = setup();
    await fanOut(harness.deps, harness.migrations[0]!);
    await harness.drain();
    const firstHead = harness.github.allPullRequests()[0]!.headSha;
    expect(harness.github.allPullRequests()[0]!.mergeable).toBe(true);

    const newBase = harness.github.pushCommit(ref, 'main', { 'src/http.ts': '// v2 by people\n' }, 'alice');
    expect(harness.github.allPullRequests()[0]!.mergeable).toBe(false);

    const result = await advanceTarget(harness.deps, 'use-fetch', REPO, { type: 'tick' });

    // The regenerate is a coder run: it waits for a coder slot, as a retry does.
    expect(result.outcomes[0]).toMatchObject({ event: 'base-moved', outcome: 'applied' });
    expect(marker(harness)).toMatchObject({ state: 'queued', regenerateOn: newBase, iteration: 1 });
    expect(harness.github.allPullRequests()[0]!.labels).toContain('fleetwright:queued');
    expect(harness.coder.calls).toHaveLength(1);
    await harness.poll(REPO);

    expect(harness.coder.calls.map((call) => call.task.mode)).toEqual(['initial', 'initial']);
    const [pr, ...others] = harness.github.allPullRequests();
    expect(others).toEqual([]);
    expect(pr!.state).toBe('open');
    expect(pr!.mergeable).toBe(true);
    expect(pr!.headSha).not.toBe(firstHead);
    // The branch is the new base plus exactly one commit, the app's.
    const commits = await harness.github.listCommitsBetween(ref, newBase, BRANCH);
    expect(commits.map((commit) => [commit.sha, commit.authorLogin])).toEqual([
      [pr!.headSha, harness.github.botLogin],
    ]);
    expect(marker(harness)).toMatchObject({
      state: 'awaiting-ci',
      iteration: 2,
      baseSha: newBase,
      lastPushedSha: pr!.headSha,
    });
    expect(marker(harness).history.at(-1)?.summary).toMatch(
      new RegExp(`^regenerated on new base ${newBase.slice(0, 7)}`),
    );

    // The same news again changes nothing: no third coder run.
    await harness.poll(REPO);
    expect(harness.coder.calls).toHaveLength(2);
  });

  it('pauses instead of resetting when a person committed on the branch', async () => {
    const { harness, ref } = setup();
    await fanOut(harness.deps, harness.migrations[0]!);
    await harness.drain();
    const human = harness.github.pushCommit(ref, BRANCH, { 'docs/notes.md': 'mine\n' }, 'alice');
    await advanceTarget(harness.deps, 'use-fetch', REPO, { type: 'tick' });
    expect(marker(harness)).toMatchObject({ state: 'paused', reason: 'human-commit' });
    // `/migrate continue`: the app now builds on the person's commit.
    await advanceTarget(harness.deps, 'use-fetch', REPO, {
      type: 'command-received',
      command: { name: 'continue' },
      actor: 'alice',
    });
    expect(marker(harness)).toMatchObject({ state: 'awaiting-ci', lastPushedSha: human });

    harness.github.pushCommit(ref, 'main', { 'src/http.ts': '// v2 by people\n' }, 'bob');
    const resets = harness.github.counts.resetBranch ?? 0;
    await harness.poll(REPO);

    // The step cannot see whose commits these are, but the check before the coder run found
    // alice's commit: no coder run spent, nothing reset, nothing pushed, target paused, and the
    // iteration counted for the run that never happened given back.
    expect(harness.coder.calls).toHaveLength(1);
    expect(harness.github.counts.resetBranch ?? 0).toBe(resets);
    expect(harness.github.branchHead(ref, BRANCH)).toBe(human);
    expect(marker(harness)).toMatchObject({ state: 'paused', reason: 'human-commit', iteration: 1 });
    expect(marker(harness).detail).toContain('alice');
    const pause = harness.github
      .allPullRequests()[0]!
      .comments.find((item) => item.body.includes('fleetwright paused'));
    expect(pause?.body).toContain('the base branch moved and the PR conflicts');
    expect(pause?.body).toContain(`a commit by alice it did not make (branch head ${human.slice(0, 7)})`);
  });

  it('still pauses at the reset when the person pushes while the coder runs', async () => {
    const { harness, ref } = setup();
    await fanOut(harness.deps, harness.migrations[0]!);
    await harness.drain();
    const script = harness.coder;
    let human = '';
    const run = script.run.bind(script);
    script.run = async (task, workspace, budget) => {
      // The check before the run found a clean branch; alice pushes during the run.
      if (script.calls.length === 1)
        human = harness.github.pushCommit(ref, BRANCH, { 'x.md': 'x\n' }, 'alice');
      return run(task, workspace, budget);
    };
    harness.github.pushCommit(ref, 'main', { 'src/http.ts': '// v2 by people\n' }, 'bob');
    await harness.poll(REPO);

    expect(harness.coder.calls).toHaveLength(2);
    expect(harness.github.branchHead(ref, BRANCH)).toBe(human);
    // The run happened, so its iteration stays counted.
    expect(marker(harness)).toMatchObject({ state: 'paused', reason: 'human-commit', iteration: 2 });
  });

  it('asks GitHub whether the PR merges only on a poll: one read, no regenerate while clean', async () => {
    const { harness, ref } = setup();
    await fanOut(harness.deps, harness.migrations[0]!);
    await harness.drain();
    const head = harness.github.allPullRequests()[0]!.headSha;

    const before = harness.github.counts.getPullRequest ?? 0;
    await advanceTarget(harness.deps, 'use-fetch', REPO, { type: 'ci-changed', headSha: head });
    expect(harness.github.counts.getPullRequest ?? 0).toBe(before);

    await advanceTarget(harness.deps, 'use-fetch', REPO, { type: 'tick' });
    expect(harness.github.counts.getPullRequest ?? 0).toBe(before + 1);
    expect(harness.coder.calls).toHaveLength(1);

    // A base change that touches other files does not conflict: no regenerate either.
    harness.github.pushCommit(ref, 'main', { 'README.md': 'hello\n' }, 'alice');
    await advanceTarget(harness.deps, 'use-fetch', REPO, { type: 'tick' });
    expect(harness.coder.calls).toHaveLength(1);
    expect(marker(harness)).toMatchObject({ state: 'awaiting-ci', lastPushedSha: head });
  });
});
