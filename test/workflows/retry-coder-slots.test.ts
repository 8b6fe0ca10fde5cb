/**
 * Retried PRs wait for a coder slot (issue: PR retries bypassed `rollout.maxConcurrentCoders`):
 * a dashboard `/migrate retry --failed` on 50 exhausted PRs, on a server with more coder job slots
 * than the migration allows, never runs more coder runs at once than the migration's limit, and
 * still regenerates every one of them.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { renderBranchName } from '../../src/core/markers/branch-name.ts';
import { parseStateMarker } from '../../src/core/markers/state-marker.ts';
import type { CoderBudget, CoderResult, CoderTask, WorkspaceRef } from '../../src/ports/coder.ts';
import { onCiChanged, onConfigPushed, onDashboardComment } from '../../src/workflows/enqueue.ts';
import { Harness, buildMigration } from './harness.ts';

const CONFIG = { owner: 'acme', repo: 'fleetwright-config' };
const BRANCH = renderBranchName('use-fetch');
const REPOS = 50;
const LIMIT = 3;

let harness: Harness;
/** Coder runs under way now, and the most seen at once. */
let running = 0;
let peakRunning = 0;
/** The most targets the view held in `baseline`, `drafting` or `repairing` at a coder start. */
let peakCoding = 0;

const names = Array.from({ length: REPOS }, (_, index) => `svc-${String(index).padStart(2, '0')}`);

/** Every open PR's CI finishes red, and the webhooks are handled. */
async function failAllCi(): Promise<void> {
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

const marker = (repo: string) => {
  const pr = harness.github.allPullRequests().find((item) => item.repo === repo);
  const parsed = pr ? parseStateMarker(pr.body) : undefined;
  return parsed?.status === 'ok' ? parsed.target : undefined;
};

beforeEach(async () => {
  running = 0;
  peakRunning = 0;
  peakCoding = 0;
  harness = new Harness({
    migrations: [
      buildMigration({
        policy: { maxIterations: 1, maxOpenPrs: 100, prsPerHour: 100, maxConcurrentCoders: LIMIT },
      }),
    ],
    script: (task, call) => ({
      outcome: 'changed',
      files: { 'src/http.ts': `// migrated ${task.repo} ${task.mode} ${call}\n` },
    }),
    // The server would run 10 coder jobs at once: only the migration's limit may hold them back.
    coderConcurrency: 10,
  });
  const run = harness.coder.run.bind(harness.coder);
  harness.coder.run = async (task: CoderTask, workspace: WorkspaceRef, budget: CoderBudget) => {
    running += 1;
    peakRunning = Math.max(peakRunning, running);
    const coding = harness.deps.view
      .targets('use-fetch')
      .filter((target) => ['baseline', 'drafting', 'repairing'].includes(target.state)).length;
    peakCoding = Math.max(peakCoding, coding);
    try {
      // Let other jobs run meanwhile, as a real model call would.
      await new Promise((resolve) => setTimeout(resolve, 2));
      return (await run(task, workspace, budget)) as CoderResult;
    } finally {
      running -= 1;
    }
  };
  for (const name of names) {
    const { ref, headSha } = harness.github.addRepo({
      name,
      files: { 'src/http.ts': "import request from 'request';\n" },
    });
    harness.github.setCheckRun(ref, headSha!, { name: 'build', conclusion: 'success' });
  }
  harness.github.setPermission(CONFIG, 'alice', 'write');
  onConfigPushed(harness.deps, { deliveryId: 'push' });
  await harness.drain();
  // One iteration each: red CI spends the budget.
  await failAllCi();
  for (const name of names) expect(marker(`acme/${name}`)?.state, name).toBe('exhausted');
  expect(harness.coder.calls).toHaveLength(REPOS);
});

describe('workflows: retried PRs wait for a coder slot', () => {
  it(`a dashboard retry of ${REPOS} exhausted PRs never runs more than ${LIMIT} coders at once`, async () => {
    peakRunning = 0;
    peakCoding = 0;
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
    expect(peakRunning).toBe(LIMIT);
    expect(peakCoding).toBeLessThanOrEqual(LIMIT);
    for (const name of names) {
      const target = marker(`acme/${name}`);
      expect(target?.state, name).toBe('awaiting-ci');
      expect(target?.retries, name).toBe(1);
      expect(target?.history.at(-1)?.trigger, name).toMatchObject({ command: 'retry', by: 'alice' });
    }
    // No PR was opened twice: the retries regenerated the PRs they had.
    expect(harness.github.allPullRequests()).toHaveLength(REPOS);
    expect(harness.errors()).toEqual([]);
  });
});
