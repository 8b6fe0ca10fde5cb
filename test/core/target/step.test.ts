import { describe, expect, it } from 'vitest';
import type { FailureReport } from '../../../src/contracts/failure-report.ts';
import type { CoderRunSummary, TargetEvent } from '../../../src/core/target/events.ts';
import { buildPolicy } from '../../../src/core/target/policy.ts';
import { step } from '../../../src/core/target/step.ts';
import type { Target, TargetState } from '../../../src/core/target/target.ts';
import { Target as TargetSchema } from '../../../src/core/target/target.ts';
import { BASE, PUSHED, T0, later, newTarget as target, targetWithPr, types, usage } from './step-fixtures.ts';

const OTHER = 'c'.repeat(40);
const NEWER = 'd'.repeat(40);

const atBaseline = (fields: Partial<Target> = {}) => target({ state: 'baseline', ...fields });
const drafting = (fields: Partial<Target> = {}) =>
  target({ state: 'drafting', baseSha: BASE, iteration: 1, ...fields });
const awaiting = targetWithPr;

function coder(
  outcome: CoderRunSummary['outcome'],
  files: string[],
  extra: Partial<CoderRunSummary> = {},
): TargetEvent {
  return {
    type: 'coder-finished',
    result: { outcome, summary: 'did things', files, usage: usage(0.5), ...extra },
  };
}

const report: FailureReport = {
  schemaVersion: 1,
  conclusion: 'failure',
  tools: ['tsc'],
  findings: [
    {
      kind: 'type-error',
      tool: 'tsc',
      file: 'src/http.ts',
      line: 12,
      code: 'TS2345',
      severity: 'error',
      message: "Argument of type 'string' is not assignable to parameter of type 'number'.",
      occurrences: 1,
    },
  ],
  dropped: [],
  truncated: false,
};

const policy = buildPolicy({ maxIterations: 3, maxCostPerRepoUsd: 5 });

