/**
 * The end of the loop (issue 7): a green PR is reviewed by the guards + judge, a rejection goes
 * back to the coder as judge feedback, an approval hands the PR over (ready + reviewers, or the
 * owners' preview). Redelivered CI events review and comment once.
 */
import { describe, expect, it } from 'vitest';
import { renderBranchName } from '../../src/core/markers/branch-name.ts';
import { findHiddenKey } from '../../src/core/markers/hidden-key.ts';
import { replaceStateMarker } from '../../src/core/markers/state-marker.ts';
import type { Migration } from '../../src/core/migration.ts';
import type { RepoRef } from '../../src/ports/git-host.ts';
import { JudgeError } from '../../src/shared/errors.ts';
import { onCiChanged, onTimer } from '../../src/workflows/enqueue.ts';
import { fanOut } from '../../src/workflows/fan-out.ts';
import { reconcile } from '../../src/workflows/reconcile.ts';
import { runEffect } from '../../src/workflows/run-effects.ts';
import { OWNER_REVIEW_COMMENT_KEY } from '../../src/workflows/hand-over.ts';
import { JUDGE_CHECK_NAME, JUDGE_COMMENT_KEY } from '../../src/workflows/review-target.ts';
import type { JudgeScript } from '../fakes/scripted-judge.ts';
import { APPROVE } from '../fakes/scripted-judge.ts';
import { Harness, buildMigration, firstPrMarker, rewriteHttp } from './harness.ts';

const BRANCH = renderBranchName('use-fetch');
const REJECT = {
  verdict: 'reject' as const,
  reasons: ['src/http.ts:1 drops the timeout the request call had'],
  requiredChanges: ['Pass an AbortSignal.timeout(10_000) to fetch in src/http.ts'],
};

async function setup(
  options: {
    judge?: JudgeScript;
    review?: Partial<Migration['review']>;
    guards?: Migration['judge']['guards'];
  } = {},
) {
  const harness = new Harness({
    migrations: [
      buildMigration({
        policy: { maxIterations: 3 },
        ...(options.review ? { review: options.review } : {}),
        ...(options.guards ? { judge: { guards: options.guards } } : {}),
      }),
    ],
    script: rewriteHttp,
    ...(options.judge ? { judge: options.judge } : {}),
  });
  const { ref, headSha } = harness.github.addRepo({
    name: 'api',
    files: {
      'src/http.ts': 'request(url)\n',
      '.github/CODEOWNERS': '* @acme/platform\nsrc/ @octocat\n',
    },
  });
  harness.github.setCheckRun(ref, headSha!, { name: 'build', conclusion: 'success' });
  await fanOut(harness.deps, harness.migrations[0]!);
  await harness.drain();
  return { harness, ref };
}

let deliveries = 0;
async function green(harness: Harness, ref: RepoRef, times = 1) {
  const pr = harness.github.allPullRequests()[0]!;
  harness.github.setCheckRun(ref, pr.headSha, { name: 'build', conclusion: 'success' });
  for (let i = 0; i < times; i += 1) {
    onCiChanged(harness.deps, {
      repo: pr.repo,
      branch: BRANCH,
      headSha: pr.headSha,
      deliveryId: `ci-${++deliveries}`,
    });
  }
  await harness.drain();
}

const pr = (harness: Harness) => harness.github.allPullRequests()[0]!;
const marker = firstPrMarker;
async function judgeRuns(harness: Harness, ref: RepoRef, sha: string) {
  const snapshot = await harness.github.getCiSnapshot(ref, sha);
  return snapshot.checkRuns.filter((run) => run.name === JUDGE_CHECK_NAME);
}

