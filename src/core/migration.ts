/**
 * A migration as the workflows use it: the manifest reduced to what fan-out, the state machine
 * and the coder need, plus the manifest's revision. Built from a parsed manifest by
 * `migrationFromManifest`; pure data.
 */
import type { TargetSelector } from './planner/select-targets.ts';
import type { Policy } from './target/policy.ts';

export interface Migration {
  id: string;
  /** Identifies the manifest's content (its blob SHA in the config repo). */
  revision: string;
  title: string;
  description: string;
  /** Instructions for the coder (a `promptFile` already resolved). */
  prompt: string;
  selector: TargetSelector;
  pr: { title: string; body: string; labels: string[] };
  /** Static limits; `migrationSpentUsd` is filled in per step by the workflow. */
  policy: Omit<Policy, 'migrationSpentUsd'>;
  /** Plan and log without opening PRs or running the coder. */
  dryRun: boolean;
  coder: {
    allowWorkflowEdits: boolean;
    allowedPaths: string[];
    maxTurns: number;
    maxOutputTokens: number;
    timeoutMinutes: number;
  };
}
