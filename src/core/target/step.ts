/**
 * The target state machine: `step(target, event, policy, now) → { target, effects, outcome }`.
 * Pure: no I/O, no clock, no SDK. Every decision about a target is made here; workflows only
 * carry effects out and feed the results back as events (shared/DESIGN.md §3.2).
 *
 * Rules that hold for every transition:
 * 1. Events about a commit the app did not push last (`headSha !== lastPushedSha`) are stale and
 *    ignored; repeated events (same SHA, same PR, a state already left) are duplicates and ignored.
 * 2. A coder run starts only within budget: iterations, cost per target, cost per migration, and
 *    never while the migration is paused or disabled.
 * 3. Every non-green end (skipped, not-applicable, exhausted, stalled, paused, error, closed)
 *    records a failure class and a normalised signature.
 * 4. Once a PR exists, every state change also asks for the labels and the marker to follow.
 * 5. A base that moved under a conflicting PR is answered by regenerating the change on the new
 *    base (`queued` with `regenerateOn` until the planner gives it a coder slot, then `drafting`
 *    with a PR and a pushed SHA), never by merging or rebasing: the app resets only a branch
 *    whose commits are all its own, and pauses when a person committed. Every
 *    regenerate (moved base, retry) checks the branch (`check-branch`, GitHub-proven ownership as
 *    the reset uses) before its coder run, so a person's commit costs no run; the reset checks
 *    again, since a person may push while the coder runs.
 * 6. `/migrate retry` starts over on that same regenerate path (a PR) or from the queue (no PR),
 *    with the manifest's current revision and a fresh per-attempt budget: `iteration` and `usage`
 *    stay cumulative (marker, status, dashboard) while the iteration and per-repository cost
 *    budgets count from `budgetStart`. This cannot spend without bound: every retry is a writer's
 *    explicit command (or an owner's dashboard retry), each attempt is capped by the per-repo
 *    budgets, and the migration's total (`maxTotalUsd`, over the cumulative spend of every
 *    target) blocks retries and fixes alike once reached. `/migrate fix` adds one iteration even
 *    past the iteration budget (a person asked for exactly one), never past a cost budget. A
 *    retry still waiting to start (`queued`, `baseline`) can be cancelled by `/migrate stop`: the
 *    PR is `paused` on the commit it has, and `/migrate continue` carries on from that commit.
 * 7. `stalled` on the CI timeout is a wait that gave up, not a verdict: the target keeps polling
 *    CI for its last pushed SHA at a decaying rate (ci-poll.ts). CI that finishes late for that
 *    SHA continues the loop exactly as if it had been on time (green → judging, red → repair
 *    within budget), and the stall comment is edited to say so; CI for any other SHA is stale,
 *    and a person's commit still pauses it. `stalled` on the baseline timeout likewise re-reads
 *    the default branch at the same rate: red → `skipped`, green → back to `queued`, so the
 *    draft starts under the rollout limits like any admission (its slot was given up when it
 *    stalled), reading the baseline once more then.
 */
import type { FailureReport } from '../../contracts/failure-report.ts';
import { addUsage } from '../../contracts/usage.ts';
import { renderBranchName } from '../markers/branch-name.ts';
import { buildCommentKey } from '../markers/hidden-key.ts';
import { labelsForState } from '../markers/labels.ts';
import { isBaselineStalled, isCiStalled, stalledPollMinutes } from './ci-poll.ts';
import type { Effect } from './effects.ts';
import type { CoderRunSummary, TargetEvent } from './events.ts';
import { normalizeSignature } from './normalize-signature.ts';
import type { Policy } from './policy.ts';
import type {
  Attempt,
  Failure,
  FailureClass,
  PendingCommand,
  Target,
  TargetReason,
  TargetState,
} from './target.ts';
import { MAX_HISTORY, budgetUsed } from './target.ts';

/** What became of an event; people and logs see these, never booleans. */
export type StepOutcome =
  | 'applied'
  /** About a commit that is no longer the one the app pushed last. */
  | 'ignored-stale'
  /** Already taken into account (redelivery, second observation). */
  | 'ignored-duplicate'
  /** Meaningless in the current state (e.g. a CI result while drafting). */
  | 'ignored-irrelevant'
  /** Meaningful but not allowed now (migration paused or disabled). */
  | 'ignored-blocked'
  /** A transition later issues will add (commands, judge). */
  | 'ignored-unsupported';

export interface Transition {
  target: Target;
  effects: Effect[];
  outcome: StepOutcome;
  /** One line for the log: why the event was ignored, or what happened. */
  note?: string;
}

const MS_PER_MINUTE = 60_000;
const SUMMARY_CAP = 500;
const FILES_CAP = 30;

/** States in which a PR exists and the app is still working on it. */
const PR_WORKING: ReadonlySet<TargetState> = new Set(['awaiting-ci', 'repairing', 'judging', 'owner-review']);
/** States a `/migrate retry` or `/migrate fix` passes through until its coder run has ended. */
const COMMAND_RUN_STATES: ReadonlySet<TargetState> = new Set(['queued', 'baseline', 'drafting', 'repairing']);
/** States that end without a PR by construction. */
const NO_PR_FINAL: ReadonlySet<TargetState> = new Set(['skipped', 'not-applicable']);

/** Applies `event` to `target`. Never throws for any event in any state. */
export function step(target: Target, event: TargetEvent, policy: Policy, now: Date): Transition {
  const global = stepAnyState(target, event, policy, now);
  if (global) return global;
  switch (target.state) {
    case 'queued':
      return stepQueued(target, event, policy, now);
    case 'baseline':
      return stepBaseline(target, event, policy, now);
    case 'drafting':
    case 'repairing':
      return stepCoding(target, event, policy, now);
    case 'awaiting-ci':
      return stepAwaitingCi(target, event, policy, now);
    case 'judging':
      return stepJudging(target, event, policy, now);
    case 'owner-review':
      return ignore(target, 'ignored-irrelevant', `${event.type} during owner review`);
    case 'stalled':
      if (isCiStalled(target)) return stepCiStalled(target, event, policy, now);
      if (isBaselineStalled(target)) return stepBaselineStalled(target, event, policy, now);
      return stepResumable(target, event, now);
    case 'paused':
      return stepResumable(target, event, now);
    case 'error':
      return stepError(target, event, policy, now);
    default:
      return ignore(target, 'ignored-irrelevant', `${event.type} in final state ${target.state}`);
  }
}

// ── Events valid in (almost) every state ────────────────────────────────────────────────────────

