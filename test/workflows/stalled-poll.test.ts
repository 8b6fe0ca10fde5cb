/**
 * A target stalled on the CI timeout is polled by the periodic tick (step.ts rule 7): CI whose
 * webhooks were lost, or that finished after the timeout, still moves it.
 */
import { describe, expect, it } from 'vitest';
import { onCiChanged, onTimer } from '../../src/workflows/enqueue.ts';
import { fanOut } from '../../src/workflows/fan-out.ts';
import { Harness, buildMigration, firstPrMarker, harnessWithApi } from './harness.ts';

const REPO = 'acme/api';
const MINUTE = 60_000;

const setup = () => harnessWithApi({ maxIterations: 3, ciTimeoutMinutes: 60, pollMinutes: 15 });

const marker = firstPrMarker;

async function ticks(harness: Harness, minutes: number, every = 15): Promise<void> {
  for (let elapsed = 0; elapsed < minutes; elapsed += every) {
    harness.clock.advance(every * MINUTE);
    onTimer(harness.deps);
    await harness.drain();
  }
}

async function stall(harness: Harness): Promise<string> {
  await fanOut(harness.deps, harness.migrations[0]!);
  await harness.drain();
  await ticks(harness, 75);
  expect(marker(harness)).toMatchObject({ state: 'stalled', reason: 'ci-timeout' });
  return harness.github.allPullRequests()[0]!.headSha;
}

describe('workflows: polling targets stalled on the CI timeout', () => {
  it('CI that finished red after the stall, its webhook lost: the next poll repairs', async () => {
    const { harness, ref } = setup();
    const head = await stall(harness);
    harness.github.setCheckRun(ref, head, { name: 'build', conclusion: 'failure' });

    await ticks(harness, 60);

    expect(harness.coder.calls.map((call) => call.task.mode)).toEqual(['initial', 'repair']);
    expect(marker(harness)).toMatchObject({ state: 'awaiting-ci', iteration: 2 });
    expect(marker(harness).reason).toBeUndefined();
    expect(harness.github.allPullRequests()[0]!.labels).not.toContain('fleetwright:needs-human');
    // The stall comment was edited in place: still one comment, no longer asking anyone to act.
    const comments = harness.github.allPullRequests()[0]!.comments;
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain(
      `CI on ${head.slice(0, 7)} finished late (red) and fleetwright carried on by itself: the coder is repairing the failure.`,
    );
    expect(comments[0]!.body).not.toContain('/migrate continue');
  });

  it('CI that finished green late, announced by its webhook: judged at once, no poll needed', async () => {
    const { harness, ref } = setup();
    const head = await stall(harness);
    harness.github.setCheckRun(ref, head, { name: 'build', conclusion: 'success' });

    onCiChanged(harness.deps, {
      repo: REPO,
      branch: 'fleetwright/use-fetch',
      headSha: head,
      deliveryId: 'late',
    });
    await harness.drain();

    expect(marker(harness).state).toBe('ready');
  });

  it('polls at a bounded, decaying rate while CI stays silent', async () => {
    const { harness } = setup();
    await stall(harness);
    const before = harness.github.counts.getCiSnapshot ?? 0;

    await ticks(harness, 3 * 24 * 60);

    const polls = (harness.github.counts.getCiSnapshot ?? 0) - before;
    // Three days of 15-minute timer beats (288) but only a handful of CI reads.
    expect(polls).toBeGreaterThanOrEqual(5);
    expect(polls).toBeLessThanOrEqual(12);
    expect(marker(harness)).toMatchObject({ state: 'stalled', reason: 'ci-timeout' });
    expect(harness.coder.calls).toHaveLength(1);
    // Still a single stall comment.
    expect(harness.github.allPullRequests()[0]!.comments).toHaveLength(1);
  });
});

describe('workflows: polling targets stalled on the baseline timeout', () => {
  function setupPendingBase() {
    const harness = new Harness({
      migrations: [
        buildMigration({
          policy: { maxIterations: 3, baselineTimeoutMinutes: 60, pollMinutes: 15 },
          selector: { patterns: ['*'] },
        }),
      ],
      script: (task, call) => ({ outcome: 'changed', files: { 'src/http.ts': `// ${task.mode} ${call}\n` } }),
    });
    const { ref, headSha } = harness.github.addRepo({ name: 'api', files: { 'src/http.ts': '// v1\n' } });
    // The default branch's CI never finishes in time.
    harness.github.setCheckRun(ref, headSha!, { name: 'build', conclusion: null });
    return { harness, ref, head: headSha! };
  }
  const view = (harness: Harness) => harness.deps.view.findTarget('use-fetch', REPO);

  it('the default branch turning green late: queued, admitted, drafted and opened as a PR', async () => {
    const { harness, ref, head } = setupPendingBase();
    await fanOut(harness.deps, harness.migrations[0]!);
    await harness.drain();
    await ticks(harness, 75);
    expect(view(harness)).toMatchObject({ state: 'stalled', reason: 'baseline-timeout' });
    expect(harness.coder.calls).toHaveLength(0);

    harness.github.setCheckRun(ref, head, { name: 'build', conclusion: 'success' });
    await ticks(harness, 60);

    expect(harness.coder.calls).toHaveLength(1);
    expect(harness.github.allPullRequests()).toHaveLength(1);
    expect(marker(harness)).toMatchObject({ state: 'awaiting-ci', baseSha: head, iteration: 1 });
  });

  it('the default branch turning red late: skipped, no coder run', async () => {
    const { harness, ref, head } = setupPendingBase();
    await fanOut(harness.deps, harness.migrations[0]!);
    await harness.drain();
    await ticks(harness, 75);
    expect(view(harness)).toMatchObject({ state: 'stalled', reason: 'baseline-timeout' });

    harness.github.setCheckRun(ref, head, { name: 'build', conclusion: 'failure' });
    await ticks(harness, 60);

    expect(view(harness)).toMatchObject({ state: 'skipped', reason: 'baseline-red' });
    expect(harness.coder.calls).toHaveLength(0);
    expect(harness.github.allPullRequests()).toHaveLength(0);
  });

  it('polls the default branch at a bounded, decaying rate while its CI stays pending', async () => {
    const { harness } = setupPendingBase();
    await fanOut(harness.deps, harness.migrations[0]!);
    await harness.drain();
    await ticks(harness, 75);
    const before = harness.github.counts.getCiSnapshot ?? 0;

    await ticks(harness, 3 * 24 * 60);

    const polls = (harness.github.counts.getCiSnapshot ?? 0) - before;
    expect(polls).toBeGreaterThanOrEqual(5);
    expect(polls).toBeLessThanOrEqual(12);
    expect(view(harness)).toMatchObject({ state: 'stalled', reason: 'baseline-timeout' });
  });
});
