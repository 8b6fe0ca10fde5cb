/**
 * Issue 8 end to end on the simulator: `/migrate` commands on migration PRs, as people write
 * them, through `probot.receive` (FleetRuntime + the fleet handlers under a real Probot,
 * OctokitGitHost over HTTP, the real Anthropic coder adapter against a fake Messages API, virtual
 * time). Bots, unknown commands, readers, PRs fleetwright does not manage; `approve` by a team
 * member, a pending invitee and a writer outside the team; `fix` reaching the coder's Messages
 * request; `retry` with a person's commit on the branch (refused, `--force` by a reader refused,
 * `--force` by a writer discarding it) and without one. Every webhook is delivered twice.
 */
import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { ClaudeCoder } from '../../../src/adapters/anthropic/claude-coder.ts';
import type { FailureReport } from '../../../src/contracts/failure-report.ts';
import { parseStateMarker } from '../../../src/core/markers/state-marker.ts';
import type { Target } from '../../../src/core/target/target.ts';
import {
  message,
  startFakeMessagesApi,
  toolUse,
  type RecordedRequest,
} from '../../helpers/fake-messages-api.ts';
import type { CiPlan } from '../index.ts';
import {
  SCENARIO_SLUG as SLUG,
  quiesce,
  registerScenarioCleanups,
  startScenarioWorld,
  type ScenarioApp,
} from './scenario-app.ts';

const ORG = 'acme';
const MINUTE = 60_000;
const BRANCH = 'fleetwright/use-fetch';
const API = { owner: ORG, repo: 'api' };
const WEB = { owner: ORG, repo: 'web' };
const INSTRUCTION = 'Keep `request` exported as an alias of `get` until v3.';

const manifest = `version: 1
id: use-fetch
title: Replace request with fetch
prompt: Replace the request library with fetch.
targets:
  patterns: ["api", "web"]
rollout:
  maxOpenPrs: 10
  prsPerHour: 10
budget:
  maxIterations: 3
review:
  ownerPreview: true
  owners: ["olivia", "@acme/platform"]
`;

const success: FailureReport = {
  schemaVersion: 1,
  conclusion: 'success',
  tools: ['tsc'],
  command: 'npm test',
  exitCode: 0,
  findings: [],
  dropped: [],
  truncated: false,
  testCounts: { passed: 3, failed: 0, skipped: 0 },
};
const greenCi = (): CiPlan => ({
  workflows: [{ name: 'CI', jobs: [{ name: 'build', conclusion: 'success', log: 'ok\n' }] }],
  report: success,
});

/** The text of a Messages request's first user message (the per-run task). */
function userText(request: RecordedRequest): string {
  const first = request.body.messages[0];
  if (!first) return '';
  return typeof first.content === 'string'
    ? first.content
    : first.content.map((block) => (typeof block.text === 'string' ? block.text : '')).join('\n');
}

/**
 * The model: on a run's first turn it writes `src/http.ts` (with the alias when a maintainer's
 * instruction asks for it), on the second it finishes.
 */
function model(request: RecordedRequest) {
  if (request.body.messages.length === 1) {
    const fix = userText(request).includes('<maintainer_instruction>');
    const repo = /Repository: (\S+)/.exec(userText(request))?.[1] ?? '?';
    return message([
      toolUse('str_replace_based_edit_tool', {
        command: 'create',
        path: 'src/http.ts',
        file_text: fix
          ? `export const get = fetch;\nexport const request = get; // ${repo}\n`
          : `export const get = fetch; // ${repo} ${request.body.messages.length}\n`,
      }),
    ]);
  }
  return message([toolUse('finish', { outcome: 'changed', summary: 'Replaced request with fetch.' })]);
}

const cleanups = registerScenarioCleanups();

