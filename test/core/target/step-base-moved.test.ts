import { describe, expect, it } from 'vitest';
import type { TargetEvent } from '../../../src/core/target/events.ts';
import { buildPolicy } from '../../../src/core/target/policy.ts';
import { step } from '../../../src/core/target/step.ts';
import type { Target } from '../../../src/core/target/target.ts';
import { Target as TargetSchema } from '../../../src/core/target/target.ts';
import { BASE, PUSHED, T0, targetWithPr, types, usage } from './step-fixtures.ts';

const HUMAN = 'c'.repeat(40);
const NEW_BASE = 'd'.repeat(40);
const FRESH = 'e'.repeat(40);

function awaiting(fields: Partial<Target> = {}): Target {
  return targetWithPr({
    history: [
      {
        iteration: 1,
        mode: 'initial',
        outcome: 'changed',
        summary: 'replaced request',
        files: ['src/http.ts'],
        sha: PUSHED,
        costUsd: 0.5,
        at: T0.toISOString(),
      },
    ],
    ...fields,
  });
}

const policy = buildPolicy({ maxIterations: 3, maxCostPerRepoUsd: 5 });
const moved: TargetEvent = { type: 'base-moved', sha: NEW_BASE };
/** The planner's coder slot (its revision is newer: a regenerate keeps the one it was started with). */
const admitted: TargetEvent = { type: 'admitted', revision: 'rev9', baseRef: 'main' };
/** The base moves, then the planner admits the regenerate: what the coder run starts from. */
const admit = (before: Target) => step(step(before, moved, policy, T0).target, admitted, policy, T0);