function stepAnyState(target: Target, event: TargetEvent, policy: Policy, now: Date): Transition | undefined {
  switch (event.type) {
    case 'pr-merged':
      if (target.prNumber === undefined) return ignore(target, 'ignored-irrelevant', 'no PR');
      if (target.state === 'merged') return ignore(target, 'ignored-duplicate');
      return withPrEffects(target, enter(target, 'merged', now, { failure: undefined }), []);
    case 'pr-closed':
    case 'branch-deleted': {
      if (target.prNumber === undefined) {
        return event.type === 'branch-deleted' && target.state === 'awaiting-ci'
          ? toError(target, now, policy, 'github-error', 'the branch was deleted before the PR was opened')
          : ignore(target, 'ignored-irrelevant', 'no PR');
      }
      if (target.state === 'merged' || target.state === 'closed') return ignore(target, 'ignored-duplicate');
      const reason: TargetReason = event.type === 'pr-closed' ? 'pr-closed' : 'branch-deleted';
      const next = enter(target, 'closed', now, {
        reason,
        failure: failureOf('human', reason === 'pr-closed' ? 'PR closed without merge' : 'branch deleted'),
      });
      // A closed PR takes no label edits or marker writes: humans closed it, leave it as it is.
      return applied(next, []);
    }
    case 'human-commit-detected': {
      // While regenerating, the check before the coder run or the reset found this commit among
      // those it would discard: it is news even when it is the SHA the app last built on (after
      // `/migrate continue`).
      const found = event.beforeReset === true && isRegenerating(target);
      if (!found && (event.sha === target.lastPushedSha || event.sha === target.headSha)) {
        return ignore(target, 'ignored-duplicate', 'commit already known');
      }
      // Found before the coder ran (`check-branch`): the iteration counted for it never ran.
      const before: Target =
        found && target.history.at(-1)?.iteration !== target.iteration
          ? { ...target, iteration: Math.max(0, target.iteration - 1) }
          : target;
      if (target.prNumber === undefined && found) {
        // A retry without a PR found a person's commit on the branch it was about to reset.
        return applied(
          enter(before, 'paused', now, {
            reason: 'foreign-branch',
            detail: `branch ${renderBranchName(target.migrationId)} has commit ${event.sha.slice(0, 7)} fleetwright did not make`,
            failure: failureOf('human', 'branch exists with foreign commits'),
          }),
          [],
        );
      }
      if (target.prNumber === undefined || target.state === 'merged' || target.state === 'closed') {
        return ignore(target, 'ignored-irrelevant', 'no open PR');
      }
      if (target.state === 'ready' || target.state === 'exhausted') {
        // People own the PR now (review or take-over): their commits are expected, not a pause.
        // The head is recorded, so a retry asks for `--force` and a fix builds on their commit.
        return withPrEffects(
          target,
          { ...target, headSha: event.sha, updatedAt: now.toISOString() },
          [],
          `human commit while ${target.state}: recorded, not paused`,
        );
      }
      return humanCommitPause(target, before, event, found, now);
    }
    case 'command-received':
      return stepCommand(target, event.command, event.actor, policy, now);
    case 'base-moved':
      return baseMoved(target, event.sha, policy, now);
    case 'effect-failed': {
      if (NO_PR_FINAL.has(target.state) || target.state === 'merged' || target.state === 'closed') {
        return ignore(target, 'ignored-irrelevant', `${event.effect} failed after the target ended`);
      }
      const reason: TargetReason =
        event.error.kind === 'stale-head'
          ? 'stale-head'
          : event.effect === 'run-coder'
            ? 'coder-error'
            : event.error.kind === 'unexpected'
              ? 'unexpected'
              : 'github-error';
      return toError(target, now, policy, reason, `${event.effect}: ${event.error.message}`);
    }
    default:
      return undefined;
  }
}

// ── Per state ───────────────────────────────────────────────────────────────────────────────────

function stepQueued(target: Target, event: TargetEvent, policy: Policy, now: Date): Transition {
  if (event.type === 'branch-found') return adoptBranch(target, event, now);
  if (event.type !== 'admitted') return ignore(target, 'ignored-irrelevant', `${event.type} while queued`);
  if (!policy.enabled || policy.paused)
    return ignore(target, 'ignored-blocked', 'migration paused or disabled');
  // A conflicting PR waited for its coder slot: regenerate the change it has on the moved base
  // (the revision it was started with; the default branch's CI is not a reason to abandon it).
  if (target.regenerateOn !== undefined && target.prNumber !== undefined)
    return startDraft(target, target.regenerateOn, policy, now);
  // Not started yet, so the latest manifest revision applies (a manifest edit reaches it).
  const next = enter(target, 'baseline', now, {});
  next.manifestRevision = event.revision;
  next.baseRef = event.baseRef;
  // A retried PR's labels and marker follow (a no-op without a PR).
  return withPrEffects(target, next, [{ type: 'read-baseline', baseRef: event.baseRef }]);
}

function stepBaseline(target: Target, event: TargetEvent, policy: Policy, now: Date): Transition {
  if (event.type === 'branch-found') return adoptBranch(target, event, now);
  if (event.type === 'tick') {
    if (elapsedMinutes(target.stateSince, now) >= policy.baselineTimeoutMinutes)
      return baselineTimeout(target, policy, now);
    return applied(target, [{ type: 'read-baseline', baseRef: target.baseRef ?? 'HEAD' }]);
  }
  if (event.type !== 'baseline-observed')
    return ignore(target, 'ignored-irrelevant', `${event.type} during baseline`);
  if (!policy.enabled || policy.paused) {
    // Paused between admission and baseline: give the slot back, start over when resumed (a
    // retried PR too: its labels and marker follow).
    return withPrEffects(target, enter(target, 'queued', now, {}), []);
  }
  switch (event.ci) {
    case 'red':
      return skipOnBaseline(target, event, now);
    case 'none':
      if (!policy.allowNoCi) return skipOnBaseline(target, event, now);
      return startDraft(target, event.sha, policy, now);
    case 'pending': {
      if (elapsedMinutes(target.stateSince, now) >= policy.baselineTimeoutMinutes)
        return baselineTimeout(target, policy, now);
      const next = { ...target, updatedAt: now.toISOString(), wakeAt: addMinutes(now, policy.pollMinutes) };
      return applied(next, [{ type: 'schedule-tick', at: next.wakeAt }], 'baseline CI pending');
    }
    case 'green':
      return startDraft(target, event.sha, policy, now);
  }
}

/** A red default branch, or one without CI (unless the manifest allows it): skipped. */
function skipOnBaseline(
  target: Target,
  event: Extract<TargetEvent, { type: 'baseline-observed' }>,
  now: Date,
): Transition {
  const failing = event.failing ?? [];
  const fields =
    event.ci === 'red'
      ? {
          reason: 'baseline-red' as const,
          detail:
            failing.length > 0 ? `failing on ${event.sha.slice(0, 7)}: ${failing.join(', ')}` : undefined,
          failure: failureOf('baseline-ci', `baseline red: ${failing.join(', ') || 'unknown checks'}`),
        }
      : { reason: 'no-ci' as const, failure: failureOf('no-ci', 'no CI on the default branch') };
  // After a retry the PR exists: its labels and marker follow (a no-op without a PR).
  return withPrEffects(target, enter(target, 'skipped', now, fields), []);
}

function stepCoding(target: Target, event: TargetEvent, policy: Policy, now: Date): Transition {
  if (event.type === 'branch-found' && target.state === 'drafting') return adoptBranch(target, event, now);
  if (event.type === 'coder-finished') return coderFinished(target, event.result, policy, now);
  if (event.type === 'commit-pushed') {
    if (event.sha === target.lastPushedSha) return ignore(target, 'ignored-duplicate');
    const history = updateLast(target.history, { sha: event.sha });
    const next = enter(target, 'awaiting-ci', now, {});
    next.lastPushedSha = event.sha;
    next.headSha = event.sha;
    next.history = history;
    next.wakeAt = addMinutes(now, Math.min(policy.pollMinutes, policy.ciTimeoutMinutes));
    const tick: Effect = { type: 'schedule-tick', at: next.wakeAt };
    if (target.prNumber === undefined) {
      // The PR is requested now; its open time drives the PRs-per-hour window across restarts.
      next.prOpenedAt = now.toISOString();
      return applied(next, [openDraftPr(target), tick]);
    }
    return withPrEffects(target, next, [tick]);
  }
  if (event.type === 'tick') {
    // A coder run (or the push after it) that outlived twice its own limit was lost, e.g. in a
    // restart: the marker says "coding" but nobody is. Treat it as an error so it is retried.
    if (elapsedMinutes(target.stateSince, now) >= 2 * policy.coderTimeoutMinutes) {
      return toError(
        target,
        now,
        policy,
        'unexpected',
        `${target.state} did not finish (lost in a restart?)`,
      );
    }
    return ignore(target, 'ignored-irrelevant', 'coder running');
  }
  return ignore(target, 'ignored-irrelevant', `${event.type} while ${target.state}`);
}

