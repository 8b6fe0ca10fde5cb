/**
 * Issue 6 on the simulator: the app restarted between a push and its CI result. A first app
 * instance opens the PRs (CI held), crashes in one group right after a repair push whose marker
 * never got saved, and is stopped. CI then finishes while nothing listens (webhooks lost), or
 * while a fresh instance with empty memory is up but has not reconciled yet, or after it has.
 * The fresh instance must rebuild everything from the PR markers and GitHub's state and converge
 * with no duplicated coder run, push, PR or comment. Webhooks to it arrive twice, out of order.
 */
import { describe, expect, it } from 'vitest';
import { parseStateMarker } from '../../../src/core/markers/state-marker.ts';
import type { CiContext, GitHubSim } from '../index.ts';
import {
  MIGRATION_BRANCH,
  MIGRATION_ID,
  actionCi,
  attemptOf,
  buildAttemptCoder,
  buildLoopManifest,
} from './loop-fixtures.ts';
import { findLoopViolations } from './loop-invariants.ts';
import {
  SCENARIO_SLUG,
  quiesce,
  registerScenarioCleanups,
  startScenarioWorld,
  type ScenarioApp,
} from './scenario-app.ts';

const BOT = `${SCENARIO_SLUG}[bot]`;
const ORG = 'acme';
const MINUTE = 60_000;
const MAX_ITERATIONS = 3;

/**
 * - `lost-*`: CI finishes while no app runs; its webhooks are lost for good.
 * - `early-green`: CI finishes once the new instance listens but before it reconciled (it
 *   knows no migration yet and drops the webhooks).
 * - `late-*`: CI finishes after the new instance reconciled (webhooks work).
 * - `unsaved`: the old instance pushed a repair and crashed before saving the marker.
 */
type Group = 'lost-green' | 'lost-red' | 'early-green' | 'late-green' | 'late-red' | 'unsaved';
const groups: { group: Group; required: number }[] = [
  { group: 'lost-green', required: 1 },
  { group: 'lost-red', required: 2 },
  { group: 'early-green', required: 1 },
  { group: 'late-green', required: 1 },
  { group: 'late-red', required: 2 },
  { group: 'unsaved', required: 3 },
];
const PER_GROUP = 3;
const repos = groups.flatMap(({ group, required }) =>
  Array.from({ length: PER_GROUP }, (_, i) => ({ name: `${group}-${i + 1}`, group, required })),
);
const named = (group: Group) => repos.filter((r) => r.group === group).map((r) => r.name);

const cleanups = registerScenarioCleanups();