describe('core/target/step — base moved under a conflicting PR', () => {
  it.each<[string, Target, TargetEvent, string, Partial<Target>, string[]]>([
    [
      'own commits only → queued for a coder slot to regenerate on the new base (no run yet)',
      awaiting(),
      moved,
      'applied',
      {
        state: 'queued',
        regenerateOn: NEW_BASE,
        baseSha: BASE,
        iteration: 1,
        lastPushedSha: PUSHED,
        detail: 'the base moved to ddddddd: the change is regenerated there once a coder slot is free',
      },
      ['set-labels', 'update-marker'],
    ],
    [
      'stalled (conflicts block pull_request CI) → queued to regenerate too',
      awaiting({ state: 'stalled', reason: 'ci-timeout', resumeState: 'awaiting-ci' }),
      moved,
      'applied',
      { state: 'queued', regenerateOn: NEW_BASE, baseSha: BASE, iteration: 1 },
      // The stall comment is edited: the loop carried on by itself.
      ['set-labels', 'update-marker', 'comment'],
    ],
    [
      'a redelivery while waiting for the coder slot → duplicate',
      awaiting({ state: 'queued', regenerateOn: NEW_BASE }),
      moved,
      'ignored-duplicate',
      { state: 'queued', regenerateOn: NEW_BASE, iteration: 1 },
      [],
    ],
    [
      'a human commit on the branch → paused, nothing reset',
      awaiting({ headSha: HUMAN }),
      moved,
      'applied',
      { state: 'paused', reason: 'human-commit', resumeState: 'awaiting-ci', baseSha: BASE },
      ['set-labels', 'update-marker', 'comment'],
    ],
    [
      'iteration budget spent → exhausted',
      awaiting({ iteration: 3 }),
      moved,
      'applied',
      { state: 'exhausted', reason: 'iteration-budget', baseSha: BASE },
      ['set-labels', 'update-marker', 'comment'],
    ],
    [
      'cost budget spent → exhausted',
      awaiting({ usage: usage(5) }),
      moved,
      'applied',
      { state: 'exhausted', reason: 'cost-budget' },
      ['set-labels', 'update-marker', 'comment'],
    ],
    [
      'the base the change is already built on → duplicate',
      awaiting({ baseSha: NEW_BASE }),
      moved,
      'ignored-duplicate',
      { state: 'awaiting-ci', iteration: 1 },
      [],
    ],
    [
      'a redelivery while already regenerating → irrelevant, no second coder run',
      awaiting({ state: 'drafting', baseSha: NEW_BASE, iteration: 2 }),
      moved,
      'ignored-duplicate',
      { state: 'drafting', iteration: 2 },
      [],
    ],
    [
      'no PR yet → irrelevant',
      awaiting({ prNumber: undefined }),
      moved,
      'ignored-irrelevant',
      { state: 'awaiting-ci' },
      [],
    ],
    [
      'people own the PR (ready) → irrelevant',
      awaiting({ state: 'ready' }),
      moved,
      'ignored-irrelevant',
      { state: 'ready' },
      [],
    ],
  ])('%s', (_name, before, event, outcome, expected, effects) => {
    const transition = step(before, event, policy, T0);

    expect(transition.outcome).toBe(outcome);
    expect(transition.target).toMatchObject(expected);
    expect(types(transition.effects)).toEqual(effects);
    expect(() => TargetSchema.parse(transition.target)).not.toThrow();
  });

  it('a stall on the baseline timeout posted no stall comment, so none is edited', () => {
    const transition = step(awaiting({ state: 'stalled', reason: 'baseline-timeout' }), moved, policy, T0);

    expect(types(transition.effects)).toEqual(['set-labels', 'update-marker']);
  });

  it('the edited stall comment says the regenerate waits for a coder slot', () => {
    const transition = step(
      awaiting({ state: 'stalled', reason: 'ci-timeout', resumeState: 'awaiting-ci' }),
      moved,
      policy,
      T0,
    );

    expect(transition.effects.find((effect) => effect.type === 'comment')).toMatchObject({
      body: 'The base branch moved to ddddddd and fleetwright carried on by itself: the change is regenerated on it as soon as a coder slot is free. Nothing is needed here any more.',
    });
  });

  it('admitted: checks the branch, then runs the coder on the recorded base with the revision it has', () => {
    const regen = admit(awaiting());

    expect(regen.outcome).toBe('applied');
    expect(regen.target).toMatchObject({
      state: 'drafting',
      baseSha: NEW_BASE,
      iteration: 2,
      manifestRevision: 'rev1',
      lastPushedSha: PUSHED,
    });
    expect(regen.target.regenerateOn).toBeUndefined();
    expect(types(regen.effects)).toEqual(['set-labels', 'update-marker', 'check-branch', 'run-coder']);
    expect(regen.effects[0]).toEqual({
      type: 'set-labels',
      add: expect.arrayContaining(['fleetwright:drafting']) as unknown as string[],
      remove: ['fleetwright:queued'],
    });
    expect(() => TargetSchema.parse(regen.target)).not.toThrow();
  });

  it('waits while the migration is paused after it was queued; a budget spent meanwhile exhausts it', () => {
    const queued = step(awaiting(), moved, policy, T0).target;

    expect(step(queued, admitted, buildPolicy({ ...policy, paused: true }), T0).outcome).toBe(
      'ignored-blocked',
    );
    const spent = step(queued, admitted, buildPolicy({ ...policy, migrationSpentUsd: 1000 }), T0);
    expect(spent.target).toMatchObject({ state: 'exhausted', reason: 'migration-budget' });
    expect(spent.effects.some((effect) => effect.type === 'run-coder')).toBe(false);
  });

  it("a person's push seen while it waits pauses it before any coder run; the branch's base stays known", () => {
    const queued = step(awaiting(), moved, policy, T0).target;

    const pushed = step(queued, { type: 'human-commit-detected', sha: HUMAN, author: 'alice' }, policy, T0);

    expect(pushed.target).toMatchObject({
      state: 'paused',
      reason: 'human-commit',
      resumeState: 'awaiting-ci',
      baseSha: BASE,
      iteration: 1,
    });
    expect(pushed.target.regenerateOn).toBeUndefined();
    // Resumed later, the conflict with the moved base is news again.
    const resumed = step(
      pushed.target,
      { type: 'command-received', command: { name: 'continue' }, actor: 'alice' },
      policy,
      T0,
    ).target;
    expect(step(resumed, moved, policy, T0).target).toMatchObject({
      state: 'queued',
      regenerateOn: NEW_BASE,
    });
  });

  it('`/migrate stop` cancels the wait and `/migrate retry` turns it into a retry', () => {
    const queued = step(awaiting(), moved, policy, T0).target;

    const stopped = step(
      queued,
      { type: 'command-received', command: { name: 'stop' }, actor: 'olivia' },
      policy,
      T0,
    );
    const retried = step(
      queued,
      { type: 'command-received', command: { name: 'retry', force: false }, actor: 'olivia' },
      policy,
      T0,
    );

    expect(stopped.note).toBe('the regenerate waiting to start is cancelled');
    expect(stopped.target).toMatchObject({ state: 'paused', reason: 'stopped', baseSha: BASE });
    expect(stopped.target.regenerateOn).toBeUndefined();
    expect(retried.outcome).toBe('applied');
    expect(retried.target).toMatchObject({ state: 'queued', pending: { command: 'retry' }, retries: 1 });
    expect(retried.target.regenerateOn).toBeUndefined();
    // A retry goes through the default branch again, with the latest revision.
    expect(step(retried.target, admitted, policy, T0).target).toMatchObject({
      state: 'baseline',
      manifestRevision: 'rev9',
    });
  });

  it('a paused migration queues no regenerate', () => {
    const transition = step(awaiting(), moved, buildPolicy({ ...policy, paused: true }), T0);
    expect(transition.outcome).toBe('ignored-blocked');
    expect(transition.effects).toEqual([]);
  });

  it('runs the coder in initial mode on the new base, then resets and pushes one fresh commit', () => {
    const regen = admit(awaiting());
    expect(regen.effects.find((effect) => effect.type === 'run-coder')).toMatchObject({
      mode: 'initial',
      iteration: 2,
      sha: NEW_BASE,
    });

    const finished = step(
      regen.target,
      {
        type: 'coder-finished',
        result: {
          outcome: 'changed',
          summary: 'replaced request',
          files: ['src/http.ts'],
          usage: usage(0.5),
        },
      },
      policy,
      T0,
    );
    expect(finished.outcome).toBe('applied');
    expect(finished.effects).toEqual([
      { type: 'reset-branch', branch: 'fleetwright/use-fetch', sha: NEW_BASE, expectedHeadSha: PUSHED },
      {
        type: 'push-commit',
        branch: 'fleetwright/use-fetch',
        expectedHeadSha: NEW_BASE,
        createBranch: false,
        headline: 'fleetwright: use-fetch (regenerated on ddddddd)',
        body: 'replaced request',
      },
    ]);
    expect(finished.target.history.at(-1)).toMatchObject({
      iteration: 2,
      mode: 'initial',
      summary: 'regenerated on new base ddddddd: replaced request',
    });
    expect(finished.target.usage.costUsd).toBe(0.5);

    const pushed = step(finished.target, { type: 'commit-pushed', sha: FRESH }, policy, T0);
    expect(pushed.target).toMatchObject({
      state: 'awaiting-ci',
      lastPushedSha: FRESH,
      headSha: FRESH,
      baseSha: NEW_BASE,
      prNumber: 7,
    });
    expect(types(pushed.effects)).toEqual(['set-labels', 'update-marker', 'schedule-tick']);
    expect(pushed.target.history.at(-1)?.sha).toBe(FRESH);
  });

  it('checks the branch before the coder run, by the rules of the reset', () => {
    const regen = admit(awaiting());

    expect(regen.effects.slice(2)).toEqual([
      { type: 'check-branch', branch: 'fleetwright/use-fetch', base: NEW_BASE, expectedHeadSha: PUSHED },
      expect.objectContaining({ type: 'run-coder', mode: 'initial', sha: NEW_BASE }),
    ]);
  });

  it("a person's commit found before the coder run pauses without a run and gives the iteration back", () => {
    const regen = admit(awaiting({ lastPushedSha: HUMAN, headSha: HUMAN })).target;
    expect(regen.iteration).toBe(2);

    const found = step(
      regen,
      { type: 'human-commit-detected', sha: HUMAN, author: 'alice', beforeReset: true },
      policy,
      T0,
    );

    expect(found.target).toMatchObject({ state: 'paused', reason: 'human-commit', iteration: 1 });
    expect(found.target.history).toHaveLength(1);
    expect(found.effects.find((effect) => effect.type === 'comment')).toMatchObject({
      body: expect.stringContaining(
        'the base branch moved and the PR conflicts, but the branch has a commit by alice it did not make (branch head ccccccc)',
      ) as unknown as string,
    });
    expect(found.effects.some((effect) => effect.type === 'run-coder')).toBe(false);
  });

  it('a foreign commit found by the reset after the run pauses and keeps the run counted', () => {
    const regen = admit(awaiting()).target;
    const finished = step(
      regen,
      {
        type: 'coder-finished',
        result: {
          outcome: 'changed',
          summary: 'replaced request',
          files: ['src/http.ts'],
          usage: usage(0.5),
        },
      },
      policy,
      T0,
    ).target;

    const found = step(
      finished,
      { type: 'human-commit-detected', sha: HUMAN, beforeReset: true },
      policy,
      T0,
    );

    expect(found.target).toMatchObject({
      state: 'paused',
      reason: 'human-commit',
      iteration: 2,
      headSha: HUMAN,
    });
    expect(found.target.history.at(-1)?.iteration).toBe(2);
  });

  it('a foreign commit found before the reset pauses, even when it is the SHA the app built on', () => {
    // After `/migrate continue` on a human commit, lastPushedSha is that person's commit.
    const regen = admit(awaiting({ lastPushedSha: HUMAN, headSha: HUMAN })).target;
    const found = step(
      regen,
      { type: 'human-commit-detected', sha: HUMAN, author: 'alice', beforeReset: true },
      policy,
      T0,
    );
    expect(found.outcome).toBe('applied');
    expect(found.target).toMatchObject({
      state: 'paused',
      reason: 'human-commit',
      resumeState: 'awaiting-ci',
    });
    expect(found.target.detail).toContain('alice');

    // Without the flag the same SHA is old news.
    const plain = step(regen, { type: 'human-commit-detected', sha: HUMAN }, policy, T0);
    expect(plain.outcome).toBe('ignored-duplicate');
  });

  it('a regenerate that failed does not make the same base look like old news', () => {
    const regen = admit(awaiting()).target;
    const failed = step(
      regen,
      { type: 'effect-failed', effect: 'run-coder', error: { kind: 'unexpected', message: 'boom' } },
      policy,
      T0,
    ).target;
    expect(failed).toMatchObject({ state: 'error', resumeState: 'drafting' });

    const resumed = step(failed, { type: 'tick' }, policy, new Date(Date.parse(failed.wakeAt!) + 1)).target;
    expect(resumed).toMatchObject({ state: 'awaiting-ci', lastPushedSha: PUSHED });
    expect(resumed.baseSha).toBeUndefined();

    const again = admit(resumed);
    expect(again.outcome).toBe('applied');
    expect(again.target).toMatchObject({ state: 'drafting', baseSha: NEW_BASE, iteration: 3 });
  });
});
