import Anthropic from '@anthropic-ai/sdk';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { ClaudeJudge } from '../../../src/adapters/anthropic/claude-judge.ts';
import type { FailureReport } from '../../../src/contracts/failure-report.ts';
import type { Judge } from '../../../src/ports/judge.ts';
import { JudgeError } from '../../../src/shared/errors.ts';
import type { ModelCatalog } from '../../../src/shared/pricing.ts';
import {
  JUDGE_CHECK_NAME,
  JUDGE_COMMENT_KEY,
  reviewTarget,
  type ReviewMigration,
  type ReviewTargetInput,
} from '../../../src/workflows/review-target.ts';
import { handOver } from '../../../src/workflows/hand-over.ts';
import { ORG_JUDGE_CRITERIA_PATH } from '../../../src/workflows/load-review-config.ts';
import { deleted, hunk, modified } from '../../core/guards/diff-builders.ts';
import { APP_SLUG, ReviewFakeGitHost } from './fake-git-host.ts';

const ANTHROPIC = 'https://anthropic.test';
const MODEL = 'claude-opus-5-5';
const catalog: ModelCatalog = { models: { [MODEL]: { input: 5, output: 25 } } };
const CONFIG_REPO = { owner: 'acme', repo: 'fleetwright-config' };
const BASE_SHA = 'b'.repeat(40);
const silent = { info: () => undefined, warn: () => undefined };

const migration: ReviewMigration = {
  id: 'request-to-undici',
  title: 'Replace request with undici',
  prompt: 'Replace the deprecated `request` package with `undici`. Keep every test.',
  judgeCriteria: ['No remaining imports of `request`'],
  allowedPaths: ['src/**', 'test/**', 'package.json'],
  allowWorkflowEdits: false,
  judgeModel: MODEL,
  maxOutputTokens: 2048,
};

function judge(): ClaudeJudge {
  return new ClaudeJudge(new Anthropic({ apiKey: 'k', baseURL: ANTHROPIC, maxRetries: 0 }), {
    model: MODEL,
    catalog,
  });
}

/** Fakes one Messages API call answering `text`; returns the recorded request bodies. */
function modelAnswers(text: string, overrides: Record<string, unknown> = {}) {
  const bodies: Array<Record<string, unknown>> = [];
  nock(ANTHROPIC)
    .post('/v1/messages', (body: Record<string, unknown>) => {
      bodies.push(body);
      return true;
    })
    .reply(
      200,
      {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: MODEL,
        content: [{ type: 'text', text }],
        stop_reason: 'end_turn',
        stop_details: null,
        usage: {
          input_tokens: 1000,
          output_tokens: 100,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
        },
        ...overrides,
      },
      { 'content-type': 'application/json' },
    );
  return bodies;
}

const APPROVE = JSON.stringify({
  verdict: 'approve',
  reasons: ['Straight swap of the HTTP client'],
  requiredChanges: [],
});

const HONEST = modified(
  'src/http.js',
  hunk(1, 1, [
    "-const request = require('request');",
    "+const { request } = require('undici');",
    ' ',
    ' function getJson(url) {',
    '-  return new Promise((resolve, reject) => request(url, { json: true }, (e, r, b) => (e ? reject(e) : resolve(b))));',
    '+  return request(url).then((r) => r.body.json());',
    ' }',
  ]),
);
const TEST_FILE = [
  "const { getJson } = require('../src/http');",
  "const nock = require('nock');",
  '',
  "it('fetches json', async () => {",
  "  nock('https://x.test').get('/a').reply(200, { ok: true });",
  "  expect(await getJson('https://x.test/a')).toEqual({ ok: true });",
  '});',
];

function setup(diff: string): ReviewFakeGitHost {
  const fake = new ReviewFakeGitHost();
  fake.setDiff(`${diff}\n`);
  return fake;
}

function input(fake: ReviewFakeGitHost, extra: Partial<ReviewTargetInput> = {}): ReviewTargetInput {
  return {
    repo: fake.repo,
    pullNumber: fake.pr.number,
    headSha: fake.pr.headSha,
    baseSha: BASE_SHA,
    migration,
    configRepo: CONFIG_REPO,
    ci: { conclusion: 'success', summary: 'All 4 checks passed' },
    ...extra,
  };
}

