/**
 * The unit of work: one repository × one migration (shared/DESIGN.md §4). A `Target` is plain
 * data, serialisable into the PR state marker (src/core/markers/state-marker.ts), so a restarted
 * server rebuilds it from GitHub. Every timestamp is an ISO string supplied by the caller's `now`.
 */
import { z } from 'zod';
import { Usage } from '../../contracts/usage.ts';

/**
 * Lifecycle: `queued → baseline → drafting → awaiting-ci ⇄ repairing → judging → owner-review →
 * ready → merged | closed`, plus the side exits. `paused`, `stalled` and `error` can be resumed;
 * `merged`, `closed`, `skipped`, `not-applicable` and `exhausted` are final until a retry.
 */
export const TargetState = z.enum([
  'queued',
  'baseline',
  'drafting',
  'awaiting-ci',
  'repairing',
  'judging',
  'owner-review',
  'ready',
  'merged',
  'closed',
  'skipped',
  'not-applicable',
  'exhausted',
  'stalled',
  'paused',
  'error',
]);
export type TargetState = z.infer<typeof TargetState>;

/** Why a target sits in a side exit, in words a human can read on the dashboard. */
export const TargetReason = z.enum([
  // skipped
  'baseline-red',
  'no-ci',
  'archived',
  'fork',
  'excluded',
  'empty',
  'disabled',
  // not-applicable
  'nothing-to-change',
  // exhausted
  'iteration-budget',
  'cost-budget',
  'migration-budget',
  'coder-gave-up',
  'coder-refused',
  'coder-limit',
  // stalled
  'ci-timeout',
  'baseline-timeout',
  // paused
  'human-commit',
  'foreign-branch',
  'stopped',
  // closed
  'pr-closed',
  'branch-deleted',
  // error
  'coder-error',
  'github-error',
  'stale-head',
  'missing-change-set',
  'unexpected',
]);
export type TargetReason = z.infer<typeof TargetReason>;

/** Broad family of a non-green end, the first level of the dashboard's failure groups. */
export const FailureClass = z.enum([
  'baseline-ci',
  'no-ci',
  'ineligible',
  'not-applicable',
  'ci-failure',
  'ci-timeout',
  'coder',
  'budget',
  'judge',
  'human',
  'github',
  'internal',
]);
export type FailureClass = z.infer<typeof FailureClass>;

/** A failure class plus a normalised signature (see `normalizeSignature`) and a short example. */
export const Failure = z.object({
  class: FailureClass,
  signature: z.string().max(300),
  /** One line from the original message (unmasked, capped), as an example for humans. */
  example: z.string().max(300).optional(),
});
export type Failure = z.infer<typeof Failure>;

/**
 * Who asked for a coder run by command (`/migrate retry`, `/migrate fix`, or a dashboard retry),
 * and when the command was accepted. Runs the app started on its own carry none.
 */
export const AttemptTrigger = z.object({
  command: z.enum(['retry', 'fix']),
  /** The commenter's login (a writer of the repository or of the config repo). */
  by: z.string().max(100),
  at: z.string(),
});
export type AttemptTrigger = z.infer<typeof AttemptTrigger>;

/** One coder run, compacted (the repair prompt's history and the dashboard's detail). */
export const Attempt = z.object({
  iteration: z.number().int().positive(),
  mode: z.enum(['initial', 'repair', 'judge-feedback']),
  outcome: z.string().max(40),
  summary: z.string().max(500),
  files: z.array(z.string().max(300)).max(30),
  /** How the attempt ended once CI/judge spoke: "CI red: TS2345 …", "green". */
  result: z.string().max(300).optional(),
  sha: z.string().optional(),
  costUsd: z.number().nonnegative(),
  at: z.string(),
  /** Set when a maintainer's command started this run (history: who, when, which command). */
  trigger: AttemptTrigger.optional(),
});
export type Attempt = z.infer<typeof Attempt>;

/** How many attempts the marker keeps; older ones are dropped (their cost stays in `usage`). */
export const MAX_HISTORY = 8;

const Sha = z.string().regex(/^[0-9a-f]{7,64}$/);

/**
 * A maintainer's `/migrate retry` or `/migrate fix` accepted by `step` and not yet finished: the
 * coder run it starts records it as its `trigger`. Cleared by the next state the run ends in.
 */
