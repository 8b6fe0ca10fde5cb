/**
 * Issue 5 end to end on the simulator: the real fan-out (FleetRuntime + the fleet handlers) served
 * by a real Probot configured like production (GHE_HOST, GHE_PROTOCOL=http, app JWT → installation
 * tokens), talking to GitHub only through OctokitGitHost, over a 52-repository org:
 * green / red / pending / no-CI baselines, archived, forks, excluded, empty, disabled and
 * not-applicable repos, rollout limits under virtual time, every webhook delivered twice and out
 * of order, secondary rate limits with retry-after, and a restart that keeps only GitHub's state.
 */
import { describe, expect, it } from 'vitest';
import { findHiddenKey } from '../../../src/core/markers/hidden-key.ts';
import { ScriptedCoder } from '../../fakes/scripted-coder.ts';
import { JUDGE_CHECK_NAME, JUDGE_COMMENT_KEY } from '../../../src/workflows/review-target.ts';
import { quiesce, registerScenarioCleanups, startScenarioWorld } from './scenario-app.ts';
import type { CiContext, CiPlan } from '../index.ts';
import { buildFleetOrgPlans } from '../../fakes/fleet-org.ts';

const ORG = 'acme';
const HOUR = 3_600_000;
const MAX_OPEN = 8;
const PER_HOUR = 6;

const plans = buildFleetOrgPlans();
const eligible = plans.filter((p) => p.expected.state === 'merged').map((p) => p.name);

const manifest = `version: 1
id: use-fetch
title: Replace request with fetch
description: The request package is deprecated; use the built-in fetch.
prompt: Replace every use of the request package with fetch.
targets:
  patterns: ["*"]
  exclude: ["legacy-*", "fleetwright-config"]
rollout:
  maxOpenPrs: ${MAX_OPEN}
  prsPerHour: ${PER_HOUR}
  maxConcurrentCoders: 3
budget:
  ciTimeoutMinutes: 1440
`;

const green: CiPlan = { workflows: [{ name: 'CI', jobs: [{ name: 'build', conclusion: 'success' }] }] };

const cleanups = registerScenarioCleanups();

