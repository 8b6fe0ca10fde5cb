/**
 * Regenerates on a moved base wait for a coder slot (issue: they were counted toward
 * `rollout.maxConcurrentCoders` but not held back by it). A refactor lands on the default branch
 * of 30 repositories and makes all 30 PRs conflict at once; on a server with more coder job slots
 * than the migration allows, the regenerates never run more coders at once than the limit, and
 * every PR is still regenerated on its new base.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { renderBranchName } from '../../src/core/markers/branch-name.ts';
import { enqueueTick } from '../../src/workflows/fan-out.ts';
import type { CoderSlotFleet } from './coder-slot-fleet.ts';
import { startCoderSlotFleet } from './coder-slot-fleet.ts';

const BRANCH = renderBranchName('use-fetch');
const REPOS = 30;
const LIMIT = 3;

let fleet: CoderSlotFleet;

beforeEach(async () => {
  fleet = await startCoderSlotFleet({ repos: REPOS, limit: LIMIT, maxIterations: 3 });
  for (const name of fleet.names) expect(fleet.marker(name)?.state, name).toBe('awaiting-ci');
  expect(fleet.harness.coder.calls).toHaveLength(REPOS);
  fleet.resetPeaks();
});

describe('workflows: regenerates on a moved base wait for a coder slot', () => {
  it(`${REPOS} PRs whose base moves at once never run more than ${LIMIT} coders at once`, async () => {
    const { harness, names } = fleet;
    // One refactor on every default branch, touching the file each PR changes: all conflict.
    const newBases = new Map<string, string>();
    for (const name of names) {
      const sha = harness.github.pushCommit(
        { owner: 'acme', repo: name },
        'main',
        { 'src/http.ts': "import request from 'request'; // refactored\n" },
        'alice',
      );
      newBases.set(name, sha);
    }
    for (const pr of harness.github.openPullRequests()) expect(pr.mergeable, pr.repo).toBe(false);

    // Every PR's poll comes due at once.
    for (const name of names) enqueueTick(harness.deps, 'use-fetch', `acme/${name}`);
    await harness.drain();

    // Every one regenerated on its new base, one coder run each, never more than the limit at a time.
    expect(harness.coder.calls).toHaveLength(2 * REPOS);
    expect(fleet.peaks().running).toBe(LIMIT);
    expect(fleet.peaks().coding).toBeLessThanOrEqual(LIMIT);
    for (const name of names) {
      const target = fleet.marker(name);
      expect(target, name).toMatchObject({ state: 'awaiting-ci', iteration: 2, baseSha: newBases.get(name) });
      expect(target?.regenerateOn, name).toBeUndefined();
      expect(target?.history.at(-1)?.summary, name).toMatch(/^regenerated on new base /);
      // Reset over the app's own commit only: the new base plus one fresh commit of the app.
      const commits = await harness.github.listCommitsBetween(
        { owner: 'acme', repo: name },
        newBases.get(name)!,
        BRANCH,
      );
      expect(
        commits.map((commit) => commit.authorLogin),
        name,
      ).toEqual([harness.github.botLogin]);
    }
    for (const pr of harness.github.openPullRequests()) {
      expect(pr.mergeable, pr.repo).toBe(true);
      expect(pr.labels, pr.repo).not.toContain('fleetwright:queued');
    }
    // No PR was opened twice.
    expect(harness.github.allPullRequests()).toHaveLength(REPOS);
    expect(harness.errors()).toEqual([]);
  });
});
