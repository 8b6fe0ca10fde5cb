/**
 * When a target waiting on CI looks at GitHub again on its own. Webhooks usually arrive first,
 * but GitHub never redelivers a lost one by itself, so every waiting target is polled: an
 * `awaiting-ci` target every `pollMinutes`, a target `stalled` on the CI timeout (its PR's CI) or
 * on the baseline timeout (the default branch's CI) at a rate that decays with how long it has
 * been stalled (half the time stalled so far, between an hour and a day), so a CI result that
 * arrives late, or whose webhook was lost, still moves it while a fleet of long-dead PRs costs a
 * few requests a day each.
 */
import type { Policy } from './policy.ts';
import type { Target } from './target.ts';

const MS_PER_MINUTE = 60_000;
const MIN_STALLED_POLL_MINUTES = 60;
const MAX_STALLED_POLL_MINUTES = 24 * 60;

/** Minutes until the next CI poll of a target stalled for `stalledMinutes`. */
export function stalledPollMinutes(stalledMinutes: number, policy: Policy): number {
  const floor = Math.max(MIN_STALLED_POLL_MINUTES, policy.pollMinutes);
  return Math.min(MAX_STALLED_POLL_MINUTES, Math.max(floor, stalledMinutes / 2));
}

/** Whether a target is stalled because its CI never finished (and so worth polling). */
export function isCiStalled(target: Target): boolean {
  return target.state === 'stalled' && target.reason === 'ci-timeout' && target.lastPushedSha !== undefined;
}

/**
 * Whether a target is stalled because the default branch's CI never finished: its baseline is
 * read again at the same decaying rate, and a verdict that arrives late decides as it would
 * have on time (green → back to the queue, red → skipped).
 */
export function isBaselineStalled(target: Target): boolean {
  return target.state === 'stalled' && target.reason === 'baseline-timeout';
}

/**
 * When a waiting target wants its next tick: its `wakeAt`, or, for a target that lost it (a
 * marker written before polls were scheduled for stalled targets), a time derived from when it
 * last changed. `undefined`: nothing to poll (the target waits for a person or is final).
 */
export function findPollAt(target: Target, policy: Policy): string | undefined {
  if (target.wakeAt !== undefined) return target.wakeAt;
  const since = Date.parse(target.updatedAt);
  if (Number.isNaN(since)) return undefined;
  if (target.state === 'awaiting-ci' && target.lastPushedSha !== undefined) {
    return new Date(since + policy.pollMinutes * MS_PER_MINUTE).toISOString();
  }
  if (isCiStalled(target) || isBaselineStalled(target)) {
    const stalled = (since - Date.parse(target.stateSince)) / MS_PER_MINUTE;
    const wait = stalledPollMinutes(Number.isNaN(stalled) ? 0 : Math.max(0, stalled), policy);
    return new Date(since + wait * MS_PER_MINUTE).toISOString();
  }
  return undefined;
}