describe('workflows: review and hand-over in the loop', () => {
  it('approve → ready for review, code owners requested, judge check run green', async () => {
    const { harness, ref } = await setup();

    await green(harness, ref);

    expect(harness.judge.calls).toHaveLength(1);
    // The migration's judge model and output cap reach the judge.
    expect(harness.judgeModels).toEqual(['claude-judge-test']);
    expect(harness.judge.calls[0]!.options).toMatchObject({
      model: 'claude-judge-test',
      maxOutputTokens: 2000,
    });
    expect(harness.judge.calls[0]!.input.migration.prompt).toContain('request package');
    expect(harness.judge.calls[0]!.input.ci).toEqual({
      conclusion: 'success',
      summary: `CI passed on ${pr(harness).headSha.slice(0, 7)}: 1 check run(s) and status(es) green.`,
    });
    expect(marker(harness)).toMatchObject({ state: 'ready', iteration: 1 });
    expect(marker(harness).usage.costUsd).toBeCloseTo(0.25 + 0.01);
    expect(pr(harness).draft).toBe(false);
    expect(pr(harness).labels).toEqual(expect.arrayContaining(['fleetwright', 'fleetwright:ready']));
    expect(await harness.github.listRequestedReviewers(ref, pr(harness).number)).toEqual({
      // CODEOWNERS: the last matching rule wins, so src/ belongs to octocat alone.
      users: ['octocat'],
      teams: [],
    });
    const runs = await judgeRuns(harness, ref, pr(harness).headSha);
    expect(runs.map((run) => run.conclusion)).toEqual(['success']);
    expect(pr(harness).comments.map((comment) => findHiddenKey(comment.body))).toEqual([JUDGE_COMMENT_KEY]);
    expect(harness.errors()).toEqual([]);
  });

  it('reject → a judge-feedback coder run with the required changes → green → approve → ready', async () => {
    const { harness, ref } = await setup({ judge: [REJECT, APPROVE] });
    const first = pr(harness).headSha;

    await green(harness, ref);

    expect(harness.coder.calls.map((call) => call.task.mode)).toEqual(['initial', 'judge-feedback']);
    const feedback = harness.coder.calls[1]!.task;
    expect(feedback.mode === 'judge-feedback' && feedback.requiredChanges).toEqual(REJECT.requiredChanges);
    expect(feedback.mode === 'judge-feedback' && feedback.reasons).toEqual(REJECT.reasons);
    expect(feedback.mode === 'judge-feedback' && feedback.history[0]?.result).toMatch(/^judge rejected: /);
    // The repair counts toward the iteration budget; the rejected SHA keeps a failed check run.
    expect(marker(harness)).toMatchObject({
      state: 'awaiting-ci',
      iteration: 2,
      failure: { class: 'judge' },
    });
    expect(pr(harness).headSha).not.toBe(first);
    expect(pr(harness).draft).toBe(true);
    expect((await judgeRuns(harness, ref, first)).map((run) => run.conclusion)).toEqual(['failure']);

    await green(harness, ref);

    expect(harness.judge.calls).toHaveLength(2);
    expect(marker(harness)).toMatchObject({ state: 'ready', iteration: 2 });
    expect(marker(harness).failure).toBeUndefined();
    expect(pr(harness).draft).toBe(false);
    // One judge comment, edited in place across both reviews.
    expect(pr(harness).comments.map((comment) => findHiddenKey(comment.body))).toEqual([JUDGE_COMMENT_KEY]);
  });

  it('rejections stop at the iteration budget: exhausted, never ready', async () => {
    const { harness, ref } = await setup({ judge: [REJECT] });

    for (let i = 0; i < 3; i += 1) await green(harness, ref);

    expect(harness.coder.calls.map((call) => call.task.mode)).toEqual([
      'initial',
      'judge-feedback',
      'judge-feedback',
    ]);
    expect(marker(harness)).toMatchObject({ state: 'exhausted', iteration: 3 });
    expect(pr(harness).draft).toBe(true);
    expect(pr(harness).labels).toContain('fleetwright:needs-human');
  });

  it("applies the manifest's guard settings: a blocking size limit rejects whatever the model says", async () => {
    const { harness, ref } = await setup({
      guards: {
        limits: { maxChangedLines: 1, maxChangedFiles: 60 },
        severity: { 'diff-too-large': 'block' },
      },
    });

    await green(harness, ref);

    expect(harness.judge.calls[0]!.input.guardFindings.map((finding) => finding.kind)).toEqual([
      'diff-too-large',
    ]);
    expect(harness.coder.calls.map((call) => call.task.mode)).toEqual(['initial', 'judge-feedback']);
    const feedback = harness.coder.calls[1]!.task;
    expect(feedback.mode === 'judge-feedback' && feedback.reasons.join('\n')).toContain('diff-too-large');
    expect(marker(harness)).toMatchObject({ state: 'awaiting-ci', failure: { class: 'judge' } });
  });

  it('owner preview → owner-review label and one comment for the owners; the PR stays a draft', async () => {
    const { harness, ref } = await setup({ review: { ownerPreview: true, owners: ['@acme/migrations'] } });

    await green(harness, ref, 2);

    expect(marker(harness)).toMatchObject({ state: 'owner-review' });
    expect(pr(harness).draft).toBe(true);
    expect(pr(harness).labels).toContain('fleetwright:owner-review');
    const keys = pr(harness).comments.map((comment) => findHiddenKey(comment.body));
    expect(keys.sort()).toEqual([JUDGE_COMMENT_KEY, OWNER_REVIEW_COMMENT_KEY].sort());
    const owners = pr(harness).comments.find(
      (comment) => findHiddenKey(comment.body) === OWNER_REVIEW_COMMENT_KEY,
    );
    expect(owners!.body).toContain('@acme/migrations');
    expect(await harness.github.listRequestedReviewers(ref, pr(harness).number)).toEqual({
      users: [],
      teams: [],
    });
    expect(harness.judge.calls).toHaveLength(1);
  });

  it('redelivered CI-green events: one review, one comment, one check run, reviewers requested once', async () => {
    const { harness, ref } = await setup();

    await green(harness, ref, 3);
    harness.restart();
    await reconcile(harness.deps);
    await harness.drain();
    await green(harness, ref, 2);

    expect(harness.judge.calls).toHaveLength(1);
    expect(pr(harness).comments).toHaveLength(1);
    expect(await judgeRuns(harness, ref, pr(harness).headSha)).toHaveLength(1);
    expect(harness.github.counts.requestReviewers).toBe(1);
    expect(marker(harness)).toMatchObject({ state: 'ready' });
    expect(new Set(pr(harness).labels).size).toBe(pr(harness).labels.length);
  });

  it('a PR left in judging by a crash is reviewed again on the next CI event, reusing the verdict', async () => {
    const { harness, ref } = await setup();
    await green(harness, ref);
    // The crash: the verdict was published, the marker still says judging, the process is gone.
    const body = replaceStateMarker(pr(harness).body, { ...marker(harness), state: 'judging' });
    await harness.github.updatePullRequest(ref, pr(harness).number, { body: body! });
    harness.restart();
    await reconcile(harness.deps);
    await harness.drain();

    await green(harness, ref);

    expect(marker(harness)).toMatchObject({ state: 'ready' });
    expect(harness.judge.calls).toHaveLength(1);
    expect(pr(harness).comments).toHaveLength(1);
    expect(await judgeRuns(harness, ref, pr(harness).headSha)).toHaveLength(1);
  });

  it('a PR closed before its review is not reviewed, and the effect reports nothing to step', async () => {
    const { harness, ref } = await setup();
    const target = { ...marker(harness), state: 'judging' as const };
    harness.github.closePullRequest(ref, BRANCH, false);

    const events = await runEffect(
      harness.deps,
      { migration: harness.migrations[0]!, markerDirty: false },
      target,
      { type: 'run-judge', headSha: target.lastPushedSha! },
    );

    expect(events).toEqual([]);
    expect(harness.judge.calls).toHaveLength(0);
    expect(await judgeRuns(harness, ref, target.lastPushedSha!)).toEqual([]);
  });

  it('a judge that cannot run puts the target in error; the tick retries the review', async () => {
    let available = false;
    const { harness, ref } = await setup({
      judge: () => {
        if (!available) throw new JudgeError('no Anthropic credentials');
        return APPROVE;
      },
    });

    await green(harness, ref);

    expect(marker(harness)).toMatchObject({ state: 'error' });
    expect((await judgeRuns(harness, ref, pr(harness).headSha)).map((run) => run.conclusion)).toEqual([
      'failure',
    ]);

    available = true;
    for (let i = 0; i < 5 && marker(harness).state !== 'ready'; i += 1) {
      harness.clock.advance(30 * 60_000);
      onTimer(harness.deps);
      await harness.drain();
    }

    expect(marker(harness)).toMatchObject({ state: 'ready' });
    expect(harness.coder.calls).toHaveLength(1);
    expect(pr(harness).comments.map((comment) => findHiddenKey(comment.body))).toEqual([JUDGE_COMMENT_KEY]);
  });
});
