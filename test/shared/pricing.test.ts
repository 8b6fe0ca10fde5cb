import { describe, expect, it } from 'vitest';
import { costOf, findModelPrice, type ModelCatalog } from '../../src/shared/pricing.ts';

const catalog: ModelCatalog = {
  models: { 'claude-sonnet-4-5': { input: 3, output: 15 }, claude: { input: 100, output: 100 } },
};

describe('shared/pricing', () => {
  it('prices a dated model id by its longest known prefix', () => {
    expect(findModelPrice(catalog, 'claude-sonnet-4-5-20250929')).toEqual({ input: 3, output: 15 });
    expect(findModelPrice(catalog, 'gpt-5')).toBeUndefined();
  });

  it('charges cache writes at 1.25x and reads at 0.1x of input by default', () => {
    const cost = costOf(
      {
        inputTokens: 1_000_000,
        outputTokens: 100_000,
        cacheWriteTokens: 1_000_000,
        cacheReadTokens: 1_000_000,
      },
      { input: 3, output: 15 },
    );

    expect(cost).toBeCloseTo(3 + 1.5 + 3.75 + 0.3, 6);
  });
});
