/**
 * `fleetwright try` with the guards and the LLM judge, end to end: a real git checkout, a real
 * `node --test` verify command, and a local fake Messages API serving scripted coder and judge
 * conversations (the judge's requests are the ones with `output_config`).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.ts';
import { registerCleanups } from '../helpers/cleanups.ts';
import { captureIo } from '../helpers/cli-io.ts';
import {
  apiError,
  message,
  startFakeMessagesApi,
  textBlock,
  toolUse,
  type FakeMessagesApi,
  type FakeReply,
  type RecordedRequest,
  type ScriptStep,
} from '../helpers/fake-messages-api.ts';
import { SUM_TEST_JS, TRY_MANIFEST, VERIFY_COMMAND, buildTryFixture } from '../helpers/try-fixture.ts';

const EDITOR = 'str_replace_based_edit_tool';
const cleanups = registerCleanups();

async function api(script: ScriptStep[]): Promise<FakeMessagesApi> {
  const fake = await startFakeMessagesApi(script);
  cleanups.push(() => fake.close());
  return fake;
}

function env(fake: FakeMessagesApi): Record<string, string> {
  return { ANTHROPIC_API_KEY: 'sk-test', ANTHROPIC_BASE_URL: fake.baseURL, PATH: process.env.PATH ?? '' };
}

const toArrow = () =>
  toolUse(EDITOR, {
    command: 'str_replace',
    path: 'src/sum.js',
    old_str: 'module.exports = function sum(a, b) {\n  return a + b;\n};',
    new_str: 'module.exports = (a, b) => a + b;',
  });
const finish = (summary: string) => message([toolUse('finish', { outcome: 'changed', summary })]);

/** A judge answer as the API returns it with structured outputs: the JSON as the only text block. */
function verdict(
  v: 'approve' | 'reject',
  reasons: string[],
  requiredChanges: string[] = [],
  model = 'claude-opus-5-5',
): FakeReply {
  return judgeText(JSON.stringify({ verdict: v, reasons, requiredChanges }), model);
}

function judgeText(text: string, model = 'claude-opus-5-5'): FakeReply {
  return message([textBlock(text)], 'end_turn', { input: 3_000, output: 150 }, { model });
}

const isJudge = (r: RecordedRequest) => r.body.output_config !== undefined;
const userText = (r: RecordedRequest) => JSON.stringify(r.body.messages[0]?.content);

function parseJson(out: string): Record<string, unknown> {
  const lines = out.trim().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}

const JUDGED_MANIFEST = `version: 1
id: arrow-sum
title: Use an arrow function for sum
targets: { patterns: ['*'] }
prompt: |
  Rewrite the exported \`sum\` function in src/sum.js as an arrow function. Keep its behaviour.
budget:
  maxIterations: 3
  maxCostPerRepoUsd: 2
model:
  coder: claude-sonnet-5-5
  judge: claude-haiku-5-5
  maxOutputTokens: 4000
  judgeMaxOutputTokens: 1500
judge:
  criteria:
    - Keep the CommonJS export style (module.exports).
guards:
  maxChangedLines: 2
  severity:
    lockfile-only: off
scope:
  allowedPaths: ['src/**', 'test/**']
`;

