/**
 * `/migrate retry` in the state machine (issue 8): every state, with and without a PR, with and
 * without a person's commit on the branch, `--force`, budgets, and the whole path of a retry
 * (baseline → regenerate → reset → push) as `step` sees it.
 */
import { describe, expect, it } from 'vitest';
import type { CoderRunSummary, TargetEvent } from '../../../src/core/target/events.ts';
import { buildPolicy } from '../../../src/core/target/policy.ts';
import { step } from '../../../src/core/target/step.ts';
import type { StepOutcome } from '../../../src/core/target/step.ts';
import type { Target, TargetState } from '../../../src/core/target/target.ts';
import { Target as TargetSchema, budgetUsed } from '../../../src/core/target/target.ts';
import { BASE, PUSHED, T0, later, newTarget, targetWithPr, types, usage } from './step-fixtures.ts';

const HUMAN = 'c'.repeat(40);
const NEW_BASE = 'd'.repeat(40);

function withPr(fields: Partial<Target> = {}): Target {
  return targetWithPr({
    state: 'exhausted',
    reason: 'iteration-budget',
    failure: { class: 'ci-failure', signature: 'tsc TS2345 <n>', example: 'TS2345 bad argument' },
    iteration: 3,
    usage: usage(1.5),
    history: [
      {
        iteration: 3,
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

function withoutPr(fields: Partial<Target> = {}): Target {
  return newTarget({
    state: 'skipped',
    reason: 'baseline-red',
    failure: { class: 'baseline-ci', signature: 'baseline red: build' },
    ...fields,
  });
}

const policy = buildPolicy({ maxIterations: 3, maxCostPerRepoUsd: 5, manifestRevision: 'rev2' });
const retry = (force = false, headSha?: string): TargetEvent => ({
  type: 'command-received',
  command: { name: 'retry', force, ...(headSha ? { headSha } : {}) },
  actor: 'maya',
});
const admitted: TargetEvent = { type: 'admitted', revision: 'rev3', baseRef: 'main' };
/** A retry, then the planner's admission: the target at baseline. */
const startOver = (before: Target, event: TargetEvent = retry()): Target =>
  step(step(before, event, policy, T0).target, admitted, policy, T0).target;
const coderFinished = (files: string[], outcome: CoderRunSummary['outcome'] = 'changed'): TargetEvent => ({
  type: 'coder-finished',
  result: { outcome, summary: 'redid the migration', files, usage: usage(0.25) },
});

describe('core/target/step — /migrate retry', () => {
  describe('with a PR: queued for a coder slot on the current revision, fresh per-attempt budget', () => {
    it.each<[TargetState, Partial<Target>]>([
      ['exhausted', {}],
      ['stalled', { reason: 'ci-timeout', resumeState: 'awaiting-ci' }],
      ['paused', { reason: 'stopped', resumeState: 'awaiting-ci' }],
      ['error', { reason: 'github-error', errorCount: 4 }],
      ['awaiting-ci', { reason: undefined }],
      ['judging', { reason: undefined }],
      ['owner-review', { reason: undefined }],
      ['ready', { reason: undefined }],
      ['skipped', { reason: 'baseline-red' }],
      ['not-applicable', { reason: 'nothing-to-change' }],
    ])('from %s', (state, fields) => {
      const before = withPr({ state, ...fields });

      const transition = step(before, retry(), policy, later(5));

      expect(transition.outcome).toBe('applied');
      expect(transition.note).toBe('queued for a coder slot with revision rev2');
      expect(transition.target).toMatchObject({
        state: 'queued',
        manifestRevision: 'rev2',
        iteration: 3,
        usage: { costUsd: 1.5 },
        budgetStart: { iteration: 3, costUsd: 1.5 },
        retries: 1,
        errorCount: 0,
        pending: { command: 'retry', by: 'maya', at: later(5).toISOString() },
        lastPushedSha: PUSHED,
        prNumber: 7,
      });
      expect(transition.target.failure).toBeUndefined();
      expect(transition.target.reason).toBeUndefined();
      expect(transition.target.pending?.discardHead).toBeUndefined();
      expect(budgetUsed(transition.target)).toEqual({ iterations: 0, costUsd: 0 });
      // Nothing is read or run until the planner admits it (admit-targets.ts).
      expect(transition.effects).toEqual([
        {
          type: 'set-labels',
          add: ['fleetwright', 'fleetwright:queued'],
          remove: expect.any(Array) as unknown as string[],
        },
        { type: 'update-marker' },
      ]);
      expect(TargetSchema.safeParse(transition.target).success).toBe(true);

      const started = step(transition.target, admitted, policy, later(6));
      expect(started.target).toMatchObject({ state: 'baseline', manifestRevision: 'rev3', prNumber: 7 });
      expect(started.target.pending).toMatchObject({ command: 'retry', by: 'maya' });
      expect(started.effects).toEqual([
        { type: 'set-labels', add: ['fleetwright', 'fleetwright:baseline'], remove: ['fleetwright:queued'] },
        { type: 'update-marker' },
        { type: 'read-baseline', baseRef: 'main' },
      ]);
    });

    it('keeps its revision when the workflow does not say which is current', () => {
      const transition = step(withPr(), retry(), buildPolicy({ maxIterations: 3 }), T0);

      expect(transition.target).toMatchObject({ state: 'queued', manifestRevision: 'rev1' });
    });

    it('counts retries', () => {
      const transition = step(withPr({ retries: 2 }), retry(), policy, T0);

      expect(transition.target.retries).toBe(3);
    });
  });

  describe('with a PR: refused or ignored, the target unchanged', () => {
    it.each<[string, Target, TargetEvent, StepOutcome, RegExp, Policy?]>([
      [
        'a person committed on the branch (evidence: head ≠ last push)',
        withPr({ headSha: HUMAN }),
        retry(),
        'ignored-blocked',
        /commits fleetwright did not make.*`\/migrate retry --force`/,
      ],
      [
        'paused for a human commit',
        withPr({ state: 'paused', reason: 'human-commit', headSha: HUMAN, resumeState: 'awaiting-ci' }),
        retry(),
        'ignored-blocked',
        /--force/,
      ],
      [
        'the coder is drafting',
        withPr({ state: 'drafting' }),
        retry(),
        'ignored-blocked',
        /coder is running/,
      ],
      [
        'the coder is repairing',
        withPr({ state: 'repairing' }),
        retry(true),
        'ignored-blocked',
        /coder is running/,
      ],
      [
        'a retry is already starting',
        withPr({ state: 'baseline' }),
        retry(),
        'ignored-duplicate',
        /already starting over/,
      ],
      ['merged', withPr({ state: 'merged' }), retry(), 'ignored-irrelevant', /merged/],
      [
        'closed by a person',
        withPr({ state: 'closed', reason: 'pr-closed' }),
        retry(),
        'ignored-irrelevant',
        /reopen/,
      ],
      [
        'the migration is paused',
        withPr(),
        retry(),
        'ignored-blocked',
        /migration is paused/,
        buildPolicy({ paused: true }),
      ],
      [
        "the migration's total budget is spent",
        withPr(),
        retry(),
        'ignored-blocked',
        /total budget is spent \(\$100\.00 of \$100\.00\)/,
        buildPolicy({ migrationSpentUsd: 100, maxTotalUsd: 100 }),
      ],
    ])('%s', (_name, before, event, outcome, note, stepPolicy = policy) => {
      const transition = step(before, event, stepPolicy, later(5));

      expect(transition.outcome).toBe(outcome);
      expect(transition.note).toMatch(note);
      expect(transition.target).toBe(before);
      expect(transition.effects).toEqual([]);
    });
  });

  describe('while it waits for a coder slot', () => {
    it("a person's push pauses it (before any coder run), saying what a retry would do to it", () => {
      const queued = step(withPr(), retry(), policy, T0).target;

      const pushed = step(
        queued,
        { type: 'human-commit-detected', sha: HUMAN, author: 'maya' },
        policy,
        later(1),
      );

      expect(pushed.target).toMatchObject({
        state: 'paused',
        reason: 'human-commit',
        resumeState: 'awaiting-ci',
        headSha: HUMAN,
        iteration: 3,
      });
      expect(pushed.target.pending).toBeUndefined();
      expect(pushed.effects.find((effect) => effect.type === 'comment')).toMatchObject({
        body: expect.stringMatching(
          /^fleetwright did not retry: the branch has a commit by maya it did not make \(branch head ccccccc\).*`\/migrate retry --force`.*`\/migrate continue`/,
        ) as unknown as string,
      });
    });

    it('a forced retry pauses for a commit pushed after the agreed head', () => {
      const queued = step(withPr({ headSha: HUMAN }), retry(true, HUMAN), policy, T0).target;

      const later_ = step(queued, { type: 'human-commit-detected', sha: NEW_BASE }, policy, later(1));

      expect(later_.target).toMatchObject({ state: 'paused', reason: 'human-commit', headSha: NEW_BASE });
    });

    describe('/migrate stop cancels the wait', () => {
      const stop: TargetEvent = { type: 'command-received', command: { name: 'stop' }, actor: 'olivia' };
      const resume: TargetEvent = {
        type: 'command-received',
        command: { name: 'continue' },
        actor: 'olivia',
      };

      it.each<[string, () => Target]>([
        ['queued for a coder slot', () => step(withPr(), retry(), policy, T0).target],
        ['admitted, reading the default branch', () => startOver(withPr())],
      ])('while %s: paused (stopped), labels and marker follow, no coder run', (_name, waiting) => {
        const before = waiting();

        const stopped = step(before, stop, policy, later(1));

        expect(stopped.outcome).toBe('applied');
        expect(stopped.note).toBe('the retry waiting to start is cancelled');
        expect(stopped.target).toMatchObject({
          state: 'paused',
          reason: 'stopped',
          resumeState: 'awaiting-ci',
          lastPushedSha: PUSHED,
          headSha: PUSHED,
          iteration: 3,
        });
        expect(stopped.target.pending).toBeUndefined();
        expect(stopped.target.wakeAt).toBeUndefined();
        expect(stopped.effects).toEqual([
          {
            type: 'set-labels',
            add: expect.arrayContaining(['fleetwright:paused']) as unknown as string[],
            remove: [`fleetwright:${before.state}`],
          },
          { type: 'update-marker' },
        ]);
        expect(() => TargetSchema.parse(stopped.target)).not.toThrow();
      });

      it('a late admission or baseline reading finds it stopped and starts nothing', () => {
        const stopped = step(step(withPr(), retry(), policy, T0).target, stop, policy, later(1)).target;

        expect(step(stopped, admitted, policy, later(2)).outcome).toBe('ignored-irrelevant');
        expect(
          step(stopped, { type: 'baseline-observed', sha: NEW_BASE, ci: 'green' }, policy, later(2)).outcome,
        ).toBe('ignored-irrelevant');
      });

      it('`/migrate continue` carries on from the PR as it is: its CI is read again, nothing is reset', () => {
        const stopped = step(step(withPr(), retry(), policy, T0).target, stop, policy, later(1)).target;

        const resumed = step(stopped, resume, policy, later(2));

        expect(resumed.target).toMatchObject({ state: 'awaiting-ci', lastPushedSha: PUSHED });
        expect(types(resumed.effects)).toEqual(['set-labels', 'update-marker', 'read-ci', 'schedule-tick']);
      });

      it('`/migrate retry` queues it again', () => {
        const stopped = step(step(withPr(), retry(), policy, T0).target, stop, policy, later(1)).target;

        const again = step(stopped, retry(), policy, later(2));

        expect(again.target).toMatchObject({ state: 'queued', retries: 2, pending: { command: 'retry' } });
      });

      it('a second stop is a no-op', () => {
        const stopped = step(step(withPr(), retry(), policy, T0).target, stop, policy, later(1)).target;

        expect(step(stopped, stop, policy, later(2)).outcome).toBe('ignored-irrelevant');
      });
    });

    it('stays queued while the migration is paused; the planner admits nothing then', () => {
      const queued = step(withPr(), retry(), policy, T0).target;

      const blocked = step(queued, admitted, buildPolicy({ paused: true }), later(1));

      expect(blocked.outcome).toBe('ignored-blocked');
    });
  });

  describe('--force', () => {
    it('records the head the writer agreed to discard (from the command)', () => {
      const before = withPr({ state: 'paused', reason: 'human-commit', headSha: HUMAN });

      const transition = step(before, retry(true, HUMAN), policy, T0);

      expect(transition.outcome).toBe('applied');
      // The head is recorded, so loading the PR while it waits sees no news in the agreed commits.
      expect(transition.target).toMatchObject({
        state: 'queued',
        headSha: HUMAN,
        pending: { command: 'retry', by: 'maya', discardHead: HUMAN },
      });
      const seen = step(transition.target, { type: 'human-commit-detected', sha: HUMAN }, policy, T0);
      expect(seen.outcome).toBe('ignored-duplicate');
    });

    it("falls back to the target's own head when the command does not carry one", () => {
      const transition = step(withPr({ headSha: HUMAN }), retry(true), policy, T0);

      expect(transition.target.pending?.discardHead).toBe(HUMAN);
    });

    it('resets over the agreed head after the regenerate, then pushes one fresh commit', () => {
      const started = startOver(withPr({ headSha: HUMAN }), retry(true, HUMAN));
      const drafting = step(
        started,
        { type: 'baseline-observed', sha: NEW_BASE, ci: 'green' },
        policy,
        later(1),
      );
      expect(drafting.target).toMatchObject({ state: 'drafting', baseSha: NEW_BASE, iteration: 4 });
      expect(types(drafting.effects)).toEqual(['set-labels', 'update-marker', 'check-branch', 'run-coder']);
      // The check before the coder run discards only up to the agreed head, as the reset will.
      expect(drafting.effects[2]).toEqual({
        type: 'check-branch',
        branch: 'fleetwright/use-fetch',
        base: NEW_BASE,
        expectedHeadSha: HUMAN,
        force: true,
      });
      expect(drafting.effects.at(-1)).toMatchObject({ type: 'run-coder', mode: 'initial', sha: NEW_BASE });

      const finished = step(drafting.target, coderFinished(['src/http.ts']), policy, later(2));

      expect(finished.effects).toEqual([
        {
          type: 'reset-branch',
          branch: 'fleetwright/use-fetch',
          sha: NEW_BASE,
          expectedHeadSha: HUMAN,
          force: true,
        },
        expect.objectContaining({
          type: 'push-commit',
          expectedHeadSha: NEW_BASE,
          createBranch: false,
          headline: `fleetwright: use-fetch (retried on ${NEW_BASE.slice(0, 7)})`,
        }),
      ]);
      expect(finished.target.pending).toBeUndefined();
      expect(finished.target.history.at(-1)).toMatchObject({
        iteration: 4,
        mode: 'initial',
        trigger: { command: 'retry', by: 'maya', at: T0.toISOString() },
      });
      expect(finished.target.history.at(-1)?.summary).toMatch(/^retried on base ddddddd \(revision rev3\)/);
    });
  });

  describe('the whole path of a retry without a person on the branch', () => {
    it('baseline → drafting → reset over its own commits → push → awaiting CI, budget counted afresh', () => {
      const started = startOver(withPr());
      const drafting = step(started, { type: 'baseline-observed', sha: NEW_BASE, ci: 'green' }, policy, T0);
      // 3 runs already spent the iteration budget of 3: the retry starts a fresh one.
      expect(drafting.outcome).toBe('applied');
      expect(drafting.target.state).toBe('drafting');

      const finished = step(drafting.target, coderFinished(['src/http.ts']), policy, later(1));
      expect(finished.effects[0]).toEqual({
        type: 'reset-branch',
        branch: 'fleetwright/use-fetch',
        sha: NEW_BASE,
        expectedHeadSha: PUSHED,
      });

      const pushed = step(finished.target, { type: 'commit-pushed', sha: 'e'.repeat(40) }, policy, later(2));
      expect(pushed.target).toMatchObject({ state: 'awaiting-ci', iteration: 4, usage: { costUsd: 1.75 } });
      expect(pushed.target.pending).toBeUndefined();
      expect(budgetUsed(pushed.target)).toEqual({ iterations: 1, costUsd: 0.25 });
      expect(types(pushed.effects)).toEqual(['set-labels', 'update-marker', 'schedule-tick']);
    });

    it('a red default branch ends the retry as skipped, with the PR labels following', () => {
      const started = startOver(withPr());

      const red = step(
        started,
        { type: 'baseline-observed', sha: NEW_BASE, ci: 'red', failing: ['build'] },
        policy,
        later(1),
      );

      expect(red.target).toMatchObject({ state: 'skipped', reason: 'baseline-red', prNumber: 7 });
      expect(red.target.pending).toBeUndefined();
      expect(types(red.effects)).toEqual(['set-labels', 'update-marker']);
    });

    it('a migration paused while the retry reads the base sends it back to the queue', () => {
      const started = startOver(withPr());

      const paused = step(
        started,
        { type: 'baseline-observed', sha: NEW_BASE, ci: 'green' },
        buildPolicy({ paused: true }),
        later(1),
      );

      expect(paused.target).toMatchObject({ state: 'queued', prNumber: 7, pending: { command: 'retry' } });
      expect(types(paused.effects)).toEqual(['set-labels', 'update-marker']);
    });

    it('the iteration budget of the new attempt still ends it', () => {
      let current = startOver(withPr());
      current = { ...current, state: 'awaiting-ci', iteration: 6, pending: undefined };
      delete current.pending;

      const red = step(current, { type: 'ci-completed', headSha: PUSHED, ci: 'red' }, policy, later(1));

      expect(red.target).toMatchObject({ state: 'exhausted', reason: 'iteration-budget', iteration: 6 });
      expect(red.target.detail).toBe('iteration budget spent (3 runs)');
    });

    it('a person committing during the regenerate pauses it (the reset found their commit)', () => {
      const started = startOver(withPr());
      const drafting = step(
        started,
        { type: 'baseline-observed', sha: NEW_BASE, ci: 'green' },
        policy,
        T0,
      ).target;

      const found = step(
        drafting,
        { type: 'human-commit-detected', sha: HUMAN, author: 'maya', beforeReset: true },
        policy,
        later(1),
      );

      expect(found.target).toMatchObject({ state: 'paused', reason: 'human-commit', headSha: HUMAN });
      expect(found.target.pending).toBeUndefined();
    });
  });

  describe('without a PR: back to the queue, admitted again under the rollout limits', () => {
    it.each<[string, Partial<Target>]>([
      ['skipped: baseline red', {}],
      ['skipped: no CI', { reason: 'no-ci', failure: { class: 'no-ci', signature: 'no CI' } }],
      ['not-applicable', { state: 'not-applicable', reason: 'nothing-to-change' }],
      [
        'exhausted before a PR (the coder gave up)',
        { state: 'exhausted', reason: 'coder-gave-up', iteration: 1 },
      ],
      ['stalled at baseline', { state: 'stalled', reason: 'baseline-timeout' }],
      ['error before a PR', { state: 'error', reason: 'github-error', errorCount: 9 }],
    ])('%s', (_name, fields) => {
      const before = withoutPr(fields);

      const transition = step(before, retry(), policy, later(5));

      expect(transition.outcome).toBe('applied');
      expect(transition.effects).toEqual([]);
      expect(transition.target).toMatchObject({
        state: 'queued',
        retries: 1,
        errorCount: 0,
        pending: { command: 'retry', by: 'maya' },
        budgetStart: { iteration: before.iteration, costUsd: 0 },
      });
      expect(transition.target.failure).toBeUndefined();
      expect(TargetSchema.safeParse(transition.target).success).toBe(true);
    });

    it('admission then applies the latest revision', () => {
      const queued = step(withoutPr(), retry(), policy, T0).target;

      const admitted = step(queued, { type: 'admitted', revision: 'rev3', baseRef: 'main' }, policy, T0);

      expect(admitted.target).toMatchObject({ state: 'baseline', manifestRevision: 'rev3' });
      expect(admitted.effects).toEqual([{ type: 'read-baseline', baseRef: 'main' }]);
    });

    it('even while the migration is paused (the queue waits for the resume)', () => {
      const transition = step(withoutPr(), retry(), buildPolicy({ paused: true }), T0);

      expect(transition.target.state).toBe('queued');
    });

    it('a pushed branch whose PR never opened is regenerated in place, then the PR opens', () => {
      const before = withoutPr({
        state: 'error',
        reason: 'github-error',
        baseSha: BASE,
        iteration: 1,
        lastPushedSha: PUSHED,
        headSha: PUSHED,
        history: [
          {
            iteration: 1,
            mode: 'initial',
            outcome: 'changed',
            summary: 'x',
            files: ['a.ts'],
            sha: PUSHED,
            costUsd: 0.1,
            at: T0.toISOString(),
          },
        ],
      });
      const queued = step(before, retry(), policy, T0).target;
      const atBaseline = step(
        queued,
        { type: 'admitted', revision: 'rev3', baseRef: 'main' },
        policy,
        T0,
      ).target;
      const drafting = step(
        atBaseline,
        { type: 'baseline-observed', sha: NEW_BASE, ci: 'green' },
        policy,
        T0,
      );

      const finished = step(drafting.target, coderFinished(['a.ts']), policy, later(1));
      expect(types(finished.effects)).toEqual(['reset-branch', 'push-commit']);

      const pushed = step(finished.target, { type: 'commit-pushed', sha: 'e'.repeat(40) }, policy, later(2));
      expect(types(pushed.effects)).toEqual(['open-draft-pr', 'schedule-tick']);
    });

    it.each<[string, Target, StepOutcome, RegExp]>([
      ['already queued', withoutPr({ state: 'queued' }), 'ignored-duplicate', /already queued/],
      [
        'ineligible (archived)',
        withoutPr({ reason: 'archived', failure: { class: 'ineligible', signature: 'archived' } }),
        'ignored-irrelevant',
        /not eligible \(archived\)/,
      ],
      [
        'a branch a person created',
        withoutPr({ state: 'paused', reason: 'foreign-branch' }),
        'ignored-blocked',
        /was not created by fleetwright/,
      ],
      ['the coder is drafting', withoutPr({ state: 'drafting' }), 'ignored-blocked', /coder is running/],
    ])('ignored: %s', (_name, before, outcome, note) => {
      const transition = step(before, retry(true), policy, T0);

      expect(transition.outcome).toBe(outcome);
      expect(transition.note).toMatch(note);
      expect(transition.target).toBe(before);
    });

    it('a person’s commit found by the reset of a PR-less regenerate pauses it as a foreign branch', () => {
      const before = withoutPr({
        state: 'drafting',
        baseSha: NEW_BASE,
        lastPushedSha: PUSHED,
        headSha: PUSHED,
      });

      const found = step(
        before,
        { type: 'human-commit-detected', sha: HUMAN, beforeReset: true },
        policy,
        T0,
      );

      expect(found.target).toMatchObject({ state: 'paused', reason: 'foreign-branch' });
    });
  });

  it('a retry twice in a row is applied once (the second finds it already starting)', () => {
    const first = step(withPr(), retry(), policy, T0);
    const second = step(first.target, retry(), policy, later(1));

    expect(first.outcome).toBe('applied');
    expect(second.outcome).toBe('ignored-duplicate');
  });
});

type Policy = ReturnType<typeof buildPolicy>;
