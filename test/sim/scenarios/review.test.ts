/**
 * Issue 7 end to end on the simulator: the judge and the hand-over (FleetRuntime + the fleet
 * handlers under a real Probot, OctokitGitHost, scripted coder and judge, virtual time). PRs the
 * judge approves go ready for the code owners of `.github/CODEOWNERS` (a user and a team); PRs it
 * rejects get a judge-feedback coder run, go green again and are then approved; a migration with
 * `review.ownerPreview` stops at the owners' preview. Every webhook is delivered twice, reordered.
 */
import { describe, expect, it } from 'vitest';
import type { FailureReport } from '../../../src/contracts/failure-report.ts';
import type { Verdict } from '../../../src/contracts/verdict.ts';
import { findHiddenKey } from '../../../src/core/markers/hidden-key.ts';
import {
  OWNER_REVIEW_COMMENT_KEY,
  OWNER_REVIEW_LABEL,
  READY_LABEL,
} from '../../../src/workflows/hand-over.ts';
import { JUDGE_CHECK_NAME, JUDGE_COMMENT_KEY } from '../../../src/workflows/review-target.ts';
import { ScriptedCoder } from '../../fakes/scripted-coder.ts';
import { APPROVE, ScriptedJudge } from '../../fakes/scripted-judge.ts';
import { quiesce, registerScenarioCleanups, startScenarioWorld } from './scenario-app.ts';
import type { CiPlan } from '../index.ts';

const ORG = 'acme';
const MINUTE = 60_000;
const BRANCH = 'fleetwright/use-fetch';
const PREVIEW_BRANCH = 'fleetwright/drop-moment';

const approveRepos = ['approve-1', 'approve-2', 'approve-3'];
const rejectRepos = ['reject-1', 'reject-2', 'reject-3'];
const previewRepos = ['preview-1', 'preview-2'];
const REQUIRED_CHANGE = 'Keep the timeout option: pass an AbortSignal.timeout(5000) to fetch';

const REJECT: Verdict = {
  verdict: 'reject',
  reasons: ['The request timeout was dropped'],
  requiredChanges: [REQUIRED_CHANGE],
};

function manifest(id: string, title: string, patterns: string[], review: string): string {
  return `version: 1
id: ${id}
title: ${title}
description: ${title}.
prompt: ${title}.
targets:
  patterns: ${JSON.stringify(patterns)}
rollout:
  maxOpenPrs: 100
  prsPerHour: 100
  maxConcurrentCoders: 3
budget:
  maxIterations: 3
  ciTimeoutMinutes: 120
${review}`;
}

const success: FailureReport = {
  schemaVersion: 1,
  conclusion: 'success',
  tools: ['tsc'],
  command: 'npm test',
  exitCode: 0,
  findings: [],
  dropped: [],
  truncated: false,
  testCounts: { passed: 10, failed: 0, skipped: 0 },
};

/** CI is always green here: the scenario is about what happens after CI. */
function greenCi(): CiPlan {
  return {
    workflows: [{ name: 'CI', jobs: [{ name: 'build', conclusion: 'success', log: 'ok\n' }] }],
    report: success,
  };
}

const cleanups = registerScenarioCleanups();

