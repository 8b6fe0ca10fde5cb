/**
 * The deterministic guards (issue 7): review a PR's full diff for the ways an agent optimised
 * for green CI cheats — deleting, emptying or skipping tests, removing assertions, relaxing CI,
 * lint or coverage configuration, wandering outside the migration's paths — and for diffs that
 * are not worth a human's time (lockfile-only, whitespace-only, far too large).
 *
 * Steps:
 * 1. Read the prompt for explicit permission to delete or skip tests (downgrades those to warn).
 * 2. Classify each file (language, test file, test hunks).
 * 3. Run the test, configuration and shape checks.
 * 4. Apply the per-kind severity overrides, dedupe, and sort (block first, then by file and line).
 */
import { buildFileViews } from './diff-view.ts';
import { checkCiEdits, checkCoverage, checkRelaxations, checkScope } from './check-config.ts';
import { checkLockfileOnly, checkSize, checkWhitespaceOnly } from './check-shape.ts';
import {
  checkAssertions,
  checkExpectedValues,
  checkMarkers,
  checkRemovedTests,
  checkTestCounts,
  checkTestFiles,
} from './check-tests.ts';
import { findPromptPermissions } from './find-prompt-permissions.ts';
import { DEFAULT_GUARD_LIMITS, type GuardFinding, type GuardInput } from './types.ts';

/**
 * Runs every guard on a parsed diff. Pure and deterministic: the same input always yields the
 * same findings in the same order. Returns `[]` when nothing is suspicious. Never throws on
 * odd diffs (binary files, renames without hunks, empty diff).
 */
export function runGuards(input: GuardInput): GuardFinding[] {
  const permissions = findPromptPermissions(input.migrationPrompt);
  const views = buildFileViews(input.files);
  const limits = { ...DEFAULT_GUARD_LIMITS, ...input.limits };

  const testFiles = checkTestFiles(views, permissions);
  const findings: GuardFinding[] = [
    ...testFiles.findings,
    ...checkRemovedTests(views, testFiles.reported, permissions),
    ...checkMarkers(views, permissions),
    ...checkAssertions(views, testFiles.reported),
    ...checkExpectedValues(views),
    ...checkTestCounts(input.testCounts, permissions),
    ...checkScope(views, input.allowedPaths),
    ...checkCiEdits(views, input.allowWorkflowEdits ?? false),
    ...checkRelaxations(views),
    ...checkCoverage(views),
    ...checkLockfileOnly(views),
    ...checkWhitespaceOnly(views),
    ...checkSize(views, limits),
  ];

  const out: GuardFinding[] = [];
  const seen = new Set<string>();
  for (const finding of findings) {
    const override = input.severity?.[finding.kind];
    if (override === 'off') continue;
    const final = override === undefined ? finding : { ...finding, severity: override };
    const key = `${final.kind}\u0000${final.file ?? ''}\u0000${final.line ?? ''}\u0000${final.evidence}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(final);
  }
  return out.sort(compareFindings);
}

const SEVERITY_ORDER = { block: 0, warn: 1 } as const;

function compareFindings(a: GuardFinding, b: GuardFinding): number {
  return (
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    compareStrings(a.file ?? '', b.file ?? '') ||
    (a.line ?? 0) - (b.line ?? 0) ||
    compareStrings(a.kind, b.kind)
  );
}

/** Code-unit order, not locale order: the same on every machine. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
