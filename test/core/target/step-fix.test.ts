/**
 * `/migrate fix <instruction>` in the state machine (issue 8): which states run one repair
 * iteration with the maintainer's instruction, the budgets (one iteration past the iteration
 * budget, never past a cost budget), and where a fix that pushed nothing returns to.
 */
import { describe, expect, it } from 'vitest';
import type { CoderRunSummary, TargetEvent } from '../../../src/core/target/events.ts';
import { buildPolicy } from '../../../src/core/target/policy.ts';
import { step } from '../../../src/core/target/step.ts';
import type { StepOutcome } from '../../../src/core/target/step.ts';
import type { Target, TargetState } from '../../../src/core/target/target.ts';
import { Target as TargetSchema } from '../../../src/core/target/target.ts';
import { PUSHED, T0, later, targetWithPr, usage } from './step-fixtures.ts';

const HUMAN = 'c'.repeat(40);
const FIXED = 'e'.repeat(40);
const INSTRUCTION = 'Keep the old `request` import as an alias until v3.';

function withPr(fields: Partial<Target> = {}): Target {
  return targetWithPr({
    iteration: 2,
    usage: usage(1),
    history: [
      {
        iteration: 2,
        mode: 'repair',
        outcome: 'changed',
        summary: 'fixed types',
        files: ['src/http.ts'],
        sha: PUSHED,
        costUsd: 0.5,
        at: T0.toISOString(),
        result: 'CI red: TS2345',
      },
    ],
    ...fields,
  });
}

const policy = buildPolicy({ maxIterations: 3, maxCostPerRepoUsd: 5 });
const fix: TargetEvent = {
  type: 'command-received',
  command: { name: 'fix', instruction: INSTRUCTION },
  actor: 'maya',
};
const coderFinished = (files: string[], outcome: CoderRunSummary['outcome'] = 'changed', reason?: string) =>
  ({
    type: 'coder-finished',
    result: {
      outcome,
      summary: 'applied the maintainer instruction',
      files,
      usage: usage(0.2),
      ...(reason ? { reason } : {}),
    },
  }) satisfies TargetEvent;

