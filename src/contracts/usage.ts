/**
 * Token usage and cost of LLM calls, accumulated per run, per target and per migration.
 * Stored in the PR state marker, so it is part of the wire format.
 */
import { z } from 'zod';

export const Usage = z.object({
  inputTokens: z.number().int().nonnegative().describe('Uncached input tokens'),
  outputTokens: z.number().int().nonnegative(),
  cacheWriteTokens: z.number().int().nonnegative(),
  cacheReadTokens: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative(),
});
export type Usage = z.infer<typeof Usage>;

/** Zero usage. */
export const ZERO_USAGE: Usage = Object.freeze({
  inputTokens: 0,
  outputTokens: 0,
  cacheWriteTokens: 0,
  cacheReadTokens: 0,
  costUsd: 0,
});

/** Sums usages; cost is rounded to 1/1,000,000 USD so repeated sums stay stable. */
export function addUsage(a: Usage, b: Usage): Usage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
    cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
    costUsd: Math.round((a.costUsd + b.costUsd) * 1e6) / 1e6,
  };
}

/** Share of prompt tokens served from the cache: read / (input + cache write + cache read); 0 when none. */
export function cacheHitRate(usage: Usage): number {
  const prompt = usage.inputTokens + usage.cacheWriteTokens + usage.cacheReadTokens;
  return prompt === 0 ? 0 : usage.cacheReadTokens / prompt;
}