function stepAwaitingCi(target: Target, event: TargetEvent, policy: Policy, now: Date): Transition {
  switch (event.type) {
    case 'pr-opened':
      if (target.prNumber === event.number) return ignore(target, 'ignored-duplicate');
      if (event.headSha !== target.lastPushedSha) {
        // The PR's head is not what we pushed: someone else moved the branch.
        return step(target, { type: 'human-commit-detected', sha: event.headSha }, policy, now);
      }
      return applied({ ...target, prNumber: event.number, updatedAt: now.toISOString() }, []);
    case 'ci-changed':
      if (event.headSha !== target.lastPushedSha)
        return ignore(target, 'ignored-stale', `CI for ${event.headSha}`);
      return applied(target, [{ type: 'read-ci', headSha: event.headSha }]);
    case 'ci-completed':
      if (event.headSha !== target.lastPushedSha)
        return ignore(target, 'ignored-stale', `CI for ${event.headSha}`);
      return ciCompleted(target, event, policy, now);
    case 'tick': {
      if (elapsedMinutes(target.stateSince, now) >= policy.ciTimeoutMinutes)
        return ciTimeout(target, policy, now);
      if (target.lastPushedSha === undefined) return ignore(target, 'ignored-irrelevant', 'nothing pushed');
      const wakeAt = addMinutes(now, policy.pollMinutes);
      const effects: Effect[] = [
        { type: 'read-ci', headSha: target.lastPushedSha },
        { type: 'schedule-tick', at: wakeAt },
      ];
      if (target.prNumber === undefined) {
        // Pushed but the PR never opened (crash or failure in between): open it now.
        effects.unshift(openDraftPr(target));
      }
      return applied({ ...target, wakeAt, updatedAt: now.toISOString() }, effects);
    }
    case 'commit-pushed':
    case 'branch-found':
      if (event.sha === target.lastPushedSha) return ignore(target, 'ignored-duplicate');
      return ignore(target, 'ignored-irrelevant', `${event.type} while awaiting CI`);
    default:
      return ignore(target, 'ignored-irrelevant', `${event.type} while awaiting CI`);
  }
}

function stepJudging(target: Target, event: TargetEvent, policy: Policy, now: Date): Transition {
  if (event.type === 'ci-completed' || event.type === 'ci-changed') {
    if (event.headSha !== target.lastPushedSha)
      return ignore(target, 'ignored-stale', `CI for ${event.headSha}`);
    // A review normally ends in the advance that started it; a target still `judging` when CI
    // news arrives lost its verdict (a crash mid-review). Review again: a verdict already
    // published on this SHA is reused, so this costs no second model call.
    if (event.type === 'ci-changed') return applied(target, [{ type: 'read-ci', headSha: event.headSha }]);
    if (event.ci === 'green') return applied(target, [{ type: 'run-judge', headSha: event.headSha }]);
    return ignore(target, 'ignored-irrelevant', `CI ${event.ci} while judging`);
  }
  if (event.type !== 'judge-finished')
    return ignore(target, 'ignored-irrelevant', `${event.type} while judging`);
  if (event.headSha !== target.lastPushedSha)
    return ignore(target, 'ignored-stale', `verdict for ${event.headSha}`);
  const judged: Target = { ...target, usage: addUsage(target.usage, event.usage) };
  if (event.verdict === 'approve') {
    judged.history = updateLast(target.history, { result: 'judge approved' });
    if (policy.ownerPreview) {
      return withPrEffects(target, enter(judged, 'owner-review', now, { failure: undefined }), [
        { type: 'request-owner-review' },
      ]);
    }
    return withPrEffects(target, enter(judged, 'ready', now, { failure: undefined }), [
      { type: 'mark-ready' },
    ]);
  }
  const first = event.reasons[0] ?? event.requiredChanges[0] ?? 'rejected without reasons';
  judged.history = updateLast(target.history, { result: `judge rejected: ${cap(first, 200)}` });
  judged.failure = {
    class: 'judge',
    signature: normalizeSignature({ message: first }),
    example: cap(first, 300),
  };
  return startRepair(target, judged, policy, now, {
    mode: 'judge-feedback',
    requiredChanges: event.requiredChanges,
    reasons: event.reasons,
  });
}

/** Stalled on the CI timeout: poll CI for the last pushed SHA now and then (rule 7). */
function stepCiStalled(target: Target, event: TargetEvent, policy: Policy, now: Date): Transition {
  switch (event.type) {
    case 'tick':
      return stalledPoll(target, policy, now, 'CI', {
        type: 'read-ci',
        headSha: target.lastPushedSha as string,
      });
    case 'ci-changed':
      if (event.headSha !== target.lastPushedSha)
        return ignore(target, 'ignored-stale', `CI for ${event.headSha}`);
      return applied(target, [{ type: 'read-ci', headSha: event.headSha }]);
    case 'ci-completed': {
      if (event.headSha !== target.lastPushedSha)
        return ignore(target, 'ignored-stale', `CI for ${event.headSha}`);
      // Still pending (or no CI at all): stay stalled, the scheduled poll asks again.
      const resumed = ciCompleted(target, event, policy, now);
      if (resumed.outcome !== 'applied' || resumed.target.state === 'stalled') return resumed;
      // After the label and marker edits, before the run the loop continues with.
      const at = resumed.effects.findIndex(
        (item) => item.type !== 'set-labels' && item.type !== 'update-marker',
      );
      const effects = [...resumed.effects];
      effects.splice(
        at === -1 ? effects.length : at,
        0,
        stallResolved(
          resumed.target,
          `CI on ${event.headSha.slice(0, 7)} finished late (${event.ci}) and fleetwright carried on by itself`,
        ),
      );
      return { ...resumed, effects };
    }
    default:
      return stepResumable(target, event, now);
  }
}

/**
 * The stall comment (keyed, so edited in place, never a second one) once the loop left `stalled`
 * on its own: it no longer asks a person to act, and says what happened instead.
 */
function stallResolved(next: Target, what: string): Effect {
  return comment(next, 'stalled', `${what}: ${whereNow(next)}. Nothing is needed here any more.`);
}

/** Where a target the loop moved on its own stands now, for `stallResolved`. */
function whereNow(next: Target): string {
  switch (next.state) {
    case 'judging':
      return 'the change is being reviewed now';
    case 'repairing':
      return 'the coder is repairing the failure';
    case 'drafting':
      return 'the change is being regenerated';
    case 'exhausted':
      return 'its budget is spent, so it stopped there (see its comment on that)';
    case 'paused':
      return 'it waits until the migration is resumed';
    case 'queued':
      if (next.regenerateOn !== undefined)
        return 'the change is regenerated on it as soon as a coder slot is free';
      break;
    default:
      break;
  }
  return `the PR is now \`${next.state}\``;
}

/**
 * A stalled target's tick (rule 7): when its poll is due, `read` again and schedule the next
 * poll at the decaying rate; an early tick (a redelivered or stale schedule) is ignored.
 */
function stalledPoll(target: Target, policy: Policy, now: Date, what: string, read: Effect): Transition {
  if (target.wakeAt !== undefined && now.getTime() < Date.parse(target.wakeAt))
    return ignore(target, 'ignored-irrelevant', `next ${what} poll not due`);
  const wakeAt = addMinutes(now, stalledPollMinutes(elapsedMinutes(target.stateSince, now), policy));
  return applied({ ...target, wakeAt, updatedAt: now.toISOString() }, [
    read,
    { type: 'schedule-tick', at: wakeAt },
  ]);
}

/** Stalled on the baseline timeout: read the default branch again now and then (rule 7). */
function stepBaselineStalled(target: Target, event: TargetEvent, policy: Policy, now: Date): Transition {
  switch (event.type) {
    case 'tick':
      return stalledPoll(target, policy, now, 'baseline', {
        type: 'read-baseline',
        baseRef: target.baseRef ?? 'HEAD',
      });
    case 'baseline-observed': {
      if (event.ci === 'pending')
        return ignore(target, 'ignored-irrelevant', 'default branch CI still pending');
      // The verdict `baseline` would have reached on time.
      if (event.ci === 'red' || (event.ci === 'none' && !policy.allowNoCi))
        return skipOnBaseline(target, event, now);
      // Green at last: the draft is a coder run, admitted under the rollout limits like any.
      return withPrEffects(
        target,
        enter(target, 'queued', now, { failure: undefined }),
        [],
        `default branch CI finished late (${event.ci} on ${event.sha.slice(0, 7)}): queued for admission`,
      );
    }
    default:
      return stepResumable(target, event, now);
  }
}

