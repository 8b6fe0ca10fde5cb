/**
 * The fan-out scenario of issue 5 on a 52-repository org: mixed baselines, ineligible repos,
 * not-applicable repos, rollout limits under virtual time, every webhook delivered twice and
 * out of order, rate-limit answers, and a restart mid-fan-out that keeps only GitHub's state.
 */
import { describe, expect, it } from 'vitest';
import { renderBranchName } from '../../src/core/markers/branch-name.ts';
import { findHiddenKey } from '../../src/core/markers/hidden-key.ts';
import { parseStateMarker } from '../../src/core/markers/state-marker.ts';
import { GitHostError } from '../../src/shared/errors.ts';
import { onCiChanged, onConfigPushed, onPullRequestClosed, onTimer } from '../../src/workflows/enqueue.ts';
import { Harness, buildMigration } from './harness.ts';
import { buildFleetOrgPlans } from '../fakes/fleet-org.ts';

const BRANCH = renderBranchName('use-fetch');
const MAX_OPEN = 8;
const PER_HOUR = 6;
const HOUR = 3_600_000;

const plans = buildFleetOrgPlans({ notApplicableDetail: 'no use of request' });
const eligible = plans.filter((plan) => plan.expected.state === 'merged').map((plan) => `acme/${plan.name}`);

