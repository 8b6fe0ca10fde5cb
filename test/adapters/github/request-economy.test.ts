/**
 * Measures what opening one draft PR costs through OctokitGitHost (issue 5: "a handful of
 * requests, not dozens"), with the sequence a fan-out workflow runs: baseline CI of the default
 * branch, tarball, look for an existing branch/PR, branch, one commit, draft PR with labels.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OctokitGitHost } from '../../../src/adapters/github/octokit-git-host.ts';
import { GitHubSim, simOctokit } from '../../sim/index.ts';

let sim: GitHubSim;

beforeEach(async () => {
  sim = await new GitHubSim().start();
});

afterEach(async () => {
  await sim.stop();
});

describe('adapters/github request economy', () => {
  it('opens one draft PR in 10 API requests, 4 of them content-creating', async () => {
    sim.setCi(() => ({
      workflows: [{ name: 'CI', jobs: [{ name: 'test', conclusion: 'success' }] }],
      statuses: [{ context: 'lint', state: 'success' }],
    }));
    sim.createRepo({ owner: 'acme', name: 'svc', files: { 'package.json': '{"engines":{"node":"18"}}\n' } });
    await sim.settle();
    const host = new OctokitGitHost(simOctokit(sim), undefined, { appId: sim.app.id, appSlug: sim.app.slug });
    const repo = { owner: 'acme', repo: 'svc' };
    sim.requests.reset();

    const base = (await host.findBranchHead(repo, 'main'))!;
    const ci = await host.getCiSnapshot(repo, base);
    await host.downloadTarball(repo, base);
    const existingPr = await host.findPullRequestForBranch(repo, 'fleetwright/node-22');
    const existingBranch = await host.findBranchHead(repo, 'fleetwright/node-22');
    await host.ensureBranch(repo, 'fleetwright/node-22', base);
    await host.commitChangeSet(repo, {
      branch: 'fleetwright/node-22',
      expectedHeadSha: base,
      headline: 'Require Node 22',
      changeSet: {
        additions: [{ path: 'package.json', contents: Buffer.from('{"engines":{"node":"22"}}\n') }],
        deletions: [],
        diff: '',
      },
    });
    const pr = await host.ensureDraftPullRequest(repo, {
      head: 'fleetwright/node-22',
      base: 'main',
      title: 'Require Node 22',
      body: 'body',
      labels: ['fleetwright', 'fleetwright:awaiting-ci'],
    });

    expect(ci.checkRuns.map((r) => r.conclusion)).toEqual(['success']);
    expect([existingPr, existingBranch]).toEqual([undefined, undefined]);
    expect(pr.draft).toBe(true);
    expect(sim.requests.byKind()).toEqual({
      'GET /repos/{owner}/{repo}/git/ref/{ref}': 2,
      'GET /repos/{owner}/{repo}/pulls': 2,
      'GET /repos/{owner}/{repo}/tarball/{ref}': 1,
      'POST /repos/{owner}/{repo}/git/refs': 1,
      'POST /repos/{owner}/{repo}/issues/{issue_number}/labels': 1,
      'POST /repos/{owner}/{repo}/pulls': 1,
      'graphql createCommitOnBranch': 1,
      'graphql repository': 1,
    });
    expect(sim.requests.summary()).toEqual({ total: 10, rest: 8, graphql: 2, writes: 4, contentCreating: 4 });
  });
});