describe('cli/try with the judge', () => {
  it('runs guards and judge after green, sends them the diff, criteria and findings, and exits 0 on approval', async () => {
    const { repo, manifest, dir } = await buildTryFixture(cleanups, JUDGED_MANIFEST);
    const orgCriteria = path.join(dir, 'judge-criteria.md');
    await writeFile(orgCriteria, '- Clients must be created once, not per call.\n');
    const fake = await api([
      message([toArrow()], 'tool_use', { input: 1_500, cacheWrite: 2_000 }),
      finish('Rewrote sum as an arrow function.'),
      verdict('approve', ['src/sum.js:1 is a faithful arrow rewrite'], [], 'claude-haiku-5-5'),
    ]);
    const io = captureIo({ env: env(fake) });

    const code = await main(
      [
        'try',
        ...['--manifest', manifest, '--repo', repo, '--verify', VERIFY_COMMAND],
        ...['--org-criteria', orgCriteria, '--json'],
      ],
      io,
    );

    expect(code, io.err()).toBe(0);
    expect(fake.unused()).toBe(0);
    expect(fake.requests.map(isJudge)).toEqual([false, false, true]);
    const judge = fake.requests[2]!;
    expect(judge.body.model).toBe('claude-haiku-5-5');
    expect(judge.body.max_tokens).toBe(1500);
    expect(judge.body.output_config).toMatchObject({ format: { type: 'json_schema' } });
    expect(judge.body.tools).toBeUndefined();
    const migration = judge.body.system?.[1]?.text ?? '';
    expect(migration).toContain('Rewrite the exported `sum` function');
    expect(migration).toContain('- Keep the CommonJS export style (module.exports).');
    expect(migration).toContain('Clients must be created once, not per call.');
    expect(migration).toContain('src/**, test/**');
    const request = userText(judge);
    expect(request).toContain('diff --git a/src/sum.js b/src/sum.js');
    expect(request).toContain('-module.exports = function sum(a, b) {');
    expect(request).toContain('+module.exports = (a, b) => a + b;');
    // The manifest's maxChangedLines (2) makes the 4-line diff a warn finding, shown to the judge.
    expect(request).toContain('[warn] diff-too-large at whole diff: The diff changes 4 lines in 1 files');
    expect(request).toMatch(/passed \(exit 0 in [\d.]+ s\)/);
    expect(request).toContain('Tests: 1 passed, 0 failed, 0 skipped');

    const result = parseJson(io.out());
    expect(result).toMatchObject({
      outcome: 'green',
      green: true,
      iterations: 1,
      filesChanged: ['src/sum.js'],
      judge: {
        verdict: 'approve',
        decidedBy: 'llm',
        reasons: ['src/sum.js:1 is a faithful arrow rewrite'],
        requiredChanges: [],
        guardFindings: [{ kind: 'diff-too-large', severity: 'warn' }],
        model: 'claude-haiku-5-5',
        reviews: 1,
        iteration: 1,
        usage: { inputTokens: 3_000, outputTokens: 150 },
      },
    });
    const judgeCost = (result.judge as { costUsd: number }).costUsd;
    expect(judgeCost).toBeCloseTo((3_000 * 0.1 + 150 * 0.5) / 1e6, 9);
    const history = result.history as Array<{ usage: { costUsd: number }; judge?: { verdict: string } }>;
    expect(history[0]?.judge?.verdict).toBe('approve');
    expect(result.costUsd).toBeCloseTo(history[0]!.usage.costUsd + judgeCost, 9);
    expect(io.err()).toContain('judge: approved (decided by the LLM judge)');
  });

  it('rejects a deleted test on the guards even when the judge approves, then restores it through judge feedback', async () => {
    const { repo, manifest } = await buildTryFixture(cleanups);
    const feedback: string[] = [];
    const fake = await api([
      message([toArrow(), toolUse('delete_file', { path: 'test/sum.test.js' })]),
      finish('Rewrote sum; removed its outdated test.'),
      verdict('approve', ['Looks like a clean rewrite']),
      (request) => {
        feedback.push(userText(request));
        return message([
          toolUse(EDITOR, { command: 'create', path: 'test/sum.test.js', file_text: SUM_TEST_JS }),
        ]);
      },
      finish('Restored test/sum.test.js.'),
      verdict('approve', ['Arrow rewrite; the test is unchanged']),
    ]);
    const io = captureIo({ env: env(fake) });

    const code = await main(
      ['try', '--manifest', manifest, '--repo', repo, '--verify', VERIFY_COMMAND, '--json'],
      io,
    );

    expect(code, io.err()).toBe(0);
    expect(fake.unused()).toBe(0);
    // The first review saw the deleted file and both blocking findings.
    const firstReview = userText(fake.requests[2]!);
    expect(firstReview).toContain('deleted file mode 100644');
    expect(firstReview).toContain('[block] test-file-deleted at test/sum.test.js');
    expect(firstReview).toContain('[block] test-count-dropped at whole diff');
    // The judge-feedback run is a fresh conversation carrying the guards' required change.
    expect(fake.requests[3]!.body.messages).toHaveLength(1);
    expect(feedback[0]).toContain('the reviewer rejected it');
    expect(feedback[0]).toContain('Restore the deleted test file test/sum.test.js');
    expect(feedback[0]).toContain('Iteration 1: Rewrote sum; removed its outdated test.');
    expect(feedback[0]).toContain('Result: judge rejected: Guard test-count-dropped: 1 fewer test(s) ran');
    expect(feedback[0]).toContain('(+1 more)');
    // The second review sees only the migration.
    const secondReview = userText(fake.requests[5]!);
    expect(secondReview).not.toContain('test/sum.test.js');
    expect(secondReview).toContain('(no findings)');
    expect(await readFile(path.join(repo, 'test/sum.test.js'), 'utf8')).toBe(SUM_TEST_JS);

    const result = parseJson(io.out());
    expect(result).toMatchObject({
      outcome: 'green',
      green: true,
      iterations: 2,
      filesChanged: ['src/sum.js'],
      judge: { verdict: 'approve', decidedBy: 'llm', reviews: 2, iteration: 2, guardFindings: [] },
    });
    const history = result.history as Array<{
      mode: string;
      verify: { exitCode: number; testCounts?: { passed: number } };
      judge: { verdict: string; decidedBy: string; guardFindings: Array<{ kind: string }> };
    }>;
    expect(history.map((h) => h.mode)).toEqual(['initial', 'judge-feedback']);
    expect(history.map((h) => h.verify.exitCode)).toEqual([0, 0]);
    expect(history.map((h) => h.verify.testCounts?.passed)).toEqual([0, 1]);
    expect(history[0]!.judge).toMatchObject({ verdict: 'reject', decidedBy: 'guards' });
    expect(history[0]!.judge.guardFindings.map((f) => f.kind).sort()).toEqual([
      'test-count-dropped',
      'test-file-deleted',
    ]);
  });

  it('fails closed on a garbage verdict and exits 1 when the iteration budget ends', async () => {
    const { repo, manifest } = await buildTryFixture(cleanups);
    const fake = await api([
      message([toArrow()]),
      finish('Rewrote sum as an arrow function.'),
      judgeText('Looks good to me! Ship it.'),
      message([toolUse(EDITOR, { command: 'view', path: 'src/sum.js' })]),
      finish('Checked the change again; nothing to fix.'),
      judgeText('{"verdict": "approve", "reasons": ["fine"'),
    ]);
    const io = captureIo({ env: env(fake) });

    const code = await main(
      [
        'try',
        ...['--manifest', manifest, '--repo', repo, '--verify', VERIFY_COMMAND],
        ...['--max-iterations', '2'],
      ],
      io,
    );

    expect(code).toBe(1);
    expect(fake.unused()).toBe(0);
    expect(fake.requests.filter(isJudge)).toHaveLength(2);
    expect(userText(fake.requests[3]!)).toContain('the review must be run again');
    const out = io.out();
    expect(out).toContain(
      'Outcome: green, but the judge rejected the change after 2 of 2 iterations (iteration budget spent)',
    );
    expect(out).toContain("Judge: REJECTED — fail closed: the judge's answer could not be used");
    expect(out).toContain("The judge's answer could not be used (unparsable)");
    expect(out).toContain('2 reviews');
    expect(out).toMatch(/Cost: \$0\.\d{4} \(coder \$0\.\d{4}, judge \$0\.\d{4}\)/);
    expect(io.err()).toContain('judge: rejected (fail closed');
  });

  it('makes no judge request with --no-judge', async () => {
    const { repo, manifest } = await buildTryFixture(cleanups);
    const fake = await api([
      message([toArrow()]),
      finish('Rewrote sum as an arrow function.'),
      verdict('reject', ['should never be asked'], ['never']),
    ]);
    const io = captureIo({ env: env(fake) });

    const code = await main(
      ['try', '--manifest', manifest, '--repo', repo, '--verify', VERIFY_COMMAND, '--no-judge'],
      io,
    );

    expect(code, io.err()).toBe(0);
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests.some(isJudge)).toBe(false);
    expect(fake.unused()).toBe(1);
    expect(io.out()).toContain('Outcome: green after 1 iteration');
    expect(io.out()).toContain('Judge: off (--no-judge)');
  });

  it('judges an unverified change (no --verify) without a CI summary', async () => {
    const { repo, manifest } = await buildTryFixture(cleanups);
    const fake = await api([
      message([toArrow()]),
      finish('Rewrote sum as an arrow function.'),
      verdict('approve', ['Faithful rewrite']),
    ]);
    const io = captureIo({ env: env(fake) });

    const code = await main(['try', '--manifest', manifest, '--repo', repo, '--json'], io);

    expect(code, io.err()).toBe(0);
    expect(userText(fake.requests[2]!)).toContain('(no CI summary available)');
    expect(parseJson(io.out())).toMatchObject({
      outcome: 'unverified',
      green: true,
      judge: { verdict: 'approve' },
    });
  });

  it('stops with exit 1 and one JSON object when the judge cannot run', async () => {
    const { repo, manifest } = await buildTryFixture(cleanups);
    const fake = await api([
      message([toArrow()]),
      finish('Rewrote sum as an arrow function.'),
      apiError(400, 'invalid_request_error', 'output_config: not supported by this gateway'),
    ]);
    const io = captureIo({ env: env(fake) });

    const code = await main(
      ['try', '--manifest', manifest, '--repo', repo, '--verify', VERIFY_COMMAND, '--json'],
      io,
    );

    expect(code).toBe(1);
    expect(parseJson(io.out())).toMatchObject({
      outcome: 'error',
      green: false,
      judge: null,
      message: expect.stringContaining('Judge request failed (HTTP 400)'),
    });
  });

  it('refuses a missing org criteria file and a judge model without a price before any request', async () => {
    const { repo, manifest } = await buildTryFixture(cleanups);
    const io = captureIo({ env: { ANTHROPIC_API_KEY: 'k' } });

    expect(await main(['try', '--manifest', manifest, '--repo', repo, '--org-criteria', 'nope.md'], io)).toBe(
      2,
    );
    expect(io.err()).toContain('cannot read --org-criteria');
    expect(io.err()).toContain('ENOENT');

    await writeFile(manifest, TRY_MANIFEST.replace('  coder: claude-sonnet-5-5', '  judge: gpt-9'));
    const io2 = captureIo({ env: { ANTHROPIC_API_KEY: 'k' } });
    expect(await main(['try', '--manifest', manifest, '--repo', repo], io2)).toBe(2);
    expect(io2.err()).toContain("model 'gpt-9' has no price in the model catalog (model.judge)");
    const fake = await api([
      message([toolUse('finish', { outcome: 'not-applicable', summary: 'n/a', reason: 'already arrow' })]),
    ]);
    const io3 = captureIo({ env: env(fake) });
    // Without the judge its model is not needed.
    expect(await main(['try', '--manifest', manifest, '--repo', repo, '--no-judge'], io3)).toBe(0);
    expect(io3.err()).not.toContain('has no price');
  });
});