describe('core/target/step', () => {
  describe('transitions of the fan-out lifecycle', () => {
    it.each<[string, Target, TargetEvent, Partial<Target>, string[]]>([
      [
        'admitted → baseline',
        target(),
        { type: 'admitted', revision: 'rev2', baseRef: 'main' },
        { state: 'baseline', manifestRevision: 'rev2' },
        ['read-baseline'],
      ],
      [
        'baseline green → drafting, coder runs',
        atBaseline(),
        { type: 'baseline-observed', sha: BASE, ci: 'green' },
        { state: 'drafting', baseSha: BASE, iteration: 1 },
        ['run-coder'],
      ],
      [
        'baseline red → skipped',
        atBaseline(),
        { type: 'baseline-observed', sha: BASE, ci: 'red', failing: ['build'] },
        { state: 'skipped', reason: 'baseline-red' },
        [],
      ],
      [
        'baseline none → skipped no-ci',
        atBaseline(),
        { type: 'baseline-observed', sha: BASE, ci: 'none' },
        { state: 'skipped', reason: 'no-ci' },
        [],
      ],
      [
        'baseline pending → waits',
        atBaseline(),
        { type: 'baseline-observed', sha: BASE, ci: 'pending' },
        { state: 'baseline' },
        ['schedule-tick'],
      ],
      [
        'baseline tick → reads again',
        atBaseline(),
        { type: 'tick' },
        { state: 'baseline' },
        ['read-baseline'],
      ],
      [
        'coder changed → push first commit',
        drafting(),
        coder('changed', ['src/a.ts']),
        { state: 'drafting' },
        ['push-commit'],
      ],
      [
        'coder not-applicable → not-applicable',
        drafting(),
        coder('not-applicable', [], { reason: 'no request imports' }),
        { state: 'not-applicable', reason: 'nothing-to-change', detail: 'no request imports' },
        [],
      ],
      [
        'coder changed nothing → not-applicable',
        drafting(),
        coder('changed', []),
        { state: 'not-applicable', reason: 'nothing-to-change' },
        [],
      ],
      [
        'coder gave up → exhausted',
        drafting(),
        coder('gave-up', [], { reason: 'too hard' }),
        { state: 'exhausted', reason: 'coder-gave-up' },
        [],
      ],
      [
        'coder refused → exhausted',
        drafting(),
        coder('refused', []),
        { state: 'exhausted', reason: 'coder-refused' },
        [],
      ],
      [
        'coder timeout without changes → exhausted',
        drafting(),
        coder('timeout', []),
        { state: 'exhausted', reason: 'coder-limit' },
        [],
      ],
      [
        'coder timeout with partial changes → pushed',
        drafting(),
        coder('timeout', ['src/a.ts']),
        { state: 'drafting' },
        ['push-commit'],
      ],
      [
        'coder error → error',
        drafting(),
        coder('error', [], { reason: 'endpoint down' }),
        { state: 'error', reason: 'coder-error' },
        ['schedule-tick'],
      ],
      [
        'commit pushed → awaiting-ci, PR opens',
        drafting(),
        { type: 'commit-pushed', sha: PUSHED },
        { state: 'awaiting-ci', lastPushedSha: PUSHED, prOpenedAt: T0.toISOString() },
        ['open-draft-pr', 'schedule-tick'],
      ],
      [
        'PR opened → number recorded',
        awaiting({ prNumber: undefined }),
        { type: 'pr-opened', number: 9, headSha: PUSHED },
        { state: 'awaiting-ci', prNumber: 9 },
        [],
      ],
      [
        'CI changed on head → read CI',
        awaiting(),
        { type: 'ci-changed', headSha: PUSHED },
        { state: 'awaiting-ci' },
        ['read-ci'],
      ],
      [
        'CI green → judging',
        awaiting(),
        { type: 'ci-completed', headSha: PUSHED, ci: 'green' },
        { state: 'judging' },
        ['set-labels', 'update-marker', 'run-judge'],
      ],
      [
        'CI red → repairing',
        awaiting(),
        { type: 'ci-completed', headSha: PUSHED, ci: 'red', report },
        { state: 'repairing', iteration: 2 },
        ['set-labels', 'update-marker', 'run-coder'],
      ],
      [
        'CI red on last iteration → exhausted',
        awaiting({ iteration: 3 }),
        { type: 'ci-completed', headSha: PUSHED, ci: 'red', report },
        { state: 'exhausted', reason: 'iteration-budget' },
        ['set-labels', 'update-marker', 'comment'],
      ],
      [
        'CI timeout → stalled',
        awaiting(),
        { type: 'tick' },
        { state: 'awaiting-ci' },
        ['read-ci', 'schedule-tick'],
      ],
      [
        'repair pushed → awaiting-ci',
        awaiting({ state: 'repairing', iteration: 2 }),
        { type: 'commit-pushed', sha: NEWER },
        { state: 'awaiting-ci', lastPushedSha: NEWER },
        ['set-labels', 'update-marker', 'schedule-tick'],
      ],
      [
        'human commit → paused',
        awaiting(),
        { type: 'human-commit-detected', sha: OTHER, author: 'octocat' },
        { state: 'paused', reason: 'human-commit', resumeState: 'awaiting-ci', headSha: OTHER },
        ['set-labels', 'update-marker', 'comment'],
      ],
      [
        'PR merged → merged',
        awaiting(),
        { type: 'pr-merged' },
        { state: 'merged' },
        ['set-labels', 'update-marker'],
      ],
      ['PR closed → closed', awaiting(), { type: 'pr-closed' }, { state: 'closed', reason: 'pr-closed' }, []],
      [
        'branch deleted → closed',
        awaiting(),
        { type: 'branch-deleted' },
        { state: 'closed', reason: 'branch-deleted' },
        [],
      ],
      [
        'orphan branch of ours → adopt and open PR',
        atBaseline(),
        { type: 'branch-found', sha: PUSHED, ours: true },
        { state: 'awaiting-ci', lastPushedSha: PUSHED },
        ['open-draft-pr'],
      ],
      [
        'foreign branch → paused',
        target(),
        { type: 'branch-found', sha: OTHER, ours: false },
        { state: 'paused', reason: 'foreign-branch' },
        [],
      ],
      [
        'effect failed → error with back-off',
        drafting(),
        {
          type: 'effect-failed',
          effect: 'push-commit',
          error: { kind: 'http', status: 502, message: 'bad gateway' },
        },
        { state: 'error', reason: 'github-error', errorCount: 1, resumeState: 'drafting' },
        ['schedule-tick'],
      ],
      [
        'stale head on push → error stale-head',
        drafting(),
        { type: 'effect-failed', effect: 'push-commit', error: { kind: 'stale-head', message: 'moved' } },
        { state: 'error', reason: 'stale-head' },
        ['schedule-tick'],
      ],
      [
        'error without push → back to the queue',
        target({ state: 'error', errorCount: 1, wakeAt: T0.toISOString() }),
        { type: 'tick' },
        { state: 'queued', errorCount: 1 },
        [],
      ],
      [
        'error after push → watch CI again',
        awaiting({ state: 'error', errorCount: 1, wakeAt: T0.toISOString() }),
        { type: 'tick' },
        { state: 'awaiting-ci' },
        ['set-labels', 'update-marker', 'read-ci', 'schedule-tick'],
      ],
      [
        'judge approves → ready',
        awaiting({ state: 'judging' }),
        {
          type: 'judge-finished',
          headSha: PUSHED,
          verdict: 'approve',
          reasons: [],
          requiredChanges: [],
          usage: usage(0.1),
        },
        { state: 'ready' },
        ['set-labels', 'update-marker', 'mark-ready'],
      ],
      [
        'judge rejects → repair with feedback',
        awaiting({ state: 'judging' }),
        {
          type: 'judge-finished',
          headSha: PUSHED,
          verdict: 'reject',
          reasons: ['deleted a test'],
          requiredChanges: ['restore the test'],
          usage: usage(0.1),
        },
        { state: 'repairing', iteration: 2 },
        ['set-labels', 'update-marker', 'run-coder'],
      ],
      [
        '/migrate stop → paused',
        awaiting(),
        { type: 'command-received', command: { name: 'stop' }, actor: 'octocat' },
        { state: 'paused', reason: 'stopped' },
        ['set-labels', 'update-marker'],
      ],
      [
        '/migrate continue after stall → awaiting-ci',
        awaiting({ state: 'stalled', reason: 'ci-timeout' }),
        { type: 'command-received', command: { name: 'continue' }, actor: 'octocat' },
        { state: 'awaiting-ci' },
        ['set-labels', 'update-marker', 'read-ci', 'schedule-tick'],
      ],
    ])('%s', (_name, before, event, expected, effects) => {
      const transition = step(before, event, policy, T0);

      expect(transition.outcome).toBe('applied');
      expect(transition.target).toMatchObject(expected);
      expect(types(transition.effects)).toEqual(effects);
      expect(TargetSchema.safeParse(transition.target).success).toBe(true);
    });
  });

  describe("a person's commit once people own the PR (ready, exhausted)", () => {
    it.each<TargetState>(['ready', 'exhausted'])('%s: recorded as the head, not a pause', (state) => {
      const before = awaiting({ state });

      const transition = step(before, { type: 'human-commit-detected', sha: OTHER }, policy, T0);

      expect(transition.outcome).toBe('applied');
      expect(transition.note).toBe(`human commit while ${state}: recorded, not paused`);
      expect(transition.target).toMatchObject({ state, headSha: OTHER, lastPushedSha: PUSHED });
      expect(types(transition.effects)).toEqual(['update-marker']);
      // Seen again (the next load of the PR): already known.
      expect(step(transition.target, { type: 'human-commit-detected', sha: OTHER }, policy, T0).outcome).toBe(
        'ignored-duplicate',
      );
      // A retry without --force now knows it would discard their commit.
      const retried = step(
        transition.target,
        { type: 'command-received', command: { name: 'retry', force: false }, actor: 'o' },
        policy,
        T0,
      );
      expect(retried.outcome).toBe('ignored-blocked');
      expect(retried.note).toMatch(/--force/);
    });
  });

  describe('ignored events', () => {
    it.each<[string, Target, TargetEvent, string]>([
      [
        'CI for an older SHA',
        awaiting(),
        { type: 'ci-completed', headSha: OTHER, ci: 'red', report },
        'ignored-stale',
      ],
      ['CI change for an older SHA', awaiting(), { type: 'ci-changed', headSha: OTHER }, 'ignored-stale'],
      [
        'a verdict for an older SHA',
        awaiting({ state: 'judging' }),
        {
          type: 'judge-finished',
          headSha: OTHER,
          verdict: 'approve',
          reasons: [],
          requiredChanges: [],
          usage: usage(0),
        },
        'ignored-stale',
      ],
      [
        'CI news for an older SHA while judging',
        awaiting({ state: 'judging' }),
        { type: 'ci-changed', headSha: OTHER },
        'ignored-stale',
      ],
      ['the same push twice', awaiting(), { type: 'commit-pushed', sha: PUSHED }, 'ignored-duplicate'],
      [
        'the same PR twice',
        awaiting(),
        { type: 'pr-opened', number: 7, headSha: PUSHED },
        'ignored-duplicate',
      ],
      [
        'admitted twice',
        atBaseline(),
        { type: 'admitted', revision: 'rev1', baseRef: 'main' },
        'ignored-irrelevant',
      ],
      ['merged twice', awaiting({ state: 'merged' }), { type: 'pr-merged' }, 'ignored-duplicate'],
      ['closed twice', awaiting({ state: 'closed' }), { type: 'pr-closed' }, 'ignored-duplicate'],
      [
        'our own push reported as a human commit',
        awaiting(),
        { type: 'human-commit-detected', sha: PUSHED },
        'ignored-duplicate',
      ],
      [
        'a second coder result for the same iteration',
        drafting({
          history: [
            {
              iteration: 1,
              mode: 'initial',
              outcome: 'changed',
              summary: 's',
              files: ['a'],
              costUsd: 0.1,
              at: T0.toISOString(),
            },
          ],
        }),
        coder('changed', ['a']),
        'ignored-duplicate',
      ],
      [
        'events in final states',
        target({ state: 'skipped', reason: 'baseline-red' }),
        { type: 'baseline-observed', sha: BASE, ci: 'green' },
        'ignored-irrelevant',
      ],
      ['a tick while the coder runs', drafting(), { type: 'tick' }, 'ignored-irrelevant'],
      [
        'CI pending (keep waiting)',
        awaiting(),
        { type: 'ci-completed', headSha: PUSHED, ci: 'pending' },
        'ignored-irrelevant',
      ],
      [
        'CI while drafting',
        drafting(),
        { type: 'ci-completed', headSha: PUSHED, ci: 'green' },
        'ignored-irrelevant',
      ],
      [
        'retry while the coder runs',
        awaiting({ state: 'repairing' }),
        { type: 'command-received', command: { name: 'retry', force: false }, actor: 'o' },
        'ignored-blocked',
      ],
    ])('%s', (_name, before, event, outcome) => {
      const transition = step(before, event, policy, T0);

      expect(transition.outcome).toBe(outcome);
      expect(transition.target).toBe(before);
      expect(transition.effects).toEqual([]);
    });
  });

  describe('budgets and pauses', () => {
    it.each<[string, Target, Partial<Parameters<typeof buildPolicy>[0]>, TargetEvent, Partial<Target>]>([
      [
        'no first run over the cost budget',
        atBaseline({ usage: usage(5) }),
        {},
        { type: 'baseline-observed', sha: BASE, ci: 'green' },
        { state: 'exhausted', reason: 'cost-budget' },
      ],
      [
        'no repair over the cost budget',
        awaiting({ usage: usage(5.01) }),
        {},
        { type: 'ci-completed', headSha: PUSHED, ci: 'red', report },
        { state: 'exhausted', reason: 'cost-budget' },
      ],
      [
        'no run over the migration budget',
        atBaseline(),
        { migrationSpentUsd: 100 },
        { type: 'baseline-observed', sha: BASE, ci: 'green' },
        { state: 'exhausted', reason: 'migration-budget' },
      ],
      [
        'no admission while paused',
        target(),
        { paused: true },
        { type: 'admitted', revision: 'rev1', baseRef: 'main' },
        { state: 'queued' },
      ],
      [
        'no admission while disabled',
        target(),
        { enabled: false },
        { type: 'admitted', revision: 'rev1', baseRef: 'main' },
        { state: 'queued' },
      ],
      [
        'paused before the baseline ends → back to the queue',
        atBaseline(),
        { paused: true },
        { type: 'baseline-observed', sha: BASE, ci: 'green' },
        { state: 'queued' },
      ],
      [
        'paused when CI is red → PR waits',
        awaiting(),
        { paused: true },
        { type: 'ci-completed', headSha: PUSHED, ci: 'red', report },
        { state: 'paused', reason: 'stopped' },
      ],
    ])('%s', (_name, before, overrides, event, expected) => {
      const transition = step(before, event, buildPolicy({ ...policy, ...overrides }), T0);

      expect(transition.target).toMatchObject(expected);
      expect(types(transition.effects)).not.toContain('run-coder');
    });

    it('drafts on a repository without CI when the manifest allows it', () => {
      const transition = step(
        atBaseline(),
        { type: 'baseline-observed', sha: BASE, ci: 'none' },
        buildPolicy({ allowNoCi: true }),
        T0,
      );

      expect(transition.target).toMatchObject({ state: 'drafting', iteration: 1 });
      expect(types(transition.effects)).toEqual(['run-coder']);
    });

    it('counts iterations when the coder starts, never beyond the budget', () => {
      let current = awaiting();
      let runs = 1;
      for (let round = 0; round < 10; round += 1) {
        const red = step(
          current,
          { type: 'ci-completed', headSha: current.lastPushedSha ?? '', ci: 'red', report },
          policy,
          T0,
        );
        if (red.target.state !== 'repairing') {
          current = red.target;
          break;
        }
        runs += 1;
        const coded = step(red.target, coder('changed', ['src/a.ts']), policy, T0);
        const sha = (round + 1).toString(16).padStart(40, 'e');
        current = step(coded.target, { type: 'commit-pushed', sha }, policy, T0).target;
      }

      expect(runs).toBe(3);
      expect(current.state).toBe('exhausted');
      expect(current.iteration).toBe(3);
      expect(current.history.map((attempt) => attempt.iteration)).toEqual([2, 3]);
    });

    it("adds each run's usage to the target", () => {
      const transition = step(drafting(), coder('changed', ['a.ts']), policy, T0);

      expect(transition.target.usage.costUsd).toBe(0.5);
      expect(transition.target.history).toHaveLength(1);
    });
  });

  describe('timeouts', () => {
    it('stalls a PR whose CI never finishes', () => {
      const transition = step(
        awaiting({ stateSince: T0.toISOString() }),
        { type: 'tick' },
        policy,
        later(121),
      );

      expect(transition.target).toMatchObject({
        state: 'stalled',
        reason: 'ci-timeout',
        failure: { class: 'ci-timeout' },
      });
      expect(types(transition.effects)).toEqual(['set-labels', 'update-marker', 'comment', 'schedule-tick']);
    });

    it('stalls a baseline that stays pending', () => {
      const transition = step(
        atBaseline(),
        { type: 'baseline-observed', sha: BASE, ci: 'pending' },
        policy,
        later(121),
      );

      expect(transition.target).toMatchObject({ state: 'stalled', reason: 'baseline-timeout' });
    });

    it('turns a coder run lost in a restart into a retryable error', () => {
      const transition = step(drafting(), { type: 'tick' }, policy, later(41));

      expect(transition.target).toMatchObject({ state: 'error', reason: 'unexpected' });
    });

    it('backs off exponentially and stops retrying after the limit', () => {
      const first = step(
        drafting(),
        { type: 'effect-failed', effect: 'x', error: { kind: 'http', message: 'e' } },
        policy,
        T0,
      );
      const second = step(
        { ...first.target, state: 'drafting' },
        { type: 'effect-failed', effect: 'x', error: { kind: 'http', message: 'e' } },
        policy,
        T0,
      );
      const early = step(first.target, { type: 'tick' }, policy, later(4));
      const spent = step({ ...first.target, errorCount: 4 }, { type: 'tick' }, policy, later(1000));

      expect(first.target.wakeAt).toBe(later(5).toISOString());
      expect(second.target.wakeAt).toBe(later(10).toISOString());
      expect(early.outcome).toBe('ignored-irrelevant');
      expect(spent.outcome).toBe('ignored-blocked');
    });
  });

  describe('failure class and signature on every non-green end', () => {
    it.each<[string, Target, TargetEvent, string]>([
      [
        'baseline red',
        atBaseline(),
        { type: 'baseline-observed', sha: BASE, ci: 'red', failing: ['build'] },
        'baseline-ci',
      ],
      ['no ci', atBaseline(), { type: 'baseline-observed', sha: BASE, ci: 'none' }, 'no-ci'],
      ['not applicable', drafting(), coder('not-applicable', []), 'not-applicable'],
      ['coder gave up', drafting(), coder('gave-up', []), 'coder'],
      [
        'budget after red CI keeps the CI failure',
        awaiting({ iteration: 3 }),
        { type: 'ci-completed', headSha: PUSHED, ci: 'red', report },
        'ci-failure',
      ],
      ['stalled', awaiting({ stateSince: later(-500).toISOString() }), { type: 'tick' }, 'ci-timeout'],
      ['paused by a human', awaiting(), { type: 'human-commit-detected', sha: OTHER }, 'human'],
      ['closed', awaiting(), { type: 'pr-closed' }, 'human'],
      [
        'error',
        drafting(),
        { type: 'effect-failed', effect: 'x', error: { kind: 'http', message: 'boom 500' } },
        'github',
      ],
    ])('%s', (_name, before, event, failureClass) => {
      const transition = step(before, event, policy, T0);

      expect(transition.target.failure?.class).toBe(failureClass);
      expect(transition.target.failure?.signature.length).toBeGreaterThan(0);
    });

    it('groups the same type error from two repositories under one signature', () => {
      const other: FailureReport = {
        ...report,
        findings: [
          {
            ...report.findings[0]!,
            file: 'lib/client.ts',
            line: 88,
            message: "Argument of type 'Foo' is not assignable to parameter of type 'Bar'.",
          },
        ],
      };
      const a = step(
        awaiting({ iteration: 3 }),
        { type: 'ci-completed', headSha: PUSHED, ci: 'red', report },
        policy,
        T0,
      );
      const b = step(
        awaiting({ iteration: 3, repo: 'acme/web' }),
        { type: 'ci-completed', headSha: PUSHED, ci: 'red', report: other },
        policy,
        T0,
      );

      expect(a.target.failure?.signature).toBe(b.target.failure?.signature);
      expect(a.target.failure?.signature).toBe(
        "tsc TS2345: Argument of type '<id>' is not assignable to parameter of type '<id>'.",
      );
    });
  });
  describe('judge verdicts and hand-over', () => {
    const verdict = (
      fields: Partial<Extract<TargetEvent, { type: 'judge-finished' }>> = {},
    ): TargetEvent => ({
      type: 'judge-finished',
      headSha: PUSHED,
      verdict: 'approve',
      reasons: [],
      requiredChanges: [],
      usage: usage(0.2),
      ...fields,
    });
    const rejection = verdict({
      verdict: 'reject',
      reasons: ['deleted the retry test'],
      requiredChanges: ['restore test/retry.test.ts'],
    });

    it.each<
      [string, Target, Partial<Parameters<typeof buildPolicy>[0]>, TargetEvent, Partial<Target>, string[]]
    >([
      [
        'approve with owner preview → owner-review, owners asked',
        awaiting({ state: 'judging' }),
        { ownerPreview: true },
        verdict(),
        { state: 'owner-review' },
        ['set-labels', 'update-marker', 'request-owner-review'],
      ],
      [
        'approve without owner preview → ready, hand-over',
        awaiting({ state: 'judging' }),
        { ownerPreview: false },
        verdict(),
        { state: 'ready' },
        ['set-labels', 'update-marker', 'mark-ready'],
      ],
      [
        '/migrate approve in owner-review → ready, hand-over',
        awaiting({ state: 'owner-review' }),
        { ownerPreview: true },
        { type: 'command-received', command: { name: 'approve' }, actor: 'owner' },
        { state: 'ready' },
        ['set-labels', 'update-marker', 'mark-ready'],
      ],
      [
        'reject on the last iteration → exhausted, no coder run',
        awaiting({ state: 'judging', iteration: 3 }),
        {},
        rejection,
        { state: 'exhausted' },
        ['set-labels', 'update-marker', 'comment'],
      ],
    ])('%s', (_name, before, overrides, event, expected, effects) => {
      const transition = step(before, event, buildPolicy({ ...policy, ...overrides }), T0);

      expect(transition.outcome).toBe('applied');
      expect(transition.target).toMatchObject(expected);
      expect(types(transition.effects)).toEqual(effects);
      expect(TargetSchema.safeParse(transition.target).success).toBe(true);
    });

    it('a rejection becomes a judge-feedback run that counts toward the budget and the cost', () => {
      const before = awaiting({ state: 'judging' });
      const transition = step(before, rejection, policy, T0);

      expect(transition.target).toMatchObject({ state: 'repairing', iteration: before.iteration + 1 });
      expect(transition.target.failure).toMatchObject({ class: 'judge' });
      expect(transition.target.usage.costUsd).toBeCloseTo(before.usage.costUsd + 0.2);
      const run = transition.effects.find((effect) => effect.type === 'run-coder');
      expect(run).toMatchObject({
        mode: 'judge-feedback',
        requiredChanges: ['restore test/retry.test.ts'],
        reasons: ['deleted the retry test'],
      });
    });

    it('a target left in judging (verdict lost in a crash) is reviewed again on CI news', () => {
      const stuck = awaiting({ state: 'judging' });
      const changed = step(stuck, { type: 'ci-changed', headSha: PUSHED }, policy, T0);
      const greenAgain = step(stuck, { type: 'ci-completed', headSha: PUSHED, ci: 'green' }, policy, T0);

      expect(changed.effects).toEqual([{ type: 'read-ci', headSha: PUSHED }]);
      expect(greenAgain.effects).toEqual([{ type: 'run-judge', headSha: PUSHED }]);
      expect(greenAgain.target.state).toBe('judging');
      expect(greenAgain.target.iteration).toBe(stuck.iteration);
    });

    it.each<[string, Target]>([
      ['ready', awaiting({ state: 'ready' })],
      ['owner-review', awaiting({ state: 'owner-review' })],
    ])('a redelivered verdict in %s changes nothing', (_name, before) => {
      const transition = step(before, verdict(), buildPolicy({ ...policy, ownerPreview: true }), T0);

      expect(transition.outcome).not.toBe('applied');
      expect(transition.effects).toEqual([]);
    });
  });
});
