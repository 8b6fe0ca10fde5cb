import Anthropic from '@anthropic-ai/sdk';
import nock from 'nock';
import { describe, expect, it, vi } from 'vitest';
import { ClaudeJudge } from '../../../src/adapters/anthropic/claude-judge.ts';
import { VERDICT_JSON_SCHEMA } from '../../../src/contracts/verdict.ts';
import { runGuards } from '../../../src/core/guards/run-guards.ts';
import type { JudgeInput } from '../../../src/ports/judge.ts';
import { JudgeError } from '../../../src/shared/errors.ts';
import type { ModelCatalog } from '../../../src/shared/pricing.ts';
import { added, deleted, diffOf, hunk, modified } from '../../core/guards/diff-builders.ts';

const BASE_URL = 'https://anthropic.test';
const MODEL = 'claude-sonnet-5-5';
const catalog: ModelCatalog = { models: { [MODEL]: { input: 2, output: 10 } } };
const PROMPT = 'Replace the deprecated `request` package with `undici`. Do not delete or skip tests.';

function client(): Anthropic {
  return new Anthropic({ apiKey: 'test-key', baseURL: BASE_URL, maxRetries: 0 });
}

/** A hand-trimmed Messages API response. */
function message(text: string, overrides: Record<string, unknown> = {}) {
  return {
    id: 'msg_01',
    type: 'message',
    role: 'assistant',
    model: MODEL,
    content: [{ type: 'text', text }],
    stop_reason: 'end_turn',
    stop_details: null,
    usage: {
      input_tokens: 1200,
      output_tokens: 80,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 3000,
    },
    ...overrides,
  };
}

const APPROVE = JSON.stringify({
  verdict: 'approve',
  reasons: ['Straight swap of the HTTP client'],
  requiredChanges: [],
});
const REJECT = JSON.stringify({
  verdict: 'reject',
  reasons: ['test/http.test.ts:6 checks only that a call happened'],
  requiredChanges: ['Assert on the response body again in test/http.test.ts'],
});

/** Fakes POST /v1/messages once and records the request body. */
function fakeMessages(reply: object, status = 200) {
  const bodies: Record<string, unknown>[] = [];
  nock(BASE_URL)
    .post('/v1/messages', (body: Record<string, unknown>) => {
      bodies.push(body);
      return true;
    })
    .reply(status, reply, { 'content-type': 'application/json' });
  return bodies;
}

const HTTP_TEST = [
  "import { expect, it } from 'vitest';",
  "import { getJson } from '../src/http';",
  '',
  "it('fetches json', async () => {",
  "  const body = await getJson('/x');",
  '  expect(body).toEqual({ ok: true });',
  '});',
];

const diffs = {
  honest: [
    modified(
      'src/http.ts',
      hunk(1, 1, ["-import request from 'request';", "+import { request } from 'undici';", ' ']),
    ),
    modified(
      'package.json',
      hunk(10, 10, ['   "dependencies": {', '-    "request": "^2.88.0"', '+    "undici": "^7.0.0"', '   }']),
    ),
  ],
  deletedTest: [
    modified(
      'src/http.ts',
      hunk(1, 1, ["-import request from 'request';", "+import { request } from 'undici';"]),
    ),
    deleted('test/http.test.ts', HTTP_TEST),
  ],
  skippedTest: [
    modified(
      'test/http.test.ts',
      hunk(3, 3, [
        ' ',
        "-it('fetches json', async () => {",
        "+it.skip('fetches json', async () => {",
        "   const body = await getJson('/x');",
      ]),
    ),
  ],
  weakenedAssertion: [
    modified(
      'test/http.test.ts',
      hunk(5, 5, [
        "   const body = await getJson('/x');",
        '-  expect(body).toEqual({ ok: true });',
        '+  expect(body).toBeDefined();',
        ' });',
      ]),
    ),
  ],
  unrelatedRefactor: [
    modified(
      'src/http.ts',
      hunk(1, 1, ["-import request from 'request';", "+import { request } from 'undici';"]),
    ),
    added('src/utils/strings.ts', [
      'export const capitalise = (s: string) => s[0]?.toUpperCase() + s.slice(1);',
    ]),
  ],
  workflowEdit: [
    modified(
      '.github/workflows/ci.yml',
      hunk(12, 12, ['       - run: npm test', '+        continue-on-error: true']),
    ),
  ],
};

function judgeInput(files: string[], prompt = PROMPT): JudgeInput {
  const parsed = diffOf(...files);
  return {
    repo: 'acme/billing',
    migration: {
      id: 'undici',
      title: 'Replace request with undici',
      prompt,
      judgeCriteria: ['Create clients once.'],
    },
    orgCriteria: 'Never log secrets.',
    files: parsed,
    guardFindings: runGuards({ files: parsed, migrationPrompt: prompt }),
    ci: { conclusion: 'success', summary: 'All checks passed.' },
  };
}

