/**
 * CI aggregation: there is no single "CI finished" event on GitHub, so the verdict for a commit
 * is computed from every check run and commit status on it. Pure.
 *
 * Choices (documented because each is debatable):
 * - Check runs from the app itself (`ownAppSlug`) and names in `ignoreCheckNames` (by default
 *   `fleetwright/manifests` and `fleetwright/judge`) are ignored: they are our echoes, not CI.
 * - `success`, `neutral` and `skipped` pass: GitHub's branch protection treats them the same way.
 * - `failure`, `timed_out`, `action_required`, `startup_failure` and any conclusion we do not
 *   know are red: failing closed is safer than merging on a signal we cannot read.
 * - `cancelled` is red: for the head SHA the app pushed nobody supersedes the run (a newer push
 *   would make the event stale anyway), so a cancelled run will not turn green by waiting.
 * - `stale` (GitHub's mark for runs incomplete after 14 days) counts as pending, so the CI
 *   timeout turns it into `stalled` rather than a repair of nothing.
 * - Anything pending (check run not completed, status `pending`) makes the verdict `pending`,
 *   even when something is already red, so the failure report covers every job.
 * - Several commit statuses with the same context: the first one wins (GitHub lists newest first).
 *   Several check runs with the same name: the highest id wins (the latest re-run).
 * - Nothing left after filtering → `none` (the repo has no CI on this commit).
 */

/** The CI signals for one commit, as the GitHost port returns them (structurally typed here). */
export interface CiSnapshotLike {
  sha: string;
  checkRuns: readonly {
    id: number;
    name: string;
    status: string;
    conclusion: string | null;
    appSlug: string | null;
  }[];
  statuses: readonly { context: string; state: string }[];
}

export type CiVerdict = 'green' | 'red' | 'pending' | 'none';

export interface CiOptions {
  /** The app's own slug: its check runs are never CI. */
  ownAppSlug?: string;
  /** Check run names to ignore (exact match). */
  ignoreCheckNames?: readonly string[];
  /** Other apps whose check runs are noise (e.g. a bot that posts informational checks). */
  ignoreAppSlugs?: readonly string[];
}

export interface CiSummary {
  verdict: CiVerdict;
  /** Names of red check runs and status contexts, sorted. */
  failing: string[];
  /** Names of pending check runs and status contexts, sorted. */
  pending: string[];
  /** Count of signals that passed. */
  passed: number;
}

/** Default ignored names: the app's own check runs. */
export const DEFAULT_IGNORED_CHECKS: readonly string[] = ['fleetwright/manifests', 'fleetwright/judge'];

const PASSING = new Set(['success', 'neutral', 'skipped']);

/** Aggregates a snapshot into a verdict plus the names behind it. */
export function summarizeCi(snapshot: CiSnapshotLike, options: CiOptions = {}): CiSummary {
  const ignoredNames = new Set(options.ignoreCheckNames ?? DEFAULT_IGNORED_CHECKS);
  const ignoredApps = new Set(options.ignoreAppSlugs ?? []);
  const latestRuns = new Map<string, CiSnapshotLike['checkRuns'][number]>();
  for (const run of snapshot.checkRuns) {
    if (ignoredNames.has(run.name)) continue;
    if (run.appSlug !== null && (run.appSlug === options.ownAppSlug || ignoredApps.has(run.appSlug)))
      continue;
    const previous = latestRuns.get(run.name);
    if (!previous || run.id > previous.id) latestRuns.set(run.name, run);
  }
  const latestStatuses = new Map<string, string>();
  for (const status of snapshot.statuses) {
    if (!latestStatuses.has(status.context)) latestStatuses.set(status.context, status.state);
  }

  const failing: string[] = [];
  const pending: string[] = [];
  let passed = 0;
  for (const run of latestRuns.values()) {
    if (run.status !== 'completed' || run.conclusion === null || run.conclusion === 'stale')
      pending.push(run.name);
    else if (PASSING.has(run.conclusion)) passed += 1;
    else failing.push(run.name);
  }
  for (const [context, state] of latestStatuses) {
    if (state === 'success') passed += 1;
    else if (state === 'pending') pending.push(context);
    else failing.push(context);
  }
  failing.sort();
  pending.sort();
  const verdict: CiVerdict =
    pending.length > 0 ? 'pending' : failing.length > 0 ? 'red' : passed > 0 ? 'green' : 'none';
  return { verdict, failing, pending, passed };
}

/** The verdict only; see `summarizeCi` for the rules. */
export function aggregateCi(snapshot: CiSnapshotLike, options: CiOptions = {}): CiVerdict {
  return summarizeCi(snapshot, options).verdict;
}