describe('test/sim scenario: the app restarts between a push and its CI result (issue 6)', () => {
  it(
    'a fresh instance recovers from the PR markers and converges without duplicate pushes or comments',
    { timeout: 240_000 },
    async () => {
      // Every run on the migration branch is held until the scenario completes it.
      const { clock, sim, config, startApp } = await startScenarioWorld({
        cleanups,
        ci: (ctx: CiContext) => actionCi(ctx, { hold: ctx.branch === MIGRATION_BRANCH }),
      });
      for (const { name, required } of repos)
        sim.createRepo({
          owner: ORG,
          name,
          files: { 'src/http.ts': "import request from 'request';\n", 'ci/required': `${required}\n` },
        });
      await sim.settle();
      // The coder is the model behind an API: it outlives app instances and counts every run.
      const coder = buildAttemptCoder();
      const ref = (name: string) => ({ owner: ORG, repo: name });
      const pr = (name: string) => sim.pullRequests(ref(name)).find((p) => p.head === MIGRATION_BRANCH)!;
      const marker = (name: string) => {
        const parsed = parseStateMarker(pr(name).body);
        if (parsed.status !== 'ok') throw new Error(`${name}: marker ${parsed.status}`);
        return parsed.target;
      };
      /** Completes held CI of the migration branch in these repositories (all when omitted). */
      const completeHeld = (names?: readonly string[]) => {
        for (const held of sim.ci.heldRuns()) {
          const [full, sha] = held.split('@') as [string, string];
          const name = full.split('/')[1]!;
          if (!names || names.includes(name)) sim.ci.complete(ref(name), sha);
        }
      };

      // Instance 1 opens every PR; CI is held, so each waits on its first push.
      const first: ScenarioApp = await startApp({
        coder,
        deliveries: { mode: 'reordered', duplicate: true, seed: 5 },
      });
      await first.runtime.reconcileInstallation(config.installationId, ORG);
      await quiesce(sim, first);
      const beforeManifest = sim.requests.records.length;
      sim.commit(ref('fleetwright-config'), {
        files: {
          'migrations/use-fetch.yml': buildLoopManifest({
            maxIterations: MAX_ITERATIONS,
            ciTimeoutMinutes: 240,
          }),
        },
        by: 'owner-alice',
      });
      await quiesce(sim, first);
      for (const { name } of repos)
        expect(marker(name), name).toMatchObject({ state: 'awaiting-ci', iteration: 1 });
      // Requests per opened PR: from the manifest landing to every PR open and waiting on CI.
      const opening = sim.requests.records.slice(beforeManifest);
      const perPr = opening.length / repos.length;
      if (process.env.SCENARIO_FIGURES) {
        const byKind = sim.requests.byKind((r) => opening.includes(r));
        process.stderr.write(`requests per opened PR: ${perPr.toFixed(1)} ${JSON.stringify(byKind)}\n`);
      }
      expect(perPr).toBeLessThan(20);

      // `unsaved`: CI is red, the repair is pushed, and the marker write after the push fails (the
      // process dies there): the marker still says `repairing` on the first push.
      for (const name of named('unsaved')) {
        const firstPush = pr(name).headSha;
        // The first PR body write of the advance (before the coder run) goes through, the next fail.
        const fault = sim.faults.add({
          kind: 'PATCH /repos/{owner}/{repo}/pulls/{pull_number}',
          type: 'server-error',
          after: 1,
          times: Infinity,
        });
        completeHeld([name]);
        await quiesce(sim, first);
        fault.clear();
        expect(pr(name).headSha, name).not.toBe(firstPush);
        expect(marker(name), name).toMatchObject({
          state: 'repairing',
          iteration: 2,
          lastPushedSha: firstPush,
        });
      }
      const pushesBeforeRestart = appPushes(sim).length;

      // The crash: instance 1 is gone. CI finishes for `lost-*` while nothing listens.
      await first.stop();
      sim.deliverTo(undefined);
      completeHeld([...named('lost-green'), ...named('lost-red')]);
      await sim.settle();

      // Instance 2 starts with empty memory. CI of `early-green` finishes before it reconciled.
      const second = await startApp({ coder });
      const deliveredBefore = sim.deliveries.length;
      completeHeld(named('early-green'));
      await quiesce(sim, second);
      // Delivered and answered, but the instance knew no migration yet: nothing moved.
      const early = sim.deliveries.slice(deliveredBefore);
      expect(early.length).toBeGreaterThan(0);
      expect(early.every((d) => d.state === 'delivered')).toBe(true);
      for (const name of named('early-green')) expect(marker(name).state, name).toBe('awaiting-ci');
      await second.runtime.reconcileInstallation(config.installationId, ORG);
      await quiesce(sim, second);
      // Now CI finishes for the `late-*` groups and the `unsaved` repair push, announced normally.
      completeHeld([...named('late-green'), ...named('late-red'), ...named('unsaved')]);
      await quiesce(sim, second);
      // The loop runs on: repairs' CI completes as it comes, the timer beats.
      for (let round = 0; round < 6; round++) {
        completeHeld();
        await quiesce(sim, second);
        clock.advance(20 * MINUTE);
        second.runtime.tickAll();
        await quiesce(sim, second);
      }

      const deps = await second.runtime.depsFor(config.installationId);
      const violations = findLoopViolations({
        sim,
        org: ORG,
        branch: MIGRATION_BRANCH,
        botLogin: BOT,
        maxIterations: MAX_ITERATIONS,
        targetOf: (name) => deps.view.findTarget(MIGRATION_ID, `${ORG}/${name}`),
        expected: Object.fromEntries(
          repos.map(({ name }) => [name, { state: 'ready' as const, reasons: [undefined] }]),
        ),
      });
      expect(violations).toEqual([]);

      for (const { name, required } of repos) {
        // Exactly the coder runs CI needed: no run was lost or redone across the restart…
        expect(coder.callsFor(`${ORG}/${name}`), name).toBe(required);
        // …and exactly one push per run (the first creates the branch from the base).
        const pushes = appPushes(sim).filter((u) => u.repo === `${ORG}/${name}` && u.before !== undefined);
        expect(pushes.length, name).toBe(required);
        expect(
          pushes.filter((u) => u.forced),
          name,
        ).toEqual([]);
        expect(marker(name), name).toMatchObject({ state: 'ready', iteration: required });
        expect(
          attemptOf({
            readFile: (path: string) => sim.readFiles(ref(name), pr(name).headSha)[path],
          } as CiContext),
          name,
        ).toBe(required);
      }
      // The old instance's work is all there, and the new one did not push any of it again.
      expect(pushesBeforeRestart).toBe(repos.length * 2 + named('unsaved').length);
    },
  );
});

/** The app's ref updates on the migration branch (branch creation included). */
function appPushes(sim: GitHubSim) {
  return sim.refUpdates.filter((u) => u.viaApp && u.ref === `refs/heads/${MIGRATION_BRANCH}`);
}