function stepResumable(target: Target, event: TargetEvent, now: Date): Transition {
  if (event.type === 'pr-opened' && target.prNumber === undefined) {
    return applied({ ...target, prNumber: event.number, updatedAt: now.toISOString() }, []);
  }
  return ignore(target, 'ignored-irrelevant', `${event.type} while ${target.state}`);
}

function stepError(target: Target, event: TargetEvent, policy: Policy, now: Date): Transition {
  if (event.type === 'pr-opened' && target.prNumber === undefined) {
    return applied({ ...target, prNumber: event.number, updatedAt: now.toISOString() }, []);
  }
  if (event.type !== 'tick') return ignore(target, 'ignored-irrelevant', `${event.type} in error`);
  if (target.errorCount > policy.maxErrorRetries)
    return ignore(target, 'ignored-blocked', 'error retries spent');
  if (target.wakeAt !== undefined && now.getTime() < Date.parse(target.wakeAt)) {
    return ignore(target, 'ignored-irrelevant', 'backing off');
  }
  if (target.lastPushedSha !== undefined) {
    // Something was pushed: go back to watching CI (and open the PR if that was what failed).
    const next = enter(target, 'awaiting-ci', now, {});
    next.errorCount = target.errorCount;
    next.wakeAt = addMinutes(now, policy.pollMinutes);
    if (target.resumeState === 'drafting' && target.prNumber !== undefined) {
      // A regenerate on a moved base failed: the branch is still on the old base, which was not
      // recorded. Forget the new one, so the conflict (seen again) is news and not a duplicate.
      delete next.baseSha;
    }
    const effects: Effect[] = [
      { type: 'read-ci', headSha: target.lastPushedSha },
      { type: 'schedule-tick', at: next.wakeAt },
    ];
    if (target.prNumber === undefined) {
      effects.unshift(openDraftPr(target));
      return applied(next, effects);
    }
    return withPrEffects(target, next, effects);
  }
  // Nothing pushed yet: back to the queue, so the retry is admitted under the rollout limits
  // again; the iteration budget still counts the runs already made.
  const next = enter(target, 'queued', now, {});
  next.errorCount = target.errorCount;
  return applied(next, []);
}

function stepCommand(
  target: Target,
  command: Extract<TargetEvent, { type: 'command-received' }>['command'],
  actor: string,
  policy: Policy,
  now: Date,
): Transition {
  switch (command.name) {
    case 'stop': {
      // A PR waiting to start over (a retry or a moved-base regenerate waiting for a coder slot,
      // or admitted and reading the default branch) is stopped too: the wait is cancelled and the
      // PR stays on the commit it has, which `/migrate continue` carries on from.
      const waiting = WAITING.has(target.state);
      if (
        target.prNumber === undefined ||
        (waiting && target.lastPushedSha === undefined) ||
        !(PR_WORKING.has(target.state) || target.state === 'stalled' || waiting)
      ) {
        return ignore(target, 'ignored-irrelevant', `stop while ${target.state}`);
      }
      const next = enter(target, 'paused', now, {
        reason: 'stopped',
        resumeState: waiting ? 'awaiting-ci' : target.state,
        failure: failureOf('human', 'stopped by a maintainer'),
      });
      return withPrEffects(
        target,
        next,
        [],
        waiting
          ? `the ${target.pending?.command === 'retry' ? 'retry' : 'regenerate'} waiting to start is cancelled`
          : undefined,
      );
    }
    case 'continue': {
      if (target.state !== 'paused' && target.state !== 'stalled') {
        return ignore(target, 'ignored-irrelevant', `continue while ${target.state}`);
      }
      const head =
        target.reason === 'human-commit' ? (target.headSha ?? target.lastPushedSha) : target.lastPushedSha;
      if (head === undefined) return ignore(target, 'ignored-irrelevant', 'nothing to continue from');
      // After a human commit the app builds on it: their commit becomes the head it expects.
      const next = enter(target, 'awaiting-ci', now, { failure: undefined });
      next.lastPushedSha = head;
      next.headSha = head;
      next.wakeAt = addMinutes(now, policy.pollMinutes);
      return withPrEffects(target, next, [
        { type: 'read-ci', headSha: head },
        { type: 'schedule-tick', at: next.wakeAt },
      ]);
    }
    case 'approve': {
      if (target.state !== 'owner-review')
        return ignore(target, 'ignored-irrelevant', `approve while ${target.state}`);
      return withPrEffects(target, enter(target, 'ready', now, {}), [{ type: 'mark-ready' }]);
    }
    case 'retry':
      return retry(target, command, actor, policy, now);
    case 'fix':
      return fix(target, command.instruction, actor, policy, now);
  }
}

// ── /migrate retry and /migrate fix ─────────────────────────────────────────────────────────────
// Notes of ignored commands are sentences: the command workflow shows them to the commenter.

/**
 * States in which a coder run is in flight: a command that starts another one must wait.
 * `authorizeCommand` answers from the same set.
 */
export const CODING: ReadonlySet<TargetState> = new Set(['drafting', 'repairing']);
/**
 * States of a target waiting to start (with a PR: to start over, for a coder slot or on the
 * default branch's CI). `authorizeCommand` answers from the same set.
 */
export const WAITING: ReadonlySet<TargetState> = new Set(['queued', 'baseline']);
/**
 * States a `/migrate fix` iteration may start from (with a PR). `authorizeCommand` answers from
 * the same set, so a fix it allows is one `step` carries out.
 */
export const FIXABLE: ReadonlySet<TargetState> = new Set([
  'awaiting-ci',
  'judging',
  'owner-review',
  'ready',
  'paused',
  'stalled',
  'exhausted',
  'error',
]);
/** States a fix that pushed nothing returns to as they were; the others re-read CI instead. */
const FIX_RETURNS_TO: ReadonlySet<TargetState> = new Set([
  'paused',
  'stalled',
  'exhausted',
  'owner-review',
  'ready',
]);

/**
 * `/migrate retry [--force]`, from a PR or dispatched per target by a dashboard retry. Either way
 * the target goes back to `queued` with a fresh per-attempt budget, and the planner admits it
 * (`admitted` brings the manifest's latest revision, then `baseline` reads the default branch
 * again). A retry is a coder run like a first draft, so it waits for a coder slot: with a PR the
 * planner admits it under `rollout.maxConcurrentCoders` only (its PR already exists, so the
 * open-PR limits do not apply: admit-targets.ts); without a PR under every rollout limit. With a
 * PR the change is then regenerated on the new base (the moved-base path: `drafting` with a PR
 * and a pushed SHA checks and resets the branch, only over the app's own commits unless a writer
 * forced it). A `--force` records the head the writer saw as the branch head, so its commits are
 * known while the retry waits, and a commit pushed after it pauses the target.
 */
