/**
 * Rollout admission: which queued targets may start now without exceeding the migration's
 * limits. Pure; the workflow supplies the migration's targets (rebuilt from PR markers after a
 * restart) and `now`.
 *
 * Limits, all counted with targets already admitted but not yet at a PR ("in flight"), so that
 * a slot is reserved at admission and can never be overbooked by PRs opening later:
 * - open PRs: PRs open or about to open ≤ `maxOpenPrs`;
 * - PRs per hour: PRs whose recorded open time lies in the last 60 minutes, plus in-flight ones,
 *   ≤ `prsPerHour` (a sliding window: a PR opened after admission always lands in a window that
 *   counted it);
 * - coders: targets drafting or repairing, plus those at baseline (they draft next), ≤
 *   `maxConcurrentCoders`;
 * - paused, disabled, out of money or in dry-run: nothing is admitted.
 *
 * Retried PRs (`/migrate retry`, dashboard retries) and PRs to regenerate on a moved base wait in
 * the same queue: their regenerate is a coder run like a first draft, so they are admitted only
 * under the coder limit, and take a coder slot as they are admitted. Their PR exists and stays open, already counted among the
 * open PRs, so the open-PR and PRs-per-hour limits do not hold them back, and at baseline or
 * drafting they count as the open PR they are, not as one about to open. Queue order is kept:
 * a PR-less target held by an open-PR limit does not hold back a retried PR behind it.
 */
import type { Policy } from '../target/policy.ts';
import type { Target } from '../target/target.ts';

export type AdmissionBlock =
  | 'dry-run'
  | 'disabled'
  | 'paused'
  | 'migration-budget'
  | 'max-open-prs'
  | 'prs-per-hour'
  | 'max-concurrent-coders';

export interface Admission {
  /** Repositories (`owner/name`) to admit now, in queue order. */
  admit: string[];
  /** Queued targets left waiting. */
  waiting: number;
  /** The limit that stopped admissions, when some target is left waiting. */
  blockedBy?: AdmissionBlock;
  /** When the PRs-per-hour window next frees a slot (ISO), when that is the limit. */
  nextSlotAt?: string;
  /** In dry-run: the repositories that would have been admitted. */
  wouldAdmit?: string[];
}

const HOUR_MS = 3_600_000;

/** Counts for the dashboard and for admission. */
export interface RolloutCounts {
  openPrs: number;
  inFlight: number;
  openedLastHour: number;
  coding: number;
}

/** Open PRs, in-flight targets, PRs opened in the window ending at `now`, running coders. */
export function countRollout(targets: readonly Target[], now: Date): RolloutCounts {
  const windowStart = now.getTime() - HOUR_MS;
  let openPrs = 0;
  let inFlight = 0;
  let openedLastHour = 0;
  let coding = 0;
  for (const target of targets) {
    const closed = target.state === 'merged' || target.state === 'closed';
    const starting = target.state === 'baseline' || target.state === 'drafting';
    // A PR regenerated on a new base or retried is open already: not one about to open.
    if (starting && target.prNumber === undefined) inFlight += 1;
    else if ((target.prOpenedAt !== undefined || target.prNumber !== undefined) && !closed) openPrs += 1;
    if (target.state === 'drafting' || target.state === 'repairing') coding += 1;
    if (target.prOpenedAt !== undefined && Date.parse(target.prOpenedAt) > windowStart) openedLastHour += 1;
  }
  return { openPrs, inFlight, openedLastHour, coding };
}

/**
 * The queued targets to admit now. Queue order is the order of `targets` (the workflow keeps it
 * stable: by repository name), so reruns admit the same repositories first.
 */
export function admitTargets(targets: readonly Target[], policy: Policy, now: Date): Admission {
  const queued = targets.filter((target) => target.state === 'queued');
  if (queued.length === 0) return { admit: [], waiting: 0 };
  const blocked = (blockedBy: AdmissionBlock, nextSlotAt?: string): Admission => ({
    admit: [],
    waiting: queued.length,
    blockedBy,
    ...(nextSlotAt ? { nextSlotAt } : {}),
  });
  if (!policy.enabled) return blocked('disabled');
  if (policy.paused) return blocked('paused');
  if (policy.migrationSpentUsd >= policy.maxTotalUsd) return blocked('migration-budget');
  if (policy.dryRun) {
    // Admitted targets would sit in `drafting` (no coder runs in dry-run) holding a slot.
    const wouldAdmit = admitTargets(targets, { ...policy, dryRun: false }, now).admit;
    return { ...blocked('dry-run'), wouldAdmit };
  }

  const counts = countRollout(targets, now);
  // Targets at baseline will draft next, so they hold a coder slot already.
  let coderRoom = policy.maxConcurrentCoders - counts.coding - countState(targets, 'baseline');
  const openPrRoom = policy.maxOpenPrs - counts.openPrs - counts.inFlight;
  const hourlyRoom = policy.prsPerHour - counts.openedLastHour - counts.inFlight;
  let prRoom = Math.min(openPrRoom, hourlyRoom);
  const prBlock: AdmissionBlock = openPrRoom <= hourlyRoom ? 'max-open-prs' : 'prs-per-hour';
  const admit: string[] = [];
  let blockedBy: AdmissionBlock | undefined;
  for (const target of queued) {
    const opensPr = target.prNumber === undefined;
    if (opensPr && prRoom <= 0) {
      // A retried PR further back may still take a coder slot.
      blockedBy ??= prBlock;
      continue;
    }
    if (coderRoom <= 0) {
      // No coder slot is free: nothing behind it can start either.
      blockedBy ??= 'max-concurrent-coders';
      break;
    }
    admit.push(target.repo);
    coderRoom -= 1;
    if (opensPr) prRoom -= 1;
  }
  const waiting = queued.length - admit.length;
  if (waiting === 0) return { admit, waiting };
  const result: Admission = { admit, waiting, ...(blockedBy ? { blockedBy } : {}) };
  if (blockedBy === 'prs-per-hour') {
    const next = nextWindowSlot(targets, now);
    if (next) result.nextSlotAt = next;
  }
  return result;
}

function countState(targets: readonly Target[], state: Target['state']): number {
  return targets.filter((target) => target.state === state).length;
}

/** When the oldest PR in the current hour window leaves it. */
function nextWindowSlot(targets: readonly Target[], now: Date): string | undefined {
  const windowStart = now.getTime() - HOUR_MS;
  const times = targets
    .map((target) => (target.prOpenedAt === undefined ? Number.NaN : Date.parse(target.prOpenedAt)))
    .filter((time) => time > windowStart)
    .sort((a, b) => a - b);
  const oldest = times[0];
  return oldest === undefined ? undefined : new Date(oldest + HOUR_MS + 1).toISOString();
}
