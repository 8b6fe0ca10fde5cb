/**
 * The scenario invariants must be able to fail: a deliberately broken history (a second PR, a
 * force-push over a person's commit, a push on a stale head, a comment after the close, a
 * duplicated comment, a wrong end state without its failure, a marker that disagrees) is reported
 * violation by violation, and a clean one is not.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { withHiddenKey } from '../../../src/core/markers/hidden-key.ts';
import { renderStateMarker } from '../../../src/core/markers/state-marker.ts';
import type { Target } from '../../../src/core/target/target.ts';
import { buildTarget } from '../../../src/core/target/target.ts';
import { GitHubSim, simOctokit } from '../index.ts';
import { findLoopViolations } from './loop-invariants.ts';

const ORG = 'acme';
const BRANCH = 'fleetwright/use-fetch';
const BOT = 'fleetwright[bot]';

let sim: GitHubSim | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

function targetFor(repo: string, fields: Partial<Target>): Target {
  return {
    ...buildTarget({
      migrationId: 'use-fetch',
      manifestRevision: 'r1',
      repo: `${ORG}/${repo}`,
      now: new Date('2026-11-21T09:00:00Z'),
    }),
    ...fields,
  };
}

describe('test/sim scenario invariants', () => {
  it('report every broken rule, and nothing on a clean history', async () => {
    sim = await new GitHubSim({ appSlug: 'fleetwright' }).start();
    const names = ['clean', 'two-prs', 'forced', 'stale', 'after-close', 'dup', 'state'];
    for (const name of names) sim.createRepo({ owner: ORG, name, files: { 'src/http.ts': 'v1\n' } });
    const octokit = simOctokit(sim);
    const targets = new Map<string, Target>();
    for (const name of names) {
      // The app's branch and one commit on it, through the API as the app does.
      const repo = sim.getRepo({ owner: ORG, repo: name });
      const main = sim.branchHead(repo, 'main')!;
      sim.setRef(repo, `refs/heads/${BRANCH}`, main, sim.appActor());
      const data = await octokit.graphql(
        `mutation($input: CreateCommitOnBranchInput!) { createCommitOnBranch(input: $input) { commit { oid } } }`,
        {
          input: {
            branch: { repositoryNameWithOwner: `${ORG}/${name}`, branchName: BRANCH },
            expectedHeadOid: main,
            message: { headline: 'fleetwright: use-fetch' },
            fileChanges: {
              additions: [{ path: 'src/http.ts', contents: Buffer.from('v2\n').toString('base64') }],
            },
          },
        },
      );
      expect(data).toBeDefined();
      const target = targetFor(name, { state: 'ready', iteration: 1, prNumber: 1 });
      targets.set(name, target);
      await octokit.rest.pulls.create({
        owner: ORG,
        repo: name,
        head: BRANCH,
        base: 'main',
        title: 'use fetch',
        body: renderStateMarker(target),
      });
    }
    const ref = (name: string) => ({ owner: ORG, repo: name });
    const head = (name: string) => sim!.branches(ref(name))[BRANCH]!;

    // two-prs: a second PR on the branch (a person's, but still a duplicate).
    sim.openPullRequest(ref('two-prs'), { head: BRANCH, title: 'again' }, 'alice');
    // forced: a person commits, then the app resets the branch over that commit.
    const before = head('forced');
    sim.commit(ref('forced'), { branch: BRANCH, files: { 'notes.md': 'mine\n' }, by: 'alice' });
    const forcedRepo = sim.getRepo(ref('forced'));
    sim.setRef(
      forcedRepo,
      `refs/heads/${BRANCH}`,
      forcedRepo.git.getCommit(before)!.parents[0],
      sim.appActor(),
    );
    // stale: the app tries to push on a head that moved.
    const stale = head('stale');
    sim.commit(ref('stale'), { branch: BRANCH, files: { 'notes.md': 'mine\n' }, by: 'alice' });
    await expect(
      octokit.graphql(
        `mutation($input: CreateCommitOnBranchInput!) { createCommitOnBranch(input: $input) { commit { oid } } }`,
        {
          input: {
            branch: { repositoryNameWithOwner: `${ORG}/stale`, branchName: BRANCH },
            expectedHeadOid: stale,
            message: { headline: 'x' },
            fileChanges: { additions: [{ path: 'a', contents: Buffer.from('a').toString('base64') }] },
          },
        },
      ),
    ).rejects.toThrow(/Expected branch to point to/);
    // after-close: a person closes the PR; the app comments afterwards.
    sim.close(ref('after-close'), 1, 'alice');
    const closedAt = sim.requests.records.length;
    await octokit.rest.issues.createComment({
      owner: ORG,
      repo: 'after-close',
      issue_number: 1,
      body: 'still here',
    });
    // dup: two comments under one hidden key.
    for (let i = 0; i < 2; i++)
      await octokit.rest.issues.createComment({
        owner: ORG,
        repo: 'dup',
        issue_number: 1,
        body: withHiddenKey('fleetwright:comment:use-fetch:paused', `paused ${i}`),
      });
    // state: the app believes "paused" without a failure, beyond the budget; the marker says ready.
    targets.set(
      'state',
      targetFor('state', { state: 'paused', reason: 'human-commit', iteration: 9, prNumber: 1 }),
    );

    const violations = findLoopViolations({
      sim,
      org: ORG,
      branch: BRANCH,
      botLogin: BOT,
      maxIterations: 3,
      targetOf: (name) => targets.get(name),
      expected: Object.fromEntries(names.map((name) => [name, { state: 'ready' as const }])),
      quietFrom: { 'after-close': closedAt },
    });

    const byRepo = (name: string) => violations.filter((line) => line.startsWith(`${name}:`));
    expect(byRepo('clean')).toEqual([]);
    expect(byRepo('two-prs')).toEqual(['two-prs: 2 PRs on fleetwright/use-fetch']);
    expect(byRepo('forced')).toEqual([
      expect.stringMatching(/^forced: the app discarded [0-9a-f]{7} by alice$/),
    ]);
    expect(byRepo('stale')).toEqual(['stale: 1 pushes on a stale head (allowed 0)']);
    expect(byRepo('after-close')).toEqual([
      'after-close: 1 writes after it was closed: POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
    ]);
    expect(byRepo('dup')).toEqual([expect.stringContaining('dup: duplicated comment keys')]);
    expect(byRepo('state')).toEqual([
      'state: state paused, expected ready',
      'state: paused without a failure class and signature',
      'state: iteration 9 beyond the budget of 3',
      'state: marker says ready/1, app paused/9',
    ]);
    // Allowances are honoured: a provoked refusal is not a violation.
    expect(
      findLoopViolations({
        sim,
        org: ORG,
        branch: BRANCH,
        botLogin: BOT,
        maxIterations: 3,
        targetOf: (name) => targets.get(name),
        expected: { stale: { state: 'ready' } },
        staleWritesAllowed: { stale: 1 },
      }),
    ).toEqual([]);
  });
});
