/** What the LLM judge produced, and the final decision combining it with the guards. */
import type { Verdict } from '../../contracts/verdict.ts';
import type { GuardFinding } from '../guards/types.ts';

/** Why the model's answer could not be used as a verdict. Each one rejects (fail closed). */
export type JudgeFailure =
  | 'unparsable'
  | 'invalid'
  | 'empty'
  | 'refusal'
  | 'max-tokens'
  | 'context-window-exceeded'
  | 'unexpected-stop';

/** The model's answer: a schema-valid verdict, or the reason there is none. */
export type LlmJudgement =
  { type: 'verdict'; verdict: Verdict } | { type: 'failed'; failure: JudgeFailure; detail: string };

/** Who decided the final verdict: the model, a blocking guard finding, or the fail-closed rule. */
export type VerdictSource = 'llm' | 'guards' | 'fail-closed';

export interface JudgeDecision {
  verdict: Verdict;
  decidedBy: VerdictSource;
  /** Guard findings that forced a rejection (empty when the model decided). */
  blockingFindings: GuardFinding[];
}
