import { describe, expect, it } from 'vitest';
import { renderBranchName } from '../../src/core/markers/branch-name.ts';
import { parseStateMarker } from '../../src/core/markers/state-marker.ts';
import { buildTarget } from '../../src/core/target/target.ts';
import { GitHostError } from '../../src/shared/errors.ts';
import { advanceTarget } from '../../src/workflows/advance-target.ts';
import { fanOut } from '../../src/workflows/fan-out.ts';
import { onCiChanged, onTimer } from '../../src/workflows/enqueue.ts';
import { reconcile } from '../../src/workflows/reconcile.ts';
import { tick } from '../../src/workflows/tick.ts';
import { Harness, buildMigration } from './harness.ts';

const BRANCH = renderBranchName('use-fetch');
const changed = () => ({
  outcome: 'changed' as const,
  files: { 'src/http.ts': 'export const get = (url: string) => fetch(url);\n' },
});

function oneRepo(
  options: {
    ci?: 'green' | 'red' | 'pending' | 'none';
    script?: ConstructorParameters<typeof Harness>[0]['script'];
    dryRun?: boolean;
  } = {},
) {
  const harness = new Harness({
    script: options.script ?? changed,
    migrations: [buildMigration({ selector: { patterns: ['api'] }, dryRun: options.dryRun ?? false })],
  });
  const { ref, headSha } = harness.github.addRepo({
    name: 'api',
    files: { 'src/http.ts': "import request from 'request';\n" },
  });
  const ci = options.ci ?? 'green';
  if (ci !== 'none') {
    harness.github.setCheckRun(ref, headSha!, {
      name: 'build',
      conclusion: ci === 'green' ? 'success' : ci === 'red' ? 'failure' : null,
      status: ci === 'pending' ? 'in_progress' : 'completed',
    });
  }
  return { harness, ref, headSha: headSha! };
}

