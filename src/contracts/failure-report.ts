/**
 * FailureReport: the one contract between the companion Action and the app (shared/DESIGN.md §3.4).
 * The Action publishes it as JSON in the `output.text` of a check run named `fleetwright/report`
 * on the PR head SHA; the app's log fallback and the CLI produce the same shape from raw logs.
 *
 * Versioned: a breaking change bumps `schemaVersion` and adds a migration in the reader.
 * Producers validate before publishing; consumers parse with `parseFailureReport`.
 */
import { z } from 'zod';

/** What kind of problem a finding is; drives grouping, rendering and the guards. */
export const FindingKind = z
  .enum([
    'compile-error',
    'type-error',
    'lint-error',
    'format-error',
    'test-failure',
    'dependency-error',
    'build-error',
    'runtime-error',
    'timeout',
    'generic',
  ])
  .describe('Category of the finding');
export type FindingKind = z.infer<typeof FindingKind>;

/** One root-cause error or one failing test. Locations are repo-relative with forward slashes. */
export const Finding = z
  .object({
    kind: FindingKind,
    tool: z.string().min(1).describe('Condenser that produced it, e.g. "tsc", "jest", "cargo"'),
    file: z.string().optional().describe('Repo-relative path, forward slashes'),
    line: z.number().int().positive().optional(),
    column: z.number().int().positive().optional(),
    code: z.string().optional().describe('Tool error code, e.g. TS2345, E0308, no-unused-vars'),
    severity: z.enum(['error', 'warning']).default('error'),
    message: z.string().min(1).describe('One-line message'),
    testName: z.string().optional().describe('Full name of the failing test'),
    expected: z.string().optional().describe('Expected value of a failed assertion'),
    actual: z.string().optional().describe('Actual value of a failed assertion'),
    frames: z.array(z.string()).max(10).optional().describe('Top stack frames in the repo’s own code'),
    packages: z
      .array(z.string())
      .optional()
      .describe('Packages and versions involved in a dependency conflict, e.g. "react@18.2.0"'),
    excerpt: z.string().optional().describe('A few raw lines around the error, capped'),
    occurrences: z.number().int().positive().default(1).describe('How many identical findings were merged'),
  })
  .describe('A root-cause error or a failing test');
export type Finding = z.infer<typeof Finding>;

/** Counts of findings left out of `findings`, per tool and kind ("+48 more TS errors in 12 files"). */
export const DroppedFindings = z.object({
  tool: z.string(),
  kind: FindingKind,
  count: z.number().int().positive(),
  files: z.number().int().nonnegative().describe('Distinct files among the dropped findings'),
});
export type DroppedFindings = z.infer<typeof DroppedFindings>;

/** Test counts as printed by the test runner; used by the guards to detect deleted or skipped tests. */
export const TestCounts = z.object({
  passed: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  skipped: z.number().int().nonnegative(),
  total: z.number().int().nonnegative().optional(),
});
export type TestCounts = z.infer<typeof TestCounts>;

export const FailureReport = z
  .object({
    schemaVersion: z.literal(1),
    conclusion: z
      .enum(['success', 'failure'])
      .describe('failure when the command failed or errors were found'),
    tools: z.array(z.string()).describe('Tools detected in the log, in order of appearance'),
    command: z.string().optional().describe('The command that was run, when known'),
    exitCode: z.number().int().optional(),
    findings: z.array(Finding),
    dropped: z.array(DroppedFindings).default([]),
    testCounts: TestCounts.optional().describe('Summed over every test runner in the log'),
    truncated: z.boolean().default(false).describe('True when findings or excerpts were cut to fit the caps'),
    /** Where it came from, so consumers can tell the Action's report from the app's fallback. */
    source: z
      .object({
        producer: z.enum(['action', 'app-log-fallback', 'app-check-output', 'cli']),
        job: z.string().optional(),
        runUrl: z.string().optional(),
      })
      .optional(),
  })
  .describe('Condensed CI failure report, version 1');
export type FailureReport = z.infer<typeof FailureReport>;

/** The name of the check run that carries a FailureReport. */
export const REPORT_CHECK_NAME = 'fleetwright/report';
