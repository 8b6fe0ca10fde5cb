/**
 * Builders shared by the `step` suites: one clock origin, the SHAs every suite uses for the base
 * and the app's push, and targets for `acme/api` on `main`. Each suite states in its own
 * builders the state, iteration, usage and history its assertions depend on.
 */
import type { Effect } from '../../../src/core/target/effects.ts';
import type { Target } from '../../../src/core/target/target.ts';
import { buildTarget } from '../../../src/core/target/target.ts';

export const T0 = new Date('2026-11-21T12:00:00.000Z');
export const later = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
/** The default branch's SHA the migration started from. */
export const BASE = 'a'.repeat(40);
/** The SHA of the app's last push to the migration branch. */
export const PUSHED = 'b'.repeat(40);

/** Token usage costing `costUsd`. */
export const usage = (costUsd: number) => ({
  inputTokens: 100,
  outputTokens: 50,
  cacheWriteTokens: 0,
  cacheReadTokens: 0,
  costUsd,
});

/** A new target for `acme/api` (migration `use-fetch`, revision `rev1`) on `main`, with `fields` over it. */
export function newTarget(fields: Partial<Target> = {}): Target {
  return {
    ...buildTarget({ migrationId: 'use-fetch', manifestRevision: 'rev1', repo: 'acme/api', now: T0 }),
    baseRef: 'main',
    ...fields,
  };
}

/** A target awaiting CI at iteration 1 on draft PR #7 (opened at T0), head PUSHED over BASE; `fields` override. */
export function targetWithPr(fields: Partial<Target> = {}): Target {
  return newTarget({
    state: 'awaiting-ci',
    baseSha: BASE,
    iteration: 1,
    lastPushedSha: PUSHED,
    headSha: PUSHED,
    prNumber: 7,
    prOpenedAt: T0.toISOString(),
    ...fields,
  });
}

export const types = (effects: Effect[]) => effects.map((effect) => effect.type);
