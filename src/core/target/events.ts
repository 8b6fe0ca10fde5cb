/**
 * Everything that can happen to a target. Workflows turn webhooks, timers and effect results
 * into these; `step` decides what they mean. Events carry facts (SHAs, verdicts), never
 * decisions. Events for issues 6–8 (repair loop, judge, commands) are defined now so later
 * work only adds transitions.
 */
import type { FailureReport } from '../../contracts/failure-report.ts';
import type { Usage } from '../../contracts/usage.ts';
import type { CoderOutcome } from '../../ports/coder.ts';
import type { CiVerdict } from './aggregate-ci.ts';

/** A `/migrate …` command after parsing and authorisation (issue 8). */
export type MigrateCommand =
  | {
      name: 'retry';
      /** `--force`: a writer agreed to discard commits fleetwright did not make. */
      force: boolean;
      /**
       * The PR branch head when the command was accepted (the PR command workflow reads it):
       * `--force` discards commits up to this head and never one pushed after it. Dashboard
       * retries leave it out; the target's own `headSha` is used then.
       */
      headSha?: string;
    }
  | { name: 'continue' }
  | { name: 'stop' }
  | { name: 'fix'; instruction: string }
  | { name: 'approve' };

/** The coder's result without file contents: what the state machine needs to decide. */
export interface CoderRunSummary {
  outcome: CoderOutcome;
  summary: string;
  reason?: string;
  /** Paths added, modified or deleted; empty = no change at all. */
  files: string[];
  usage: Usage;
}

/** How an effect failed, as classified by the workflow from the port's error. */
export interface EffectError {
  kind: 'stale-head' | 'rate-limited' | 'forbidden' | 'not-found' | 'http' | 'unexpected';
  status?: number;
  message: string;
}

export type TargetEvent =
  /** The planner admitted the target under the rollout limits. */
  | { type: 'admitted'; revision: string; baseRef: string }
  /** The default branch head and its aggregated CI. */
  | { type: 'baseline-observed'; sha: string; ci: CiVerdict; failing?: string[] }
  /** A coder run ended (initial, repair or judge feedback). */
  | { type: 'coder-finished'; result: CoderRunSummary }
  /** The app pushed a commit on its branch. */
  | { type: 'commit-pushed'; sha: string }
  /** The draft PR exists (opened now, or found). */
  | { type: 'pr-opened'; number: number; headSha: string }
  /** The app's branch exists but no PR was found (a crash between push and PR). */
  | { type: 'branch-found'; sha: string; ours: boolean }
  /** A webhook says CI changed on `headSha`; step decides whether to read it. */
  | { type: 'ci-changed'; headSha: string }
  /** Aggregated CI for `headSha`, with the failure report when red. */
  | { type: 'ci-completed'; headSha: string; ci: CiVerdict; failing?: string[]; report?: FailureReport }
  /** Guards + LLM judge reviewed `headSha` (issue 7). */
  | {
      type: 'judge-finished';
      headSha: string;
      verdict: 'approve' | 'reject';
      reasons: string[];
      requiredChanges: string[];
      usage: Usage;
    }
  /** The branch head is a commit the app did not make. */
  | {
      type: 'human-commit-detected';
      sha: string;
      author?: string;
      /**
       * Found among the commits a regenerate's reset would discard, by the check before its coder
       * run (`check-branch`) or by the reset itself: news even when it is the SHA the app built on
       * last (after `/migrate continue` on a human commit).
       */
      beforeReset?: boolean;
    }
  /** The default branch moved and the PR conflicts (issue 6). */
  | { type: 'base-moved'; sha: string }
  | { type: 'pr-closed' }
  | { type: 'pr-merged' }
  | { type: 'branch-deleted' }
  | { type: 'command-received'; command: MigrateCommand; actor: string }
  /** Time passed: timeouts, polling, error back-off. */
  | { type: 'tick' }
  /** An effect could not be carried out. */
  | { type: 'effect-failed'; effect: string; error: EffectError };
