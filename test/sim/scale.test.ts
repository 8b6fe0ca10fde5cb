/**
 * The simulator at issue 5/6 scale: 60 repositories with mixed CI, every webhook duplicated and
 * reordered, a real Octokit opening a PR in each. Checks the simulator stays consistent (one PR
 * per repo, CI per head SHA, every delivery sent twice) — not a timing test.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitHubSim, simOctokit, type WebhookEvent } from './index.ts';

let sim: GitHubSim;

beforeEach(async () => {
  sim = await new GitHubSim().start();
});

afterEach(async () => {
  await sim.stop();
});

describe('test/sim at fleet scale', () => {
  it('serves 60 repositories with duplicated, reordered webhooks and per-SHA CI', async () => {
    const received: WebhookEvent[] = [];
    sim.deliverTo((event) => {
      received.push(event);
    });
    sim.configureDeliveries({ mode: 'reordered', duplicate: true, seed: 42 });
    sim.setCi((ctx) => {
      const n = Number(ctx.repo.repo.split('-')[1]);
      if (n % 4 === 3) return undefined; // no CI
      return n % 4 === 1
        ? { statuses: [{ context: 'jenkins', state: n % 8 === 1 ? 'failure' : 'success' }] }
        : {
            workflows: [
              { name: 'CI', jobs: [{ name: 'test', conclusion: n % 4 === 2 ? 'failure' : 'success' }] },
            ],
          };
    });
    for (let i = 0; i < 60; i++)
      sim.createRepo({ owner: 'acme', name: `svc-${i}`, files: { 'package.json': `{"n":${i}}\n` } });
    const octokit = simOctokit(sim);

    for (let i = 0; i < 60; i++) {
      const repo = { owner: 'acme', repo: `svc-${i}` };
      const { data: head } = await octokit.rest.git.getRef({ ...repo, ref: 'heads/main' });
      await octokit.rest.git.createRef({ ...repo, ref: 'refs/heads/fleetwright/m', sha: head.object.sha });
      await octokit.graphql(
        'mutation C($input: CreateCommitOnBranchInput!) { createCommitOnBranch(input: $input) { commit { oid } } }',
        {
          input: {
            branch: { repositoryNameWithOwner: `acme/svc-${i}`, branchName: 'fleetwright/m' },
            expectedHeadOid: head.object.sha,
            message: { headline: 'migrate' },
            fileChanges: {
              additions: [
                { path: 'package.json', contents: Buffer.from(`{"n":${i},"m":1}\n`).toString('base64') },
              ],
            },
          },
        },
      );
      await octokit.rest.pulls.create({
        ...repo,
        head: 'fleetwright/m',
        base: 'main',
        title: 'Migrate',
        draft: true,
      });
    }
    await sim.settle();

    for (let i = 0; i < 60; i++)
      expect(sim.pullRequests({ owner: 'acme', repo: `svc-${i}` })).toHaveLength(1);
    // Two SHAs per repo (baseline and PR head); CI decided once per SHA.
    expect(sim.ci.history).toHaveLength(120);
    const ids = received.map((e) => e.id);
    expect(ids.length).toBe(2 * new Set(ids).size);
    expect(sim.deliveries.every((d) => d.state === 'delivered')).toBe(true);
    const suitesCompleted = received.filter(
      (e) => e.name === 'check_suite' && e.payload.action === 'completed',
    );
    expect(suitesCompleted.length).toBe(2 * 2 * 30); // 30 repos with Actions CI, 2 SHAs each, sent twice
    expect(sim.requests.summary()).toMatchObject({ total: 240, contentCreating: 180 });
  });
});