describe('workflows: fleet scenario (52 repositories)', () => {
  it('opens exactly one PR per eligible repo within the rollout limits, surviving redeliveries and a restart', async () => {
    const migration = buildMigration({
      policy: {
        maxOpenPrs: MAX_OPEN,
        prsPerHour: PER_HOUR,
        maxConcurrentCoders: 3,
        ciTimeoutMinutes: 24 * 60,
        baselineTimeoutMinutes: 24 * 60,
      },
      selector: { patterns: ['*'], exclude: ['legacy-*'] },
    });
    const harness = new Harness({
      migrations: [migration],
      script: (task) =>
        task.repo.startsWith('acme/na-')
          ? { outcome: 'not-applicable', reason: 'no use of request' }
          : {
              outcome: 'changed',
              files: { 'src/http.ts': `// migrated ${task.repo}\nexport const get = fetch;\n` },
            },
    });
    const { github } = harness;
    const heads = new Map<string, string>();
    for (const plan of plans) {
      const { ref, headSha } = github.addRepo({ name: plan.name, ...plan.spec });
      if (!headSha) continue;
      heads.set(plan.name, headSha);
      if (plan.baseline === 'green')
        github.setCheckRun(ref, headSha, { name: 'build', conclusion: 'success' });
      if (plan.baseline === 'red') github.setCheckRun(ref, headSha, { name: 'build', conclusion: 'failure' });
      if (plan.baseline === 'pending')
        github.setCheckRun(ref, headSha, { name: 'build', status: 'in_progress' });
    }
    // GitHub answers some writes with secondary rate limits; the pacer must wait and retry.
    github.failNext(
      'commitChangeSet',
      new GitHostError('secondary rate limit', { status: 403, retryAfterSeconds: 60 }),
      2,
    );
    github.failNext('ensureDraftPullRequest', new GitHostError('too many requests', { status: 429 }), 1);

    let deliveries = 0;
    const delivery = () => `delivery-${++deliveries}`;
    const openCounts: number[] = [];

    // The manifest lands: a push to the config repo, delivered twice with the same id.
    const push = delivery();
    expect(onConfigPushed(harness.deps, { deliveryId: push })).toBe('enqueued');
    expect(onConfigPushed(harness.deps, { deliveryId: push })).toBe('duplicate');
    await harness.drain();

    for (let round = 0; round < 80; round += 1) {
      if (round === 3) {
        // The pending baselines finish; their webhook arrives twice (same id) plus a second event kind.
        for (const plan of plans.filter((item) => item.baseline === 'pending')) {
          const sha = heads.get(plan.name)!;
          github.setCheckRun({ owner: 'acme', repo: plan.name }, sha, {
            name: 'build',
            conclusion: 'success',
          });
          const id = delivery();
          onCiChanged(harness.deps, {
            repo: `acme/${plan.name}`,
            branch: 'main',
            headSha: sha,
            deliveryId: id,
          });
          onCiChanged(harness.deps, {
            repo: `acme/${plan.name}`,
            branch: 'main',
            headSha: sha,
            deliveryId: id,
          });
          onCiChanged(harness.deps, {
            repo: `acme/${plan.name}`,
            branch: 'main',
            headSha: sha,
            deliveryId: delivery(),
          });
        }
        await harness.drain();
      }
      if (round === 5) {
        // Crash: everything in memory is gone; only GitHub (the fake) remains.
        harness.restart();
        onConfigPushed(harness.deps, { deliveryId: 'startup' });
        await harness.drain();
      }

      // Each PR's CI goes green; webhooks arrive twice, plus a stale one after the fresh one.
      for (const pr of github.openPullRequests()) {
        const ref = { owner: 'acme', repo: pr.repo.split('/')[1]! };
        const snapshot = await github.getCiSnapshot(ref, pr.headSha);
        if (snapshot.checkRuns.length === 0)
          github.setCheckRun(ref, pr.headSha, { name: 'build', conclusion: 'success' });
        const id = delivery();
        onCiChanged(harness.deps, { repo: pr.repo, branch: BRANCH, headSha: pr.headSha, deliveryId: id });
        onCiChanged(harness.deps, { repo: pr.repo, branch: BRANCH, headSha: pr.headSha, deliveryId: id });
        onCiChanged(harness.deps, {
          repo: pr.repo,
          branch: BRANCH,
          headSha: pr.headSha,
          deliveryId: delivery(),
        });
        onCiChanged(harness.deps, {
          repo: pr.repo,
          branch: BRANCH,
          headSha: heads.get(ref.repo)!,
          deliveryId: delivery(),
        });
      }
      await harness.drain();

      // From the third hour on, people merge up to three PRs that passed CI (before that nobody
      // merges, so the open-PR limit binds); the closed webhook arrives twice, then a late CI event.
      const green = github
        .openPullRequests()
        .filter((pr) => parseStateMarker(pr.body).status === 'ok' && pr.labels.includes('fleetwright:ready'));
      for (const pr of green.slice(0, round >= 12 ? 3 : 0)) {
        const ref = { owner: 'acme', repo: pr.repo.split('/')[1]! };
        github.closePullRequest(ref, BRANCH, true);
        const id = delivery();
        onPullRequestClosed(harness.deps, { repo: pr.repo, branch: BRANCH, merged: true, deliveryId: id });
        onPullRequestClosed(harness.deps, { repo: pr.repo, branch: BRANCH, merged: true, deliveryId: id });
        onCiChanged(harness.deps, {
          repo: pr.repo,
          branch: BRANCH,
          headSha: pr.headSha,
          deliveryId: delivery(),
        });
      }
      await harness.drain();
      openCounts.push(github.openPullRequests().length);

      harness.clock.advance(10 * 60_000);
      onTimer(harness.deps);
      await harness.drain();
      openCounts.push(github.openPullRequests().length);

      const done = eligible.every((repo) =>
        github.allPullRequests().some((pr) => pr.repo === repo && pr.merged),
      );
      if (done) break;
    }

    // Exactly one PR per eligible repository, none elsewhere.
    const prs = github.allPullRequests();
    expect(prs.map((pr) => pr.repo).sort()).toEqual([...eligible].sort());
    expect(prs.every((pr) => pr.merged)).toBe(true);

    // Every target in the right state with its reason (view rebuilt after the restart).
    for (const plan of plans) {
      const target = harness.deps.view.findTarget('use-fetch', `acme/${plan.name}`);
      expect(target, plan.name).toMatchObject({ repo: `acme/${plan.name}`, ...plan.expected });
      if (target?.state !== 'merged') expect(target?.failure?.signature, plan.name).toBeTruthy();
    }

    // Limits never exceeded: open PRs at every opening and at every observation, and any 60-minute window.
    expect(Math.max(...github.openedPrs.map((opened) => opened.openOnBranchPrefix))).toBeLessThanOrEqual(
      MAX_OPEN,
    );
    expect(Math.max(...openCounts)).toBeLessThanOrEqual(MAX_OPEN);
    const times = github.openedPrs.map((opened) => Date.parse(opened.at)).sort((a, b) => a - b);
    for (const time of times) {
      expect(times.filter((other) => other > time - HOUR && other <= time).length).toBeLessThanOrEqual(
        PER_HOUR,
      );
    }
    // The limits were actually reached (the test would prove nothing otherwise).
    expect(Math.max(...github.openedPrs.map((opened) => opened.openOnBranchPrefix))).toBe(MAX_OPEN);

    // No duplicated comments or labels; one judge comment per PR (edited in place, never doubled).
    for (const pr of prs) {
      const keys = pr.comments.map((comment) => findHiddenKey(comment.body));
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys).toEqual(['fleetwright:judge']);
      expect(new Set(pr.labels).size).toBe(pr.labels.length);
      expect(pr.labels.filter((label) => label.startsWith('fleetwright:'))).toEqual(['fleetwright:merged']);
    }

    // The coder ran once per repository that needed it: never again after the restart (the
    // not-applicable outcomes came back from the ledger in the dashboard issue) or a redelivery.
    for (const repo of eligible) expect(harness.coder.callsFor(repo)).toBe(1);
    // …and the judge reviewed each green PR once: redeliveries reuse the published verdict.
    expect(harness.judge.calls).toHaveLength(eligible.length);
    for (const plan of plans.filter((item) => item.name.startsWith('na-')))
      expect(harness.coder.callsFor(`acme/${plan.name}`)).toBe(1);
    const [dashboard, ...others] = github.issues({ owner: 'acme', repo: 'fleetwright-config' });
    expect(others).toEqual([]);
    expect(dashboard!.body).toContain('<!-- fleetwright:ledger v1 ');
    expect(harness.errors()).toEqual([]);
    if (process.env.FLEET_REPORT)
      process.stdout.write(
        `${JSON.stringify({ prs: prs.length, counts: github.counts, total: github.totalRequests(), slept: harness.clock.slept })}\n`,
      );
    expect(harness.workspaces.disposed).toBe(harness.workspaces.created);
  });
});
