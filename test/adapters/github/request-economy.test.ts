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

  it('runs one repair iteration (read CI and report, workspace, commit, marker) in 5 requests', async () => {
    sim.setCi((ctx) => ({
      workflows: [
        {
          name: 'CI',
          jobs: [{ name: 'test', conclusion: ctx.readFile('fixed.txt') ? 'success' : 'failure' }],
        },
      ],
      ...(ctx.readFile('fixed.txt')
        ? {}
        : {
            report: {
              schemaVersion: 1 as const,
              conclusion: 'failure' as const,
              tools: ['tsc'],
              findings: [],
              dropped: [],
              truncated: false,
            },
          }),
    }));
    sim.createRepo({ owner: 'acme', name: 'svc', files: { 'package.json': '{}\n' } });
    const host = new OctokitGitHost(simOctokit(sim), undefined, { appId: sim.app.id, appSlug: sim.app.slug });
    const repo = { owner: 'acme', repo: 'svc' };
    const base = (await host.findBranchHead(repo, 'main'))!;
    await host.ensureBranch(repo, 'fleetwright/m', base);
    const { sha: head } = await host.commitChangeSet(repo, {
      branch: 'fleetwright/m',
      expectedHeadSha: base,
      headline: 'Attempt 1',
      changeSet: { additions: [{ path: 'a.txt', contents: Buffer.from('a') }], deletions: [], diff: '' },
    });
    const pr = await host.ensureDraftPullRequest(repo, {
      head: 'fleetwright/m',
      base: 'main',
      title: 'M',
      body: 'v1',
      labels: [],
    });
    await sim.settle();
    sim.requests.reset();

    const ci = await host.getCiSnapshot(repo, head);
    const report = await host.findFailureReport(repo, head);
    await host.downloadTarball(repo, head);
    const { sha: repaired } = await host.commitChangeSet(repo, {
      branch: 'fleetwright/m',
      expectedHeadSha: head,
      headline: 'Attempt 2',
      changeSet: { additions: [{ path: 'fixed.txt', contents: Buffer.from('ok') }], deletions: [], diff: '' },
    });
    await host.updatePullRequest(repo, pr.number, { body: 'v2' });
    await sim.settle();

    expect(ci.checkRuns.find((r) => r.name === 'test')?.conclusion).toBe('failure');
    expect(report?.conclusion).toBe('failure');
    expect(sim.requests.summary()).toEqual({ total: 5, rest: 3, graphql: 2, writes: 2, contentCreating: 1 });
    expect((await host.getCiSnapshot(repo, repaired)).checkRuns.map((r) => r.conclusion)).toEqual([
      'success',
    ]);
  });
});