function retry(
  target: Target,
  command: Extract<Extract<TargetEvent, { type: 'command-received' }>['command'], { name: 'retry' }>,
  actor: string,
  policy: Policy,
  now: Date,
): Transition {
  const hasPr = target.prNumber !== undefined;
  switch (target.state) {
    case 'queued':
    case 'baseline':
      // A regenerate on a moved base waiting for its slot becomes this retry (fresh budget,
      // latest revision, the default branch read again).
      if (target.regenerateOn !== undefined) break;
      return ignore(
        target,
        'ignored-duplicate',
        target.state === 'queued'
          ? "it is already queued; it starts with the manifest's latest revision when admitted"
          : 'it is already starting over (reading the default branch)',
      );
    case 'drafting':
    case 'repairing':
      return ignore(
        target,
        'ignored-blocked',
        'the coder is running; retry once it has pushed, or `/migrate stop` it first',
      );
    case 'merged':
      return ignore(target, 'ignored-irrelevant', 'the PR is merged: there is nothing to retry');
    case 'closed':
      return ignore(
        target,
        'ignored-irrelevant',
        'a person closed the PR; reopen it first if the migration should try again',
      );
    default:
      break;
  }
  if (target.state === 'skipped' && target.failure?.class === 'ineligible') {
    return ignore(
      target,
      'ignored-irrelevant',
      `the repository is not eligible (${target.reason ?? 'excluded'}); change the repository or the manifest's targets`,
    );
  }
  if (policy.migrationSpentUsd >= policy.maxTotalUsd) {
    return ignore(
      target,
      'ignored-blocked',
      `the migration's total budget is spent ($${policy.migrationSpentUsd.toFixed(2)} of $${policy.maxTotalUsd.toFixed(2)}); raise \`budget.maxTotalUsd\` in the manifest first`,
    );
  }
  if (target.reason === 'foreign-branch') {
    return ignore(
      target,
      'ignored-blocked',
      `the branch \`${renderBranchName(target.migrationId)}\` was not created by fleetwright; delete it (or rename it) first`,
    );
  }
  if (hasPr && (!policy.enabled || policy.paused)) {
    return ignore(target, 'ignored-blocked', 'the migration is paused; retry once it is resumed');
  }
  const humanHead = hasHumanHead(target);
  if (hasPr && humanHead && !command.force) {
    return ignore(
      target,
      'ignored-blocked',
      `the branch has commits fleetwright did not make (head ${(target.headSha ?? '').slice(0, 7)}); a retry would discard them, so it needs \`/migrate retry --force\` from someone with write access`,
    );
  }
  const at = now.toISOString();
  const pending: PendingCommand = { command: 'retry', by: actor, at };
  const discardHead = command.headSha ?? target.headSha ?? target.lastPushedSha;
  if (hasPr && command.force && discardHead !== undefined) pending.discardHead = discardHead;
  const next = enter(target, 'queued', now, { failure: undefined });
  next.pending = pending;
  next.budgetStart = { iteration: target.iteration, costUsd: target.usage.costUsd };
  next.retries = (target.retries ?? 0) + 1;
  if (!hasPr) {
    // `admitted` sets the revision and the base ref; the planner applies the rollout limits.
    return applied(next, [], 'queued again for admission');
  }
  if (pending.discardHead !== undefined) next.headSha = pending.discardHead;
  if (policy.manifestRevision !== undefined) next.manifestRevision = policy.manifestRevision;
  return withPrEffects(target, next, [], `queued for a coder slot with revision ${next.manifestRevision}`);
}

/**
 * `/migrate fix <instruction>`: one repair iteration with a maintainer's instruction, on the
 * branch head (a person's commit included: it is built on, never discarded). Allowed past the
 * iteration budget (the person asked for exactly one more), never past a cost budget.
 */
function fix(target: Target, instruction: string, actor: string, policy: Policy, now: Date): Transition {
  if (target.prNumber === undefined) return ignore(target, 'ignored-irrelevant', 'there is no PR to fix');
  if (CODING.has(target.state)) {
    return ignore(
      target,
      'ignored-blocked',
      'the coder is running; send your instruction once it has pushed',
    );
  }
  if (WAITING.has(target.state)) {
    return ignore(
      target,
      'ignored-irrelevant',
      'it is starting over; send your instruction once it has pushed',
    );
  }
  if (!FIXABLE.has(target.state)) {
    return ignore(target, 'ignored-irrelevant', `it is \`${target.state}\`, a final state`);
  }
  // The iteration budget may be exceeded by this one run; a cost budget never is.
  if (!policy.enabled || policy.paused) {
    return ignore(
      target,
      'ignored-blocked',
      'the migration is paused; send your instruction once it is resumed',
    );
  }
  const used = budgetUsed(target);
  if (used.costUsd >= policy.maxCostPerRepoUsd) {
    return ignore(
      target,
      'ignored-blocked',
      `its cost budget is spent ($${used.costUsd.toFixed(2)} of $${policy.maxCostPerRepoUsd.toFixed(2)}); \`/migrate retry\` starts over with a fresh budget`,
    );
  }
  if (policy.migrationSpentUsd >= policy.maxTotalUsd) {
    return ignore(
      target,
      'ignored-blocked',
      `the migration's total budget is spent ($${policy.migrationSpentUsd.toFixed(2)} of $${policy.maxTotalUsd.toFixed(2)})`,
    );
  }
  const granted = used.iterations >= policy.maxIterations;
  const head = hasHumanHead(target) ? (target.headSha ?? target.lastPushedSha) : target.lastPushedSha;
  if (head === undefined) return ignore(target, 'ignored-irrelevant', 'nothing was pushed to fix');
  const next = enter(target, 'repairing', now, { failure: target.failure });
  next.iteration = target.iteration + 1;
  // After a person's commit the fix builds on it, as `/migrate continue` does.
  next.lastPushedSha = head;
  next.headSha = head;
  next.pending = {
    command: 'fix',
    by: actor,
    at: now.toISOString(),
    from: target.state,
    ...(target.reason ? { fromReason: target.reason } : {}),
    ...(target.resumeState ? { fromResumeState: target.resumeState } : {}),
  };
  return withPrEffects(
    target,
    next,
    [
      {
        type: 'run-coder',
        mode: 'repair',
        iteration: next.iteration,
        sha: head,
        history: target.history,
        instruction,
      },
    ],
    granted
      ? `iteration ${next.iteration}, one beyond the budget of ${policy.maxIterations}, granted by the command`
      : `iteration ${next.iteration}`,
  );
}

/**
 * A `/migrate fix` run that pushed nothing (no change, gave up, refused): the PR goes back to
 * where it was, with the coder's reason in `detail`, instead of counting as exhausted.
 */
function fixWithoutChange(
  target: Target,
  recorded: Target,
  pending: PendingCommand,
  why: string,
  policy: Policy,
  now: Date,
): Transition {
  const detail = cap(`/migrate fix by @${pending.by} made no change: ${why}`, 500);
  const from = pending.from;
  if (from !== undefined && FIX_RETURNS_TO.has(from)) {
    const next = enter(recorded, from, now, {
      detail,
      ...(pending.fromReason ? { reason: pending.fromReason } : {}),
      ...(pending.fromResumeState ? { resumeState: pending.fromResumeState } : {}),
    });
    return withPrEffects(target, next, [], 'the fix made no change');
  }
  // It was waiting on CI (or on a lost review): read CI again, which resumes the loop from there.
  const next = enter(recorded, 'awaiting-ci', now, { detail });
  next.wakeAt = addMinutes(now, policy.pollMinutes);
  const effects: Effect[] = [{ type: 'schedule-tick', at: next.wakeAt }];
  if (recorded.lastPushedSha !== undefined)
    effects.unshift({ type: 'read-ci', headSha: recorded.lastPushedSha });
  return withPrEffects(target, next, effects, 'the fix made no change');
}

/**
 * The target's own evidence of a commit it did not make on its branch. `authorizeCommand` asks
 * the same question before a retry, so both decide from this one rule.
 */
export function hasHumanHead(target: Target): boolean {
  if (target.reason === 'human-commit' || target.reason === 'foreign-branch') return true;
  return (
    target.headSha !== undefined &&
    target.lastPushedSha !== undefined &&
    target.headSha !== target.lastPushedSha
  );
}

// ── Transitions shared between states ───────────────────────────────────────────────────────────

