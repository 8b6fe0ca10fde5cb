/**
 * Properties of `step` over arbitrary states and events: it never throws, what it returns always
 * validates as a Target, ignored events change nothing, and a coder run is never asked for
 * beyond the iteration budget or while the migration is paused.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FailureReport } from '../../../src/contracts/failure-report.ts';
import type { TargetEvent } from '../../../src/core/target/events.ts';
import { buildPolicy } from '../../../src/core/target/policy.ts';
import { step } from '../../../src/core/target/step.ts';
import { Target, TargetState, buildTarget } from '../../../src/core/target/target.ts';

const T0 = new Date('2026-11-21T12:00:00.000Z');
const sha = fc.constantFrom('a'.repeat(40), 'b'.repeat(40), 'c'.repeat(40));
const usage = fc.record({
  inputTokens: fc.nat(1000),
  outputTokens: fc.nat(1000),
  cacheWriteTokens: fc.constant(0),
  cacheReadTokens: fc.constant(0),
  costUsd: fc.double({ min: 0, max: 10, noNaN: true }),
});
const report = fc.constant<FailureReport>({
  schemaVersion: 1,
  conclusion: 'failure',
  tools: [],
  findings: [],
  dropped: [],
  truncated: false,
});

const event: fc.Arbitrary<TargetEvent> = fc.oneof(
  fc.record({
    type: fc.constant('admitted' as const),
    revision: fc.constantFrom('r1', 'r2'),
    baseRef: fc.constant('main'),
  }),
  fc.record({
    type: fc.constant('baseline-observed' as const),
    sha,
    ci: fc.constantFrom('green', 'red', 'pending', 'none'),
  }),
  fc.record({
    type: fc.constant('coder-finished' as const),
    result: fc.record({
      outcome: fc.constantFrom(
        'changed',
        'not-applicable',
        'gave-up',
        'budget-exhausted',
        'max-tokens',
        'refused',
        'timeout',
        'error',
      ),
      summary: fc.string({ maxLength: 50 }),
      files: fc.array(fc.constantFrom('a.ts', 'b.ts'), { maxLength: 2 }),
      usage,
    }),
  }),
  fc.record({ type: fc.constant('commit-pushed' as const), sha }),
  fc.record({
    type: fc.constant('pr-opened' as const),
    number: fc.integer({ min: 1, max: 3 }),
    headSha: sha,
  }),
  fc.record({ type: fc.constant('branch-found' as const), sha, ours: fc.boolean() }),
  fc.record({ type: fc.constant('ci-changed' as const), headSha: sha }),
  fc.record({
    type: fc.constant('ci-completed' as const),
    headSha: sha,
    ci: fc.constantFrom('green', 'red', 'pending', 'none'),
    report: fc.option(report, { nil: undefined }),
  }),
  fc.record({
    type: fc.constant('judge-finished' as const),
    headSha: sha,
    verdict: fc.constantFrom('approve', 'reject'),
    reasons: fc.array(fc.string({ maxLength: 20 }), { maxLength: 2 }),
    requiredChanges: fc.constant<string[]>(['fix it']),
    usage,
  }),
  fc.record({ type: fc.constant('human-commit-detected' as const), sha }),
  fc.constantFrom<TargetEvent>(
    { type: 'pr-closed' },
    { type: 'pr-merged' },
    { type: 'branch-deleted' },
    { type: 'tick' },
    { type: 'base-moved', sha: 'd'.repeat(40) },
  ),
  fc.record({
    type: fc.constant('command-received' as const),
    command: fc.constantFrom(
      { name: 'stop' as const },
      { name: 'continue' as const },
      { name: 'approve' as const },
      { name: 'retry' as const, force: false },
    ),
    actor: fc.constant('o'),
  }),
  fc.record({
    type: fc.constant('effect-failed' as const),
    effect: fc.constantFrom('push-commit', 'run-coder'),
    error: fc.record({
      kind: fc.constantFrom('stale-head', 'http', 'unexpected', 'rate-limited'),
      message: fc.string({ maxLength: 30 }),
    }),
  }),
);

const target: fc.Arbitrary<Target> = fc
  .record({
    state: fc.constantFrom(...TargetState.options),
    iteration: fc.nat(6),
    lastPushedSha: fc.option(sha, { nil: undefined }),
    prNumber: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
    errorCount: fc.nat(5),
    minutesAgo: fc.nat(600),
    usage,
  })
  .map(({ minutesAgo, ...fields }) => {
    const since = new Date(T0.getTime() - minutesAgo * 60_000).toISOString();
    const base = {
      ...buildTarget({ migrationId: 'use-fetch', manifestRevision: 'r1', repo: 'acme/api', now: T0 }),
      baseRef: 'main',
      baseSha: 'e'.repeat(40),
      stateSince: since,
    };
    const result: Target = { ...base, ...fields };
    if (result.lastPushedSha === undefined) delete result.lastPushedSha;
    if (result.prNumber === undefined) delete result.prNumber;
    return result;
  });

describe('core/target/step (properties)', () => {
  it('never throws, always returns a valid target, and ignored events change nothing', () => {
    fc.assert(
      fc.property(target, event, fc.boolean(), (before, happening, paused) => {
        const transition = step(before, happening, buildPolicy({ maxIterations: 3, paused }), T0);

        expect(Target.safeParse(transition.target).success).toBe(true);
        if (transition.outcome !== 'applied') {
          expect(transition.target).toBe(before);
          expect(transition.effects).toEqual([]);
        }
        for (const effect of transition.effects) {
          if (effect.type !== 'run-coder') continue;
          expect(paused).toBe(false);
          expect(effect.iteration).toBeLessThanOrEqual(3);
          expect(transition.target.iteration).toBe(effect.iteration);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps a failure class and signature on every non-green end it enters', () => {
    fc.assert(
      fc.property(target, event, (before, happening) => {
        const transition = step(before, happening, buildPolicy({ maxIterations: 3 }), T0);
        const entered = transition.target.state !== before.state;
        if (
          entered &&
          ['skipped', 'not-applicable', 'exhausted', 'stalled', 'paused', 'error', 'closed'].includes(
            transition.target.state,
          )
        ) {
          expect(transition.target.failure?.signature).toBeTypeOf('string');
        }
      }),
      { numRuns: 3000 },
    );
  });
});
