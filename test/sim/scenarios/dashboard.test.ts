/**
 * Issue 8 (the dashboard half) end to end on the simulator: a real Probot, the FleetRuntime and
 * the fleet handlers, OctokitGitHost over HTTP, webhooks delivered twice and out of order.
 *
 * Ten repositories fail CI with the same TypeScript error (different files and lines) and three
 * with another one; the app condenses their job logs itself, so the groups on the dashboard come
 * from the real condensed report → signature path. Then, on the dashboard issue: a reader, a bot
 * and an unknown group id are refused or ignored; the owner improves the prompt and retries the
 * big group, which reaches exactly its ten repositories; `/migrate pause` stops admissions (even
 * across a restart) and `/migrate resume` restarts them.
 */
import { describe, expect, it } from 'vitest';
import { parsePauseMarker } from '../../../src/core/markers/dashboard-pause.ts';
import { parseLedger } from '../../../src/core/markers/ledger.ts';
import { ScriptedCoder } from '../../fakes/scripted-coder.ts';
import {
  SCENARIO_SLUG as SLUG,
  quiesce,
  registerScenarioCleanups,
  startScenarioWorld,
  type ScenarioApp,
} from './scenario-app.ts';
import type { CiContext, CiPlan } from '../index.ts';

const ORG = 'acme';
const CONFIG = { owner: ORG, repo: 'fleetwright-config' };
const MINUTE = 60_000;

const SERVICES = ['api', 'web', 'billing', 'search', 'auth'];
const TS = Array.from({ length: 10 }, (_, i) => `ts-${i + 1}`);
const MODULE = ['lint-1', 'lint-2', 'lint-3'];
const GREEN = ['ok-1', 'ok-2'];
const LATE = ['late-1', 'late-2', 'late-3'];

const manifest = (prompt: string) => `version: 1
id: use-fetch
title: Replace request with fetch
description: The request package is deprecated; use the built-in fetch.
prompt: ${prompt}
targets:
  patterns: ["*"]
  exclude: ["fleetwright-config"]
rollout:
  maxOpenPrs: 100
  prsPerHour: 100
  maxConcurrentCoders: 3
budget:
  maxIterations: 2
  ciTimeoutMinutes: 600
`;

/** CI from the content: a `fixed` migration passes; otherwise each repo fails its own way. */
function scriptedCi(ctx: CiContext): CiPlan {
  const content = ctx.readFile('src/http.ts') ?? '';
  const name = ctx.repo.repo;
  const index = Number(name.split('-')[1] ?? 0);
  const migrated = content.includes('migrated');
  const fails =
    migrated && !content.includes('fixed') && (name.startsWith('ts-') || name.startsWith('lint-'));
  // The same TS2345 error as each repository's CI prints it: its own file, line and column.
  const log = name.startsWith('ts-')
    ? `> tsc -p .\nsrc/${SERVICES[index % SERVICES.length]}/http-client.ts(${10 + index * 7},${(index % 9) + 1}): error TS2345: Argument of type 'string' is not assignable to parameter of type 'RequestInit'.\n`
    : `> tsc -p .\nlib/legacy/${index}/index.ts(${index + 2},8): error TS2307: Cannot find module 'request' or its corresponding type declarations.\n`;
  return {
    workflows: [
      {
        name: 'CI',
        jobs: [{ name: 'build', conclusion: fails ? 'failure' : 'success', log: fails ? log : 'ok\n' }],
      },
    ],
  };
}

const cleanups = registerScenarioCleanups();

