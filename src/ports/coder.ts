/**
 * The Coder port: turns a migration prompt (plus a failure report or a judge's demands) into a
 * change set for one repository workspace. The Anthropic adapter is src/adapters/anthropic/.
 * A coder never throws for model behaviour (refusals, budget, bad tool input): those are
 * outcomes. It throws `CoderError` only when it cannot run at all (no credentials, endpoint
 * unreachable after retries).
 */
import type { FailureReport } from '../contracts/failure-report.ts';
import type { Usage } from '../contracts/usage.ts';

/** One earlier iteration, compacted for the repair prompt (fresh context each iteration). */
export interface AttemptSummary {
  iteration: number;
  /** What the coder said it did. */
  summary: string;
  /** Files it touched. */
  files: string[];
  /** One line on how it ended: "CI red: 3 TS errors in src/http.ts", "judge rejected: …". */
  result: string;
}

/** The migration as the coder sees it: everything that is identical for every repository. */
export interface CoderMigration {
  id: string;
  title: string;
  prompt: string;
  /** May the coder edit `.github/workflows/`? (The app then also needs the `workflows` permission.) */
  allowWorkflowEdits: boolean;
  /** Path globs the change may touch; empty = anywhere in the repo. */
  allowedPaths: string[];
}

export type CoderTask =
  | { mode: 'initial'; migration: CoderMigration; repo: string; instruction?: string }
  | {
      mode: 'repair';
      migration: CoderMigration;
      repo: string;
      report: FailureReport;
      history: AttemptSummary[];
      /** A maintainer's free-text instruction from `/migrate fix …`. */
      instruction?: string;
    }
  | {
      mode: 'judge-feedback';
      migration: CoderMigration;
      repo: string;
      requiredChanges: string[];
      reasons: string[];
      history: AttemptSummary[];
      instruction?: string;
    };

export interface CoderBudget {
  maxTurns: number;
  maxOutputTokens: number;
  maxCostUsd: number;
  timeoutMs: number;
}

/** A file to write in full (what one `createCommitOnBranch` needs). */
export interface FileAddition {
  path: string;
  /** The complete new contents. */
  contents: Buffer;
}

export interface ChangeSet {
  additions: FileAddition[];
  deletions: { path: string }[];
  /** Unified diff against the original workspace, for the judge and the PR. */
  diff: string;
}

export type CoderOutcome =
  | 'changed'
  | 'not-applicable'
  | 'gave-up'
  | 'budget-exhausted'
  | 'max-tokens'
  | 'refused'
  | 'timeout'
  /** The conversation outgrew the model's context window (stop reason or a 400 "prompt is too long"). */
  | 'context-exceeded'
  | 'error';

export interface CoderResult {
  outcome: CoderOutcome;
  /** The coder's own summary of what it did, or why it stopped. */
  summary: string;
  /** For not-applicable / gave-up / refused / error: the reason a human can read. */
  reason?: string;
  /** Whatever change exists when the run ended (may be partial for budget/timeout outcomes). */
  changeSet: ChangeSet;
  usage: Usage;
  turns: number;
  toolCalls: number;
  /** Paths this run wrote or deleted (sorted), for the attempt history; absent from coders that do not track it. */
  filesTouched?: string[];
}

/** Progress events for the CLI's live output and for logs. */
export type CoderProgress =
  /** After each model response; `usage` is the run's cumulative usage so far. */
  | { type: 'turn'; turn: number; usage: Usage }
  | { type: 'tool'; name: string; summary: string; isError: boolean }
  | { type: 'retry'; attempt: number; status: number | undefined; waitMs: number };

/** A directory the coder edits; the adapter confines every path to `root`. */
export interface WorkspaceRef {
  root: string;
}

export interface Coder {
  run(
    task: CoderTask,
    workspace: WorkspaceRef,
    budget: CoderBudget,
    options?: { signal?: AbortSignal; onProgress?: (event: CoderProgress) => void },
  ): Promise<CoderResult>;
}
