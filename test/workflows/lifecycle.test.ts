/**
 * One target through the loop beyond the first PR: repairs on red CI with the Action's report,
 * budgets, stalls, human closes, manifest edits, pauses, and failures isolated by the queue.
 */
import { describe, expect, it } from 'vitest';
import type { FailureReport } from '../../src/contracts/failure-report.ts';
import { renderBranchName } from '../../src/core/markers/branch-name.ts';
import { findHiddenKey } from '../../src/core/markers/hidden-key.ts';
import type { Policy } from '../../src/core/target/policy.ts';
import { GitHostError } from '../../src/shared/errors.ts';
import { onCiChanged, onPullRequestClosed, onTimer } from '../../src/workflows/enqueue.ts';
import { advanceTarget } from '../../src/workflows/advance-target.ts';
import { fanOut } from '../../src/workflows/fan-out.ts';
import { Harness, buildMigration, firstPrMarker, rewriteHttp } from './harness.ts';

const BRANCH = renderBranchName('use-fetch');
const report: FailureReport = {
  schemaVersion: 1,
  conclusion: 'failure',
  tools: ['tsc'],
  findings: [
    {
      kind: 'type-error',
      tool: 'tsc',
      file: 'src/http.ts',
      line: 3,
      code: 'TS2345',
      severity: 'error',
      message: "Argument of type 'string' is not assignable to parameter of type 'URL'.",
      occurrences: 1,
    },
  ],
  dropped: [],
  truncated: false,
};

function setup(options: { policy?: Partial<Policy>; repos?: string[] } = {}) {
  const harness = new Harness({
    migrations: [
      buildMigration({ policy: { maxIterations: 3, ...options.policy }, selector: { patterns: ['*'] } }),
    ],
    script: rewriteHttp,
  });
  const refs = (options.repos ?? ['api']).map((name) => {
    const { ref, headSha } = harness.github.addRepo({ name });
    harness.github.setCheckRun(ref, headSha!, { name: 'build', conclusion: 'success' });
    return ref;
  });
  return { harness, ref: refs[0]!, refs };
}

let deliveries = 0;
async function ciResult(
  harness: Harness,
  ref: { owner: string; repo: string },
  conclusion: 'success' | 'failure',
  withReport = true,
) {
  const pr = harness.github.allPullRequests().find((item) => item.repo === `${ref.owner}/${ref.repo}`)!;
  harness.github.setCheckRun(ref, pr.headSha, { name: 'build', conclusion });
  if (conclusion === 'failure' && withReport) {
    harness.github.setCheckRun(ref, pr.headSha, {
      name: 'fleetwright/report',
      conclusion: 'failure',
      text: JSON.stringify(report),
    });
  }
  onCiChanged(harness.deps, {
    repo: pr.repo,
    branch: BRANCH,
    headSha: pr.headSha,
    deliveryId: `ci-${++deliveries}`,
  });
  await harness.drain();
}

const marker = firstPrMarker;