describe('test/sim scenario: fan-out (issue 5) on 52 repositories', () => {
  it(
    'opens one PR per eligible repo within the rollout limits, through duplicates, reordering, rate limits and a restart',
    { timeout: 180_000 },
    async () => {
      const baselineOf = new Map(plans.map((p) => [p.name, p.baseline]));
      const ci = (ctx: CiContext): CiPlan | undefined => {
        if (ctx.branch.startsWith('fleetwright/')) return green;
        switch (baselineOf.get(ctx.repo.repo)) {
          case 'green':
            return green;
          case 'red':
            return {
              workflows: [
                { name: 'CI', jobs: [{ name: 'build', conclusion: 'failure', log: 'error TS2322' }] },
              ],
            };
          case 'pending':
            return { ...green, hold: true };
          default:
            return undefined;
        }
      };
      const { clock, sim, config, startApp } = await startScenarioWorld({ cleanups, ci });
      for (const plan of plans)
        sim.createRepo({
          owner: ORG,
          name: plan.name,
          ...plan.spec,
          files: { 'src/http.ts': "import request from 'request';\n" },
        });
      await sim.settle();
      sim.requests.reset();
      const installationId = config.installationId;

      const coder = new ScriptedCoder((task) =>
        task.repo.startsWith(`${ORG}/na-`)
          ? { outcome: 'not-applicable', reason: 'no use of request' }
          : {
              outcome: 'changed',
              files: { 'src/http.ts': `// migrated ${task.repo}\nexport const get = fetch;\n` },
            },
      );
      let app = await startApp({ coder });
      sim.configureDeliveries({ mode: 'reordered', duplicate: true, seed: 11 });
      sim.faults.add({
        kind: 'graphql createCommitOnBranch',
        type: 'secondary-rate-limit',
        retryAfterSeconds: 60,
        times: 2,
      });
      sim.faults.add({
        kind: 'POST /repos/{owner}/{repo}/pulls',
        type: 'too-many',
        retryAfterSeconds: 30,
        times: 1,
      });

      await app.runtime.reconcileInstallation(installationId, ORG);
      await quiesce(sim, app);
      sim.commit(
        { owner: ORG, repo: 'fleetwright-config' },
        { files: { 'migrations/use-fetch.yml': manifest }, by: 'owner-alice' },
      );
      await quiesce(sim, app);

      const openCounts: number[] = [];
      const openPrs = () =>
        plans.flatMap((p) =>
          sim
            .pullRequests({ owner: ORG, repo: p.name })
            .filter((pr) => pr.state === 'open')
            .map((pr) => ({ repo: p.name, ...pr })),
        );
      for (let round = 0; round < 40; round++) {
        openCounts.push(openPrs().length);
        if (round === 2) {
          for (const plan of plans.filter((p) => p.baseline === 'pending')) {
            const repo = { owner: ORG, repo: plan.name };
            sim.ci.complete(repo, sim.branchHead(sim.getRepo(repo), 'main')!);
          }
        }
        if (round === 4) {
          // A restart: everything in memory is gone; only the simulator's state is left.
          app = await startApp({ coder });
          await app.runtime.reconcileInstallation(installationId, ORG);
        }
        // People merge the PRs whose CI is green.
        for (const pr of openPrs()) {
          const checks = sim.checkRuns({ owner: ORG, repo: pr.repo }, pr.headSha);
          if (checks.length > 0 && checks.every((c) => c.conclusion === 'success')) {
            sim.mergePullRequest({ owner: ORG, repo: pr.repo }, pr.number, 'maintainer-bob');
          }
        }
        clock.advance(HOUR / 2);
        app.runtime.tickAll();
        await quiesce(sim, app);
        openCounts.push(openPrs().length);
        const done = eligible.every((name) =>
          sim.pullRequests({ owner: ORG, repo: name }).some((pr) => pr.merged),
        );
        if (done) break;
      }

      // Exactly one PR per eligible repository, all merged; none anywhere else.
      for (const plan of plans) {
        const prs = sim.pullRequests({ owner: ORG, repo: plan.name });
        if (plan.expected.state === 'merged') {
          expect(
            prs.map((pr) => [pr.head, pr.merged]),
            plan.name,
          ).toEqual([['fleetwright/use-fetch', true]]);
        } else {
          expect(prs, plan.name).toEqual([]);
        }
      }
      // Every target in the right state with its reason (the restarted app's view, rebuilt from GitHub).
      const deps = await app.runtime.depsFor(installationId);
      for (const plan of plans) {
        expect(deps.view.findTarget('use-fetch', `${ORG}/${plan.name}`), plan.name).toMatchObject(
          plan.expected,
        );
      }
      // Rollout limits were never exceeded.
      expect(Math.max(...openCounts)).toBeLessThanOrEqual(MAX_OPEN);
      const created = plans
        .flatMap((p) => [...sim.getRepo({ owner: ORG, repo: p.name }).issues.values()].filter((i) => i.pull))
        .map((i) => Date.parse(i.createdAt))
        .sort((a, b) => a - b);
      for (const start of created) {
        expect(created.filter((t) => t >= start && t < start + HOUR).length).toBeLessThanOrEqual(PER_HOUR);
      }
      // No duplicated comments or labels.
      for (const name of eligible) {
        const repo = { owner: ORG, repo: name };
        const pr = sim.pullRequests(repo)[0]!;
        const keys = sim
          .comments(repo, pr.number)
          .map((c) => findHiddenKey(c.body))
          .filter(Boolean);
        expect(new Set(keys).size, name).toBe(keys.length);
        expect(new Set(pr.labels).size, name).toBe(pr.labels.length);
        // Reviewed and handed over before people merged it: one judge verdict (check run + comment),
        // marked ready for review.
        expect(keys, name).toContain(JUDGE_COMMENT_KEY);
        expect(pr.draft, name).toBe(false);
        const judged = sim.checkRuns(repo, pr.headSha).filter((run) => run.name === JUDGE_CHECK_NAME);
        expect(
          judged.map((run) => run.conclusion),
          name,
        ).toEqual(['success']);
      }
      // The coder ran once per eligible or not-applicable repository, never twice.
      for (const name of [...eligible, ...plans.filter((p) => p.name.startsWith('na-')).map((p) => p.name)]) {
        expect(coder.callsFor(`${ORG}/${name}`), name).toBe(1);
      }
      // Requests per opened PR, from the simulator's counters (the whole run, webhooks' follow-ups included).
      const perPr = sim.requests.summary().total / eligible.length;
      if (process.env.SCENARIO_FIGURES) {
        process.stderr.write(
          `requests per opened PR: ${perPr.toFixed(1)} ${JSON.stringify(sim.requests.summary())}\n`,
        );
        process.stderr.write(`${JSON.stringify(sim.requests.byKind(), null, 1)}\n`);
      }
      expect(perPr).toBeLessThan(60);
    },
  );
});
