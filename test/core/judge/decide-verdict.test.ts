import { describe, expect, it } from 'vitest';
import type { GuardFinding } from '../../../src/core/guards/types.ts';
import { decideVerdict } from '../../../src/core/judge/decide-verdict.ts';
import type { LlmJudgement } from '../../../src/core/judge/types.ts';

const PROMPT = 'Replace request with undici fetch. Keep every test.';

const approve: LlmJudgement = {
  type: 'verdict',
  verdict: { verdict: 'approve', reasons: ['Looks right'], requiredChanges: [] },
};
const reject: LlmJudgement = {
  type: 'verdict',
  verdict: {
    verdict: 'reject',
    reasons: ['src/http.ts:12 creates a client per call'],
    requiredChanges: ['Create the client once'],
  },
};
const garbage: LlmJudgement = { type: 'failed', failure: 'unparsable', detail: 'not JSON' };

function finding(
  kind: GuardFinding['kind'],
  severity: GuardFinding['severity'],
  file?: string,
  line?: number,
): GuardFinding {
  return { kind, severity, file, line, message: `${kind} happened`, evidence: '' };
}

describe('core/judge/decideVerdict', () => {
  it.each([
    {
      name: 'no findings, model approves',
      findings: [],
      llm: approve,
      prompt: PROMPT,
      verdict: 'approve',
      decidedBy: 'llm',
    },
    {
      name: 'no findings, model rejects',
      findings: [],
      llm: reject,
      prompt: PROMPT,
      verdict: 'reject',
      decidedBy: 'llm',
    },
    {
      name: 'warn findings only, model approves',
      findings: [finding('expected-value-changed', 'warn', 'a.test.ts', 3)],
      llm: approve,
      prompt: PROMPT,
      verdict: 'approve',
      decidedBy: 'llm',
    },
    {
      name: 'deleted test, model approves',
      findings: [finding('test-file-deleted', 'block', 'a.test.ts')],
      llm: approve,
      prompt: PROMPT,
      verdict: 'reject',
      decidedBy: 'guards',
    },
    {
      name: 'deleted test downgraded by a severity override',
      findings: [finding('test-file-deleted', 'warn', 'a.test.ts')],
      llm: approve,
      prompt: PROMPT,
      verdict: 'reject',
      decidedBy: 'guards',
    },
    {
      name: 'deleted test the prompt asks for',
      findings: [finding('test-file-deleted', 'warn', 'a.test.ts')],
      llm: approve,
      prompt: 'Drop the v1 client and delete its tests.',
      verdict: 'approve',
      decidedBy: 'llm',
    },
    {
      name: 'deleted test the prompt asks for, forced to block by the manifest',
      findings: [finding('test-file-deleted', 'block', 'a.test.ts')],
      llm: approve,
      prompt: 'Drop the v1 client and delete its tests.',
      verdict: 'reject',
      decidedBy: 'guards',
    },
    {
      name: 'fewer tests ran, deletion allowed, forced to block by the manifest',
      findings: [finding('test-count-dropped', 'block')],
      llm: approve,
      prompt: 'Delete the v1 tests.',
      verdict: 'reject',
      decidedBy: 'guards',
    },
    {
      name: 'skipped test, model approves',
      findings: [finding('test-skipped', 'block', 'a.test.ts', 4)],
      llm: approve,
      prompt: PROMPT,
      verdict: 'reject',
      decidedBy: 'guards',
    },
    {
      name: 'skipped test the prompt asks for',
      findings: [finding('test-skipped', 'warn', 'a.test.ts', 4)],
      llm: approve,
      prompt: 'Skip the flaky network tests.',
      verdict: 'approve',
      decidedBy: 'llm',
    },
    {
      name: 'skipped test when only deletion is allowed',
      findings: [finding('test-skipped', 'warn', 'a.test.ts', 4)],
      llm: approve,
      prompt: 'Delete the v1 tests.',
      verdict: 'reject',
      decidedBy: 'guards',
    },
    {
      name: 'fewer tests ran, deletion allowed',
      findings: [finding('test-count-dropped', 'warn')],
      llm: approve,
      prompt: 'Delete the v1 tests.',
      verdict: 'approve',
      decidedBy: 'llm',
    },
    {
      name: 'other blocking finding',
      findings: [finding('ci-config-relaxed', 'block', '.github/workflows/ci.yml', 9)],
      llm: approve,
      prompt: PROMPT,
      verdict: 'reject',
      decidedBy: 'guards',
    },
    {
      name: 'garbage output, no findings',
      findings: [],
      llm: garbage,
      prompt: PROMPT,
      verdict: 'reject',
      decidedBy: 'fail-closed',
    },
    {
      name: 'refusal',
      findings: [],
      llm: { type: 'failed', failure: 'refusal', detail: 'refused' } as LlmJudgement,
      prompt: PROMPT,
      verdict: 'reject',
      decidedBy: 'fail-closed',
    },
    {
      name: 'approval that lists required changes',
      findings: [],
      llm: {
        type: 'verdict',
        verdict: { verdict: 'approve', reasons: [], requiredChanges: ['Rename x'] },
      } as LlmJudgement,
      prompt: PROMPT,
      verdict: 'reject',
      decidedBy: 'fail-closed',
    },
  ])('$name → $verdict by $decidedBy', ({ findings, llm, prompt, verdict, decidedBy }) => {
    const decision = decideVerdict(findings, llm, prompt);

    expect(decision.verdict.verdict).toBe(verdict);
    expect(decision.decidedBy).toBe(decidedBy);
    expect(decision.verdict.verdict === 'reject' ? decision.verdict.reasons.length : 1).toBeGreaterThan(0);
  });

  it('puts the guards’ reasons and required changes before the model’s', () => {
    const decision = decideVerdict([finding('test-skipped', 'block', 'test/a.test.ts', 4)], reject, PROMPT);

    expect(decision.verdict).toEqual({
      verdict: 'reject',
      reasons: [
        'Guard test-skipped: test-skipped happened (test/a.test.ts:4)',
        'src/http.ts:12 creates a client per call',
      ],
      requiredChanges: [
        'Remove the skip/disable marker at test/a.test.ts:4 and make the test pass instead.',
        'Create the client once',
      ],
    });
    expect(decision.blockingFindings).toHaveLength(1);
  });

  it('explains a fail-closed rejection', () => {
    const decision = decideVerdict([], garbage, PROMPT);

    expect(decision.verdict).toEqual({
      verdict: 'reject',
      reasons: ["The judge's answer could not be used (unparsable): not JSON"],
      requiredChanges: ['No change required by the judge; the review must be run again'],
    });
  });

  it('passes an approval through unchanged', () => {
    expect(decideVerdict([], approve, PROMPT).verdict).toEqual({
      verdict: 'approve',
      reasons: ['Looks right'],
      requiredChanges: [],
    });
  });
});