describe('test/sim scenario: the migration dashboard and its commands (issue 8)', () => {
  it(
    'groups failures from real CI logs, and obeys writers only: retry a group, pause across a restart, resume',
    { timeout: 240_000 },
    async () => {
      const { clock, sim, config, startApp } = await startScenarioWorld({ cleanups, ci: scriptedCi });
      for (const name of [...TS, ...MODULE, ...GREEN]) {
        sim.createRepo({ owner: ORG, name, files: { 'src/http.ts': "import request from 'request';\n" } });
      }
      sim.setCollaborator(CONFIG, 'owner-alice', 'maintain');
      sim.setCollaborator(CONFIG, 'reader-rita', 'read');
      await sim.settle();
      const installationId = config.installationId;
      // The owner's prompt fix shows in the coder's output: the coder writes `fixed` once the prompt asks for it.
      const coder = new ScriptedCoder((task) => ({
        outcome: 'changed',
        files: {
          'src/http.ts': `// migrated ${task.repo}${task.migration.prompt.includes('RequestInit') ? ' fixed' : ''}\nexport const get = fetch;\n`,
        },
      }));
      const start = async (): Promise<ScenarioApp> => {
        const started = await startApp({ coder });
        await started.runtime.reconcileInstallation(installationId, ORG);
        return started;
      };
      let app = await start();
      sim.configureDeliveries({ mode: 'reordered', duplicate: true, seed: 8 });
      await quiesce(sim, app);
      sim.commit(CONFIG, {
        files: { 'migrations/use-fetch.yml': manifest('Replace request with fetch.') },
        by: 'owner-alice',
      });
      const pass = async (rounds = 6) => {
        for (let round = 0; round < rounds; round++) {
          clock.advance(10 * MINUTE);
          app.runtime.tickAll();
          app.runtime.syncDashboards();
          await quiesce(sim, app);
        }
      };
      await pass();
      // Dashboard edits: one list of the app's issues in the config repo plus one edit each.
      const edits = sim.requests.count('PATCH /repos/{owner}/{repo}/issues/{issue_number}');
      const lists = sim.requests.count('GET /repos/{owner}/{repo}/issues');
      expect(edits).toBeGreaterThan(0);
      if (process.env.SCENARIO_FIGURES) {
        process.stderr.write(
          `dashboard: ${edits} edits, ${lists} issue lists, ${sim.deliveries.length} webhooks\n`,
        );
      }
      const deps = () => app.runtime.depsFor(installationId);
      const stateOf = async (name: string) =>
        (await deps()).view.findTarget('use-fetch', `${ORG}/${name}`)?.state;

      // ── The dashboard: one issue, from the app, grouping the failures ──────────────────────
      const dashboards = sim.issues(CONFIG);
      expect(dashboards.map((issue) => [issue.title, issue.author])).toEqual([
        ['fleetwright: Replace request with fetch', `${SLUG}[bot]`],
      ]);
      const dashboard = () => sim.issues(CONFIG).find((issue) => issue.author === `${SLUG}[bot]`)!;
      for (const name of [...TS, ...MODULE]) expect(await stateOf(name), name).toBe('exhausted');
      for (const name of GREEN) expect(await stateOf(name), name).toBe('ready');
      const groupHeads = [
        ...dashboard().body.matchAll(/^#### `([0-9a-f]+)` · (\S+) · (\d+) repositor/gm),
      ].map((match) => ({ id: match[1]!, cls: match[2]!, count: Number(match[3]) }));
      // The same TypeScript error from ten repositories is one group; the other error another.
      expect(groupHeads.map(({ cls, count }) => [cls, count])).toEqual([
        ['ci-failure', 10],
        ['ci-failure', 3],
      ]);
      const [tsGroup, moduleGroup] = groupHeads;
      const section = (id: string) => dashboard().body.split(`#### \`${id}\``)[1]!.split('####')[0]!;
      for (const name of TS) expect(section(tsGroup!.id)).toContain(`${ORG}/${name}#`);
      for (const name of MODULE) expect(section(moduleGroup!.id)).toContain(`${ORG}/${name}#`);
      expect(section(tsGroup!.id)).toContain('TS2345');
      expect(section(moduleGroup!.id)).toContain('TS2307');
      expect(dashboard().body).toContain('| **total** | **15** |');
      expect(parseLedger(dashboard().body, 'use-fetch')).toMatchObject({ status: 'ok' });

      const say = async (login: string, body: string) => {
        const comment = sim.addComment(CONFIG, dashboard().number, body, login);
        await quiesce(sim, app);
        const all = sim.comments(CONFIG, dashboard().number);
        return {
          reactions: all.find((item) => item.id === comment.id)!.reactions,
          reply: all.find(
            (item) => item.author === `${SLUG}[bot]` && item.body.includes(`command-reply:${comment.id}`),
          )?.body,
        };
      };
      const coderCalls = () =>
        new Map(
          [...TS, ...MODULE, ...GREEN, ...LATE].map((name) => [name, coder.callsFor(`${ORG}/${name}`)]),
        );

      // ── Who may command: a reader is refused, a bot ignored, an unknown group explained ────
      const before = coderCalls();
      const byReader = await say('reader-rita', `/migrate retry --group ${tsGroup!.id}`);
      expect(byReader.reactions).toEqual(['eyes', 'confused']);
      expect(byReader.reply).toContain('`read` access to the config repository');
      const byBot = await say('renovate[bot]', '/migrate pause');
      expect(byBot).toEqual({ reactions: [], reply: undefined });
      const unknown = await say('owner-alice', '/migrate retry --group abcdef');
      expect(unknown.reactions).toEqual(['eyes', 'confused']);
      expect(unknown.reply).toContain('No failure group `abcdef` in this migration');
      expect(unknown.reply).toContain(`\`${tsGroup!.id}\``);
      // A person's issue that copies the dashboard's hidden key is not a dashboard.
      const forged = sim.openIssue(
        CONFIG,
        { title: 'not a dashboard', body: dashboard().body.split('\n')[0]! },
        'owner-alice',
      );
      const onForged = sim.addComment(CONFIG, forged.number, '/migrate pause', 'owner-alice');
      await quiesce(sim, app);
      expect(sim.comments(CONFIG, forged.number)).toEqual([
        { id: onForged.id, body: '/migrate pause', author: 'owner-alice', reactions: [] },
      ]);
      expect(coderCalls()).toEqual(before);
      expect(parsePauseMarker(dashboard().body).status).toBe('running');

      // ── The owner improves the prompt, pushes it, and retries the big group ────────────────
      sim.commit(CONFIG, {
        files: {
          'migrations/use-fetch.yml': manifest(
            'Replace request with fetch; pass a RequestInit, not a string.',
          ),
        },
        by: 'owner-alice',
      });
      await quiesce(sim, app);
      const retried = await say('owner-alice', `/migrate retry --group ${tsGroup!.id}`);
      expect(retried.reactions).toEqual(['eyes', 'rocket']);
      expect(retried.reply).toContain(`🚀 Retrying 10 repositories of group \`${tsGroup!.id}\``);
      await pass();
      const after = coderCalls();
      // Exactly the group's repositories ran again (once each, despite the duplicated delivery).
      for (const name of TS) expect(after.get(name), name).toBe(before.get(name)! + 1);
      for (const name of [...MODULE, ...GREEN]) expect(after.get(name), name).toBe(before.get(name));
      for (const name of TS) expect(await stateOf(name), name).toBe('ready');
      for (const name of MODULE) expect(await stateOf(name), name).toBe('exhausted');
      expect([...dashboard().body.matchAll(/^#### `([0-9a-f]+)`/gm)].map((m) => m[1])).toEqual([
        moduleGroup!.id,
      ]);

      // ── Pause: nothing new is admitted, even after a restart ───────────────────────────────
      const paused = await say('owner-alice', '/migrate pause');
      expect(paused.reactions).toEqual(['eyes', 'rocket']);
      expect(paused.reply).toContain('⏸ Paused by @');
      expect(parsePauseMarker(dashboard().body)).toMatchObject({
        status: 'paused',
        pause: { by: 'owner-alice' },
      });
      expect(dashboard().body).toMatch(/> \*\*Paused\*\* by @\u200bowner-alice at 2026-11-21 \d\d:\d\d UTC/);
      const again = await say('owner-alice', '/migrate pause');
      expect(again.reply).toContain('already paused');
      for (const name of LATE)
        sim.createRepo({ owner: ORG, name, files: { 'src/http.ts': "import request from 'request';\n" } });
      // A restart: only GitHub's state is left; the pause comes back from the dashboard issue.
      app = await start();
      await quiesce(sim, app);
      await pass(3);
      for (const name of LATE) {
        expect(await stateOf(name), name).toBe('queued');
        expect(coder.callsFor(`${ORG}/${name}`), name).toBe(0);
        expect(sim.pullRequests({ owner: ORG, repo: name }), name).toEqual([]);
      }
      expect(dashboard().body).toContain('**Queue:** 3 repositories wait for admission, held by the pause.');

      // ── Resume: admissions restart ─────────────────────────────────────────────────────────
      const resumed = await say('owner-alice', '/migrate resume');
      expect(resumed.reactions).toEqual(['eyes', 'rocket']);
      expect(resumed.reply).toContain('▶ Resumed by @');
      await pass();
      expect(parsePauseMarker(dashboard().body).status).toBe('running');
      for (const name of LATE) {
        expect(await stateOf(name), name).toBe('ready');
        expect(
          sim.pullRequests({ owner: ORG, repo: name }).map((pr) => pr.head),
          name,
        ).toEqual(['fleetwright/use-fetch']);
      }
      expect(dashboard().body).toContain('| **total** | **18** |');
      // Still one dashboard, and one reply per command comment despite every webhook arriving twice.
      expect(sim.issues(CONFIG).filter((issue) => issue.author === `${SLUG}[bot]`)).toHaveLength(1);
      const replies = sim.comments(CONFIG, dashboard().number).filter((c) => c.author === `${SLUG}[bot]`);
      expect(replies).toHaveLength(6);
    },
  );
});
