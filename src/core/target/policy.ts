/**
 * Everything `step` and the planner need to decide, as plain numbers and flags. Built from the
 * manifest (`policyFromManifest`) plus the migration's running totals at the time of the call,
 * so the core never reads configuration or state on its own.
 */

export interface Policy {
  /** Migration-level switch: `false` (manifest disabled) admits nothing and starts no coder run. */
  enabled: boolean;
  /** `rollout.paused`: no admissions and no new coder runs; open PRs stay as they are. */
  paused: boolean;
  /**
   * `rollout.dryRun`: the planner admits nothing (it reports what it would admit); effects of
   * targets already under way are logged instead of carried out (run-effects.ts).
   */
  dryRun: boolean;
  /** Coder runs per target (first draft included). */
  maxIterations: number;
  /** Model spend per target in USD; no coder run starts once reached. */
  maxCostPerRepoUsd: number;
  /** Model spend for the whole migration in USD. */
  maxTotalUsd: number;
  /** What the migration has spent so far (sum over its targets), supplied by the workflow. */
  migrationSpentUsd: number;
  /** Accept repositories whose default branch has no CI at all. */
  allowNoCi: boolean;
  /** Approved PRs wait in `owner-review` for a migration owner before going ready. */
  ownerPreview: boolean;
  /** How long a PR head's CI may stay pending before the target is `stalled`. */
  ciTimeoutMinutes: number;
  /** Wall-clock limit of one coder run; a run silent for twice as long was lost (a restart). */
  coderTimeoutMinutes: number;
  /** How long a pending default-branch CI is waited for before the target is `stalled`. */
  baselineTimeoutMinutes: number;
  /** How often a waiting target re-checks on its own (webhooks usually arrive first). */
  pollMinutes: number;
  /** Automatic retries of an `error` target before it waits for a human. */
  maxErrorRetries: number;
  /** First back-off before retrying an `error`; doubles per retry. */
  errorBackoffMinutes: number;
  /** Rollout: fleetwright PRs of this migration open (or about to open) at once. */
  maxOpenPrs: number;
  /** Rollout: PRs opened within any sliding 60-minute window. */
  prsPerHour: number;
  /** Rollout: targets drafting (coder running) at once. */
  maxConcurrentCoders: number;
  /**
   * The manifest's current revision, supplied by the workflow: `/migrate retry` on a PR restarts
   * with it (targets without a PR get it from `admitted`). Absent: the target keeps its own.
   */
  manifestRevision?: string;
}

/** Defaults matching the manifest's defaults (h/manifest `Budget`/`Rollout`). */
export const DEFAULT_POLICY: Policy = Object.freeze({
  enabled: true,
  paused: false,
  dryRun: false,
  maxIterations: 5,
  maxCostPerRepoUsd: 5,
  maxTotalUsd: 100,
  migrationSpentUsd: 0,
  allowNoCi: false,
  ownerPreview: false,
  ciTimeoutMinutes: 120,
  coderTimeoutMinutes: 20,
  baselineTimeoutMinutes: 120,
  pollMinutes: 15,
  maxErrorRetries: 3,
  errorBackoffMinutes: 5,
  maxOpenPrs: 10,
  prsPerHour: 5,
  maxConcurrentCoders: 2,
});

/** A policy with `overrides` applied to the defaults (tests and the CLI). */
export function buildPolicy(overrides: Partial<Policy> = {}): Policy {
  return { ...DEFAULT_POLICY, ...overrides };
}
