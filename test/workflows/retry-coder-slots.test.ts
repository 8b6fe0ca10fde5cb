/**
 * Retried PRs wait for a coder slot (issue: PR retries bypassed `rollout.maxConcurrentCoders`):
 * a dashboard `/migrate retry --failed` on 50 exhausted PRs, on a server with more coder job slots
 * than the migration allows, never runs more coder runs at once than the migration's limit, and
 * still regenerates every one of them.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { renderBranchName } from '../../src/core/markers/branch-name.ts';
import { onCiChanged, onDashboardComment } from '../../src/workflows/enqueue.ts';
import type { CoderSlotFleet } from './coder-slot-fleet.ts';
import { startCoderSlotFleet } from './coder-slot-fleet.ts';

const CONFIG = { owner: 'acme', repo: 'fleetwright-config' };
const BRANCH = renderBranchName('use-fetch');
const REPOS = 50;
const LIMIT = 3;

let fleet: CoderSlotFleet;

/** Every open PR's CI finishes red, and the webhooks are handled. */
async function failAllCi(): Promise<void> {
  const { harness } = fleet;
  for (const pr of harness.github.openPullRequests()) {
    const ref = { owner: 'acme', repo: pr.repo.split('/')[1]! };
    harness.github.setCheckRun(ref, pr.headSha, { name: 'build', conclusion: 'failure' });
    onCiChanged(harness.deps, {
      repo: pr.repo,
      branch: BRANCH,
      headSha: pr.headSha,
      deliveryId: `ci-${pr.repo}-${pr.headSha}`,
    });
  }
  await harness.drain();
}

beforeEach(async () => {
  fleet = await startCoderSlotFleet({ repos: REPOS, limit: LIMIT, maxIterations: 1 });
  fleet.harness.github.setPermission(CONFIG, 'alice', 'write');
  // One iteration each: red CI spends the budget.
  await failAllCi();
  for (const name of fleet.names) expect(fleet.marker(name)?.state, name).toBe('exhausted');
  expect(fleet.harness.coder.calls).toHaveLength(REPOS);
});

describe('workflows: retried PRs wait for a coder slot', () => {
  it(`a dashboard retry of ${REPOS} exhausted PRs never runs more than ${LIMIT} coders at once`, async () => {
    const { harness, names } = fleet;
    fleet.resetPeaks();
    const dashboard = harness.github.issues(CONFIG)[0]!;

    onDashboardComment(harness.deps, {
      migrationId: 'use-fetch',
      issueNumber: dashboard.number,
      commentId: 900,
      body: '/migrate retry --failed',
      commenter: { login: 'alice', type: 'User' },
    });
    await harness.drain();

    // Every one regenerated, one coder run each, never more than the limit at a time.
    expect(harness.coder.calls).toHaveLength(2 * REPOS);
    expect(fleet.peaks().running).toBe(LIMIT);
    expect(fleet.peaks().coding).toBeLessThanOrEqual(LIMIT);
    for (const name of names) {
      const target = fleet.marker(name);
      expect(target?.state, name).toBe('awaiting-ci');
      expect(target?.retries, name).toBe(1);
      expect(target?.history.at(-1)?.trigger, name).toMatchObject({ command: 'retry', by: 'alice' });
    }
    // No PR was opened twice: the retries regenerated the PRs they had.
    expect(harness.github.allPullRequests()).toHaveLength(REPOS);
    expect(harness.errors()).toEqual([]);
  });
});
