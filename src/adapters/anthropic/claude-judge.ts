/**
 * ClaudeJudge: the Judge port on the Anthropic Messages API.
 *
 * 1. Build the prompt (pure, src/core/prompts/judge.ts): stable system text, then the migration
 *    part marked for prompt caching (identical for every repository of a migration), then the
 *    repository's CI summary, guard findings and truncated diff.
 * 2. One `messages.create` call with GA structured outputs: `output_config.format` carries the
 *    JSON Schema generated from the `Verdict` zod schema. No temperature: SDK 1.x / API
 *    2026-10-21 reject it (determinism comes from the rubric and the schema).
 * 3. Turn the response into an `LlmJudgement`: refusal, max_tokens, context overflow, empty or
 *    unparsable text are failures, never guesses.
 * 4. `decideVerdict` applies the guards and the fail-closed rule; usage is priced from the catalog.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import type { Message, MessageCreateParamsNonStreaming } from '@anthropic-ai/sdk/resources/messages';
import type { Usage } from '../../contracts/usage.ts';
import { VERDICT_JSON_SCHEMA } from '../../contracts/verdict.ts';
import { decideVerdict } from '../../core/judge/decide-verdict.ts';
import { parseJudgeOutput } from '../../core/judge/parse-judge-output.ts';
import type { LlmJudgement } from '../../core/judge/types.ts';
import { buildJudgePrompt, type JudgePromptLimits } from '../../core/prompts/judge.ts';
import type { Judge, JudgeInput, JudgeOptions, JudgeResult } from '../../ports/judge.ts';
import { JudgeError } from '../../shared/errors.ts';
import { costOf, findModelPrice, type ModelCatalog, type ModelPrice } from '../../shared/pricing.ts';

export interface ClaudeJudgeOptions {
  /** The judge's default model (app config), separate from the coder's; a review may override it. */
  model: string;
  /** Prices; the model must be in it so that every review is accounted. */
  catalog: ModelCatalog;
  /** Default output cap; a verdict is small. Default 4,096. Overridable per review. */
  maxOutputTokens?: number;
  /** `output_config.effort`, when set. */
  effort?: 'low' | 'medium' | 'high' | 'xhigh' | 'max';
  promptLimits?: Partial<JudgePromptLimits>;
}

/** The subset of a pino logger the adapter uses. */
export interface JudgeLogger {
  debug(meta: object, message: string): void;
  warn(meta: object, message: string): void;
}

const silentLogger: JudgeLogger = { debug: () => undefined, warn: () => undefined };

export class ClaudeJudge implements Judge {
  readonly #client: Anthropic;
  readonly #options: ClaudeJudgeOptions;
  readonly #log: JudgeLogger;

  /** Throws `JudgeError` when the default model has no price in the catalog (cost could not be accounted). */
  constructor(client: Anthropic, options: ClaudeJudgeOptions, log: JudgeLogger = silentLogger) {
    this.#client = client;
    this.#options = options;
    this.#log = log;
    this.#priceOf(options.model);
  }

  async review(input: JudgeInput, options: JudgeOptions = {}): Promise<JudgeResult> {
    const model = options.model ?? this.#options.model;
    const price = this.#priceOf(model);
    const prompt = buildJudgePrompt(input, this.#options.promptLimits);
    const params: MessageCreateParamsNonStreaming = {
      model,
      max_tokens: options.maxOutputTokens ?? this.#options.maxOutputTokens ?? 4096,
      system: [
        { type: 'text', text: prompt.system },
        { type: 'text', text: prompt.migration, cache_control: { type: 'ephemeral' } },
      ],
      messages: [{ role: 'user', content: prompt.request }],
      output_config: {
        format: { type: 'json_schema', schema: VERDICT_JSON_SCHEMA },
        ...(this.#options.effort === undefined ? {} : { effort: this.#options.effort }),
      },
    };
    this.#log.debug(
      {
        repo: input.repo,
        model: params.model,
        truncated: prompt.truncatedFiles,
        omitted: prompt.omittedFiles,
      },
      'Asking the judge',
    );

    let message: Message;
    try {
      message = await this.#client.messages.create(params, { signal: options.signal });
    } catch (error) {
      throw toJudgeError(error);
    }

    const llm = judgementOf(message);
    if (llm.type === 'failed') {
      this.#log.warn({ repo: input.repo, failure: llm.failure }, 'Judge answer unusable; rejecting');
    }
    const decision = decideVerdict(input.guardFindings, llm, input.migration.prompt);
    return {
      verdict: decision.verdict,
      decidedBy: decision.decidedBy,
      blockingFindings: decision.blockingFindings,
      llm,
      truncatedFiles: prompt.truncatedFiles,
      omittedFiles: prompt.omittedFiles,
      model: message.model,
      usage: usageOf(message, price),
    };
  }

  #priceOf(model: string): ModelPrice {
    const price = findModelPrice(this.#options.catalog, model);
    if (price === undefined) {
      throw new JudgeError(
        `No price for judge model "${model}" in the model catalog; add it to the models file`,
      );
    }
    return price;
  }
}

function usageOf(message: Message, price: ModelPrice): Usage {
  const tokens = {
    inputTokens: message.usage.input_tokens,
    outputTokens: message.usage.output_tokens,
    cacheWriteTokens: message.usage.cache_creation_input_tokens ?? 0,
    cacheReadTokens: message.usage.cache_read_input_tokens ?? 0,
  };
  return { ...tokens, costUsd: costOf(tokens, price) };
}

/** Reads the model's answer; every stop other than a normal end is a failure with a reason. */
function judgementOf(message: Message): LlmJudgement {
  switch (message.stop_reason) {
    case 'refusal': {
      const details = message.stop_details;
      const why = [details?.category, details?.explanation].filter(Boolean).join(': ');
      return {
        type: 'failed',
        failure: 'refusal',
        detail: `The model refused to review${why ? ` (${why})` : ''}`,
      };
    }
    case 'max_tokens':
      return {
        type: 'failed',
        failure: 'max-tokens',
        detail: `The answer was cut off at the output limit (${message.usage.output_tokens} tokens)`,
      };
    case 'model_context_window_exceeded':
      return {
        type: 'failed',
        failure: 'context-window-exceeded',
        detail: 'The prompt filled the model context window',
      };
    case 'end_turn':
    case 'stop_sequence':
    case null: {
      const text = message.content
        .filter((block) => block.type === 'text')
        .map((block) => block.text)
        .join('');
      return parseJudgeOutput(text);
    }
    default:
      return {
        type: 'failed',
        failure: 'unexpected-stop',
        detail: `Unexpected stop reason "${message.stop_reason}"`,
      };
  }
}

function toJudgeError(error: unknown): JudgeError {
  if (error instanceof APIUserAbortError) return new JudgeError('Judge request aborted', { cause: error });
  if (error instanceof APIError) {
    const status = error.status === undefined ? 'no response' : `HTTP ${error.status}`;
    return new JudgeError(`Judge request failed (${status}): ${error.message}`, { cause: error });
  }
  return new JudgeError(`Judge request failed: ${(error as Error)?.message ?? String(error)}`, {
    cause: error,
  });
}