describe('reviewTarget', () => {
  it('approves an honest migration: check run success, one comment, usage and cost', async () => {
    const fake = setup(HONEST);
    const bodies = modelAnswers(APPROVE);

    const outcome = await reviewTarget({ gitHost: fake.host, judge: judge(), log: silent }, input(fake));

    expect(outcome.type).toBe('approved');
    if (outcome.type !== 'approved') return;
    expect(outcome.decidedBy).toBe('llm');
    expect(outcome.diffStat).toEqual({ files: 1, additions: 2, deletions: 2 });
    expect(outcome.usage).toEqual({
      inputTokens: 1000,
      outputTokens: 100,
      cacheWriteTokens: 0,
      cacheReadTokens: 0,
      costUsd: 0.0075,
    });
    const run = fake.judgeRun();
    expect(run?.request).toMatchObject({
      name: JUDGE_CHECK_NAME,
      headSha: fake.pr.headSha,
      status: 'completed',
      conclusion: 'success',
      title: 'Approved by the fleetwright judge',
    });
    expect(run?.history.map((r) => r.status)).toEqual(['in_progress', 'completed']);
    expect(run?.request.summary).toContain('Approved by the fleetwright judge');
    const comment = fake.comments.get(`7:${JUDGE_COMMENT_KEY}`);
    expect(comment?.body).toContain('Straight swap of the HTTP client');
    expect(comment?.body).toContain(`Reviewed commit ${fake.pr.headSha.slice(0, 12)}`);
    expect(comment?.body).not.toContain('fleetwright:judge-verdict');
    // The model saw the manifest's criteria and used the migration's judge model.
    expect(bodies[0]?.model).toBe(MODEL);
    expect(JSON.stringify(bodies[0])).toContain('No remaining imports of `request`');
  });

  it('rejects a deleted test even when the model approves: failure + annotation + required changes', async () => {
    const fake = setup([HONEST, deleted('test/http.test.js', TEST_FILE)].join('\n'));
    modelAnswers(APPROVE);

    const outcome = await reviewTarget({ gitHost: fake.host, judge: judge(), log: silent }, input(fake));

    expect(outcome.type).toBe('rejected');
    if (outcome.type !== 'rejected') return;
    expect(outcome.decidedBy).toBe('guards');
    expect(outcome.requiredChanges.join('\n')).toContain('Restore the deleted test file test/http.test.js');
    const run = fake.judgeRun();
    expect(run?.request.conclusion).toBe('failure');
    expect(run?.request.annotations).toContainEqual(
      expect.objectContaining({
        path: 'test/http.test.js',
        level: 'failure',
        title: 'fleetwright guard: test-file-deleted',
      }),
    );
    const comment = fake.comments.get(`7:${JUDGE_COMMENT_KEY}`)?.body ?? '';
    expect(comment).toContain('Changes required');
    expect(comment).toContain('Restore the deleted test file test/http.test.js');
  });

  it('rejects a skipped test with a failure annotation at the skip', async () => {
    const fake = setup(
      [
        HONEST,
        modified(
          'test/http.test.js',
          hunk(3, 3, [
            ' ',
            "-it('fetches json', async () => {",
            "+it.skip('fetches json', async () => {",
            "   nock('https://x.test').get('/a').reply(200, { ok: true });",
          ]),
        ),
      ].join('\n'),
    );
    modelAnswers(APPROVE);

    const outcome = await reviewTarget({ gitHost: fake.host, judge: judge(), log: silent }, input(fake));

    expect(outcome.type).toBe('rejected');
    expect(fake.judgeRun()?.request.annotations).toContainEqual(
      expect.objectContaining({
        path: 'test/http.test.js',
        startLine: 4,
        level: 'failure',
        title: 'fleetwright guard: test-skipped',
      }),
    );
  });

  it('rejects a weakened assertion when the judge says so, annotating the guard finding', async () => {
    const fake = setup(
      [
        HONEST,
        modified(
          'test/http.test.js',
          hunk(5, 5, [
            "   nock('https://x.test').get('/a').reply(200, { ok: true });",
            "-  expect(await getJson('https://x.test/a')).toEqual({ ok: true });",
            "+  await getJson('https://x.test/a');",
            ' });',
          ]),
        ),
      ].join('\n'),
    );
    modelAnswers(
      JSON.stringify({
        verdict: 'reject',
        reasons: ['test/http.test.js:6 no longer checks the response body'],
        requiredChanges: ['Assert on the response body again in test/http.test.js'],
      }),
    );

    const outcome = await reviewTarget({ gitHost: fake.host, judge: judge(), log: silent }, input(fake));

    expect(outcome.type).toBe('rejected');
    if (outcome.type !== 'rejected') return;
    expect(outcome.requiredChanges).toContain('Assert on the response body again in test/http.test.js');
    expect(outcome.guardFindings.map((f) => f.kind)).toContain('assertions-removed');
    expect(fake.judgeRun()?.request.annotations?.some((a) => a.path === 'test/http.test.js')).toBe(true);
    expect(fake.comments.get(`7:${JUDGE_COMMENT_KEY}`)?.body).toContain('Assert on the response body again');
  });

  it('rejects an unrelated refactor on the model’s verdict', async () => {
    const fake = setup(
      [
        HONEST,
        modified(
          'src/cart.js',
          hunk(1, 1, ['-function total(items) {', '+function computeCartTotal(items) {', '   let sum = 0;']),
        ),
      ].join('\n'),
    );
    modelAnswers(
      JSON.stringify({
        verdict: 'reject',
        reasons: ['src/cart.js:1 renames total() — unrelated to the migration'],
        requiredChanges: ['Revert the rename in src/cart.js'],
      }),
    );

    const outcome = await reviewTarget({ gitHost: fake.host, judge: judge(), log: silent }, input(fake));

    expect(outcome).toMatchObject({
      type: 'rejected',
      decidedBy: 'llm',
      requiredChanges: ['Revert the rename in src/cart.js'],
    });
    expect(fake.judgeRun()?.request.conclusion).toBe('failure');
  });

  it('rejects a workflow edit the manifest does not allow', async () => {
    const fake = setup(
      [
        HONEST,
        modified(
          '.github/workflows/ci.yml',
          hunk(10, 10, ['       - run: npm ci', '-      - run: npm test', '+      - run: npm test || true']),
        ),
      ].join('\n'),
    );
    modelAnswers(APPROVE);

    const outcome = await reviewTarget({ gitHost: fake.host, judge: judge(), log: silent }, input(fake));

    expect(outcome.type).toBe('rejected');
    if (outcome.type !== 'rejected') return;
    expect(outcome.decidedBy).toBe('guards');
    expect(outcome.guardFindings.map((f) => f.kind)).toEqual(expect.arrayContaining(['ci-config-edited']));
    expect(fake.judgeRun()?.request.annotations?.map((a) => a.path)).toContain('.github/workflows/ci.yml');
  });

  it('fails closed on garbage judge output', async () => {
    const fake = setup(HONEST);
    modelAnswers('Looks good to me! {verdict: approve');

    const outcome = await reviewTarget({ gitHost: fake.host, judge: judge(), log: silent }, input(fake));

    expect(outcome).toMatchObject({ type: 'rejected', decidedBy: 'fail-closed' });
    expect(fake.judgeRun()?.request.conclusion).toBe('failure');
    expect(fake.comments.get(`7:${JUDGE_COMMENT_KEY}`)?.body).toContain('fail closed');
  });

  it('fails closed when the model is cut off by max_tokens', async () => {
    const fake = setup(HONEST);
    modelAnswers('{"verdict":"approve","reasons":["a', { stop_reason: 'max_tokens' });

    const outcome = await reviewTarget({ gitHost: fake.host, judge: judge(), log: silent }, input(fake));

    expect(outcome).toMatchObject({ type: 'rejected', decidedBy: 'fail-closed' });
  });

  it('reports an error and a failed check run when the judge cannot run', async () => {
    const fake = setup(HONEST);
    nock(ANTHROPIC)
      .post('/v1/messages')
      .reply(401, { type: 'error', error: { type: 'authentication_error', message: 'bad key' } });

    const outcome = await reviewTarget({ gitHost: fake.host, judge: judge(), log: silent }, input(fake));

    expect(outcome).toMatchObject({ type: 'error', code: 'judge-unavailable' });
    expect(fake.judgeRun()?.request).toMatchObject({
      conclusion: 'failure',
      title: 'The judge could not run',
    });
    expect(fake.comments.size).toBe(0);
  });

  it('rejects without calling the model when the diff is too large to review', async () => {
    const fake = setup(HONEST);
    fake.diff = { type: 'too-large', reason: 'GitHub refused to produce the diff (HTTP 406)' };
    const never: Judge = {
      review: () => {
        throw new Error('the judge must not be called');
      },
    };

    const outcome = await reviewTarget({ gitHost: fake.host, judge: never, log: silent }, input(fake));

    expect(outcome.type).toBe('rejected');
    if (outcome.type !== 'rejected') return;
    expect(outcome.reasons[0]).toContain('HTTP 406');
    expect(outcome.requiredChanges[0]).toContain('smaller change');
    expect(fake.judgeRun()?.request.conclusion).toBe('failure');
  });

  it('rejects when fewer tests ran on the PR than on the base (reports read by SHA)', async () => {
    const fake = setup(HONEST);
    const report = (passed: number): FailureReport =>
      ({
        schemaVersion: 1,
        conclusion: 'success',
        findings: [],
        testCounts: { passed, failed: 0, skipped: 0, total: passed },
      }) as unknown as FailureReport;
    fake.reports.set(BASE_SHA, report(120));
    fake.reports.set(fake.pr.headSha, report(95));
    modelAnswers(APPROVE);

    const outcome = await reviewTarget({ gitHost: fake.host, judge: judge(), log: silent }, input(fake));

    expect(outcome.type).toBe('rejected');
    if (outcome.type !== 'rejected') return;
    expect(outcome.guardFindings.map((f) => f.kind)).toContain('test-count-dropped');
    expect(fake.count('findFailureReport')).toBe(2);
  });

  it('gives the judge the org-wide criteria from the config repo', async () => {
    const fake = setup(HONEST);
    fake.setRepoFile(
      CONFIG_REPO,
      ORG_JUDGE_CRITERIA_PATH,
      '- HTTP clients must be created once, not per call.\n',
    );
    const bodies = modelAnswers(APPROVE);

    await reviewTarget({ gitHost: fake.host, judge: judge(), log: silent }, input(fake));

    expect(JSON.stringify(bodies[0])).toContain('HTTP clients must be created once, not per call.');
  });

  it('does not review a stale head', async () => {
    const fake = setup(HONEST);
    const outcome = await reviewTarget(
      { gitHost: fake.host, judge: judge(), log: silent },
      input(fake, { headSha: 'c'.repeat(40) }),
    );
    expect(outcome).toMatchObject({ type: 'error', code: 'stale-head' });
    expect(fake.checkRuns).toEqual([]);
  });

  it('on redelivery reuses the published verdict: no second model call, check run or comment', async () => {
    const fake = setup(HONEST);
    modelAnswers(APPROVE); // exactly one model call is mocked; a second would fail the test
    const deps = { gitHost: fake.host, judge: judge(), log: silent };

    const first = await reviewTarget(deps, input(fake, { appSlug: APP_SLUG }));
    const second = await reviewTarget(deps, input(fake, { appSlug: APP_SLUG }));

    expect(first.type).toBe('approved');
    expect(second).toMatchObject({ type: 'approved', reused: true, usage: { costUsd: 0 } });
    if (first.type !== 'approved' || second.type !== 'approved') return;
    expect(second.diffStat).toEqual(first.diffStat);
    expect(second.checkRunId).toBe(first.checkRunId);
    expect(second.commentId).toBe(first.commentId);
    expect(fake.checkRuns).toHaveLength(1);
    expect(fake.comments.size).toBe(1);
    expect(fake.comments.get(`7:${JUDGE_COMMENT_KEY}`)?.edits).toBe(0);
  });

  it('never trusts a verdict published by another app', async () => {
    const fake = setup(HONEST);
    modelAnswers(APPROVE);
    modelAnswers(APPROVE);
    const deps = { gitHost: fake.host, judge: judge(), log: silent };
    await reviewTarget(deps, input(fake, { appSlug: APP_SLUG }));
    const again = await reviewTarget(deps, input(fake, { appSlug: 'someone-else' }));
    expect(again).toMatchObject({ type: 'approved', reused: false });
    // Still one check run and one comment: edited in place, never duplicated.
    expect(fake.checkRuns).toHaveLength(1);
    expect(fake.comments.size).toBe(1);
  });

  it('edits the one comment in place when a new commit is reviewed', async () => {
    const fake = setup(HONEST);
    modelAnswers(
      JSON.stringify({
        verdict: 'reject',
        reasons: ['Missing error handling'],
        requiredChanges: ['Handle non-2xx'],
      }),
    );
    modelAnswers(APPROVE);
    const deps = { gitHost: fake.host, judge: judge(), log: silent };

    expect((await reviewTarget(deps, input(fake))).type).toBe('rejected');
    fake.pr.headSha = 'd'.repeat(40);
    expect((await reviewTarget(deps, input(fake))).type).toBe('approved');

    expect(fake.comments.size).toBe(1);
    expect(fake.comments.get(`7:${JUDGE_COMMENT_KEY}`)).toMatchObject({ edits: 1 });
    expect(fake.checkRuns.map((r) => [r.request.headSha.slice(0, 1), r.request.conclusion])).toEqual([
      ['h', 'failure'],
      ['d', 'success'],
    ]);
  });

  it('propagates a programming error from the judge instead of hiding it', async () => {
    const fake = setup(HONEST);
    const broken: Judge = { review: () => Promise.reject(new TypeError('boom')) };
    await expect(
      reviewTarget({ gitHost: fake.host, judge: broken, log: silent }, input(fake)),
    ).rejects.toThrow('boom');
    const unavailable: Judge = { review: () => Promise.reject(new JudgeError('endpoint unreachable')) };
    await expect(
      reviewTarget({ gitHost: fake.host, judge: unavailable, log: silent }, input(fake)),
    ).resolves.toMatchObject({ type: 'error', code: 'judge-unavailable' });
  });

  it('honest migration end to end: approve, then ready with code owners requested', async () => {
    const fake = setup(HONEST);
    fake.changedFiles = [{ path: 'src/http.js', status: 'modified' }];
    fake.setFile('.github/CODEOWNERS', '* @acme/web\n/src/ @alice @acme/http\n');
    modelAnswers(APPROVE);
    const clock = { now: () => new Date('2026-11-21T10:00:00Z'), sleep: async () => undefined };

    const reviewed = await reviewTarget(
      { gitHost: fake.host, judge: judge(), log: silent },
      input(fake, { appSlug: APP_SLUG }),
    );
    expect(reviewed.type).toBe('approved');
    if (reviewed.type !== 'approved') return;
    const handed = await handOver(
      { gitHost: fake.host, clock, log: silent },
      {
        repo: fake.repo,
        pullNumber: fake.pr.number,
        migration: {
          id: migration.id,
          title: migration.title,
          review: { ownerPreview: false, owners: [], reviewers: 'codeowners' },
          judgeCriteria: migration.judgeCriteria,
        },
        botLogin: 'fleetwright-test[bot]',
        diffStat: reviewed.diffStat,
        reviewNotes: reviewed.reviewNotes,
      },
    );

    expect(fake.judgeRun()?.request.conclusion).toBe('success');
    expect(fake.comments.has(`7:${JUDGE_COMMENT_KEY}`)).toBe(true);
    expect(handed).toMatchObject({ type: 'ready', requested: { users: ['alice'], teams: ['http'] } });
    expect(fake.pr.draft).toBe(false);
    expect(fake.pr.labels).toContain('fleetwright:ready');

    // The whole event redelivered: nothing is duplicated and the model is not called again.
    await reviewTarget(
      { gitHost: fake.host, judge: judge(), log: silent },
      input(fake, { appSlug: APP_SLUG }),
    );
    await handOver(
      { gitHost: fake.host, clock, log: silent },
      {
        repo: fake.repo,
        pullNumber: fake.pr.number,
        migration: {
          id: migration.id,
          title: migration.title,
          review: { ownerPreview: false, owners: [], reviewers: 'codeowners' },
          judgeCriteria: migration.judgeCriteria,
        },
        botLogin: 'fleetwright-test[bot]',
      },
    );
    expect(fake.checkRuns).toHaveLength(1);
    expect(fake.comments.size).toBe(1);
    expect(fake.reviewRequests).toHaveLength(1);
    expect(fake.count('markReadyForReview')).toBe(1);
  });
});
