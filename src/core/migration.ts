/**
 * A migration as the workflows use it: the manifest reduced to what fan-out, the state machine
 * and the coder need, plus the manifest's revision. Built from a validated manifest by
 * `migrationFromManifest`; pure data.
 */
import { buildGuardSettings, type GuardSettings } from './guards/build-guard-settings.ts';
import type { Manifest, Review } from './manifest/schema.ts';
import type { TargetSelector } from './planner/select-targets.ts';
import type { Policy } from './target/policy.ts';
import { DEFAULT_POLICY } from './target/policy.ts';

export interface Migration {
  id: string;
  /** Identifies the manifest's content (and its prompt): a hash, so unrelated config pushes keep it. */
  revision: string;
  title: string;
  description: string;
  /** Instructions for the coder (a `promptFile` already resolved). */
  prompt: string;
  selector: TargetSelector;
  pr: { title: string; body: string; labels: string[] };
  /** Static limits; `migrationSpentUsd` is filled in per step by the workflow. */
  policy: Omit<Policy, 'migrationSpentUsd'>;
  coder: {
    model: string;
    allowWorkflowEdits: boolean;
    allowedPaths: string[];
    maxTurns: number;
    maxOutputTokens: number;
    timeoutMinutes: number;
  };
  /** The LLM judge of a green diff (manifest `model.judge`, `model.judgeMaxOutputTokens`, `judge`). */
  judge: {
    model: string;
    maxOutputTokens: number;
    criteria: string[];
    /** Manifest `guards` (size limits, severity overrides), as `fleetwright try` applies them. */
    guards: Pick<GuardSettings, 'limits' | 'severity'>;
  };
  /** Human review once the judge approved (manifest `review`). */
  review: Review;
}

/**
 * The policy a manifest sets. Fields the manifest has no knob for (polling, error retries, the
 * baseline wait) keep the defaults of `DEFAULT_POLICY`; the baseline wait follows the CI timeout.
 */
export function policyFromManifest(manifest: Manifest): Omit<Policy, 'migrationSpentUsd'> {
  return {
    enabled: true,
    paused: manifest.rollout.paused,
    dryRun: manifest.rollout.dryRun,
    maxIterations: manifest.budget.maxIterations,
    maxCostPerRepoUsd: manifest.budget.maxCostPerRepoUsd,
    maxTotalUsd: manifest.budget.maxTotalUsd,
    allowNoCi: manifest.targets.allowNoCi,
    ownerPreview: manifest.review.ownerPreview,
    ciTimeoutMinutes: manifest.budget.ciTimeoutMinutes,
    coderTimeoutMinutes: manifest.budget.coderTimeoutMinutes,
    baselineTimeoutMinutes: manifest.budget.ciTimeoutMinutes,
    pollMinutes: DEFAULT_POLICY.pollMinutes,
    maxErrorRetries: DEFAULT_POLICY.maxErrorRetries,
    errorBackoffMinutes: DEFAULT_POLICY.errorBackoffMinutes,
    maxOpenPrs: manifest.rollout.maxOpenPrs,
    prsPerHour: manifest.rollout.prsPerHour,
    maxConcurrentCoders: manifest.rollout.maxConcurrentCoders,
  };
}

/** A `Migration` from a validated manifest and its resolved prompt. */
export function migrationFromManifest(manifest: Manifest, prompt: string): Migration {
  return {
    id: manifest.id,
    revision: buildRevision(manifest, prompt),
    title: manifest.title,
    description: manifest.description,
    prompt,
    selector: manifest.targets,
    pr: { title: manifest.pr.title, body: manifest.pr.body, labels: manifest.pr.labels },
    policy: policyFromManifest(manifest),
    coder: {
      model: manifest.model.coder,
      allowWorkflowEdits: manifest.scope.allowWorkflowEdits,
      allowedPaths: manifest.scope.allowedPaths,
      maxTurns: manifest.budget.maxCoderTurns,
      maxOutputTokens: manifest.model.maxOutputTokens,
      timeoutMinutes: manifest.budget.coderTimeoutMinutes,
    },
    judge: {
      model: manifest.model.judge,
      maxOutputTokens: manifest.model.judgeMaxOutputTokens,
      criteria: [...manifest.judge.criteria],
      guards: (({ limits, severity }) => ({ limits, severity }))(buildGuardSettings(manifest)),
    },
    review: manifest.review,
  };
}

/**
 * A short content hash of the manifest and its prompt (FNV-1a, 2 × 32 bits, hex). Not a security
 * hash: it only tells "the migration changed" from "an unrelated file in the config repo changed".
 */
export function buildRevision(manifest: Manifest, prompt: string): string {
  const text = `${stableStringify(manifest)}\n${prompt}`;
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    a = Math.imul(a ^ code, 0x01000193) >>> 0;
    b = Math.imul(b ^ code, 0x5bd1e995) >>> 0;
  }
  return `m-${a.toString(16).padStart(8, '0')}${b.toString(16).padStart(8, '0')}`;
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableStringify(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
