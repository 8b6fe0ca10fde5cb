/**
 * A Judge that answers from a script instead of a model, run through the real `decideVerdict`
 * so blocking guard findings still override it. Records every call (input and options).
 */
import type { Verdict } from '../../src/contracts/verdict.ts';
import { decideVerdict } from '../../src/core/judge/decide-verdict.ts';
import type { Judge, JudgeInput, JudgeOptions, JudgeResult } from '../../src/ports/judge.ts';

/** The model's answer for call `index` (0-based); past the end of a list, the last entry repeats. */
export type JudgeScript = Verdict[] | ((index: number, input: JudgeInput) => Verdict);

export const APPROVE: Verdict = {
  verdict: 'approve',
  reasons: ['Does what the migration asks'],
  requiredChanges: [],
};

export class ScriptedJudge implements Judge {
  readonly calls: Array<{ input: JudgeInput; options: JudgeOptions | undefined }> = [];
  readonly #script: JudgeScript;

  constructor(script: JudgeScript = [APPROVE]) {
    this.#script = script;
  }

  async review(input: JudgeInput, options?: JudgeOptions): Promise<JudgeResult> {
    const index = this.calls.length;
    this.calls.push({ input, options });
    const answer =
      typeof this.#script === 'function'
        ? this.#script(index, input)
        : (this.#script[Math.min(index, this.#script.length - 1)] ?? APPROVE);
    const decision = decideVerdict(
      input.guardFindings,
      { type: 'verdict', verdict: answer },
      input.migration.prompt,
    );
    return {
      ...decision,
      llm: { type: 'verdict', verdict: answer },
      truncatedFiles: [],
      omittedFiles: [],
      model: options?.model ?? 'scripted-judge',
      usage: { inputTokens: 1000, outputTokens: 100, cacheWriteTokens: 0, cacheReadTokens: 0, costUsd: 0.01 },
    };
  }
}
