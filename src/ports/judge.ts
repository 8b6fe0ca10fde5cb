/**
 * The Judge port: reviews a green PR's diff with an LLM, separately from the coder and with its
 * own model setting, and returns the final verdict after the deterministic guards and the
 * fail-closed rule (`decideVerdict`). The Anthropic adapter is src/adapters/anthropic/claude-judge.ts.
 *
 * A judge never throws for model behaviour (unparsable output, refusal, truncation): those are
 * rejections with a reason. It throws `JudgeError` only when it cannot run at all (credentials,
 * endpoint unreachable after retries, request rejected, aborted, a model without a known price).
 */
import type { Usage } from '../contracts/usage.ts';
import type { Verdict } from '../contracts/verdict.ts';
import type { GuardFinding } from '../core/guards/types.ts';
import type { LlmJudgement, VerdictSource } from '../core/judge/types.ts';
import type { JudgePromptInput } from '../core/prompts/judge.ts';

/**
 * What the judge reviews: the repository, the migration (prompt + judge criteria), the org-wide
 * criteria text, the PR's full parsed diff, the guard findings (from `runGuards` on that diff)
 * and the CI summary.
 */
export type JudgeInput = JudgePromptInput;

export interface JudgeOptions {
  signal?: AbortSignal;
  /** The migration's judge model (manifest `model.judge`); defaults to the adapter's configured model. */
  model?: string;
  /** Output token cap for this review (manifest `model.judgeMaxOutputTokens`); defaults to the adapter's. */
  maxOutputTokens?: number;
}

export interface JudgeResult {
  /** The final verdict: `approve` only when the model approved and no guard finding blocks. */
  verdict: Verdict;
  /** Which rule decided: the model, a blocking guard finding, or fail-closed. */
  decidedBy: VerdictSource;
  /** Guard findings that forced a rejection. */
  blockingFindings: GuardFinding[];
  /** The model's own answer, or why it could not be used. */
  llm: LlmJudgement;
  /** Files the judge saw only in part / not at all (the prompt says so too). */
  truncatedFiles: string[];
  omittedFiles: string[];
  /** The model that answered. */
  model: string;
  usage: Usage;
}

export interface Judge {
  review(input: JudgeInput, options?: JudgeOptions): Promise<JudgeResult>;
}