function startDraft(target: Target, sha: string, policy: Policy, now: Date): Transition {
  const blocked = coderBlock(target, policy);
  if (blocked === 'paused') return withPrEffects(target, enter(target, 'queued', now, {}), []);
  if (blocked) return exhaust(target, blocked, now);
  const next = enter(target, 'drafting', now, { failure: undefined });
  next.baseSha = sha;
  next.iteration = target.iteration + 1;
  return withPrEffects(target, next, [
    ...regenerateCheck(next),
    { type: 'run-coder', mode: 'initial', iteration: next.iteration, sha, history: target.history },
  ]);
}

function startRepair(
  before: Target,
  current: Target,
  policy: Policy,
  now: Date,
  input:
    | { mode: 'repair'; report?: FailureReport }
    | { mode: 'judge-feedback'; requiredChanges: string[]; reasons: string[] },
): Transition {
  const blocked = coderBlock(current, policy);
  if (blocked === 'paused') {
    // Paused migrations start no coder: the PR waits, `/migrate continue` or a resume restarts it.
    return withPrEffects(
      before,
      enter(current, 'paused', now, {
        reason: 'stopped',
        resumeState: 'awaiting-ci',
        failure: current.failure,
      }),
      [],
    );
  }
  if (blocked) return exhaust(current, blocked, now, before);
  const next = enter(current, 'repairing', now, { failure: current.failure });
  next.iteration = current.iteration + 1;
  const sha = current.lastPushedSha ?? current.baseSha ?? '';
  const effect: Effect =
    input.mode === 'repair'
      ? {
          type: 'run-coder',
          mode: 'repair',
          iteration: next.iteration,
          sha,
          history: current.history,
          ...(input.report ? { report: input.report } : {}),
        }
      : {
          type: 'run-coder',
          mode: 'judge-feedback',
          iteration: next.iteration,
          sha,
          history: current.history,
          requiredChanges: input.requiredChanges,
          reasons: input.reasons,
        };
  return withPrEffects(before, next, [effect]);
}

function coderFinished(target: Target, result: CoderRunSummary, policy: Policy, now: Date): Transition {
  const lastAttempt = target.history.at(-1);
  if (lastAttempt && lastAttempt.iteration === target.iteration) {
    return ignore(target, 'ignored-duplicate', `iteration ${target.iteration} already finished`);
  }
  const regenerate = isRegenerating(target);
  const pending = target.pending;
  const retried = pending?.command === 'retry';
  const attempt: Attempt = {
    iteration: Math.max(1, target.iteration),
    mode:
      target.state === 'drafting'
        ? 'initial'
        : target.history.length > 0 && target.failure?.class === 'judge'
          ? 'judge-feedback'
          : 'repair',
    outcome: result.outcome,
    summary: cap(
      retried && target.baseSha !== undefined
        ? `retried on base ${target.baseSha.slice(0, 7)} (revision ${target.manifestRevision}): ${result.summary}`
        : regenerate && target.baseSha !== undefined
          ? `regenerated on new base ${target.baseSha.slice(0, 7)}: ${result.summary}`
          : result.summary,
      SUMMARY_CAP,
    ),
    files: result.files.slice(0, FILES_CAP).map((file) => cap(file, 300)),
    costUsd: result.usage.costUsd,
    at: now.toISOString(),
    ...(pending ? { trigger: { command: pending.command, by: pending.by, at: pending.at } } : {}),
  };
  const recorded: Target = {
    ...target,
    usage: addUsage(target.usage, result.usage),
    history: [...target.history, attempt].slice(-MAX_HISTORY),
    updatedAt: now.toISOString(),
  };
  // The run the command started has ended: the history keeps who asked (the attempt's trigger).
  delete recorded.pending;
  const hasChanges = result.files.length > 0;
  const branch = renderBranchName(target.migrationId);

  if (result.outcome === 'error') {
    return toError(recorded, now, policy, 'coder-error', result.reason ?? result.summary, target);
  }
  if (
    hasChanges &&
    result.outcome !== 'refused' &&
    result.outcome !== 'gave-up' &&
    result.outcome !== 'not-applicable'
  ) {
    // Partial changes from a run cut short by its own limits still go to CI: CI is the judge of them.
    if (regenerate) {
      const base = target.baseSha;
      const old = target.lastPushedSha;
      if (base === undefined || old === undefined)
        return toError(recorded, now, policy, 'unexpected', 'no base to regenerate on', target);
      // Reset first (run-effects checks every discarded commit is the app's), then one fresh
      // commit on the new base, so the PR shows a single clean change again. A forced retry
      // discards up to the head the writer saw, and fails safe if the branch moved since.
      return applied(recorded, [
        { type: 'reset-branch', branch, sha: base, ...discardUpTo(target, old) },
        {
          type: 'push-commit',
          branch,
          expectedHeadSha: base,
          createBranch: false,
          headline: `fleetwright: ${target.migrationId} (${retried ? 'retried' : 'regenerated'} on ${base.slice(0, 7)})`,
          body: cap(result.summary, 2000),
        },
      ]);
    }
    const first = target.state === 'drafting';
    const parent = first ? target.baseSha : target.lastPushedSha;
    if (parent === undefined)
      return toError(recorded, now, policy, 'unexpected', 'no parent commit to build on', target);
    return applied(recorded, [
      {
        type: 'push-commit',
        branch,
        expectedHeadSha: parent,
        createBranch: first,
        headline: first
          ? `fleetwright: ${target.migrationId}`
          : pending?.command === 'fix'
            ? `fleetwright: ${target.migrationId} (iteration ${attempt.iteration}, /migrate fix by @${pending.by})`
            : `fleetwright: ${target.migrationId} (iteration ${attempt.iteration})`,
        body: cap(result.summary, 2000),
      },
    ]);
  }
  if (pending?.command === 'fix' && target.state === 'repairing') {
    return fixWithoutChange(target, recorded, pending, result.reason ?? result.summary, policy, now);
  }
  if (
    target.state === 'drafting' &&
    (result.outcome === 'not-applicable' || (result.outcome === 'changed' && !hasChanges))
  ) {
    const why = result.reason ?? result.summary;
    // After a regenerate the PR exists: its labels and marker follow the end state.
    return withPrEffects(
      target,
      enter(recorded, 'not-applicable', now, {
        reason: 'nothing-to-change',
        detail: cap(why, 500),
        failure: {
          class: 'not-applicable',
          signature: normalizeSignature({ message: why || 'nothing to change' }),
          example: cap(why, 300),
        },
      }),
      [],
    );
  }
  const reason: TargetReason =
    result.outcome === 'refused'
      ? 'coder-refused'
      : result.outcome === 'gave-up' || result.outcome === 'not-applicable' || result.outcome === 'changed'
        ? 'coder-gave-up'
        : 'coder-limit';
  const why = result.reason ?? result.summary;
  const exhausted = enter(recorded, 'exhausted', now, {
    reason,
    detail: cap(why, 500),
    failure: {
      class: 'coder',
      signature: normalizeSignature({ code: result.outcome, message: why }),
      example: cap(why, 300),
    },
  });
  return withPrEffects(target, exhausted, target.prNumber === undefined ? [] : [exhaustedComment(exhausted)]);
}

function ciCompleted(
  target: Target,
  event: Extract<TargetEvent, { type: 'ci-completed' }>,
  policy: Policy,
  now: Date,
): Transition {
  switch (event.ci) {
    case 'pending':
    case 'none':
      // No CI yet (or none that runs on PRs): keep waiting; the CI timeout ends it as stalled.
      return ignore(target, 'ignored-irrelevant', `CI ${event.ci}`);
    case 'green': {
      // No comment here: the review publishes its own (one judge comment, edited in place).
      const next = enter(target, 'judging', now, { failure: undefined });
      next.history = updateLast(target.history, { result: 'CI green' });
      return withPrEffects(target, next, [{ type: 'run-judge', headSha: event.headSha }]);
    }
    case 'red': {
      const failure = failureFromCi(event.report, event.failing ?? []);
      const current: Target = {
        ...target,
        failure,
        history: updateLast(target.history, {
          result: cap(`CI red: ${failure.example ?? failure.signature}`, 300),
        }),
      };
      return startRepair(target, current, policy, now, {
        mode: 'repair',
        ...(event.report ? { report: event.report } : {}),
      });
    }
  }
}

