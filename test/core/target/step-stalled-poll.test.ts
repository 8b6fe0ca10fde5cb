/**
 * step.ts rule 7: a target stalled on the CI timeout keeps polling CI for its last pushed SHA at
 * a decaying rate, and CI that finishes late continues the loop.
 */
import { describe, expect, it } from 'vitest';
import { findPollAt, stalledPollMinutes } from '../../../src/core/target/ci-poll.ts';
import { buildPolicy } from '../../../src/core/target/policy.ts';
import { step } from '../../../src/core/target/step.ts';
import type { Target } from '../../../src/core/target/target.ts';
import { BASE, PUSHED, T0, later, newTarget, types } from './step-fixtures.ts';

const OTHER = 'c'.repeat(40);
const policy = buildPolicy({ maxIterations: 3, ciTimeoutMinutes: 120, pollMinutes: 15 });

function awaiting(fields: Partial<Target> = {}): Target {
  return newTarget({
    state: 'awaiting-ci',
    baseSha: BASE,
    iteration: 1,
    lastPushedSha: PUSHED,
    headSha: PUSHED,
    prNumber: 7,
    history: [
      {
        iteration: 1,
        mode: 'initial',
        outcome: 'changed',
        summary: 'first',
        files: ['src/http.ts'],
        sha: PUSHED,
        costUsd: 0.1,
        at: T0.toISOString(),
      },
    ],
    ...fields,
  });
}

/** The target as the CI timeout leaves it, at minute 120. */
function stalled(): Target {
  const transition = step(awaiting(), { type: 'tick' }, policy, later(120));
  expect(transition.target).toMatchObject({ state: 'stalled', reason: 'ci-timeout' });
  return transition.target;
}

