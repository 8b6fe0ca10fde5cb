/**
 * Issue 6 on the simulator, the parts people drive: a person pushes on the app's branch while it
 * waits for CI (paused, one comment, then `/migrate continue` builds on their commit) or while the
 * coder repairs (the app's push on the old head is refused by GitHub: paused, never forced); the
 * default branch moves and the PR conflicts (regenerated on the new base, only the app's commits
 * reset; with a person's commit on the branch: paused, nothing reset); people close, merge, or
 * delete the branch (closed / merged, and nothing written after). Every webhook is delivered twice
 * and out of order; the invariants of loop-invariants.ts are checked at the end.
 */
import { describe, expect, it } from 'vitest';
import { findHiddenKey } from '../../../src/core/markers/hidden-key.ts';
import type { CiContext } from '../index.ts';
import {
  MIGRATION_BRANCH,
  MIGRATION_ID,
  actionCi,
  attemptOf,
  buildAttemptCoder,
  buildLoopManifest,
} from './loop-fixtures.ts';
import type { LoopExpectation } from './loop-invariants.ts';
import { findLoopViolations } from './loop-invariants.ts';
import { SCENARIO_SLUG, quiesce, registerScenarioCleanups, startScenarioWorld } from './scenario-app.ts';

const BOT = `${SCENARIO_SLUG}[bot]`;
const ORG = 'acme';
const MINUTE = 60_000;
const MAX_ITERATIONS = 3;

type Group =
  'push-awaiting' | 'push-repairing' | 'base-moves' | 'base-moves-human' | 'closed' | 'merged' | 'deleted';

const groups: { group: Group; required: number; expected: LoopExpectation }[] = [
  { group: 'push-awaiting', required: 1, expected: { state: 'ready', reasons: [undefined] } },
  { group: 'push-repairing', required: 3, expected: { state: 'paused', reasons: ['human-commit'] } },
  { group: 'base-moves', required: 1, expected: { state: 'ready', reasons: [undefined] } },
  { group: 'base-moves-human', required: 1, expected: { state: 'paused', reasons: ['human-commit'] } },
  { group: 'closed', required: 1, expected: { state: 'closed', reasons: ['pr-closed'] } },
  { group: 'merged', required: 1, expected: { state: 'merged', reasons: [undefined] } },
  // The push (deleted) and the PR's close arrive in either order: both end it as closed.
  { group: 'deleted', required: 1, expected: { state: 'closed', reasons: ['branch-deleted', 'pr-closed'] } },
];
const PER_GROUP = 4;
const repos = groups.flatMap(({ group, required, expected }) =>
  Array.from({ length: PER_GROUP }, (_, i) => ({ name: `${group}-${i + 1}`, group, required, expected })),
);
const groupOf = (repo: string) => repos.find((r) => `${ORG}/${r.name}` === repo || r.name === repo)?.group;
const named = (group: Group) => repos.filter((r) => r.group === group).map((r) => r.name);

/**
 * CI holds the app's first push (attempt 1) on the migration branch, so the app is waiting when
 * people act; everything else (the default branch, repairs, regenerates) runs at once.
 */
function scriptedCi(ctx: CiContext) {
  const hold =
    ctx.branch === MIGRATION_BRANCH && attemptOf(ctx) === 1 && groupOf(ctx.repo.repo) !== 'push-repairing';
  return actionCi(ctx, { hold });
}

const cleanups = registerScenarioCleanups();