/** The failure of a red CI: the report's first error finding, else the failing checks' names. */
export function failureFromCi(report: FailureReport | undefined, failing: readonly string[]): Failure {
  const finding = report?.findings.find((item) => item.severity === 'error') ?? report?.findings[0];
  if (finding) {
    const example = cap(`${finding.code ? `${finding.code} ` : ''}${finding.message}`, 300);
    return {
      class: 'ci-failure',
      signature: normalizeSignature({
        tool: finding.tool,
        code: finding.code ?? finding.kind,
        message: finding.message,
      }),
      example,
    };
  }
  const names = failing.length > 0 ? failing.join(', ') : 'unknown checks';
  return {
    class: 'ci-failure',
    signature: normalizeSignature({ message: `failing checks: ${names}` }),
    example: cap(names, 300),
  };
}

/** A branch `fleetwright/<id>` exists without a PR the app knows of. */
function adoptBranch(
  target: Target,
  event: Extract<TargetEvent, { type: 'branch-found' }>,
  now: Date,
): Transition {
  if (!event.ours) {
    return applied(
      enter(target, 'paused', now, {
        reason: 'foreign-branch',
        detail: `branch ${renderBranchName(target.migrationId)} exists with commits fleetwright did not make`,
        failure: failureOf('human', 'branch exists with foreign commits'),
      }),
      [],
    );
  }
  // Our own push survived a crash: do not redo the coder's work, open the PR for it.
  const next = enter(target, 'awaiting-ci', now, {});
  next.lastPushedSha = event.sha;
  next.headSha = event.sha;
  next.iteration = Math.max(1, target.iteration);
  next.prOpenedAt = now.toISOString();
  return applied(next, [openDraftPr(target)]);
}

/**
 * The default branch moved to `sha` and the PR conflicts with it: regenerate the change on the
 * new base (a coder run in initial mode, counted in the budget). Only for a PR the app is waiting
 * on (awaiting CI, or stalled because conflicts block `pull_request` runs). The run waits in
 * `queued` for a coder slot (`rollout.maxConcurrentCoders`, admit-targets.ts) like a retry, so a
 * refactor on the default branch that makes many PRs conflict at once does not start them all
 * at once; admission starts it (`stepQueued` → `startDraft`, with the branch check first).
 */
function baseMoved(target: Target, sha: string, policy: Policy, now: Date): Transition {
  // Redelivered, or seen again while the regenerate on this base waits or is under way.
  if (sha === target.baseSha || sha === target.regenerateOn)
    return ignore(target, 'ignored-duplicate', `already on ${sha.slice(0, 7)}`);
  if (target.state !== 'awaiting-ci' && target.state !== 'stalled')
    return ignore(target, 'ignored-irrelevant', `base moved while ${target.state}`);
  if (target.prNumber === undefined || target.lastPushedSha === undefined)
    return ignore(target, 'ignored-irrelevant', 'no PR to regenerate');
  if (target.headSha !== undefined && target.headSha !== target.lastPushedSha) {
    // A person's commit is on the branch: regenerating would discard it.
    const next = enter(target, 'paused', now, {
      reason: 'human-commit',
      detail: `base moved to ${sha.slice(0, 7)} but the branch has commit ${target.headSha.slice(0, 7)} fleetwright did not make`,
      resumeState: 'awaiting-ci',
      failure: failureOf('human', 'a person pushed to the branch'),
    });
    return withPrEffects(target, next, [
      comment(
        next,
        'paused',
        `fleetwright paused: the base branch moved and the PR conflicts, but the branch has a commit it did not make (${target.headSha.slice(0, 7)}). ` +
          'It never discards human work: resolve the conflict, then comment `/migrate continue`.',
      ),
    ]);
  }
  const blocked = coderBlock(target, policy);
  if (blocked === 'paused') return ignore(target, 'ignored-blocked', 'migration paused or disabled');
  if (blocked) return exhaust(target, blocked, now);
  // `detail` says why an open PR is `queued` (status, dashboard).
  const next = enter(target, 'queued', now, {
    detail: `the base moved to ${sha.slice(0, 7)}: the change is regenerated there once a coder slot is free`,
    failure: undefined,
  });
  next.regenerateOn = sha;
  // Only a CI stall posted a stall comment to resolve.
  const resolved = isCiStalled(target)
    ? [
        stallResolved(
          next,
          `The base branch moved to ${sha.slice(0, 7)} and fleetwright carried on by itself`,
        ),
      ]
    : [];
  return withPrEffects(
    target,
    next,
    resolved,
    `base moved to ${sha.slice(0, 7)}: queued for a coder slot to regenerate the change there`,
  );
}

/**
 * Drafting with a pushed commit: a regenerate (moved base, or a retry), not a first draft. The
 * branch exists, so it is reset rather than created; without a PR (a retry of a target whose PR
 * never opened) the PR is opened after the push.
 */
function isRegenerating(target: Target): boolean {
  return target.state === 'drafting' && target.lastPushedSha !== undefined;
}

/**
 * A person's commit on a PR the app is working on: pause, and say what to do. A retry, or a
 * regenerate on a moved base, that found it among the commits its reset would discard says so
 * (before the coder ran, when `before` gave its iteration back, or after).
 */
function humanCommitPause(
  target: Target,
  before: Target,
  event: Extract<TargetEvent, { type: 'human-commit-detected' }>,
  found: boolean,
  now: Date,
): Transition {
  // Found by the reset after the coder ran (not by the check before it).
  const ran = found && target.history.at(-1)?.iteration === target.iteration;
  const retried =
    target.pending?.command === 'retry' || (ran && target.history.at(-1)?.trigger?.command === 'retry');
  const sha = event.sha.slice(0, 7);
  const by = event.author ? ` by ${event.author}` : '';
  const commitBy = event.author ? `a commit by ${event.author}` : 'a commit';
  const next = enter(before, 'paused', now, {
    reason: 'human-commit',
    detail: `commit ${sha}${by}`,
    resumeState:
      target.state === 'paused'
        ? target.resumeState
        : target.state === 'drafting' || target.state === 'queued' || target.state === 'baseline'
          ? 'awaiting-ci'
          : target.state,
    failure: failureOf('human', 'a person pushed to the branch'),
  });
  next.headSha = event.sha;
  const body = retried
    ? `fleetwright ${ran ? 'stopped the retry before resetting the branch' : 'did not retry'}: the branch has ${commitBy} it did not make (branch head ${sha}), and a retry resets the branch, which would discard it. ` +
      'Comment `/migrate retry --force` to discard it and start over, or `/migrate continue` to carry on from it.'
    : found
      ? `fleetwright paused: the base branch moved and the PR conflicts, but the branch has ${commitBy} it did not make (branch head ${sha}). ` +
        'It never discards human work: resolve the conflict, then comment `/migrate continue`.'
      : `fleetwright paused: the branch has a commit it did not make (${sha}). ` +
        'It never pushes over human work. Comment `/migrate continue` to let it carry on from your commit.';
  return withPrEffects(target, next, [comment(next, 'paused', body)]);
}

/** Before a regenerate's coder run: the check that its reset would discard only the app's work. */
function regenerateCheck(next: Target): Effect[] {
  const base = next.baseSha;
  if (!isRegenerating(next) || base === undefined || next.lastPushedSha === undefined) return [];
  const branch = renderBranchName(next.migrationId);
  return [{ type: 'check-branch', branch, base, ...discardUpTo(next, next.lastPushedSha) }];
}

/**
 * How far a regenerate's check and reset may discard: up to the app's last push, or, for a
 * `/migrate retry --force`, up to the head the writer agreed to discard (human commits included).
 */