describe('core/target/step: polling a target stalled on the CI timeout', () => {
  it('schedules its first poll an hour after stalling', () => {
    const transition = step(awaiting(), { type: 'tick' }, policy, later(120));
    expect(transition.target.wakeAt).toBe(later(180).toISOString());
    expect(transition.effects.at(-1)).toEqual({ type: 'schedule-tick', at: later(180).toISOString() });
    const comment = transition.effects.find((effect) => effect.type === 'comment');
    expect(comment && 'body' in comment ? comment.body : '').toContain('carries on by itself');
  });

  it('does nothing on a tick before the poll is due', () => {
    const transition = step(stalled(), { type: 'tick' }, policy, later(150));
    expect(transition.outcome).toBe('ignored-irrelevant');
    expect(transition.effects).toEqual([]);
  });

  it('reads CI for the last pushed SHA when due, and schedules the next poll further out', () => {
    const polled = step(stalled(), { type: 'tick' }, policy, later(180));
    expect(polled.outcome).toBe('applied');
    expect(polled.target.state).toBe('stalled');
    expect(polled.effects).toEqual([
      { type: 'read-ci', headSha: PUSHED },
      { type: 'schedule-tick', at: later(240).toISOString() },
    ]);
    // A day later the rate has decayed: polls are half the stalled time apart.
    const next = step(polled.target, { type: 'tick' }, policy, later(120 + 24 * 60));
    expect(next.target.wakeAt).toBe(later(120 + 24 * 60 + 12 * 60).toISOString());
  });

  it('decays between an hour and a day', () => {
    expect(stalledPollMinutes(0, policy)).toBe(60);
    expect(stalledPollMinutes(300, policy)).toBe(150);
    expect(stalledPollMinutes(30 * 24 * 60, policy)).toBe(24 * 60);
    expect(stalledPollMinutes(0, buildPolicy({ pollMinutes: 90 }))).toBe(90);
  });

  it('continues the loop when CI finished late: red → repair within budget', () => {
    const transition = step(
      stalled(),
      { type: 'ci-completed', headSha: PUSHED, ci: 'red', failing: ['build'] },
      policy,
      later(300),
    );
    expect(transition.target).toMatchObject({ state: 'repairing', iteration: 2 });
    expect(transition.target.reason).toBeUndefined();
    expect(types(transition.effects)).toEqual(['set-labels', 'update-marker', 'comment', 'run-coder']);
    // The needs-human label of the stall goes, the working one comes back.
    expect(transition.effects[0]).toMatchObject({
      remove: expect.arrayContaining(['fleetwright:needs-human']),
    });
    // The stall comment is edited in place (same key): it no longer asks a person to act.
    expect(transition.effects[2]).toEqual({
      type: 'comment',
      key: 'fleetwright:comment:use-fetch:stalled',
      body: 'CI on bbbbbbb finished late (red) and fleetwright carried on by itself: the coder is repairing the failure. Nothing is needed here any more.',
    });
  });

  it('continues the loop when CI finished late: green → judging', () => {
    const transition = step(
      stalled(),
      { type: 'ci-completed', headSha: PUSHED, ci: 'green' },
      policy,
      later(300),
    );
    expect(transition.target.state).toBe('judging');
    expect(types(transition.effects)).toEqual(['set-labels', 'update-marker', 'comment', 'run-judge']);
    expect(transition.effects[2]).toMatchObject({
      key: 'fleetwright:comment:use-fetch:stalled',
      body: expect.stringContaining(
        'finished late (green) and fleetwright carried on by itself: the change is being reviewed now',
      ) as unknown as string,
    });
  });

  it('the stall comment says so when the late red CI finds the budget spent', () => {
    const transition = step(
      { ...stalled(), iteration: 3 },
      { type: 'ci-completed', headSha: PUSHED, ci: 'red', failing: ['build'] },
      policy,
      later(300),
    );

    expect(transition.target.state).toBe('exhausted');
    const comments = transition.effects.filter((effect) => effect.type === 'comment');
    expect(comments.map((effect) => effect.key)).toEqual([
      'fleetwright:comment:use-fetch:stalled',
      'fleetwright:comment:use-fetch:exhausted',
    ]);
    expect(comments[0]).toMatchObject({
      body: expect.stringContaining('its budget is spent, so it stopped there') as unknown as string,
    });
  });

  it('stays stalled while CI is still pending, and ignores CI for any other SHA', () => {
    const target = stalled();
    const pending = step(
      target,
      { type: 'ci-completed', headSha: PUSHED, ci: 'pending' },
      policy,
      later(300),
    );
    expect(pending.target.state).toBe('stalled');
    expect(pending.effects).toEqual([]);
    const stale = step(target, { type: 'ci-completed', headSha: OTHER, ci: 'green' }, policy, later(300));
    expect(stale.outcome).toBe('ignored-stale');
    expect(step(target, { type: 'ci-changed', headSha: OTHER }, policy, later(300)).outcome).toBe(
      'ignored-stale',
    );
    expect(step(target, { type: 'ci-changed', headSha: PUSHED }, policy, later(300)).effects).toEqual([
      { type: 'read-ci', headSha: PUSHED },
    ]);
  });

  it('still pauses on a person’s commit and stops at the budget', () => {
    const target = stalled();
    expect(
      step(target, { type: 'human-commit-detected', sha: OTHER }, policy, later(300)).target,
    ).toMatchObject({
      state: 'paused',
      reason: 'human-commit',
    });
    const spent = step(
      { ...target, iteration: 3 },
      { type: 'ci-completed', headSha: PUSHED, ci: 'red', failing: ['build'] },
      policy,
      later(300),
    );
    expect(spent.target).toMatchObject({ state: 'exhausted', reason: 'iteration-budget' });
  });

  it('derives a poll time for waiting targets whose marker has no wakeAt', () => {
    const legacy = { ...stalled(), updatedAt: later(120).toISOString() };
    delete legacy.wakeAt;
    expect(findPollAt(legacy, policy)).toBe(later(180).toISOString());
    const waiting = { ...awaiting(), updatedAt: later(10).toISOString() };
    expect(findPollAt(waiting, policy)).toBe(later(25).toISOString());
    expect(findPollAt({ ...waiting, state: 'paused' }, policy)).toBeUndefined();
  });
});

