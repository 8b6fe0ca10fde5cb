/**
 * A fleet for coder-slot tests: `repos` repositories with a green default branch, a migration
 * limited to `limit` coders at once, on a server that would run 10 coder jobs at once (so only
 * the migration's limit may hold runs back), and a coder that records how many runs overlap.
 */
import { parseStateMarker } from '../../src/core/markers/state-marker.ts';
import type { Target } from '../../src/core/target/target.ts';
import type { CoderBudget, CoderResult, CoderTask, WorkspaceRef } from '../../src/ports/coder.ts';
import { onConfigPushed } from '../../src/workflows/enqueue.ts';
import { Harness, buildMigration } from './harness.ts';

export interface CoderSlotFleet {
  harness: Harness;
  /** Repository names (`svc-00`, `svc-01`…), in the owner `acme`. */
  names: string[];
  /** The most coder runs seen at once, and the most targets the view held in `baseline`, `drafting` or `repairing` at a coder start. */
  peaks(): { running: number; coding: number };
  /** Forgets the peaks seen so far (after the first drafts). */
  resetPeaks(): void;
  /** The target from the PR marker of `acme/<name>`, if the PR and its marker exist. */
  marker(name: string): Target | undefined;
}

/** Builds the fleet and lands the manifest: every repository gets its first draft. */
export async function startCoderSlotFleet(options: {
  repos: number;
  limit: number;
  maxIterations: number;
}): Promise<CoderSlotFleet> {
  let running = 0;
  let peakRunning = 0;
  let peakCoding = 0;
  const harness = new Harness({
    migrations: [
      buildMigration({
        policy: {
          maxIterations: options.maxIterations,
          maxOpenPrs: 100,
          prsPerHour: 100,
          maxConcurrentCoders: options.limit,
        },
      }),
    ],
    script: (task, call) => ({
      outcome: 'changed',
      files: { 'src/http.ts': `// migrated ${task.repo} ${task.mode} ${call}\n` },
    }),
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
  const names = Array.from({ length: options.repos }, (_, index) => `svc-${String(index).padStart(2, '0')}`);
  for (const name of names) {
    const { ref, headSha } = harness.github.addRepo({
      name,
      files: { 'src/http.ts': "import request from 'request';\n" },
    });
    harness.github.setCheckRun(ref, headSha!, { name: 'build', conclusion: 'success' });
  }
  onConfigPushed(harness.deps, { deliveryId: 'push' });
  await harness.drain();
  return {
    harness,
    names,
    peaks: () => ({ running: peakRunning, coding: peakCoding }),
    resetPeaks: () => {
      peakRunning = 0;
      peakCoding = 0;
    },
    marker: (name) => {
      const pr = harness.github.allPullRequests().find((item) => item.repo === `acme/${name}`);
      const parsed = pr ? parseStateMarker(pr.body) : undefined;
      return parsed?.status === 'ok' ? parsed.target : undefined;
    },
  };
}