function discardUpTo(target: Target, lastPushedSha: string): { expectedHeadSha: string; force?: true } {
  const forcedHead = target.pending?.command === 'retry' ? target.pending.discardHead : undefined;
  return forcedHead !== undefined
    ? { expectedHeadSha: forcedHead, force: true }
    : { expectedHeadSha: lastPushedSha };
}

function coderBlock(target: Target, policy: Policy): TargetReason | 'paused' | undefined {
  if (!policy.enabled || policy.paused) return 'paused';
  const used = budgetUsed(target);
  if (used.iterations >= policy.maxIterations) return 'iteration-budget';
  if (used.costUsd >= policy.maxCostPerRepoUsd) return 'cost-budget';
  if (policy.migrationSpentUsd >= policy.maxTotalUsd) return 'migration-budget';
  return undefined;
}

function exhaust(target: Target, reason: TargetReason, now: Date, before: Target = target): Transition {
  const used = budgetUsed(target);
  const budget =
    reason === 'iteration-budget'
      ? `iteration budget spent (${used.iterations} runs)`
      : reason === 'cost-budget'
        ? `cost budget spent ($${used.costUsd.toFixed(2)})`
        : 'migration budget spent';
  // The last CI failure is the more useful grouping key: it says what the coder could not fix.
  const failure = target.failure ?? failureOf('budget', budget);
  const next = enter(target, 'exhausted', now, { reason, detail: budget, failure });
  return withPrEffects(before, next, next.prNumber === undefined ? [] : [exhaustedComment(next)]);
}

function exhaustedComment(target: Target): Effect {
  const tried = target.history
    .map(
      (attempt) =>
        `- iteration ${attempt.iteration}: ${attempt.summary.split('\n')[0] ?? ''}${attempt.result ? ` → ${attempt.result}` : ''}`,
    )
    .join('\n');
  return comment(
    target,
    'exhausted',
    [
      `fleetwright stopped: ${target.detail ?? target.reason ?? 'budget spent'}. A person needs to take over.`,
      target.failure?.example ? `\nLast failure: \`${target.failure.example.replace(/`/g, "'")}\`` : '',
      tried ? `\nWhat was tried:\n${tried}` : '',
    ].join('\n'),
  );
}

function ciTimeout(target: Target, policy: Policy, now: Date): Transition {
  const next = enter(target, 'stalled', now, {
    reason: 'ci-timeout',
    resumeState: 'awaiting-ci',
    failure: failureOf('ci-timeout', 'CI did not finish in time'),
  });
  // Rule 7: keep looking now and then, in case CI finishes late or its webhook was lost.
  next.wakeAt = addMinutes(now, stalledPollMinutes(0, policy));
  return withPrEffects(target, next, [
    comment(
      next,
      'stalled',
      `CI on ${target.lastPushedSha?.slice(0, 7) ?? 'the branch'} did not finish in time, so fleetwright stopped waiting. ` +
        'Check that a workflow runs on `pull_request` and that the PR has no conflicts, then comment `/migrate continue`. ' +
        'It still checks now and then, and carries on by itself if CI finishes.',
    ),
    { type: 'schedule-tick', at: next.wakeAt },
  ]);
}

function baselineTimeout(target: Target, policy: Policy, now: Date): Transition {
  const next = enter(target, 'stalled', now, {
    reason: 'baseline-timeout',
    failure: failureOf('ci-timeout', 'default branch CI did not finish in time'),
  });
  // Rule 7: read the default branch again now and then, in case its CI finishes late.
  next.wakeAt = addMinutes(now, stalledPollMinutes(0, policy));
  return withPrEffects(target, next, [{ type: 'schedule-tick', at: next.wakeAt }]);
}

function toError(
  target: Target,
  now: Date,
  policy: Policy,
  reason: TargetReason,
  message: string,
  before: Target = target,
): Transition {
  const errorCount = target.errorCount + 1;
  const backoff = policy.errorBackoffMinutes * 2 ** Math.min(errorCount - 1, 10);
  const next = enter(target, 'error', now, {
    reason,
    detail: cap(message, 500),
    resumeState: target.state === 'error' ? target.resumeState : target.state,
    failure: {
      class: reason === 'coder-error' ? 'coder' : reason === 'unexpected' ? 'internal' : 'github',
      signature: normalizeSignature({ code: reason, message }),
      example: cap(message, 300),
    },
  });
  next.errorCount = errorCount;
  const effects: Effect[] = [];
  if (errorCount <= policy.maxErrorRetries) {
    next.wakeAt = addMinutes(now, backoff);
    effects.push({ type: 'schedule-tick', at: next.wakeAt });
  }
  return withPrEffects(before, next, effects);
}

// ── Small helpers ───────────────────────────────────────────────────────────────────────────────

function enter(
  target: Target,
  state: TargetState,
  now: Date,
  fields: { reason?: TargetReason; detail?: string; resumeState?: TargetState; failure?: Failure },
): Target {
  const at = now.toISOString();
  const next: Target = { ...target, state, updatedAt: at, stateSince: at };
  delete next.reason;
  delete next.detail;
  delete next.resumeState;
  delete next.wakeAt;
  // Set again only by the moved-base path, after `enter`.
  delete next.regenerateOn;
  if (fields.reason !== undefined) next.reason = fields.reason;
  if (fields.detail !== undefined) next.detail = fields.detail;
  if (fields.resumeState !== undefined) next.resumeState = fields.resumeState;
  if ('failure' in fields) {
    if (fields.failure === undefined) delete next.failure;
    else next.failure = fields.failure;
  }
  if (state !== 'error') next.errorCount = 0;
  // A retry or fix lives until the run it started has ended somewhere else.
  if (!COMMAND_RUN_STATES.has(state)) delete next.pending;
  return next;
}

function failureOf(failureClass: FailureClass, message: string): Failure {
  return { class: failureClass, signature: normalizeSignature({ message }), example: cap(message, 300) };
}

/** Appends the label and marker effects that follow a state change on an existing PR. */
function withPrEffects(before: Target, after: Target, effects: Effect[], note?: string): Transition {
  if (after.prNumber === undefined) return applied(after, effects, note);
  const prEffects: Effect[] = [];
  if (before.state !== after.state) {
    const wanted = new Set(labelsForState(after.state));
    prEffects.push({
      type: 'set-labels',
      add: [...wanted],
      remove: labelsForState(before.state).filter((label) => !wanted.has(label)),
    });
  }
  prEffects.push({ type: 'update-marker' });
  return applied(after, [...prEffects, ...effects], note);
}

function comment(target: Target, kind: Parameters<typeof buildCommentKey>[1], body: string): Effect {
  return { type: 'comment', key: buildCommentKey(target.migrationId, kind), body };
}

function updateLast(history: Attempt[], fields: Partial<Pick<Attempt, 'sha' | 'result'>>): Attempt[] {
  const last = history.at(-1);
  if (!last) return history;
  return [...history.slice(0, -1), { ...last, ...fields }];
}

function applied(target: Target, effects: Effect[], note?: string): Transition {
  return note === undefined
    ? { target, effects, outcome: 'applied' }
    : { target, effects, outcome: 'applied', note };
}

/** The draft PR for the target's pushed branch, against its base (the default branch if unrecorded). */
function openDraftPr(target: Target): Effect {
  return {
    type: 'open-draft-pr',
    branch: renderBranchName(target.migrationId),
    base: target.baseRef ?? 'HEAD',
    labels: labelsForState('awaiting-ci'),
  };
}

function ignore(target: Target, outcome: Exclude<StepOutcome, 'applied'>, note?: string): Transition {
  return note === undefined ? { target, effects: [], outcome } : { target, effects: [], outcome, note };
}

function elapsedMinutes(sinceIso: string, now: Date): number {
  return (now.getTime() - Date.parse(sinceIso)) / MS_PER_MINUTE;
}

function addMinutes(now: Date, minutes: number): string {
  return new Date(now.getTime() + minutes * MS_PER_MINUTE).toISOString();
}

function cap(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