describe('workflows: the target lifecycle', () => {
  it('repairs on red CI with the report, pushing on top of its own last commit', async () => {
    const { harness, ref } = setup();
    await fanOut(harness.deps, harness.migrations[0]!);
    await harness.drain();
    const first = harness.github.allPullRequests()[0]!.headSha;

    await ciResult(harness, ref, 'failure');

    const [pr] = harness.github.allPullRequests();
    expect(harness.coder.calls.map((call) => call.task.mode)).toEqual(['initial', 'repair']);
    const repair = harness.coder.calls[1]!.task;
    expect(repair.mode === 'repair' && repair.report.findings[0]?.code).toBe('TS2345');
    expect(repair.mode === 'repair' && repair.history[0]?.result).toMatch(/^CI red: TS2345/);
    expect(pr!.headSha).not.toBe(first);
    expect(harness.github.allPullRequests()).toHaveLength(1);
    expect(marker(harness)).toMatchObject({
      state: 'awaiting-ci',
      iteration: 2,
      lastPushedSha: pr!.headSha,
      failure: { class: 'ci-failure' },
    });
    expect(marker(harness).usage.costUsd).toBe(0.5);

    await ciResult(harness, ref, 'success');

    // Green goes straight through the review (approve) to the hand-over.
    expect(harness.judge.calls).toHaveLength(1);
    expect(marker(harness)).toMatchObject({ state: 'ready', iteration: 2 });
    expect(marker(harness).failure).toBeUndefined();
    expect(harness.github.allPullRequests()[0]!.labels).toEqual(
      expect.arrayContaining(['fleetwright', 'fleetwright:ready']),
    );
    expect(harness.github.allPullRequests()[0]!.labels).not.toContain('fleetwright:judging');
  });

  it('counts the requests of each step: a repair iteration and a green result', async () => {
    const { harness, ref } = setup();
    await fanOut(harness.deps, harness.migrations[0]!);
    await harness.drain();
    const pr = harness.github.allPullRequests()[0]!;
    harness.github.setCheckRun(ref, pr.headSha, { name: 'build', conclusion: 'failure' });
    harness.github.setCheckRun(ref, pr.headSha, {
      name: 'fleetwright/report',
      conclusion: 'failure',
      text: JSON.stringify(report),
    });
    harness.github.resetCounts();

    const repair = await advanceTarget(harness.deps, 'use-fetch', 'acme/api', {
      type: 'ci-changed',
      headSha: pr.headSha,
    });
    const repairCounts = { ...harness.github.counts };
    harness.github.resetCounts();
    const head = harness.github.allPullRequests()[0]!.headSha;
    harness.github.setCheckRun(ref, head, { name: 'build', conclusion: 'success' });
    const green = await advanceTarget(harness.deps, 'use-fetch', 'acme/api', {
      type: 'ci-changed',
      headSha: head,
    });

    expect(repair.requests).toBe(9);
    expect(repairCounts).toEqual({
      findPullRequestForBranch: 1,
      getCiSnapshot: 1,
      findFailureReport: 1,
      ensureLabels: 2,
      updatePullRequest: 2,
      downloadTarball: 1,
      commitChangeSet: 1,
    });
    // Green now carries the review (check run in progress → done, diff, test counts of base and
    // head, org criteria, one judge comment) and the hand-over (ready, CODEOWNERS lookup, reviewers).
    expect(green.outcomes.map((item) => item.event)).toEqual([
      'ci-changed',
      'ci-completed',
      'judge-finished',
    ]);
    expect(green.requests).toBe(22);
    expect(harness.github.counts).toEqual({
      findPullRequestForBranch: 1,
      getCiSnapshot: 2,
      ensureLabels: 3,
      getPullRequest: 2,
      ensureCheckRun: 2,
      getPullRequestDiff: 1,
      findFailureReport: 2,
      findFile: 4,
      ensureComment: 1,
      markReadyForReview: 1,
      listChangedFiles: 1,
      listRequestedReviewers: 1,
      updatePullRequest: 1,
    });
  });

  it('recovers from a crash between a repair push and the marker save, without another coder run', async () => {
    const { harness, ref } = setup();
    await fanOut(harness.deps, harness.migrations[0]!);
    await harness.drain();
    const pr = harness.github.allPullRequests()[0]!;
    harness.github.setCheckRun(ref, pr.headSha, { name: 'build', conclusion: 'failure' });
    // The marker is saved before the coder runs (state repairing); the save after the push fails.
    let saves = 0;
    const update = harness.github.updatePullRequest.bind(harness.github);
    harness.github.updatePullRequest = async (...args) => {
      saves += 1;
      if (saves === 2) throw new GitHostError('Server Error', { status: 500 });
      return update(...args);
    };
    await advanceTarget(harness.deps, 'use-fetch', 'acme/api', { type: 'ci-changed', headSha: pr.headSha });
    const pushed = harness.github.allPullRequests()[0]!.headSha;
    expect(marker(harness)).toMatchObject({ state: 'repairing', iteration: 2, lastPushedSha: pr.headSha });

    harness.restart();
    harness.deps.view.setMigration(harness.migrations[0]!);
    await advanceTarget(harness.deps, 'use-fetch', 'acme/api', { type: 'tick' });

    expect(marker(harness)).toMatchObject({ state: 'awaiting-ci', iteration: 2, lastPushedSha: pushed });
    expect(harness.coder.calls).toHaveLength(2);
  });

  it('stops at the iteration budget with one comment and the needs-human label', async () => {
    const { harness, ref } = setup({ policy: { maxIterations: 3 } });
    await fanOut(harness.deps, harness.migrations[0]!);
    await harness.drain();

    for (let round = 0; round < 6; round += 1) await ciResult(harness, ref, 'failure');

    const [pr] = harness.github.allPullRequests();
    expect(harness.coder.calls).toHaveLength(3);
    expect(marker(harness)).toMatchObject({
      state: 'exhausted',
      reason: 'iteration-budget',
      iteration: 3,
      failure: { class: 'ci-failure' },
    });
    expect(pr!.labels).toEqual(expect.arrayContaining(['fleetwright:exhausted', 'fleetwright:needs-human']));
    expect(pr!.comments.map((comment) => findHiddenKey(comment.body))).toEqual([
      'fleetwright:comment:use-fetch:exhausted',
    ]);
    expect(pr!.comments[0]!.body).toContain('TS2345');
    expect(pr!.comments[0]!.body).toContain('iteration 3');
  });

  it("without the Action, condenses the failed jobs' logs for the repair", async () => {
    const { harness, ref } = setup();
    await fanOut(harness.deps, harness.migrations[0]!);
    await harness.drain();
    const head = harness.github.allPullRequests()[0]!.headSha;
    harness.github.setFailedJobLogs(ref, head, [
      {
        jobName: 'build',
        url: 'https://ci.test/job/1',
        log: [
          '2026-11-21T09:00:00.0000000Z > tsc -p .',
          "2026-11-21T09:00:01.0000000Z src/http.ts(3,7): error TS2345: Argument of type 'string' is not assignable to parameter of type 'URL'.",
          '2026-11-21T09:00:01.0000000Z ##[error]Process completed with exit code 2.',
        ].join('\n'),
      },
    ]);

    await ciResult(harness, ref, 'failure', false);

    const repair = harness.coder.calls[1]!.task;
    expect(repair.mode === 'repair' && repair.report.source?.producer).toBe('app-log-fallback');
    expect(
      repair.mode === 'repair' && repair.report.findings.map((finding) => [finding.code, finding.file]),
    ).toContainEqual(['TS2345', 'src/http.ts']);
    expect(marker(harness).failure?.signature).toMatch(/TS2345/);
  });

  it("without logs either (third-party CI), repairs from the failing checks' own output", async () => {
    const { harness, ref } = setup();
    await fanOut(harness.deps, harness.migrations[0]!);
    await harness.drain();

    await ciResult(harness, ref, 'failure', false);

    const repair = harness.coder.calls[1]!.task;
    expect(repair.mode === 'repair' && repair.report).toMatchObject({
      source: { producer: 'app-check-output' },
      findings: [{ tool: 'build', kind: 'generic' }],
    });
    expect(marker(harness).history[0]?.result).toBe('CI red: check run build concluded failure');
  });

  it('stalls a PR whose CI never reports, through ticks alone', async () => {
    const { harness } = setup({ policy: { ciTimeoutMinutes: 60, pollMinutes: 15 } });
    await fanOut(harness.deps, harness.migrations[0]!);
    await harness.drain();

    for (let minute = 0; minute <= 90; minute += 15) {
      harness.clock.advance(15 * 60_000);
      onTimer(harness.deps);
      await harness.drain();
    }

    const [pr] = harness.github.allPullRequests();
    expect(marker(harness)).toMatchObject({ state: 'stalled', reason: 'ci-timeout' });
    expect(pr!.comments.map((comment) => findHiddenKey(comment.body))).toEqual([
      'fleetwright:comment:use-fetch:stalled',
    ]);
  });

  it('a PR closed by a person frees its slot and the next repo is admitted', async () => {
    const { harness, refs } = setup({ policy: { maxOpenPrs: 1, prsPerHour: 10 }, repos: ['a', 'b'] });
    await fanOut(harness.deps, harness.migrations[0]!);
    await harness.drain();
    expect(harness.github.openPullRequests().map((pr) => pr.repo)).toEqual(['acme/a']);

    harness.github.closePullRequest(refs[0]!, BRANCH, false);
    onPullRequestClosed(harness.deps, {
      repo: 'acme/a',
      branch: BRANCH,
      merged: false,
      deliveryId: 'close-1',
    });
    await harness.drain();

    expect(harness.deps.view.findTarget('use-fetch', 'acme/a')).toMatchObject({
      state: 'closed',
      reason: 'pr-closed',
      failure: { class: 'human' },
    });
    expect(harness.github.openPullRequests().map((pr) => pr.repo)).toEqual(['acme/b']);
  });

  it('a manifest edit reaches queued targets only; pausing stops admissions', async () => {
    const { harness } = setup({ policy: { maxOpenPrs: 1 }, repos: ['a', 'b'] });
    await fanOut(harness.deps, harness.migrations[0]!);
    await harness.drain();

    const edited = buildMigration({
      revision: 'rev-2',
      policy: { maxOpenPrs: 5, paused: true },
      selector: { patterns: ['*'] },
    });
    const paused = await fanOut(harness.deps, edited);
    await harness.drain();

    expect(paused).toMatchObject({ admitted: [], blockedBy: 'paused', waiting: 1 });
    expect(harness.deps.view.findTarget('use-fetch', 'acme/a')).toMatchObject({
      state: 'awaiting-ci',
      manifestRevision: 'rev-1',
    });
    expect(harness.deps.view.findTarget('use-fetch', 'acme/b')).toMatchObject({
      state: 'queued',
      manifestRevision: 'rev-2',
    });

    const resumed = await fanOut(
      harness.deps,
      buildMigration({ revision: 'rev-3', policy: { maxOpenPrs: 5 }, selector: { patterns: ['*'] } }),
    );
    await harness.drain();

    expect(resumed.admitted).toEqual(['acme/b']);
    expect(harness.deps.view.findTarget('use-fetch', 'acme/b')).toMatchObject({
      state: 'awaiting-ci',
      manifestRevision: 'rev-3',
    });
    expect(harness.deps.view.findTarget('use-fetch', 'acme/a')).toMatchObject({ manifestRevision: 'rev-1' });
  });

  it('a job that cannot even load its target fails alone, and the tick retries it', async () => {
    const { harness } = setup({ repos: ['a', 'b'] });
    harness.github.failNext('findBranchHead', new GitHostError('Server Error', { status: 500 }));

    await fanOut(harness.deps, harness.migrations[0]!);
    await harness.drain();

    expect(harness.errors().map((entry) => entry.message)).toEqual(['Job failed']);
    expect(harness.github.openPullRequests().map((pr) => pr.repo)).toEqual(['acme/b']);
    expect(harness.deps.view.findTarget('use-fetch', 'acme/a')).toMatchObject({
      state: 'error',
      reason: 'github-error',
    });

    for (let round = 0; round < 3; round += 1) {
      harness.clock.advance(10 * 60_000);
      onTimer(harness.deps);
      await harness.drain();
    }

    expect(
      harness.github
        .openPullRequests()
        .map((pr) => pr.repo)
        .sort(),
    ).toEqual(['acme/a', 'acme/b']);
    expect(harness.coder.calls).toHaveLength(2);
  });
});
