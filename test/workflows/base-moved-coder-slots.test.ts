/**
 * Regenerates on a moved base wait for a coder slot (issue: they were counted toward
 * `rollout.maxConcurrentCoders` but not held back by it). A refactor lands on the default branch
 * of 30 repositories and makes all 30 PRs conflict at once; on a server with more coder job slots
 * than the migration allows, the regenerates never run more coders at once than the limit, and
 * every PR is still regenerated on its new base.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { renderBranchName } from '../../src/core/markers/branch-name.ts';
import { parseStateMarker } from '../../src/core/markers/state-marker.ts';
import type { CoderBudget, CoderResult, CoderTask, WorkspaceRef } from '../../src/ports/coder.ts';
import { onConfigPushed } from '../../src/workflows/enqueue.ts';
import { enqueueTick } from '../../src/workflows/fan-out.ts';
import { Harness, buildMigration } from './harness.ts';

const BRANCH = renderBranchName('use-fetch');
const REPOS = 30;
const LIMIT = 3;

let harness: Harness;
/** Coder runs under way now, and the most seen at once. */
let running = 0;
let peakRunning = 0;
/** The most targets the view held in `baseline`, `drafting` or `repairing` at a coder start. */
let peakCoding = 0;

const names = Array.from({ length: REPOS }, (_, index) => `svc-${String(index).padStart(2, '0')}`);

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
        policy: { maxIterations: 3, maxOpenPrs: 100, prsPerHour: 100, maxConcurrentCoders: LIMIT },
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
  onConfigPushed(harness.deps, { deliveryId: 'push' });
  await harness.drain();
  for (const name of names) expect(marker(`acme/${name}`)?.state, name).toBe('awaiting-ci');
  expect(harness.coder.calls).toHaveLength(REPOS);
});

describe('workflows: regenerates on a moved base wait for a coder slot', () => {
  it(`${REPOS} PRs whose base moves at once never run more than ${LIMIT} coders at once`, async () => {
    peakRunning = 0;
    peakCoding = 0;
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
    expect(peakRunning).toBe(LIMIT);
    expect(peakCoding).toBeLessThanOrEqual(LIMIT);
    for (const name of names) {
      const target = marker(`acme/${name}`);
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