describe('core/target/step: polling a target stalled on the baseline timeout', () => {
  const baselinePolicy = buildPolicy({ baselineTimeoutMinutes: 120, pollMinutes: 15 });
  const atBaseline = (fields: Partial<Target> = {}): Target => newTarget({ state: 'baseline', ...fields });
  /** The default branch's CI stayed pending for the whole baseline timeout. */
  const baselineStalled = (fields: Partial<Target> = {}): Target => {
    const transition = step(atBaseline(fields), { type: 'tick' }, baselinePolicy, later(120));
    expect(transition.target).toMatchObject({ state: 'stalled', reason: 'baseline-timeout' });
    return transition.target;
  };

  it('schedules its first poll an hour after stalling', () => {
    const transition = step(atBaseline(), { type: 'tick' }, baselinePolicy, later(120));

    expect(transition.target.wakeAt).toBe(later(180).toISOString());
    expect(transition.effects).toEqual([{ type: 'schedule-tick', at: later(180).toISOString() }]);
    expect(findPollAt(transition.target, baselinePolicy)).toBe(later(180).toISOString());
  });

  it('reads the default branch when due, at the decaying rate of CI stalls', () => {
    expect(step(baselineStalled(), { type: 'tick' }, baselinePolicy, later(150)).outcome).toBe(
      'ignored-irrelevant',
    );

    const polled = step(baselineStalled(), { type: 'tick' }, baselinePolicy, later(600));

    // Stalled for 480 minutes: the next poll is 240 minutes out.
    expect(polled.effects).toEqual([
      { type: 'read-baseline', baseRef: 'main' },
      { type: 'schedule-tick', at: later(840).toISOString() },
    ]);
    expect(polled.target).toMatchObject({ state: 'stalled', wakeAt: later(840).toISOString() });
  });

  it('still pending: stays stalled until the next poll', () => {
    const transition = step(
      baselineStalled(),
      { type: 'baseline-observed', sha: BASE, ci: 'pending' },
      baselinePolicy,
      later(200),
    );

    expect(transition.outcome).toBe('ignored-irrelevant');
  });

  it('green late: back to the queue, so the draft is admitted under the rollout limits', () => {
    const transition = step(
      baselineStalled(),
      { type: 'baseline-observed', sha: BASE, ci: 'green' },
      baselinePolicy,
      later(200),
    );

    expect(transition.outcome).toBe('applied');
    expect(transition.note).toBe('default branch CI finished late (green on aaaaaaa): queued for admission');
    expect(transition.target.state).toBe('queued');
    expect(transition.target.failure).toBeUndefined();
    expect(transition.target.wakeAt).toBeUndefined();
    expect(transition.effects).toEqual([]);
  });

  it('red late: skipped, as it would have been on time', () => {
    const transition = step(
      baselineStalled(),
      { type: 'baseline-observed', sha: BASE, ci: 'red', failing: ['build'] },
      baselinePolicy,
      later(200),
    );

    expect(transition.target).toMatchObject({ state: 'skipped', reason: 'baseline-red' });
    expect(transition.target.detail).toBe('failing on aaaaaaa: build');
  });

  it('no CI at all: skipped unless the manifest allows it', () => {
    const none = { type: 'baseline-observed', sha: BASE, ci: 'none' } as const;

    expect(step(baselineStalled(), none, baselinePolicy, later(200)).target).toMatchObject({
      state: 'skipped',
      reason: 'no-ci',
    });
    expect(
      step(baselineStalled(), none, buildPolicy({ ...baselinePolicy, allowNoCi: true }), later(200)).target
        .state,
    ).toBe('queued');
  });

  it('a retried PR whose baseline stalled goes back to the queue with its labels', () => {
    const pr = baselineStalled({ prNumber: 7, lastPushedSha: PUSHED, headSha: PUSHED, baseSha: BASE });

    const transition = step(
      pr,
      { type: 'baseline-observed', sha: OTHER, ci: 'green' },
      baselinePolicy,
      later(200),
    );

    expect(transition.target).toMatchObject({ state: 'queued', prNumber: 7 });
    expect(types(transition.effects)).toEqual(['set-labels', 'update-marker']);
  });
});
