/**
 * The final say on a green PR: the LLM judge's verdict, overridden by the deterministic guards
 * and by the fail-closed rule. The model cannot approve its way past a deleted or skipped test.
 *
 * Rules, in order:
 * 1. A finding that a test was deleted, emptied or removed (or fewer tests ran) rejects unless the
 *    migration prompt explicitly asks to delete tests; a skipped test (or more skipped) rejects
 *    unless it explicitly asks to skip them. Severity overrides cannot lift this: only the prompt can.
 *    The other way round works: a manifest override to `block` rejects even when the prompt asks
 *    (an owner who does not trust the prompt's wording can say "never").
 * 2. Any other finding of severity `block` rejects.
 * 3. A model answer that is missing, unparsable, refused or truncated rejects (fail closed).
 * 4. An approval that still lists required changes is contradictory and rejects.
 * 5. Otherwise the model's verdict stands.
 * Reasons and required changes of the guards come first, then the model's.
 */
import type { Verdict } from '../../contracts/verdict.ts';
import { findPromptPermissions, type PromptPermissions } from '../guards/find-prompt-permissions.ts';
import type { GuardFinding, GuardKind } from '../guards/types.ts';
import type { JudgeDecision, LlmJudgement } from './types.ts';

const DELETION_KINDS: ReadonlySet<GuardKind> = new Set([
  'test-file-deleted',
  'test-file-emptied',
  'test-removed',
]);
const SKIP_KINDS: ReadonlySet<GuardKind> = new Set(['test-skipped', 'skipped-count-rose']);

/** Whether a finding forces a rejection, given what the prompt explicitly allows. */
export function isBlocking(finding: GuardFinding, permissions: PromptPermissions): boolean {
  // Without the prompt's permission these block whatever their severity; with it, only when
  // their severity is `block` (the guards give `warn` then, unless the manifest says `block`).
  const forced = finding.severity === 'block';
  if (DELETION_KINDS.has(finding.kind)) return forced || !permissions.deleteTests;
  if (SKIP_KINDS.has(finding.kind)) return forced || !permissions.skipTests;
  if (finding.kind === 'test-count-dropped')
    return forced || (!permissions.deleteTests && !permissions.skipTests);
  return forced;
}

/**
 * Combines guard findings and the model's judgement into the final verdict. Pure; never throws.
 * `decidedBy` says which rule decided; `blockingFindings` lists the findings that forced a reject.
 */
export function decideVerdict(
  guardFindings: readonly GuardFinding[],
  llm: LlmJudgement,
  migrationPrompt: string,
): JudgeDecision {
  const permissions = findPromptPermissions(migrationPrompt);
  const blocking = guardFindings.filter((f) => isBlocking(f, permissions));
  const reasons: string[] = blocking.map((f) => `Guard ${f.kind}: ${f.message}${location(f)}`);
  const requiredChanges: string[] = blocking.map(requiredChangeFor);

  let modelRejects = false;
  let failClosed = false;
  if (llm.type === 'failed') {
    failClosed = true;
    reasons.push(`The judge's answer could not be used (${llm.failure}): ${llm.detail}`);
  } else {
    const { verdict } = llm;
    if (verdict.verdict === 'reject') {
      modelRejects = true;
      reasons.push(
        ...(verdict.reasons.length > 0
          ? verdict.reasons
          : ['The judge rejected the change without a reason']),
      );
    } else if (verdict.requiredChanges.length > 0) {
      failClosed = true;
      reasons.push(
        'The judge approved but still listed required changes; treated as a rejection',
        ...verdict.reasons,
      );
    } else if (blocking.length === 0) {
      return { verdict: verdict, decidedBy: 'llm', blockingFindings: [] };
    }
    requiredChanges.push(...verdict.requiredChanges);
  }

  const final: Verdict = {
    verdict: 'reject',
    reasons: unique(reasons),
    requiredChanges: unique(requiredChanges),
  };
  if (final.requiredChanges.length === 0 && failClosed) {
    final.requiredChanges.push('No change required by the judge; the review must be run again');
  }
  return {
    verdict: final,
    decidedBy: blocking.length > 0 ? 'guards' : modelRejects ? 'llm' : 'fail-closed',
    blockingFindings: blocking,
  };
}

function location(f: GuardFinding): string {
  if (f.file === undefined) return '';
  const where = f.line === undefined ? f.file : `${f.file}:${f.line}`;
  return f.message.includes(f.file) ? (f.line === undefined ? '' : ` (${where})`) : ` (${where})`;
}

/** What the coder must do about a blocking finding, phrased as an instruction. */
function requiredChangeFor(f: GuardFinding): string {
  const at = f.file === undefined ? '' : f.line === undefined ? f.file : `${f.file}:${f.line}`;
  switch (f.kind) {
    case 'test-file-deleted':
      return `Restore the deleted test file ${at} and keep its tests passing; tests may only be deleted when the migration prompt says so.`;
    case 'test-file-emptied':
      return `Restore the tests removed from ${at} and keep them passing.`;
    case 'test-removed':
      return `Restore the test(s) removed from ${at} (rename or move them if needed, but keep them).`;
    case 'test-skipped':
      return `Remove the skip/disable marker at ${at} and make the test pass instead.`;
    case 'test-focused':
      return `Remove the focus marker (.only, fit, fdescribe…) at ${at} so that every test runs.`;
    case 'skipped-count-rose':
      return 'Un-skip the tests that this change made the test runner skip, and make them pass.';
    case 'test-count-dropped':
      return 'Make every test that ran on the base branch run again on this branch.';
    case 'assertions-removed':
      return `Restore the assertions removed from ${at}, or replace them with equivalent ones that check the same behaviour.`;
    case 'out-of-scope-path':
      return `Revert the changes to ${at}: it is outside the paths this migration may change.`;
    case 'ci-config-edited':
      return `Revert the changes to ${at}: this migration may not edit CI workflows.`;
    case 'ci-config-relaxed':
      return `Revert the CI/build configuration change at ${at} that lets failures pass; fix the failures instead.`;
    case 'lint-rule-disabled':
      return `Re-enable the lint/type-check setting changed at ${at} and fix the code it reports instead.`;
    case 'coverage-threshold-lowered':
      return `Restore the coverage threshold at ${at}; add tests if coverage dropped.`;
    case 'whitespace-only':
      return 'The change only moves whitespace: make the change the migration asks for, or report that it does not apply.';
    default:
      return `Address the guard finding "${f.message}"${at === '' ? '' : ` at ${at}`}.`;
  }
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}
