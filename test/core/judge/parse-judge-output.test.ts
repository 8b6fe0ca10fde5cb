import { describe, expect, it } from 'vitest';
import { parseJudgeOutput } from '../../../src/core/judge/parse-judge-output.ts';

describe('core/judge/parseJudgeOutput', () => {
  it('parses a valid verdict and cleans its lists', () => {
    const text = JSON.stringify({
      verdict: 'reject',
      reasons: [' a ', '', 'a', 'b'],
      requiredChanges: ['fix x'],
    });

    expect(parseJudgeOutput(text)).toEqual({
      type: 'verdict',
      verdict: { verdict: 'reject', reasons: ['a', 'b'], requiredChanges: ['fix x'] },
    });
  });

  it('accepts JSON inside a Markdown code fence', () => {
    const text = '```json\n{"verdict":"approve","reasons":[],"requiredChanges":[]}\n```';

    expect(parseJudgeOutput(text)).toMatchObject({ type: 'verdict', verdict: { verdict: 'approve' } });
  });

  it('caps long lists and items', () => {
    const text = JSON.stringify({
      verdict: 'reject',
      reasons: Array.from({ length: 30 }, (_, i) => `reason ${i}`),
      requiredChanges: ['x'.repeat(5000)],
    });

    const result = parseJudgeOutput(text);

    expect(result.type === 'verdict' && result.verdict.reasons).toHaveLength(20);
    expect(result.type === 'verdict' && result.verdict.requiredChanges[0]).toHaveLength(2000);
  });

  it.each([
    { text: '', failure: 'empty', detail: /no text/ },
    { text: 'I approve this PR.', failure: 'unparsable', detail: /not JSON .*"I approve this PR\."/ },
    { text: '{"verdict":"approve","reasons":[', failure: 'unparsable', detail: /not JSON/ },
    { text: '{"verdict":"maybe","reasons":[],"requiredChanges":[]}', failure: 'invalid', detail: /verdict/ },
    { text: '{"verdict":"approve"}', failure: 'invalid', detail: /reasons/ },
    { text: '["approve"]', failure: 'invalid', detail: /object/ },
  ])('fails closed on $text', ({ text, failure, detail }) => {
    const result = parseJudgeOutput(text);

    expect(result).toMatchObject({ type: 'failed', failure });
    expect(result.type === 'failed' && result.detail).toMatch(detail);
  });
});