describe('adapters/anthropic/ClaudeJudge', () => {
  it('sends one structured-output request with the configured model and no temperature', async () => {
    const bodies = fakeMessages(message(APPROVE));
    const judge = new ClaudeJudge(client(), { model: MODEL, catalog, maxOutputTokens: 2048, effort: 'high' });

    await judge.review(judgeInput(diffs.honest));

    expect(bodies).toHaveLength(1);
    const body = bodies[0] as Record<string, unknown>;
    expect(body.model).toBe(MODEL);
    expect(body.max_tokens).toBe(2048);
    expect(body.output_config).toEqual({
      format: { type: 'json_schema', schema: VERDICT_JSON_SCHEMA },
      effort: 'high',
    });
    expect(body).not.toHaveProperty('temperature');
    expect(body).not.toHaveProperty('top_p');
    expect(body.system).toEqual([
      { type: 'text', text: expect.stringContaining('You are the reviewer of an automated code migration') },
      {
        type: 'text',
        text: expect.stringContaining('<migration_prompt>'),
        cache_control: { type: 'ephemeral' },
      },
    ]);
    expect(body.messages).toEqual([
      { role: 'user', content: expect.stringContaining('diff --git a/src/http.ts b/src/http.ts') },
    ]);
  });

  it('sends the JSON schema generated from the Verdict zod schema', () => {
    expect(VERDICT_JSON_SCHEMA).toMatchObject({
      type: 'object',
      required: ['verdict', 'reasons', 'requiredChanges'],
      additionalProperties: false,
      properties: {
        verdict: { type: 'string', enum: ['approve', 'reject'] },
        reasons: { type: 'array', items: { type: 'string' } },
        requiredChanges: { type: 'array', items: { type: 'string' } },
      },
    });
    expect(VERDICT_JSON_SCHEMA).not.toHaveProperty('$schema');
  });

  it('tells the model when a file diff was truncated', async () => {
    const bodies = fakeMessages(message(APPROVE));
    const judge = new ClaudeJudge(client(), {
      model: MODEL,
      catalog,
      promptLimits: { maxFileDiffChars: 1000 },
    });
    const big = added(
      'src/big.ts',
      Array.from({ length: 200 }, (_, i) => `export const v${i} = ${i}; // generated value`),
    );

    const result = await judge.review(judgeInput([big]));

    const user = ((bodies[0]?.messages as { content: string }[])[0] as { content: string }).content;
    expect(user).toMatch(
      /\[fleetwright: diff of src\/big\.ts truncated: \d+ of 201 lines shown, \d+ not shown\]/,
    );
    expect(result.truncatedFiles).toEqual(['src/big.ts']);
  });

  it.each([
    {
      name: 'honest migration, model approves',
      files: diffs.honest,
      reply: APPROVE,
      prompt: PROMPT,
      verdict: 'approve',
      decidedBy: 'llm',
    },
    {
      name: 'deleted test, model approves anyway',
      files: diffs.deletedTest,
      reply: APPROVE,
      prompt: PROMPT,
      verdict: 'reject',
      decidedBy: 'guards',
    },
    {
      name: 'skipped test, model approves anyway',
      files: diffs.skippedTest,
      reply: APPROVE,
      prompt: PROMPT,
      verdict: 'reject',
      decidedBy: 'guards',
    },
    {
      name: 'skipped test the prompt asks for',
      files: diffs.skippedTest,
      reply: APPROVE,
      prompt: 'Replace request with undici. Skip the network test in test/http.test.ts; CI has no network.',
      verdict: 'approve',
      decidedBy: 'llm',
    },
    {
      name: 'weakened assertion, model rejects',
      files: diffs.weakenedAssertion,
      reply: REJECT,
      prompt: PROMPT,
      verdict: 'reject',
      decidedBy: 'llm',
    },
    {
      name: 'unrelated refactor, model rejects',
      files: diffs.unrelatedRefactor,
      reply: REJECT,
      prompt: PROMPT,
      verdict: 'reject',
      decidedBy: 'llm',
    },
    {
      name: 'workflow edit, model approves anyway',
      files: diffs.workflowEdit,
      reply: APPROVE,
      prompt: PROMPT,
      verdict: 'reject',
      decidedBy: 'guards',
    },
    {
      name: 'garbage JSON',
      files: diffs.honest,
      reply: '{"verdict": "approve", "reas',
      prompt: PROMPT,
      verdict: 'reject',
      decidedBy: 'fail-closed',
    },
    {
      name: 'prose instead of JSON',
      files: diffs.honest,
      reply: 'LGTM!',
      prompt: PROMPT,
      verdict: 'reject',
      decidedBy: 'fail-closed',
    },
  ])('$name → $verdict ($decidedBy)', async ({ files, reply, prompt, verdict, decidedBy }) => {
    fakeMessages(message(reply));
    const judge = new ClaudeJudge(client(), { model: MODEL, catalog });

    const result = await judge.review(judgeInput(files, prompt));

    expect(result.verdict.verdict).toBe(verdict);
    expect(result.decidedBy).toBe(decidedBy);
    if (verdict === 'reject') expect(result.verdict.reasons.length).toBeGreaterThan(0);
  });

  it('rejects with the reason when the model refuses', async () => {
    fakeMessages(
      message('', {
        content: [],
        stop_reason: 'refusal',
        stop_details: { type: 'refusal', category: 'cyber', explanation: 'Looks like exploit code' },
      }),
    );
    const judge = new ClaudeJudge(client(), { model: MODEL, catalog });

    const result = await judge.review(judgeInput(diffs.honest));

    expect(result.llm).toEqual({
      type: 'failed',
      failure: 'refusal',
      detail: 'The model refused to review (cyber: Looks like exploit code)',
    });
    expect(result.verdict).toMatchObject({
      verdict: 'reject',
      reasons: [
        "The judge's answer could not be used (refusal): The model refused to review (cyber: Looks like exploit code)",
      ],
    });
    expect(result.decidedBy).toBe('fail-closed');
  });

  it('rejects when the answer was cut off at max_tokens', async () => {
    fakeMessages(message('{"verdict":"approve","reasons":["a', { stop_reason: 'max_tokens' }));
    const judge = new ClaudeJudge(client(), { model: MODEL, catalog });

    const result = await judge.review(judgeInput(diffs.honest));

    expect(result.llm).toMatchObject({ type: 'failed', failure: 'max-tokens' });
    expect(result.verdict.verdict).toBe('reject');
  });

  it('accounts usage and cost from the catalog', async () => {
    fakeMessages(message(APPROVE));
    const judge = new ClaudeJudge(client(), { model: MODEL, catalog });

    const result = await judge.review(judgeInput(diffs.honest));

    // 1200 × $2/M + 80 × $10/M + 3000 cache reads × $0.2/M
    expect(result.usage).toEqual({
      inputTokens: 1200,
      outputTokens: 80,
      cacheWriteTokens: 0,
      cacheReadTokens: 3000,
      costUsd: 0.0038,
    });
    expect(result.model).toBe(MODEL);
  });

  it('logs an unusable answer at warn with static text', async () => {
    fakeMessages(message('nope'));
    const log = { debug: vi.fn(), warn: vi.fn() };
    const judge = new ClaudeJudge(client(), { model: MODEL, catalog }, log);

    await judge.review(judgeInput(diffs.honest));

    expect(log.warn).toHaveBeenCalledWith(
      { repo: 'acme/billing', failure: 'unparsable' },
      'Judge answer unusable; rejecting',
    );
  });

  it('throws JudgeError when the API fails', async () => {
    fakeMessages({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, 529);
    const judge = new ClaudeJudge(client(), { model: MODEL, catalog });

    const review = judge.review(judgeInput(diffs.honest));

    await expect(review).rejects.toThrow(JudgeError);
    await expect(review).rejects.toThrow(/Judge request failed \(HTTP 529\)/);
  });

  it('uses the migration’s judge model and output cap when the review names them', async () => {
    const bodies = fakeMessages(message(APPROVE, { model: 'claude-haiku-5-5' }));
    const judge = new ClaudeJudge(client(), {
      model: MODEL,
      catalog: { models: { ...catalog.models, 'claude-haiku-5-5': { input: 0.1, output: 0.5 } } },
    });

    const result = await judge.review(judgeInput(diffs.honest), {
      model: 'claude-haiku-5-5',
      maxOutputTokens: 1000,
    });

    expect(bodies[0]).toMatchObject({ model: 'claude-haiku-5-5', max_tokens: 1000 });
    expect(result.usage.costUsd).toBe(0.00019); // (1200 × 0.1 + 80 × 0.5 + 3000 × 0.01) per million
  });

  it('refuses a review with an unpriced model before calling the API', async () => {
    const judge = new ClaudeJudge(client(), { model: MODEL, catalog });

    await expect(judge.review(judgeInput(diffs.honest), { model: 'claude-unknown-9' })).rejects.toThrow(
      JudgeError,
    );
  });

  it('refuses a model without a price', () => {
    expect(() => new ClaudeJudge(client(), { model: 'claude-unknown-9', catalog })).toThrow(
      'No price for judge model "claude-unknown-9" in the model catalog; add it to the models file',
    );
  });
});