describe('test/sim scenario: /migrate commands on migration PRs (issue 8)', () => {
  it(
    'answers people, ignores bots and foreign PRs, approves by team membership, fixes with the instruction, retries with and without a person’s commit',
    { timeout: 240_000 },
    async () => {
      const { clock, sim, config, startApp } = await startScenarioWorld({ cleanups, ci: greenCi });
      const people = { maya: 'write', rita: 'read', tess: 'write', pete: 'write', paula: 'write' } as const;
      for (const ref of [API, WEB]) {
        sim.createRepo({
          owner: ORG,
          name: ref.repo,
          files: { 'src/http.ts': "import request from 'request';\n" },
          collaborators: { ...people, olivia: 'admin' },
        });
      }
      sim.setTeamMember(ORG, 'platform', 'tess');
      sim.setTeamMember(ORG, 'platform', 'pete', 'pending');
      await sim.settle();

      const api = await startFakeMessagesApi(Array.from({ length: 200 }, () => model));
      cleanups.push(() => api.close());
      const coder = new ClaudeCoder({
        client: new Anthropic({ baseURL: api.baseURL, apiKey: 'k', maxRetries: 0 }),
        model: 'claude-sonnet-5-5',
        catalog: { models: { 'claude-sonnet-5-5': { input: 2, output: 10 } } },
        maxRetries: 0,
      });
      const app: ScenarioApp = await startApp({ coder, deliveries: { mode: 'immediate', duplicate: true } });

      await app.runtime.reconcileInstallation(config.installationId, ORG);
      await quiesce(sim, app);
      sim.commit(
        { owner: ORG, repo: 'fleetwright-config' },
        { files: { 'migrations/use-fetch.yml': manifest }, by: 'olivia' },
      );
      await quiesce(sim, app);
      const settle = async (rounds = 4) => {
        for (let round = 0; round < rounds; round++) {
          clock.advance(20 * MINUTE);
          app.runtime.tickAll();
          await quiesce(sim, app);
        }
      };
      await settle();

      const prOf = (ref: typeof API) => {
        const prs = sim.pullRequests(ref).filter((pr) => pr.head === BRANCH);
        expect(prs, ref.repo).toHaveLength(1);
        return prs[0]!;
      };
      const targetOf = (ref: typeof API): Target => {
        const parsed = parseStateMarker(prOf(ref).body);
        if (parsed.status !== 'ok') throw new Error(`${ref.repo}: marker ${parsed.status}`);
        return parsed.target;
      };
      /** A person comments on the migration PR of `ref`; returns the comment id once all is quiet. */
      const say = async (ref: typeof API, body: string, by: string, number = prOf(ref).number) => {
        const comment = sim.addComment(ref, number, body, by);
        await quiesce(sim, app);
        return comment.id;
      };
      const reactionsOn = (ref: typeof API, id: number, number = prOf(ref).number) =>
        sim.comments(ref, number).find((comment) => comment.id === id)?.reactions ?? [];
      const replyTo = (ref: typeof API, id: number, number = prOf(ref).number) =>
        sim
          .comments(ref, number)
          .filter((comment) => comment.author === `${SLUG}[bot]`)
          .find((comment) => comment.body.includes(`fleetwright:command-reply:${id}`))?.body;

      expect(targetOf(API).state).toBe('owner-review');
      expect(targetOf(WEB).state).toBe('owner-review');
      const apiStart = targetOf(API);

      // ── Bots never command; nothing happens, no request for them. ─────────────────────────
      sim.requests.reset();
      const fromBot = await say(API, '/migrate stop', 'renovate[bot]');
      expect(reactionsOn(API, fromBot)).toEqual([]);
      expect(replyTo(API, fromBot)).toBeUndefined();
      expect(sim.requests.records.filter((record) => record.installationId !== undefined)).toEqual([]);

      // ── An unknown command gets a suggestion and the help. ──────────────────────────────────
      const typo = await say(API, '/migrate stpo', 'maya');
      expect(reactionsOn(API, typo)).toEqual(['confused']);
      expect(replyTo(API, typo)).toContain('Did you mean `/migrate stop`?');

      // ── A reader is refused, with the reason. ───────────────────────────────────────────────
      const reader = await say(API, '/migrate stop', 'rita');
      expect(reactionsOn(API, reader)).toEqual(['eyes', 'confused']);
      expect(replyTo(API, reader)).toContain('@rita has `read` access to this repository');
      expect(targetOf(API).state).toBe('owner-review');

      // ── A PR fleetwright does not manage: ignored without a trace. ──────────────────────────
      sim.commit(API, { branch: 'feature/x', files: { 'x.ts': 'x\n' }, by: 'maya' });
      const foreign = sim.openPullRequest(API, { head: 'feature/x', title: 'A person’s PR' }, 'maya');
      await quiesce(sim, app);
      const onForeign = await say(API, '/migrate stop', 'maya', foreign.number);
      expect(reactionsOn(API, onForeign, foreign.number)).toEqual([]);
      expect(sim.comments(API, foreign.number).map((comment) => comment.author)).toEqual(['maya']);

      // ── approve: owners only; a team counts when the membership is active. ─────────────────
      const outsider = await say(WEB, '/migrate approve', 'paula');
      expect(reactionsOn(WEB, outsider)).toEqual(['eyes', 'confused']);
      expect(replyTo(WEB, outsider)).toContain('is for the migration');
      const invitee = await say(WEB, '/migrate approve', 'pete');
      expect(reactionsOn(WEB, invitee)).toEqual(['eyes', 'confused']);
      expect(targetOf(WEB).state).toBe('owner-review');
      const member = await say(WEB, '/migrate approve', 'tess');
      expect(reactionsOn(WEB, member)).toEqual(['eyes', 'rocket']);
      expect(targetOf(WEB).state).toBe('ready');
      expect(prOf(WEB).draft).toBe(false);

      // ── fix: the instruction reaches the model, fenced as the maintainer's. ────────────────
      const requestsBefore = api.requests.length;
      const fix = await say(API, `/migrate fix ${INSTRUCTION}`, 'maya');
      expect(reactionsOn(API, fix)).toEqual(['eyes', 'rocket']);
      const fixRequests = api.requests.slice(requestsBefore);
      expect(fixRequests.length).toBeGreaterThan(0);
      const task = userText(fixRequests[0]!);
      expect(task).toContain('Repository: acme/api');
      expect(task).toContain('## Instruction from a maintainer of this repository (`/migrate fix`)');
      expect(task).toContain(`<maintainer_instruction>\n${INSTRUCTION}\n</maintainer_instruction>`);
      expect(sim.readFiles(API, BRANCH)['src/http.ts']).toContain('export const request = get;');
      expect(replyTo(API, fix)).toMatch(/^🚀 The coder applied your instruction in commit `[0-9a-f]{7}`/m);
      await settle(2);
      const afterFix = targetOf(API);
      expect(afterFix.state).toBe('owner-review');
      expect(afterFix.iteration).toBe(apiStart.iteration + 1);
      expect(afterFix.history.at(-1)?.trigger).toMatchObject({ command: 'fix', by: 'maya' });

      // ── retry with a person's commit: refused; --force by a reader refused; by a writer done. ──
      const human = sim.commit(API, {
        branch: BRANCH,
        files: { 'src/extra.ts': 'export const extra = 1;\n' },
        message: 'Add extra helper',
        by: 'maya',
      });
      await settle(1);
      expect(targetOf(API)).toMatchObject({ state: 'paused', reason: 'human-commit' });
      const modelCallsBefore = api.requests.length;
      const plain = await say(API, '/migrate retry', 'maya');
      expect(reactionsOn(API, plain)).toEqual(['eyes', 'confused']);
      expect(replyTo(API, plain)).toContain('comment `/migrate retry --force`');
      expect(prOf(API).headSha).toBe(human);
      const forcedByReader = await say(API, '/migrate retry --force', 'rita');
      expect(reactionsOn(API, forcedByReader)).toEqual(['eyes', 'confused']);
      expect(prOf(API).headSha).toBe(human);
      // Refused before any coder run: the model was not called.
      expect(api.requests.length).toBe(modelCallsBefore);

      const forced = await say(API, '/migrate retry --force', 'maya');
      expect(reactionsOn(API, forced)).toEqual(['eyes', 'rocket']);
      expect(replyTo(API, forced)).toContain('these commits fleetwright did not make were discarded');
      expect(replyTo(API, forced)).toContain(`\`${human.slice(0, 7)}\` by \`maya\`: Add extra helper`);
      // The fresh commit went through CI and the judge again, back to the owners' preview.
      const afterForce = targetOf(API);
      expect(afterForce).toMatchObject({ state: 'owner-review', retries: 1 });
      const forcedHead = sim.commitInfo(API, prOf(API).headSha);
      expect(forcedHead.parents).toEqual([afterForce.baseSha]);
      expect(sim.readFiles(API, BRANCH)['src/extra.ts']).toBeUndefined();

      // ── retry without a person's commit: the app's own commits are reset, one fresh commit. ──
      // Some time passes (a regenerated commit identical in tree, parent and time has the same SHA).
      await settle(1);
      const before = prOf(API).headSha;
      const again = await say(API, '/migrate retry', 'maya');
      expect(reactionsOn(API, again)).toEqual(['eyes', 'rocket']);
      const retried = targetOf(API);
      expect(retried).toMatchObject({ state: 'owner-review', retries: 2 });
      expect(prOf(API).headSha).not.toBe(before);
      expect(sim.commitInfo(API, prOf(API).headSha).parents).toEqual([retried.baseSha]);
      expect(retried.history.at(-1)?.trigger).toMatchObject({ command: 'retry', by: 'maya' });
      // Cumulative spend stays visible; the attempt's budget started afresh.
      expect(retried.usage.costUsd).toBeGreaterThan(afterForce.budgetStart!.costUsd);
      expect(retried.budgetStart?.iteration).toBe(afterForce.iteration);

      // Every reply is one comment per command, however often the webhook came.
      for (const ref of [API, WEB]) {
        const keys = sim
          .comments(ref, prOf(ref).number)
          .filter((comment) => comment.author === `${SLUG}[bot]`)
          .map((comment) => /fleetwright:key (\S+)/.exec(comment.body)?.[1]);
        expect(new Set(keys).size, ref.repo).toBe(keys.length);
      }
    },
  );
});