describe('test/sim scenario: judge and hand-over (issue 7)', () => {
  it(
    'approves to ready with code owners, repairs a rejection from the judge, stops at the owner preview, once per head under duplicated webhooks',
    { timeout: 240_000 },
    async () => {
      const { clock, sim, config, startApp } = await startScenarioWorld({ cleanups, ci: greenCi });
      for (const name of [...approveRepos, ...rejectRepos, ...previewRepos])
        sim.createRepo({
          owner: ORG,
          name,
          files: {
            'src/http.ts': "import request from 'request';\n",
            '.github/CODEOWNERS': '* @owner-bob @acme/platform\n/docs/ @docs-dora\n',
          },
          collaborators: { 'owner-bob': 'write', 'docs-dora': 'write' },
        });
      await sim.settle();
      const installationId = config.installationId;

      const coder = new ScriptedCoder((task, call) => ({
        outcome: 'changed',
        files: { 'src/http.ts': `// migrated ${task.repo} attempt ${call}\nexport const get = fetch;\n` },
      }));
      // The judge rejects the first diff of every reject-* repository and approves everything else.
      const judged = new Map<string, number>();
      const judge = new ScriptedJudge((_index, input) => {
        const seen = (judged.get(input.repo) ?? 0) + 1;
        judged.set(input.repo, seen);
        return input.repo.startsWith(`${ORG}/reject-`) && seen === 1 ? REJECT : APPROVE;
      });
      const app = await startApp({
        coder,
        judge,
        deliveries: { mode: 'reordered', duplicate: true, seed: 7 },
      });

      await app.runtime.reconcileInstallation(installationId, ORG);
      await quiesce(sim, app);
      sim.commit(
        { owner: ORG, repo: 'fleetwright-config' },
        {
          files: {
            'migrations/use-fetch.yml': manifest(
              'use-fetch',
              'Replace request with fetch',
              ['approve-*', 'reject-*'],
              'review:\n  owners: ["owner-alice"]\n',
            ),
            'migrations/drop-moment.yml': manifest(
              'drop-moment',
              'Replace moment with Temporal',
              ['preview-*'],
              'review:\n  ownerPreview: true\n  owners: ["owner-alice", "@acme/migrations"]\n',
            ),
          },
          by: 'owner-alice',
        },
      );
      await quiesce(sim, app);
      for (let round = 0; round < 8; round++) {
        clock.advance(30 * MINUTE);
        app.runtime.tickAll();
        await quiesce(sim, app);
      }

      const deps = await app.runtime.depsFor(installationId);
      const check = (name: string, branch: string, migration: string) => {
        const repo = { owner: ORG, repo: name };
        const prs = sim.pullRequests(repo);
        expect(
          prs.map((pr) => [pr.head, pr.state]),
          name,
        ).toEqual([[branch, 'open']]);
        const pr = prs[0]!;
        const comments = sim.comments(repo, pr.number);
        const keys = comments.map((c) => findHiddenKey(c.body)).filter(Boolean);
        // One judge comment per PR (edited in place on a re-review), no duplicated comments.
        expect(keys.filter((k) => k === JUDGE_COMMENT_KEY).length, name).toBe(1);
        expect(new Set(keys).size, name).toBe(keys.length);
        expect(new Set(pr.labels).size, name).toBe(pr.labels.length);
        // Exactly one judge check run on every head CI reported green on.
        const heads = new Set(
          sim.ci.history.filter((h) => h.repo === `${ORG}/${name}` && h.branch === branch).map((h) => h.sha),
        );
        for (const sha of heads) {
          expect(
            sim.checkRuns(repo, sha).filter((r) => r.name === JUDGE_CHECK_NAME).length,
            `${name} ${sha}`,
          ).toBe(1);
        }
        expect(deps.view.findTarget(migration, `${ORG}/${name}`)?.state, name).toBeDefined();
        return { pr, comments, heads, state: deps.view.findTarget(migration, `${ORG}/${name}`)?.state };
      };

      for (const name of [...approveRepos, ...rejectRepos]) {
        const { pr, heads, state } = check(name, BRANCH, 'use-fetch');
        expect(state, name).toBe('ready');
        // Ready: out of draft, labelled, the code owners of the changed file asked (user and team),
        // not the owner of /docs/ whose files were not touched.
        expect(pr.draft, name).toBe(false);
        expect(pr.labels, name).toContain(READY_LABEL);
        expect(pr.labels, name).not.toContain(OWNER_REVIEW_LABEL);
        expect(pr.requestedReviewers, name).toEqual(['owner-bob']);
        expect(pr.requestedTeams, name).toEqual(['platform']);
        const rejected = name.startsWith('reject-');
        expect(heads.size, name).toBe(rejected ? 2 : 1);
        expect(coder.callsFor(`${ORG}/${name}`), name).toBe(rejected ? 2 : 1);
        expect(judged.get(`${ORG}/${name}`), name).toBe(rejected ? 2 : 1);
        expect(sim.readFiles({ owner: ORG, repo: name }, pr.headSha)['src/http.ts'], name).toContain(
          `attempt ${rejected ? 2 : 1}`,
        );
      }
      // A rejection is repaired by a judge-feedback run that carries the judge's required changes.
      const feedback = coder.calls.filter((c) => c.task.mode === 'judge-feedback');
      expect(feedback.map((c) => c.task.repo).sort()).toEqual(rejectRepos.map((r) => `${ORG}/${r}`));
      for (const { task } of feedback) {
        if (task.mode !== 'judge-feedback') continue;
        expect(task.requiredChanges, task.repo).toEqual([REQUIRED_CHANGE]);
      }
      expect(coder.calls.filter((c) => c.task.mode === 'repair')).toEqual([]);

      for (const name of previewRepos) {
        const { pr, comments, state } = check(name, PREVIEW_BRANCH, 'drop-moment');
        expect(state, name).toBe('owner-review');
        // Owner preview: still a draft, labelled, owners named in one comment, nobody else asked.
        expect(pr.draft, name).toBe(true);
        expect(pr.labels, name).toContain(OWNER_REVIEW_LABEL);
        expect(pr.labels, name).not.toContain(READY_LABEL);
        expect(pr.requestedReviewers, name).toEqual([]);
        expect(pr.requestedTeams, name).toEqual([]);
        const preview = comments.filter((c) => findHiddenKey(c.body) === OWNER_REVIEW_COMMENT_KEY);
        expect(preview.length, name).toBe(1);
        expect(preview[0]!.body, name).toContain('owner-alice');
        expect(preview[0]!.body, name).toContain('acme/migrations');
      }
    },
  );
});
