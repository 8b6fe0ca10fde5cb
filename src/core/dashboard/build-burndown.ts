/**
 * The burndown: how many targets were still open at the end of each day, reconstructed from the
 * targets' own timestamps (`createdAt`, `prOpenedAt`, and `stateSince` of final states), so no
 * history is stored anywhere. Limitation by construction: a target is placed by its *current*
 * state, so one that errored on Monday and merged on Wednesday counts as open until Wednesday
 * and nothing more is known of its path.
 */
import type { Target, TargetState } from '../target/target.ts';

/** Counts at the end of one day (UTC). */
export interface BurndownPoint {
  /** `YYYY-MM-DD` (UTC), the day whose end the counts describe. */
  date: string;
  /** Targets known by then. */
  targeted: number;
  /** PRs opened by then (including ones merged or closed later). */
  prsOpened: number;
  merged: number;
  /** Ended without a merge by then: closed, skipped, not applicable, exhausted. */
  ended: number;
  /** `targeted - merged - ended`: what is still to do. */
  remaining: number;
}

/** States a target does not leave without a retry. */
export const FINAL_STATES: readonly TargetState[] = [
  'merged',
  'closed',
  'skipped',
  'not-applicable',
  'exhausted',
];

const DAY_MS = 86_400_000;

/**
 * One point per day from the first target's creation to `now` (or, without `now`, to the
 * latest timestamp among the targets, so the result never depends on a clock). When the span
 * exceeds `maxPoints` days, points are spaced evenly back from the last day, and the first day
 * is always the first point.
 */
export function buildBurndown(
  targets: readonly Target[],
  options: { now?: Date; maxPoints?: number } = {},
): BurndownPoint[] {
  const maxPoints = Math.max(2, options.maxPoints ?? 14);
  const events = targets.map((target) => ({
    created: parseTime(target.createdAt),
    opened: target.prOpenedAt === undefined ? undefined : parseTime(target.prOpenedAt),
    endedAt: FINAL_STATES.includes(target.state) ? parseTime(target.stateSince) : undefined,
    merged: target.state === 'merged',
  }));
  const created = events.map((event) => event.created).filter((time): time is number => time !== undefined);
  if (created.length === 0) return [];
  // Loops, not Math.max(...): spreading ≈ 200,000 arguments overflows the stack.
  const latest = events
    .flatMap((event) => [event.created, event.opened, event.endedAt])
    .reduce<number>((high, t) => (t === undefined ? high : Math.max(high, t)), -Infinity);
  const end = options.now ? options.now.getTime() : latest;
  const firstDay = Math.floor(created.reduce((low, time) => Math.min(low, time)) / DAY_MS);
  const lastDay = Math.max(firstDay, Math.floor(end / DAY_MS));
  const span = lastDay - firstDay + 1;
  // Step back from the last day; the first day is always kept so the start is visible.
  const stride = Math.max(1, Math.ceil((span - 1) / (maxPoints - 1)));
  const days: number[] = [];
  for (let day = lastDay; day > firstDay && days.length < maxPoints - 1; day -= stride) days.unshift(day);
  days.unshift(firstDay);

  return days.map((day) => {
    const cutoff = Math.min((day + 1) * DAY_MS - 1, end);
    const at = (time: number | undefined): boolean => time !== undefined && time <= cutoff;
    let targeted = 0;
    let prsOpened = 0;
    let merged = 0;
    let ended = 0;
    for (const event of events) {
      if (!at(event.created)) continue;
      targeted += 1;
      if (at(event.opened)) prsOpened += 1;
      if (at(event.endedAt)) {
        if (event.merged) merged += 1;
        else ended += 1;
      }
    }
    return {
      date: new Date(day * DAY_MS).toISOString().slice(0, 10),
      targeted,
      prsOpened,
      merged,
      ended,
      remaining: targeted - merged - ended,
    };
  });
}

function parseTime(iso: string): number | undefined {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? undefined : time;
}
