/**
 * Review → hand-over against the shared in-memory GitHub (test/fakes/fake-git-host.ts, the one
 * the fleet workflows use): the diff comes from real commits, and a second run of both steps
 * duplicates nothing.
 */
import { describe, expect, it } from 'vitest';
import { ZERO_USAGE } from '../../../src/contracts/usage.ts';
import { decideVerdict } from '../../../src/core/judge/decide-verdict.ts';
import type { Judge, JudgeInput } from '../../../src/ports/judge.ts';
import { handOver } from '../../../src/workflows/hand-over.ts';
import { JUDGE_CHECK_NAME, reviewTarget } from '../../../src/workflows/review-target.ts';
import { FakeGitHost } from '../../fakes/fake-git-host.ts';

const silent = { info: () => undefined, warn: () => undefined };
const clock = { now: () => new Date('2026-11-21T10:00:00Z'), sleep: async () => undefined };

/** A judge that approves, run through the real `decideVerdict` so guard findings still block. */
function approvingJudge(seen: JudgeInput[]): Judge {
  return {
    review: async (input) => {
      seen.push(input);
      const decision = decideVerdict(
        input.guardFindings,
        {
          type: 'verdict',
          verdict: { verdict: 'approve', reasons: ['Does what the migration asks'], requiredChanges: [] },
        },
        input.migration.prompt,
      );
      return {
        ...decision,
        llm: { type: 'verdict', verdict: decision.verdict },
        truncatedFiles: [],
        omittedFiles: [],
        model: 'fake-judge',
        usage: { ...ZERO_USAGE, inputTokens: 10, outputTokens: 5, costUsd: 0.001 },
      };
    },
  };
}

describe('review and hand-over on the shared FakeGitHost', () => {
  it('reviews the real diff, approves, hands over once', async () => {
    const github = new FakeGitHost({ now: clock.now, botLogin: 'fleetwright[bot]', appSlug: 'fleetwright' });
    const { ref, headSha: baseSha } = github.addRepo({
      name: 'shop',
      files: {
        '.github/CODEOWNERS': '* @acme/web\n/src/ @alice\n',
        'src/http.js': "const request = require('request');\nmodule.exports = request;\n",
        'README.md': '# shop\n',
      },
    });
    await github.ensureBranch(ref, 'fleetwright/request-to-undici', baseSha as string);
    const headSha = github.pushCommit(ref, 'fleetwright/request-to-undici', {
      'src/http.js': "const { request } = require('undici');\nmodule.exports = request;\n",
    });
    const pr = await github.ensureDraftPullRequest(ref, {
      head: 'fleetwright/request-to-undici',
      base: 'main',
      title: 'Replace request with undici',
      body: '',
      labels: [],
    });
    const seen: JudgeInput[] = [];
    const deps = { gitHost: github, judge: approvingJudge(seen), log: silent };
    const reviewInput = {
      repo: ref,
      pullNumber: pr.number,
      headSha,
      baseSha: baseSha as string,
      migration: {
        id: 'request-to-undici',
        title: 'Replace request with undici',
        prompt: 'Replace request with undici.',
        judgeCriteria: [],
        allowedPaths: ['src/**'],
        allowWorkflowEdits: false,
      },
      appSlug: 'fleetwright',
    };
    const handOverInput = {
      repo: ref,
      pullNumber: pr.number,
      migration: {
        id: 'request-to-undici',
        title: 'Replace request with undici',
        review: { ownerPreview: false, owners: [], reviewers: 'codeowners' as const },
        judgeCriteria: [],
      },
      botLogin: 'fleetwright[bot]',
    };

    const reviewed = await reviewTarget(deps, reviewInput);
    expect(reviewed).toMatchObject({ type: 'approved', diffStat: { files: 1, additions: 1, deletions: 1 } });
    expect(seen[0]?.files.map((f) => f.path)).toEqual(['src/http.js']);
    expect(await handOver({ gitHost: github, clock, log: silent }, handOverInput)).toMatchObject({
      type: 'ready',
      requested: { users: ['alice'], teams: [] },
    });

    // Redelivery of both steps.
    expect(await reviewTarget(deps, reviewInput)).toMatchObject({ type: 'approved', reused: true });
    expect(await handOver({ gitHost: github, clock, log: silent }, handOverInput)).toMatchObject({
      newlyReady: false,
      requested: { users: [], teams: [] },
    });

    expect(seen).toHaveLength(1);
    const [open] = github.openPullRequests();
    expect(open).toMatchObject({ draft: false, labels: expect.arrayContaining(['fleetwright:ready']) });
    expect(open?.comments).toHaveLength(1);
    const runs = (await github.getCiSnapshot(ref, headSha)).checkRuns.filter(
      (r) => r.name === JUDGE_CHECK_NAME,
    );
    expect(runs.map((r) => r.conclusion)).toEqual(['success']);
    expect(await github.listRequestedReviewers(ref, pr.number)).toEqual({ users: ['alice'], teams: [] });
  });
});