export const PendingCommand = z.object({
  command: z.enum(['retry', 'fix']),
  by: z.string().max(100),
  at: z.string(),
  /**
   * `/migrate retry --force`: the branch head the writer agreed to discard, human commits
   * included. Only a branch still at exactly this head is reset over commits the app did not make.
   */
  discardHead: Sha.optional(),
  /** `fix`: the state to return to when the run pushes nothing (`owner-review`, `paused`…). */
  from: TargetState.optional(),
  fromReason: TargetReason.optional(),
  fromResumeState: TargetState.optional(),
});
export type PendingCommand = z.infer<typeof PendingCommand>;

/**
 * Where the per-attempt budget starts: the iteration count and spend when the last retry began.
 * `iteration` and `usage` stay cumulative (the marker, `/migrate status` and the dashboard show
 * the whole spend); the iteration and per-repository cost budgets count from here.
 */
export const BudgetStart = z.object({
  iteration: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative(),
});
export type BudgetStart = z.infer<typeof BudgetStart>;

export const Target = z.object({
  /** Kebab-case, as the manifest requires (it is embedded in the branch name). */
  migrationId: z
    .string()
    .max(64)
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/),
  /** The manifest revision this target was started with; later edits apply only to unstarted targets. */
  manifestRevision: z.string().min(1).max(80),
  /** `owner/name`. */
  repo: z.string().regex(/^[^/\s]+\/[^/\s]+$/),
  state: TargetState,
  reason: TargetReason.optional(),
  /** Free text accompanying `reason` (the coder's explanation, a failing check's name…). */
  detail: z.string().max(500).optional(),
  /** Coder runs started so far (the first draft is iteration 1). */
  iteration: z.number().int().nonnegative(),
  baseRef: z.string().optional(),
  /** Default-branch commit the change was built on. */
  baseSha: Sha.optional(),
  /** The last commit the app pushed to the branch; CI results for any other SHA are stale. */
  lastPushedSha: Sha.optional(),
  /** The branch head last observed (differs from `lastPushedSha` after a human commit). */
  headSha: Sha.optional(),
  prNumber: z.number().int().positive().optional(),
  usage: Usage,
  history: z.array(Attempt).max(MAX_HISTORY),
  failure: Failure.optional(),
  /** Where a paused/stalled/error target resumes. */
  resumeState: TargetState.optional(),
  /** Consecutive error retries; reset by any successful transition out of `error`. */
  errorCount: z.number().int().nonnegative(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** When the current state was entered (timeouts are measured from it). */
  stateSince: z.string(),
  /** When the PR was opened (rollout's PRs-per-hour window survives restarts through it). */
  prOpenedAt: z.string().optional(),
  /** The next `tick` this target wants, if any. */
  wakeAt: z.string().optional(),
  /** Retries so far (`/migrate retry`, dashboard retries); absent = none. */
  retries: z.number().int().nonnegative().optional(),
  /** Set by a retry: the budget of the current attempt starts here (see `budgetUsed`). */
  budgetStart: BudgetStart.optional(),
  /** A retry or fix under way (see `PendingCommand`). */
  pending: PendingCommand.optional(),
  /**
   * `queued` only: the moved base a conflicting PR waits to be regenerated on. The regenerate is
   * a coder run, so it waits for the planner's coder slot; `baseSha` keeps the base the branch is
   * still built on until then. Cleared by any transition.
   */
  regenerateOn: Sha.optional(),
});
export type Target = z.infer<typeof Target>;

/**
 * Iterations and model spend of the current attempt: everything since the last retry (or since
 * the start). Budgets (`maxIterations`, `maxCostPerRepoUsd`) apply to these numbers; the
 * cumulative ones stay in `iteration` and `usage`.
 */
export function budgetUsed(target: Target): { iterations: number; costUsd: number } {
  const start = target.budgetStart;
  return {
    iterations: Math.max(0, target.iteration - (start?.iteration ?? 0)),
    costUsd: Math.max(0, Math.round((target.usage.costUsd - (start?.costUsd ?? 0)) * 1e6) / 1e6),
  };
}

/** A fresh, queued target. Pure: `now` comes from the caller. */
export function buildTarget(input: {
  migrationId: string;
  manifestRevision: string;
  repo: string;
  now: Date;
}): Target {
  const at = input.now.toISOString();
  return {
    migrationId: input.migrationId,
    manifestRevision: input.manifestRevision,
    repo: input.repo,
    state: 'queued',
    iteration: 0,
    usage: { inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0, costUsd: 0 },
    history: [],
    errorCount: 0,
    createdAt: at,
    updatedAt: at,
    stateSince: at,
  };
}
