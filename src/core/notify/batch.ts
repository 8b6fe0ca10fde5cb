/**
 * Per-team batching of ready-PR notifications (pure): a team gets at most one message per
 * interval (default one hour), a digest of every PR that became ready since its last message.
 * A short gathering delay lets a fan-out burst land in one message instead of "first PR now,
 * the other 49 an hour later". State is a plain value; the caller keeps it.
 */
import type { ReadyPrNotice } from './types.ts';

export interface BatchPolicy {
  /** Minimum time between two messages to the same team. */
  intervalMs: number;
  /** How long the oldest pending notice waits for others before a message may go out. */
  gatherMs: number;
}

export const DEFAULT_BATCH_POLICY: Readonly<BatchPolicy> = Object.freeze({
  intervalMs: 60 * 60 * 1000,
  gatherMs: 5 * 60 * 1000,
});

export interface TeamBatch {
  /** When the last message went out (ms since epoch). */
  lastSentAt?: number;
  /** Notices waiting, oldest first, at most one per PR. */
  pending: ReadyPrNotice[];
  /** When the oldest pending notice arrived (ms since epoch). */
  firstPendingAt?: number;
}

/** Keys are normalised team names (`@org/team` lower-cased, or the default channel's name). */
export type BatchState = Readonly<Record<string, TeamBatch>>;

/** A PR's identity in a batch: the same PR handed over twice is announced once. */
export function noticeKey(notice: Pick<ReadyPrNotice, 'repo' | 'number'>): string {
  return `${notice.repo.toLowerCase()}#${notice.number}`;
}

/** Adds a notice for a team; a PR already pending for that team is replaced, not repeated. */
export function addNotice(state: BatchState, team: string, notice: ReadyPrNotice, now: number): BatchState {
  const current = state[team] ?? { pending: [] };
  const key = noticeKey(notice);
  const existing = current.pending.findIndex((n) => noticeKey(n) === key);
  const pending =
    existing >= 0
      ? current.pending.map((n, i) => (i === existing ? notice : n))
      : [...current.pending, notice];
  return {
    ...state,
    [team]: { ...current, pending, firstPendingAt: current.firstPendingAt ?? now },
  };
}

/** Whether a team's pending notices may be sent at `now`. */
export function isDue(batch: TeamBatch, now: number, policy: BatchPolicy = DEFAULT_BATCH_POLICY): boolean {
  if (batch.pending.length === 0) return false;
  if (batch.lastSentAt !== undefined && now - batch.lastSentAt < policy.intervalMs) return false;
  return now - (batch.firstPendingAt ?? now) >= policy.gatherMs;
}

/**
 * Takes every due batch out of the state: returns the messages to send (teams in name order)
 * and the state with those teams marked as sent at `now`.
 */
export function takeDueBatches(
  state: BatchState,
  now: number,
  policy: BatchPolicy = DEFAULT_BATCH_POLICY,
): { state: BatchState; due: Array<{ team: string; notices: ReadyPrNotice[] }> } {
  const due: Array<{ team: string; notices: ReadyPrNotice[] }> = [];
  const next: Record<string, TeamBatch> = { ...state };
  for (const team of Object.keys(state).sort()) {
    const batch = state[team] as TeamBatch;
    if (!isDue(batch, now, policy)) continue;
    due.push({ team, notices: batch.pending });
    next[team] = { lastSentAt: now, pending: [] };
  }
  return { state: next, due };
}

/** When the next batch could become due (ms since epoch), or `undefined` when nothing is pending. */
export function nextDueAt(state: BatchState, policy: BatchPolicy = DEFAULT_BATCH_POLICY): number | undefined {
  let best: number | undefined;
  for (const batch of Object.values(state)) {
    if (batch.pending.length === 0) continue;
    const at = Math.max(
      (batch.firstPendingAt ?? 0) + policy.gatherMs,
      batch.lastSentAt === undefined ? 0 : batch.lastSentAt + policy.intervalMs,
    );
    best = best === undefined ? at : Math.min(best, at);
  }
  return best;
}
