/**
 * Model prices come from configuration, never from code (docs snapshots disagree and prices
 * change): `config/models.yml` by default, or the file named by FLEETWRIGHT_MODELS_FILE.
 * This module only defines the catalog's shape and the arithmetic.
 */
import { z } from 'zod';

/** Prices in USD per million tokens. Cache prices default to the documented multipliers of `input`. */
export const ModelPrice = z
  .object({
    input: z.number().nonnegative().describe('USD per million uncached input tokens'),
    output: z.number().nonnegative().describe('USD per million output tokens'),
    cacheWrite: z
      .number()
      .nonnegative()
      .optional()
      .describe('USD per million 5-minute cache-write tokens (default 1.25 × input)'),
    cacheRead: z
      .number()
      .nonnegative()
      .optional()
      .describe('USD per million cache-read tokens (default 0.1 × input)'),
  })
  .strict();
export type ModelPrice = z.infer<typeof ModelPrice>;

/** Model id → price; ids are matched exactly, then by the longest catalog key that prefixes the id. */
export const ModelCatalog = z.object({ models: z.record(z.string().min(1), ModelPrice) }).strict();
export type ModelCatalog = z.infer<typeof ModelCatalog>;

export interface TokenCounts {
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
}

/**
 * Finds the price of a model: exact id first, then the longest key that is a prefix of the id
 * (so `claude-sonnet-4-5` prices `claude-sonnet-4-5-20250929`). `undefined` when unknown:
 * callers must refuse to run with a cost budget they cannot compute.
 */
export function findModelPrice(catalog: ModelCatalog, model: string): ModelPrice | undefined {
  const exact = catalog.models[model];
  if (exact) return exact;
  let best: string | undefined;
  for (const key of Object.keys(catalog.models)) {
    if (model.startsWith(key) && (best === undefined || key.length > best.length)) best = key;
  }
  return best === undefined ? undefined : catalog.models[best];
}

/** Cost in USD of the given token counts, rounded to 1e-6. */
export function costOf(tokens: TokenCounts, price: ModelPrice): number {
  const cacheWrite = price.cacheWrite ?? price.input * 1.25;
  const cacheRead = price.cacheRead ?? price.input * 0.1;
  const usd =
    (tokens.inputTokens * price.input +
      tokens.outputTokens * price.output +
      tokens.cacheWriteTokens * cacheWrite +
      tokens.cacheReadTokens * cacheRead) /
    1e6;
  return Math.round(usd * 1e6) / 1e6;
}