describe('workflows/fan-out (one repository)', () => {
  it('opens one draft PR with labels, body and marker, in a handful of requests', async () => {
    const { harness, ref, headSha } = oneRepo();

    const result = await fanOut(harness.deps, harness.migrations[0]!);
    await harness.drain();

    expect(result).toMatchObject({ targets: 1, admitted: ['acme/api'], waiting: 0 });
    const [pr] = harness.github.allPullRequests();
    expect(pr).toMatchObject({
      draft: true,
      headRef: BRANCH,
      baseRef: 'main',
      title: 'Replace request with fetch',
      labels: ['fleetwright', 'fleetwright:awaiting-ci', 'dependencies'],
    });
    expect(pr!.body).toContain('The `request` package is deprecated');
    expect(pr!.body).toContain('src/http.ts');
    expect(pr!.body).toContain('/migrate stop');
    const marker = parseStateMarker(pr!.body);
    expect(marker).toMatchObject({
      status: 'ok',
      target: { state: 'awaiting-ci', iteration: 1, baseSha: headSha, lastPushedSha: pr!.headSha },
    });
    expect(harness.github.commitAuthor(pr!.headSha)).toBe('fleetwright[bot]');
    expect(harness.github.branchHead(ref, BRANCH)).toBe(pr!.headSha);
    // Requests for the whole fan-out of one repo: ledger + list + discovery + load + baseline + tarball + branch + commit + PR,
    // and one dashboard edit for all of the target's changes (the next is at least 30 s later).
    expect(harness.github.counts).toEqual({
      ensureIssue: 1,
      findIssue: 1,
      listRepositories: 1,
      findPullRequestForBranch: 2,
      findBranchHead: 2,
      getCiSnapshot: 1,
      downloadTarball: 1,
      ensureBranch: 1,
      commitChangeSet: 1,
      ensureDraftPullRequest: 1,
    });
    expect(harness.github.totalRequests()).toBe(12);
    expect(harness.workspaces.disposed).toBe(harness.workspaces.created);
  });

  it.each([
    ['red', 'skipped', 'baseline-red'],
    ['none', 'skipped', 'no-ci'],
  ] as const)('baseline %s → %s (%s), no branch, no PR, no coder', async (ci, state, reason) => {
    const { harness, ref } = oneRepo({ ci });

    await fanOut(harness.deps, harness.migrations[0]!);
    await harness.drain();

    expect(harness.deps.view.findTarget('use-fetch', 'acme/api')).toMatchObject({ state, reason });
    expect(harness.coder.calls).toHaveLength(0);
    expect(harness.github.branchHead(ref, BRANCH)).toBeUndefined();
    expect(harness.github.allPullRequests()).toHaveLength(0);
  });

  it('waits for a pending baseline, then drafts when CI turns green (webhook or tick)', async () => {
    const { harness, ref, headSha } = oneRepo({ ci: 'pending' });
    await fanOut(harness.deps, harness.migrations[0]!);
    await harness.drain();
    expect(harness.deps.view.findTarget('use-fetch', 'acme/api')).toMatchObject({ state: 'baseline' });

    harness.github.setCheckRun(ref, headSha, { name: 'build', conclusion: 'success' });
    expect(onCiChanged(harness.deps, { repo: 'acme/api', branch: 'main', headSha, deliveryId: 'd-1' })).toBe(
      'enqueued',
    );
    expect(onCiChanged(harness.deps, { repo: 'acme/api', branch: 'main', headSha, deliveryId: 'd-1' })).toBe(
      'duplicate',
    );
    await harness.drain();

    expect(harness.deps.view.findTarget('use-fetch', 'acme/api')).toMatchObject({ state: 'awaiting-ci' });
    expect(harness.github.allPullRequests()).toHaveLength(1);
  });

  it("not-applicable: no branch, no PR, the coder's reason recorded", async () => {
    const { harness, ref } = oneRepo({
      script: () => ({ outcome: 'not-applicable', reason: 'no imports of request' }),
    });

    await fanOut(harness.deps, harness.migrations[0]!);
    await harness.drain();

    expect(harness.deps.view.findTarget('use-fetch', 'acme/api')).toMatchObject({
      state: 'not-applicable',
      reason: 'nothing-to-change',
      detail: 'no imports of request',
      failure: { class: 'not-applicable' },
    });
    expect(harness.github.branchHead(ref, BRANCH)).toBeUndefined();
    expect(harness.github.allPullRequests()).toHaveLength(0);
  });

  it('dry-run: plans and logs the admissions, writes nothing, and never leaves a target holding a slot', async () => {
    const { harness } = oneRepo({ dryRun: true });

    const result = await fanOut(harness.deps, harness.migrations[0]!);
    await harness.drain();
    harness.clock.advance(60 * 60_000);
    onTimer(harness.deps);
    await harness.drain();

    expect(result).toMatchObject({ admitted: [], waiting: 1, blockedBy: 'dry-run' });
    expect(harness.deps.view.findTarget('use-fetch', 'acme/api')).toMatchObject({ state: 'queued' });
    expect(harness.logs.some((entry) => entry.message === '[dry-run] would admit targets')).toBe(true);
    expect(harness.coder.calls).toHaveLength(0);
    expect(Object.keys(harness.github.counts).sort()).toEqual([
      'findIssue',
      'findPullRequestForBranch',
      'listRepositories',
    ]);
  });

  it('dry-run switched on mid-flight: effects are logged, not carried out', async () => {
    const { harness } = oneRepo({ dryRun: true });
    harness.deps.view.setMigration(harness.migrations[0]!);
    harness.deps.view.putTarget({
      ...buildTarget({
        migrationId: 'use-fetch',
        manifestRevision: 'rev-1',
        repo: 'acme/api',
        now: harness.clock.now(),
      }),
      state: 'baseline',
      baseRef: 'main',
    });

    const result = await advanceTarget(harness.deps, 'use-fetch', 'acme/api', { type: 'tick' });

    expect(result.target).toMatchObject({ state: 'drafting' });
    expect(harness.logs.some((entry) => entry.message === '[dry-run] would run the coder')).toBe(true);
    expect(harness.coder.calls).toHaveLength(0);
    expect(harness.github.allPullRequests()).toHaveLength(0);
  });

  it('a rerun of fan-out and a restart never open a second PR', async () => {
    const { harness } = oneRepo();
    await fanOut(harness.deps, harness.migrations[0]!);
    await harness.drain();

    await fanOut(harness.deps, harness.migrations[0]!);
    await harness.drain();
    harness.restart();
    await reconcile(harness.deps);
    await harness.drain();
    tick(harness.deps);
    await harness.drain();

    expect(harness.github.allPullRequests()).toHaveLength(1);
    expect(harness.coder.calls).toHaveLength(1);
    expect(harness.deps.view.findTarget('use-fetch', 'acme/api')).toMatchObject({
      state: 'awaiting-ci',
      prNumber: 1,
    });
  });

  it('adopts its own orphan branch after a crash between push and PR, without re-running the coder', async () => {
    const { harness } = oneRepo();
    harness.github.failNext('ensureDraftPullRequest', new GitHostError('Server error', { status: 502 }));
    await fanOut(harness.deps, harness.migrations[0]!);
    await harness.drain();
    expect(harness.deps.view.findTarget('use-fetch', 'acme/api')).toMatchObject({
      state: 'error',
      reason: 'github-error',
    });

    harness.restart();
    await reconcile(harness.deps);
    await harness.drain();

    expect(harness.github.allPullRequests()).toHaveLength(1);
    expect(harness.coder.calls).toHaveLength(1);
    expect(harness.deps.view.findTarget('use-fetch', 'acme/api')).toMatchObject({ state: 'awaiting-ci' });
  });

  it('honours retry-after on a secondary rate limit and still opens exactly one PR', async () => {
    const { harness } = oneRepo();
    harness.github.failNext(
      'ensureDraftPullRequest',
      new GitHostError('You have exceeded a secondary rate limit', { status: 403, retryAfterSeconds: 90 }),
      2,
    );
    const before = harness.clock.now().getTime();

    await fanOut(harness.deps, harness.migrations[0]!);
    await harness.drain();

    expect(harness.github.allPullRequests()).toHaveLength(1);
    expect(harness.github.counts.ensureDraftPullRequest).toBe(3);
    expect(harness.clock.now().getTime() - before).toBeGreaterThanOrEqual(180_000);
  });

  it('a damaged marker is never overwritten, and the repo gets no second PR', async () => {
    const { harness, ref } = oneRepo();
    await fanOut(harness.deps, harness.migrations[0]!);
    await harness.drain();
    const [pr] = harness.github.allPullRequests();
    const damaged = pr!.body.replace('"state":"awaiting-ci"', '"state":"on-fire"');
    await harness.github.updatePullRequest(ref, pr!.number, { body: damaged });
    harness.github.resetCounts();

    const result = await advanceTarget(harness.deps, 'use-fetch', 'acme/api', {
      type: 'ci-changed',
      headSha: pr!.headSha,
    });
    harness.restart();
    await reconcile(harness.deps);
    await harness.drain();

    expect(result.skipped).toBe('unmanaged-pr');
    expect(harness.github.allPullRequests()).toHaveLength(1);
    expect(harness.github.allPullRequests()[0]!.body).toBe(damaged);
    expect(harness.github.counts.updatePullRequest).toBeUndefined();
    expect(harness.deps.view.findTarget('use-fetch', 'acme/api')).toMatchObject({
      state: 'paused',
      reason: 'foreign-branch',
    });
  });

  it('pauses on a human commit and never pushes over it', async () => {
    const { harness, ref } = oneRepo();
    await fanOut(harness.deps, harness.migrations[0]!);
    await harness.drain();
    const human = harness.github.pushCommit(ref, BRANCH, { 'src/other.ts': 'x' });

    await advanceTarget(harness.deps, 'use-fetch', 'acme/api', { type: 'ci-changed', headSha: human });
    await advanceTarget(harness.deps, 'use-fetch', 'acme/api', { type: 'ci-changed', headSha: human });

    const [pr] = harness.github.allPullRequests();
    expect(parseStateMarker(pr!.body)).toMatchObject({
      status: 'ok',
      target: { state: 'paused', reason: 'human-commit' },
    });
    expect(pr!.labels).toEqual(expect.arrayContaining(['fleetwright:paused', 'fleetwright:needs-human']));
    expect(pr!.labels).not.toContain('fleetwright:awaiting-ci');
    expect(pr!.comments).toHaveLength(1);
    expect(harness.github.branchHead(ref, BRANCH)).toBe(human);
  });
});
