/**
 * One CI run sends a burst of webhooks (check runs, suites, workflow run, statuses); the first
 * moves the target, the rest were queued before it did. When their jobs run, they cost nothing.
 */
import { describe, expect, it } from 'vitest';
import { buildTarget } from '../../src/core/target/target.ts';
import { isSpentCiNews, onBranchPushed, onCiChanged } from '../../src/workflows/enqueue.ts';
import { fanOut } from '../../src/workflows/fan-out.ts';
import { Harness, buildMigration } from './harness.ts';

const REPO = 'acme/api';
const BRANCH = 'fleetwright/use-fetch';
const SHA = 'b'.repeat(40);

describe('workflows: spent CI news', () => {
  it('is CI about the last push once the target stopped waiting on it', () => {
    const base = buildTarget({
      migrationId: 'use-fetch',
      manifestRevision: 'r',
      repo: REPO,
      now: new Date(),
    });
    const at = (state: (typeof base)['state']) => ({ ...base, state, lastPushedSha: SHA });
    expect(isSpentCiNews(at('ready'), SHA)).toBe(true);
    expect(isSpentCiNews(at('repairing'), SHA)).toBe(true);
    expect(isSpentCiNews(at('awaiting-ci'), SHA)).toBe(false);
    expect(isSpentCiNews(at('judging'), SHA)).toBe(false);
    expect(isSpentCiNews(at('stalled'), SHA)).toBe(false);
    // Another SHA (a person's push) is never spent; nor is news for an unknown target.
    expect(isSpentCiNews(at('ready'), 'c'.repeat(40))).toBe(false);
    expect(isSpentCiNews(undefined, SHA)).toBe(false);
  });

  it('a queued burst costs one advance; a person’s push behind it is still loaded', async () => {
    const harness = new Harness({
      migrations: [buildMigration({ selector: { patterns: ['*'] } })],
      script: () => ({ outcome: 'changed', files: { 'src/http.ts': '// migrated\n' } }),
    });
    const { ref, headSha } = harness.github.addRepo({ name: 'api', files: { 'src/http.ts': '// v1\n' } });
    harness.github.setCheckRun(ref, headSha!, { name: 'build', conclusion: 'success' });
    await fanOut(harness.deps, harness.migrations[0]!);
    await harness.drain();
    const head = harness.github.allPullRequests()[0]!.headSha;
    harness.github.setCheckRun(ref, head, { name: 'build', conclusion: 'success' });

    // Five deliveries of one CI run, all queued while the target still awaits CI.
    for (let i = 0; i < 5; i++)
      expect(
        onCiChanged(harness.deps, { repo: REPO, branch: BRANCH, headSha: head, deliveryId: `d${i}` }),
      ).toBe('enqueued');
    const loads = harness.github.counts.findPullRequestForBranch ?? 0;
    await harness.drain();
    expect(harness.deps.view.findTarget('use-fetch', REPO)?.state).toBe('ready');
    expect((harness.github.counts.findPullRequestForBranch ?? 0) - loads).toBe(1);

    // A person's push (another SHA) is news: it loads the PR and pauses nothing here (ready).
    const human = harness.github.pushCommit(ref, BRANCH, { 'docs/a.md': 'x\n' }, 'alice');
    onBranchPushed(harness.deps, { repo: REPO, branch: BRANCH, headSha: human, deliveryId: 'push' });
    await harness.drain();
    expect((harness.github.counts.findPullRequestForBranch ?? 0) - loads).toBe(2);
  });
});
