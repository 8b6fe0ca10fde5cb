/**
 * Issue 6 on the simulator: CI that finishes after the CI timeout. Targets stall (one comment,
 * needs-human), then CI completes: with its webhooks delivered, the target carries on at once;
 * with its webhooks lost, the stalled target's own poll finds the result. Green goes to review,
 * red to a repair within budget. Webhooks are delivered twice and out of order.
 */
import { describe, expect, it } from 'vitest';
import { findHiddenKey } from '../../../src/core/markers/hidden-key.ts';
import { NEEDS_HUMAN_LABEL } from '../../../src/core/markers/labels.ts';
import type { CiContext } from '../index.ts';
import {
  MIGRATION_BRANCH,
  MIGRATION_ID,
  actionCi,
  attemptOf,
  buildAttemptCoder,
  buildLoopManifest,
} from './loop-fixtures.ts';
import { findLoopViolations } from './loop-invariants.ts';
import { SCENARIO_SLUG, quiesce, registerScenarioCleanups, startScenarioWorld } from './scenario-app.ts';

const ORG = 'acme';
const MINUTE = 60_000;
const CI_TIMEOUT = 60;

type Group = 'heard-green' | 'heard-red' | 'lost-green' | 'lost-red';
const groups: { group: Group; required: number }[] = [
  { group: 'heard-green', required: 1 },
  { group: 'heard-red', required: 2 },
  { group: 'lost-green', required: 1 },
  { group: 'lost-red', required: 2 },
];
const repos = groups.flatMap(({ group, required }) =>
  Array.from({ length: 3 }, (_, i) => ({ name: `${group}-${i + 1}`, group, required })),
);
const named = (prefix: string) => repos.filter((r) => r.group.startsWith(prefix)).map((r) => r.name);

const cleanups = registerScenarioCleanups();

describe('test/sim scenario: CI that finishes after the timeout (issue 6)', () => {
  it(
    'stalled targets carry on when CI finishes late, whether its webhooks arrive or are lost',
    { timeout: 240_000 },
    async () => {
      // The first push's CI hangs (a stuck runner) until the scenario completes it; repairs run at once.
      const { clock, sim, config, startApp } = await startScenarioWorld({
        cleanups,
        ci: (ctx: CiContext) =>
          actionCi(ctx, { hold: ctx.branch === MIGRATION_BRANCH && attemptOf(ctx) === 1 }),
      });
      for (const { name, required } of repos)
        sim.createRepo({
          owner: ORG,
          name,
          files: { 'src/http.ts': "import request from 'request';\n", 'ci/required': `${required}\n` },
        });
      await sim.settle();
      const coder = buildAttemptCoder();
      const app = await startApp({ coder, deliveries: { mode: 'reordered', duplicate: true, seed: 13 } });
      await app.runtime.reconcileInstallation(config.installationId, ORG);
      await quiesce(sim, app);
      sim.commit(
        { owner: ORG, repo: 'fleetwright-config' },
        {
          files: {
            'migrations/use-fetch.yml': buildLoopManifest({ maxIterations: 3, ciTimeoutMinutes: CI_TIMEOUT }),
          },
          by: 'owner-alice',
        },
      );
      await quiesce(sim, app);
      const deps = await app.runtime.depsFor(config.installationId);
      const state = (name: string) => deps.view.findTarget(MIGRATION_ID, `${ORG}/${name}`);
      const ref = (name: string) => ({ owner: ORG, repo: name });
      const pr = (name: string) => sim.pullRequests(ref(name)).find((p) => p.head === MIGRATION_BRANCH)!;
      const beat = async (minutes: number) => {
        clock.advance(minutes * MINUTE);
        app.runtime.tickAll();
        await quiesce(sim, app);
      };

      // The CI timeout passes: every target stalls, with one comment and the needs-human label.
      for (let elapsed = 0; elapsed <= CI_TIMEOUT; elapsed += 20) await beat(20);
      for (const { name } of repos) {
        expect({ state: state(name)?.state, reason: state(name)?.reason }, name).toEqual({
          state: 'stalled',
          reason: 'ci-timeout',
        });
        expect(pr(name).labels, name).toContain(NEEDS_HUMAN_LABEL);
      }

      const complete = (names: string[]) => {
        for (const held of sim.ci.heldRuns()) {
          const [full, sha] = held.split('@') as [string, string];
          const name = full.split('/')[1]!;
          if (names.includes(name)) sim.ci.complete(ref(name), sha);
        }
      };
      // `heard-*`: CI finishes and says so; the targets move without waiting for a poll.
      const requestsBefore = sim.requests.records.length;
      complete(named('heard'));
      await quiesce(sim, app);
      for (const name of named('heard-green')) expect(state(name)?.state, name).toBe('ready');
      for (const name of named('heard-red')) expect(state(name)?.state, name).toBe('ready');
      // `lost-*`: CI finishes while its webhooks go nowhere. Nothing moves until the poll is due.
      sim.deliverTo(undefined);
      complete(named('lost'));
      await sim.settle();
      sim.deliverTo(app.url);
      await beat(20);
      for (const name of named('lost')) expect(state(name)?.state, name).toBe('stalled');
      for (let round = 0; round < 4; round++) await beat(20);

      expect(
        findLoopViolations({
          sim,
          org: ORG,
          branch: MIGRATION_BRANCH,
          botLogin: `${SCENARIO_SLUG}[bot]`,
          maxIterations: 3,
          targetOf: state,
          expected: Object.fromEntries(
            repos.map(({ name }) => [name, { state: 'ready' as const, reasons: [undefined] }]),
          ),
        }),
      ).toEqual([]);
      for (const { name, required } of repos) {
        expect(coder.callsFor(`${ORG}/${name}`), name).toBe(required);
        expect(pr(name).labels, name).not.toContain(NEEDS_HUMAN_LABEL);
        const stalledComments = sim
          .comments(ref(name), pr(name).number)
          .filter((c) => findHiddenKey(c.body) === `fleetwright:comment:${MIGRATION_ID}:stalled`);
        expect(stalledComments, name).toHaveLength(1);
        // Edited in place once the loop carried on: it no longer asks a person to act.
        expect(stalledComments[0]!.body, name).toContain('finished late');
        expect(stalledComments[0]!.body, name).not.toContain('/migrate continue');
      }
      // Polling stalled targets is cheap: a handful of requests per target per poll.
      const perTarget = (sim.requests.records.length - requestsBefore) / repos.length;
      expect(perTarget).toBeLessThan(40);
    },
  );
});