describe('core/target/step — /migrate fix', () => {
  it.each<[TargetState, Partial<Target>]>([
    ['awaiting-ci', {}],
    ['judging', {}],
    ['owner-review', {}],
    ['ready', {}],
    ['paused', { reason: 'stopped', resumeState: 'awaiting-ci' }],
    ['stalled', { reason: 'ci-timeout', resumeState: 'awaiting-ci' }],
    ['exhausted', { reason: 'coder-gave-up' }],
    ['error', { reason: 'github-error', errorCount: 2 }],
  ])('from %s: one repair iteration with the instruction, on the last push', (state, fields) => {
    const before = withPr({ state, ...fields });

    const transition = step(before, fix, policy, later(5));

    expect(transition.outcome).toBe('applied');
    expect(transition.target).toMatchObject({
      state: 'repairing',
      iteration: 3,
      lastPushedSha: PUSHED,
      pending: { command: 'fix', by: 'maya', at: later(5).toISOString(), from: state },
    });
    expect(transition.effects.at(-1)).toEqual({
      type: 'run-coder',
      mode: 'repair',
      iteration: 3,
      sha: PUSHED,
      history: before.history,
      instruction: INSTRUCTION,
    });
    expect(transition.effects.map((effect) => effect.type)).toEqual([
      'set-labels',
      'update-marker',
      'run-coder',
    ]);
    expect(TargetSchema.safeParse(transition.target).success).toBe(true);
  });

  it('grants one iteration past the iteration budget, and says so', () => {
    const before = withPr({ state: 'exhausted', reason: 'iteration-budget', iteration: 3 });

    const transition = step(before, fix, policy, T0);

    expect(transition.outcome).toBe('applied');
    expect(transition.target.iteration).toBe(4);
    expect(transition.note).toBe('iteration 4, one beyond the budget of 3, granted by the command');
  });

  it('builds on a person’s commit rather than discarding it', () => {
    const before = withPr({
      state: 'paused',
      reason: 'human-commit',
      headSha: HUMAN,
      resumeState: 'awaiting-ci',
    });

    const transition = step(before, fix, policy, T0);

    expect(transition.target).toMatchObject({ state: 'repairing', lastPushedSha: HUMAN, headSha: HUMAN });
    expect(transition.effects.at(-1)).toMatchObject({ type: 'run-coder', sha: HUMAN });
  });

  it.each<[string, Target, StepOutcome, RegExp, ReturnType<typeof buildPolicy>?]>([
    [
      'the per-repository cost budget is spent',
      withPr({ state: 'exhausted', reason: 'cost-budget', usage: usage(5) }),
      'ignored-blocked',
      /cost budget is spent \(\$5\.00 of \$5\.00\); `\/migrate retry` starts over with a fresh budget/,
    ],
    [
      'both budgets are spent: the cost budget refuses',
      withPr({ iteration: 3, usage: usage(6) }),
      'ignored-blocked',
      /cost budget is spent \(\$6\.00 of \$5\.00\)/,
    ],
    [
      "the migration's total is spent",
      withPr(),
      'ignored-blocked',
      /total budget is spent/,
      buildPolicy({ migrationSpentUsd: 100, maxTotalUsd: 100 }),
    ],
    [
      'the migration is paused',
      withPr(),
      'ignored-blocked',
      /migration is paused/,
      buildPolicy({ paused: true }),
    ],
    ['the coder is repairing', withPr({ state: 'repairing' }), 'ignored-blocked', /coder is running/],
    ['the coder is drafting', withPr({ state: 'drafting' }), 'ignored-blocked', /coder is running/],
    ['a retry is starting', withPr({ state: 'baseline' }), 'ignored-irrelevant', /starting over/],
    ['merged', withPr({ state: 'merged' }), 'ignored-irrelevant', /final state/],
    ['closed', withPr({ state: 'closed', reason: 'pr-closed' }), 'ignored-irrelevant', /final state/],
    [
      'skipped (after a retry on a red base)',
      withPr({ state: 'skipped' }),
      'ignored-irrelevant',
      /final state/,
    ],
    ['no PR at all', withPr({ prNumber: undefined, state: 'exhausted' }), 'ignored-irrelevant', /no PR/],
  ])('ignored: %s', (_name, raw, outcome, note, stepPolicy = policy) => {
    const before = { ...raw };
    if (before.prNumber === undefined) delete before.prNumber;

    const transition = step(before, fix, stepPolicy, T0);

    expect(transition.outcome).toBe(outcome);
    expect(transition.note).toMatch(note);
    expect(transition.target).toBe(before);
    expect(transition.effects).toEqual([]);
  });

  it('a fix that changed files pushes one commit naming who asked, and records it in the history', () => {
    const repairing = step(
      withPr({ state: 'exhausted', reason: 'iteration-budget', iteration: 3 }),
      fix,
      policy,
      T0,
    ).target;

    const finished = step(repairing, coderFinished(['src/http.ts']), policy, later(1));

    expect(finished.effects).toEqual([
      expect.objectContaining({
        type: 'push-commit',
        expectedHeadSha: PUSHED,
        createBranch: false,
        headline: 'fleetwright: use-fetch (iteration 4, /migrate fix by @maya)',
      }),
    ]);
    expect(finished.target.history.at(-1)).toMatchObject({
      iteration: 4,
      mode: 'repair',
      trigger: { command: 'fix', by: 'maya', at: T0.toISOString() },
    });
    expect(finished.target.pending).toBeUndefined();

    const pushed = step(finished.target, { type: 'commit-pushed', sha: FIXED }, policy, later(2));
    expect(pushed.target).toMatchObject({
      state: 'awaiting-ci',
      lastPushedSha: FIXED,
      usage: { costUsd: 1.2 },
    });
  });

  it.each<[TargetState, Partial<Target>, Partial<Target>]>([
    ['owner-review', {}, { state: 'owner-review' }],
    ['ready', {}, { state: 'ready' }],
    [
      'paused',
      { reason: 'stopped', resumeState: 'awaiting-ci' },
      { state: 'paused', reason: 'stopped', resumeState: 'awaiting-ci' },
    ],
    ['exhausted', { reason: 'iteration-budget' }, { state: 'exhausted', reason: 'iteration-budget' }],
  ])('a fix that pushed nothing returns %s to where it was, with the reason', (state, fields, expected) => {
    const repairing = step(withPr({ state, ...fields }), fix, policy, T0).target;

    const finished = step(
      repairing,
      coderFinished([], 'gave-up', 'the alias would break the build'),
      policy,
      later(1),
    );

    expect(finished.target).toMatchObject({
      ...expected,
      detail: '/migrate fix by @maya made no change: the alias would break the build',
      iteration: 3,
    });
    expect(finished.target.pending).toBeUndefined();
    expect(finished.note).toBe('the fix made no change');
  });

  it('a fix that pushed nothing while CI ran reads CI again', () => {
    const repairing = step(withPr(), fix, policy, T0).target;

    const finished = step(repairing, coderFinished([], 'not-applicable'), policy, later(1));

    expect(finished.target.state).toBe('awaiting-ci');
    expect(finished.effects.map((effect) => effect.type)).toEqual([
      'set-labels',
      'update-marker',
      'read-ci',
      'schedule-tick',
    ]);
  });

  it('a coder error during a fix is an error like any other run', () => {
    const repairing = step(withPr(), fix, policy, T0).target;

    const finished = step(repairing, coderFinished([], 'error', 'API down'), policy, later(1));

    expect(finished.target).toMatchObject({ state: 'error', reason: 'coder-error' });
    expect(finished.target.pending).toBeUndefined();
  });
});
