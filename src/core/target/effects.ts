/**
 * What `step` asks the outside world to do. `workflows/run-effects.ts` maps each effect to a port
 * call and turns results back into events. Effects are data: no closures, no clients.
 */
import type { FailureReport } from '../../contracts/failure-report.ts';
import type { Attempt } from './target.ts';

export type Effect =
  /** Read the default branch head and aggregate its CI → `baseline-observed`. */
  | { type: 'read-baseline'; baseRef: string }
  /**
   * Run the coder on a workspace seeded from `baseSha` (initial) or the branch head (repair)
   * → `coder-finished`. `iteration` is the run's number, already counted in the target.
   */
  | {
      type: 'run-coder';
      mode: 'initial' | 'repair' | 'judge-feedback';
      iteration: number;
      /** The commit whose tree the workspace holds. */
      sha: string;
      report?: FailureReport;
      requiredChanges?: string[];
      reasons?: string[];
      instruction?: string;
      history: Attempt[];
    }
  /** Commit the last coder run's change set on `branch`, parent `expectedHeadSha` → `commit-pushed`. */
  | {
      type: 'push-commit';
      branch: string;
      /** The parent; for the first commit the branch is created at this SHA first. */
      expectedHeadSha: string;
      createBranch: boolean;
      headline: string;
      body: string;
    }
  /** Open (or find) the draft PR with the rendered body, marker and labels → `pr-opened`. */
  | { type: 'open-draft-pr'; branch: string; base: string; labels: string[] }
  /** Rewrite the marker in the PR body (and only the marker). */
  | { type: 'update-marker' }
  /** Make the PR's fleetwright labels match. */
  | { type: 'set-labels'; add: string[]; remove: string[] }
  /** Create or edit in place the comment identified by `key`. */
  | { type: 'comment'; key: string; body: string }
  /** Aggregate CI on `headSha` (and read the failure report when red) → `ci-completed`. */
  | { type: 'read-ci'; headSha: string }
  /** Guards + judge on `headSha` → `judge-finished` (issue 7). */
  | { type: 'run-judge'; headSha: string }
  /**
   * Hand the PR over to humans (issue 7): mark the draft ready, request code owners or the
   * manifest's reviewers and notify their teams. Asked for once the judge (and, with an owner
   * preview, an owner) approved.
   */
  | { type: 'mark-ready' }
  /**
   * Owner preview: label the PR for the migration owners and post one comment naming them; the PR
   * stays a draft until an owner answers `/migrate approve` (which asks for `mark-ready`).
   */
  | { type: 'request-owner-review' }
  /**
   * Before a regenerate's coder run (a moved base, a retry): find the commits the later
   * `reset-branch` to `base` would discard, by the same rules, and answer
   * `human-commit-detected` (`beforeReset`) when one is not provably the app's, so no coder run
   * is spent on a branch that cannot be reset. No event when the branch is clean or gone. The
   * reset checks again: a person may push while the coder runs.
   */
  | { type: 'check-branch'; branch: string; base: string; expectedHeadSha: string; force?: boolean }
  /**
   * Reset the app's branch to `sha` if it still points at `expectedHeadSha` (a regenerate on a
   * moved base, or a retry). Every discarded commit must be the app's own, unless `force`: a
   * writer's `/migrate retry --force` agreed to discard everything up to `expectedHeadSha`, and
   * nothing pushed after it.
   */
  | { type: 'reset-branch'; branch: string; sha: string; expectedHeadSha: string; force?: boolean }
  /** Wake this target with a `tick` at `at` (ISO); later requests replace earlier ones. */
  | { type: 'schedule-tick'; at: string };
