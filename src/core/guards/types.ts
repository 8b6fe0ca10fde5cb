/**
 * Types of the deterministic guards that review a green PR's diff before the LLM judge
 * (issue 7). Findings are data: the judge prompt shows them, `decideVerdict` turns blocking
 * ones into a rejection, and the check run / comment render them.
 */
import type { TestCounts } from '../../contracts/failure-report.ts';
import type { DiffFile } from '../diff/types.ts';

/**
 * Every kind of guard finding, in a stable order (the manifest's `guards.severity` keys and the
 * README table follow it). Kebab-case literals; extend the list, never rename a member (they
 * are stored in check runs and PR comments).
 */
export const GUARD_KINDS = [
  'test-file-deleted',
  'test-file-emptied',
  'test-removed',
  'test-skipped',
  'test-focused',
  'assertions-removed',
  'expected-value-changed',
  'test-count-dropped',
  'skipped-count-rose',
  'out-of-scope-path',
  'ci-config-edited',
  'ci-config-relaxed',
  'lint-rule-disabled',
  'lint-suppression-added',
  'coverage-threshold-lowered',
  'coverage-exclusion-added',
  'lockfile-only',
  'whitespace-only',
  'diff-too-large',
] as const;

/** What a guard found. */
export type GuardKind = (typeof GUARD_KINDS)[number];

/**
 * Kinds about deleted or skipped tests (and fewer tests run). They reject a change unless the
 * migration prompt explicitly asks to delete or skip tests (`decideVerdict`), so a manifest may
 * not turn them off or downgrade them (`validateManifest`): that would let the cheat an agent
 * optimised for green CI is most likely to try through on configuration alone.
 */
export const PROTECTED_GUARD_KINDS: ReadonlySet<GuardKind> = new Set<GuardKind>([
  'test-file-deleted',
  'test-file-emptied',
  'test-removed',
  'test-skipped',
  'skipped-count-rose',
  'test-count-dropped',
]);

/** `block`: the PR must not reach humans as is. `warn`: shown to the judge, which decides. */
export type GuardSeverity = 'block' | 'warn';

export interface GuardFinding {
  kind: GuardKind;
  severity: GuardSeverity;
  /** Repo-relative path; `undefined` for findings about the whole diff (test counts, size). */
  file: string | undefined;
  /** 1-based line in the new file (old file for removed lines); `undefined` when not about a line. */
  line: number | undefined;
  /** One sentence for humans and the judge. */
  message: string;
  /** The offending line(s), trimmed and capped; `''` when there is no line to show. */
  evidence: string;
}

/** Size expectations; defaults in `DEFAULT_GUARD_LIMITS`. */
export interface GuardLimits {
  /** Added + removed lines, lockfiles and binary files excluded. */
  maxChangedLines: number;
  /** Files touched, lockfiles excluded. */
  maxChangedFiles: number;
}

export const DEFAULT_GUARD_LIMITS: Readonly<GuardLimits> = Object.freeze({
  maxChangedLines: 2000,
  maxChangedFiles: 60,
});

export interface GuardInput {
  /** The PR's full diff against its base, parsed. */
  files: readonly DiffFile[];
  /** The migration prompt: lets test deletion/skipping through when it explicitly asks for it. */
  migrationPrompt: string;
  /** Path globs (picomatch, dotfiles included) the change may touch; empty or absent = anywhere. */
  allowedPaths?: readonly string[];
  /** May the change edit CI workflow files? Default false. */
  allowWorkflowEdits?: boolean;
  /** Test counts from the `fleetwright/report` of the base and head SHAs, when both are known. */
  testCounts?: { base?: TestCounts; head?: TestCounts };
  limits?: Partial<GuardLimits>;
  /** Per-kind severity override (from the manifest): `off` drops the finding. */
  severity?: Partial<Record<GuardKind, GuardSeverity | 'off'>>;
}