describe('test/sim scenario: people act on the CI loop (issue 6)', () => {
  it(
    'pauses on human pushes, regenerates on a moved base, stops on close/merge/delete, through duplicated and reordered webhooks',
    { timeout: 240_000 },
    async () => {
      const { clock, sim, config, startApp } = await startScenarioWorld({ cleanups, ci: scriptedCi });
      for (const { name, required } of repos)
        sim.createRepo({
          owner: ORG,
          name,
          files: { 'src/http.ts': "import request from 'request';\n", 'ci/required': `${required}\n` },
          collaborators: { alice: 'write', bob: 'write' },
        });
      await sim.settle();

      // A person pushes on the branch while the coder repairs (its 2nd run) in `push-repairing`.
      const humanDuringRepair = new Map<string, string>();
      const coder = buildAttemptCoder((repo, call) => {
        if (groupOf(repo) !== 'push-repairing' || call !== 2) return;
        const name = repo.split('/')[1]!;
        humanDuringRepair.set(
          name,
          sim.commit(
            { owner: ORG, repo: name },
            { branch: MIGRATION_BRANCH, files: { 'docs/notes.md': 'alice was here\n' }, by: 'alice' },
          ),
        );
      });
      const app = await startApp({ coder, deliveries: { mode: 'reordered', duplicate: true, seed: 41 } });
      await app.runtime.reconcileInstallation(config.installationId, ORG);
      await quiesce(sim, app);
      sim.commit(
        { owner: ORG, repo: 'fleetwright-config' },
        {
          files: {
            'migrations/use-fetch.yml': buildLoopManifest({
              maxIterations: MAX_ITERATIONS,
              ciTimeoutMinutes: 240,
            }),
          },
          by: 'owner-alice',
        },
      );
      await quiesce(sim, app);
      const deps = await app.runtime.depsFor(config.installationId);
      const state = (name: string) => deps.view.findTarget(MIGRATION_ID, `${ORG}/${name}`);
      const ref = (name: string) => ({ owner: ORG, repo: name });
      const pr = (name: string) => sim.pullRequests(ref(name)).find((p) => p.head === MIGRATION_BRANCH)!;

      // Every PR is open and waiting on held CI, except the repairs a person pushed into.
      for (const { name, group } of repos) {
        expect(state(name)?.state, name).toBe(group === 'push-repairing' ? 'paused' : 'awaiting-ci');
      }

      // Phase 1: people act while the app waits.
      const humanCommits = new Map<string, string>();
      for (const name of [...named('push-awaiting'), ...named('base-moves-human')]) {
        // In the second repository of each group alice forges the bot as the commit's author.
        const forge = name.endsWith('-2') ? { author: BOT } : {};
        humanCommits.set(
          name,
          sim.commit(ref(name), {
            branch: MIGRATION_BRANCH,
            files: { 'docs/notes.md': 'by alice\n' },
            by: 'alice',
            ...forge,
          }),
        );
      }
      for (const name of named('closed')) sim.close(ref(name), pr(name).number, 'bob');
      for (const name of named('merged')) sim.mergePullRequest(ref(name), pr(name).number, 'bob');
      for (const name of named('deleted')) sim.pushRef(ref(name), MIGRATION_BRANCH, undefined, 'bob');
      await quiesce(sim, app);
      // From here on, the app must write nothing to the repositories people closed or merged.
      const recorded = sim.requests.records.length;
      const quietFrom = Object.fromEntries(
        [...named('closed'), ...named('merged'), ...named('deleted')].map((name) => [name, recorded]),
      );
      for (const name of humanCommits.keys()) {
        expect({ state: state(name)?.state, reason: state(name)?.reason }, name).toEqual({
          state: 'paused',
          reason: 'human-commit',
        });
      }
      for (const name of named('merged')) expect(state(name)?.state, name).toBe('merged');
      for (const name of [...named('closed'), ...named('deleted')])
        expect(state(name)?.state, name).toBe('closed');

      // Phase 2: a writer lets the app carry on from their commit.
      for (const name of humanCommits.keys())
        sim.addComment(ref(name), pr(name).number, '/migrate continue', 'alice');
      await quiesce(sim, app);
      for (const name of humanCommits.keys()) {
        expect({ state: state(name)?.state, last: state(name)?.lastPushedSha }, name).toEqual({
          state: 'awaiting-ci',
          last: humanCommits.get(name),
        });
      }

      // Phase 3: the default branch moves and the PRs conflict (same file changed on both sides).
      const newBase = new Map<string, string>();
      for (const name of [...named('base-moves'), ...named('base-moves-human')]) {
        newBase.set(
          name,
          sim.commit(ref(name), {
            files: { 'src/http.ts': "import request from 'request'; // v2\n" },
            by: 'bob',
          }),
        );
      }
      await quiesce(sim, app);
      // Conflicts are read on the poll (lists do not carry `mergeable`).
      for (let round = 0; round < 2; round++) {
        clock.advance(20 * MINUTE);
        app.runtime.tickAll();
        await quiesce(sim, app);
      }

      // Phase 4: CI finishes everywhere it was held, then the loop runs to its end.
      for (const held of sim.ci.heldRuns()) {
        const [full, sha] = held.split('@') as [string, string];
        sim.ci.complete(ref(full.split('/')[1]!), sha);
      }
      await quiesce(sim, app);
      for (let round = 0; round < 4; round++) {
        clock.advance(20 * MINUTE);
        app.runtime.tickAll();
        await quiesce(sim, app);
      }

      // The invariants, on every repository.
      const violations = findLoopViolations({
        sim,
        org: ORG,
        branch: MIGRATION_BRANCH,
        botLogin: BOT,
        maxIterations: MAX_ITERATIONS,
        targetOf: state,
        expected: Object.fromEntries(repos.map((r) => [r.name, r.expected])),
        quietFrom,
        // GitHub refused the repair pushed on the head a person had just moved: that is the guard working.
        staleWritesAllowed: Object.fromEntries(named('push-repairing').map((name) => [name, 1])),
      });
      expect(violations).toEqual([]);

      const calls = (name: string) => coder.callsFor(`${ORG}/${name}`);
      const appPushes = (name: string) =>
        sim.refUpdates.filter(
          (u) => u.repo === `${ORG}/${name}` && u.ref === `refs/heads/${MIGRATION_BRANCH}` && u.viaApp,
        );
      const pausedComments = (name: string) =>
        sim
          .comments(ref(name), pr(name).number)
          .filter((c) => findHiddenKey(c.body) === `fleetwright:comment:${MIGRATION_ID}:paused`);

      for (const name of named('push-awaiting')) {
        // Built on the person's commit: no new coder run, their commit is the PR head, CI green → ready.
        expect(calls(name), name).toBe(1);
        expect(pr(name).headSha, name).toBe(humanCommits.get(name));
        expect(pausedComments(name), name).toHaveLength(1);
        expect(
          appPushes(name).filter((u) => u.forced),
          name,
        ).toEqual([]);
      }
      for (const name of named('push-repairing')) {
        // The repair ran, its push was refused, the person's commit stands and the target paused.
        expect(calls(name), name).toBe(2);
        expect(pr(name).headSha, name).toBe(humanDuringRepair.get(name));
        expect(sim.readFiles(ref(name), pr(name).headSha)['docs/notes.md'], name).toBe('alice was here\n');
        expect(pausedComments(name), name).toHaveLength(1);
        expect(
          appPushes(name).filter((u) => u.forced || u.after === undefined),
          name,
        ).toEqual([]);
      }
      for (const name of named('base-moves')) {
        // Regenerated on the new base: the branch is the new base plus one fresh commit of the app.
        const base = newBase.get(name)!;
        const head = pr(name).headSha;
        expect(sim.commitInfo(ref(name), head).parents, name).toEqual([base]);
        expect(sim.commitInfo(ref(name), head).authorLogin, name).toBe(BOT);
        expect(state(name), name).toMatchObject({ iteration: 2, baseSha: base });
        expect(calls(name), name).toBe(2);
        expect(
          appPushes(name).filter((u) => u.forced),
          name,
        ).toHaveLength(1);
      }
      for (const name of named('base-moves-human')) {
        // The check before the regenerate's coder run found the person's commit: no coder run
        // spent (the iteration it counted given back), nothing reset, nothing pushed, one pause
        // comment per pause, now saying why.
        expect(calls(name), name).toBe(1);
        expect(state(name)?.iteration, name).toBe(1);
        expect(pausedComments(name)[0]?.body, name).toContain('the base branch moved and the PR conflicts');
        expect(pr(name).headSha, name).toBe(humanCommits.get(name));
        expect(
          appPushes(name).filter((u) => u.forced || u.after === undefined),
          name,
        ).toEqual([]);
        expect(state(name)?.detail, name).toContain(
          name.endsWith('-2') ? `${BOT} (unsigned, so not the app's)` : 'by alice',
        );
        expect(pausedComments(name), name).toHaveLength(1);
      }
      for (const name of [...named('closed'), ...named('merged'), ...named('deleted')]) {
        expect(calls(name), name).toBe(1);
      }
      for (const name of named('deleted')) expect(pr(name).state, name).toBe('closed');
      for (const name of named('merged')) expect(pr(name).merged, name).toBe(true);
    },
  );
});
