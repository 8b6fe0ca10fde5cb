import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FailureReport } from '../../../src/contracts/failure-report.ts';
import { OctokitGitHost } from '../../../src/adapters/github/octokit-git-host.ts';
import { MAX_CHECK_OUTPUT } from '../../../src/adapters/github/checks.ts';
import { StaleHeadError, type RepoRef } from '../../../src/ports/git-host.ts';
import { GitHostError } from '../../../src/shared/errors.ts';
import { GitHubSim, simOctokit } from '../../sim/index.ts';
import { readTarball } from '../../sim/read-tarball.ts';

const repo: RepoRef = { owner: 'acme', repo: 'widgets' };

let sim: GitHubSim;
let host: OctokitGitHost;

function change(files: Record<string, string>, deletions: string[] = []) {
  return {
    additions: Object.entries(files).map(([path, text]) => ({ path, contents: Buffer.from(text) })),
    deletions: deletions.map((path) => ({ path })),
    diff: '',
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

beforeEach(async () => {
  sim = await new GitHubSim().start();
  sim.createRepo({
    owner: 'acme',
    name: 'widgets',
    topics: ['node'],
    language: 'TypeScript',
    files: {
      'README.md': '# widgets\n',
      'package.json': '{ "name": "widgets" }\n',
      'src/index.ts': 'export const a = 1;\n',
      'src/util/math.ts': 'export const add = (a: number, b: number) => a + b;\n',
      'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]),
    },
    collaborators: { alice: 'admin', mo: 'maintain', tri: 'triage' },
  });
  host = new OctokitGitHost(simOctokit(sim), undefined, { appId: sim.app.id, appSlug: sim.app.slug });
});

afterEach(async () => {
  await sim.stop();
});

describe('adapters/github/OctokitGitHost — repositories', () => {
  it('lists every repository over several pages and probes only size-0 repos for emptiness', async () => {
    for (let i = 0; i < 110; i++)
      sim.createRepo({
        owner: 'acme',
        name: `svc-${String(i).padStart(3, '0')}`,
        archived: i === 3,
        fork: i === 4,
      });
    sim.createRepo({ owner: 'acme', name: 'blank', empty: true });
    sim.createRepo({ owner: 'other', name: 'not-ours' });
    sim.requests.reset();

    const repos = await host.listRepositories();

    expect(repos).toHaveLength(112);
    expect(repos.find((r) => r.repo === 'blank')).toMatchObject({ empty: true, defaultBranch: 'main' });
    expect(repos.find((r) => r.repo === 'svc-003')).toMatchObject({
      archived: true,
      fork: false,
      empty: false,
    });
    expect(repos.find((r) => r.repo === 'svc-004')).toMatchObject({ fork: true });
    expect(repos.find((r) => r.repo === 'widgets')).toMatchObject({
      topics: ['node'],
      language: 'TypeScript',
      private: false,
      disabled: false,
      htmlUrl: `${sim.baseUrl}/acme/widgets`,
    });
    expect(repos.some((r) => r.owner === 'other')).toBe(false);
    expect(sim.requests.byKind()).toEqual({
      'GET /installation/repositories': 2,
      'GET /repos/{owner}/{repo}/commits': 1,
    });
  });

  it('finds a repository, and returns undefined for a missing one or one outside the installation', async () => {
    sim.createRepo({ owner: 'other', name: 'elsewhere' });

    expect(await host.findRepository(repo)).toMatchObject({
      owner: 'acme',
      repo: 'widgets',
      defaultBranch: 'main',
    });
    expect(await host.findRepository({ owner: 'acme', repo: 'nope' })).toBeUndefined();
    expect(await host.findRepository({ owner: 'other', repo: 'elsewhere' })).toBeUndefined();
  });
});

describe('adapters/github/OctokitGitHost — contents', () => {
  it('reads text files at the default branch, a branch or a SHA, and skips binaries and directories', async () => {
    const first = sim.branchHead(sim.getRepo(repo), 'main')!;
    sim.commit(repo, { branch: 'main', files: { 'src/index.ts': 'export const a = 2;\n' } });

    expect(await host.findFile(repo, 'src/index.ts')).toMatchObject({
      text: 'export const a = 2;\n',
      path: 'src/index.ts',
    });
    expect((await host.findFile(repo, 'src/index.ts', first))?.text).toBe('export const a = 1;\n');
    expect(await host.findFile(repo, 'logo.png')).toBeUndefined();
    expect(await host.findFile(repo, 'src')).toBeUndefined();
    expect(await host.findFile(repo, 'missing.txt')).toBeUndefined();
  });

  it('reads files over 1 MB through the blob API', async () => {
    const big = 'x'.repeat(1024 * 1024 + 10);
    sim.commit(repo, { files: { 'big.txt': big } });
    sim.requests.reset();

    const file = await host.findFile(repo, 'big.txt');

    expect(file?.text.length).toBe(big.length);
    expect(sim.requests.count('GET /repos/{owner}/{repo}/git/blobs/{file_sha}')).toBe(1);
  });

  it('refuses paths that escape the repository before calling GitHub', async () => {
    sim.requests.reset();

    const error = await rejection(host.findFile(repo, '../secrets'));

    expect(error).toBeInstanceOf(GitHostError);
    expect((error as Error).message).toContain('".." segment');
    expect(sim.requests.summary().total).toBe(0);
  });

  it('lists directories, [] for missing ones', async () => {
    const strip = (entries: { path: string; name: string; type: string }[]) =>
      entries.map(({ path, name, type }) => ({ path, name, type }));
    expect((await host.listDirectory(repo, '')).find((e) => e.name === 'README.md')?.size).toBe(10);
    expect(strip(await host.listDirectory(repo, ''))).toEqual([
      { path: 'README.md', name: 'README.md', type: 'file' },
      { path: 'logo.png', name: 'logo.png', type: 'file' },
      { path: 'package.json', name: 'package.json', type: 'file' },
      { path: 'src', name: 'src', type: 'dir' },
    ]);
    expect(strip(await host.listDirectory(repo, 'src/'))).toEqual([
      { path: 'src/index.ts', name: 'index.ts', type: 'file' },
      { path: 'src/util', name: 'util', type: 'dir' },
    ]);
    expect(await host.listDirectory(repo, 'nope')).toEqual([]);
    expect(await host.listDirectory(repo, 'README.md')).toEqual([]);
  });

  it('lists changed files between commits, including renames', async () => {
    const base = sim.branchHead(sim.getRepo(repo), 'main')!;
    const head = sim.commit(repo, {
      branch: 'main',
      files: {
        'src/index.ts': 'changed\n',
        'docs/new.md': 'new\n',
        'README.md': null,
        'src/util/math.ts': null,
        'src/math.ts': 'export const add = (a: number, b: number) => a + b;\n',
      },
    });

    const changed = await host.listChangedFiles(repo, base, head);

    expect(changed).toEqual([
      { path: 'README.md', status: 'removed' },
      { path: 'docs/new.md', status: 'added' },
      { path: 'src/index.ts', status: 'modified' },
      { path: 'src/math.ts', status: 'renamed', previousPath: 'src/util/math.ts' },
    ]);
  });

  it('falls back to a tree diff past compare’s 300-file cap', async () => {
    const base = sim.branchHead(sim.getRepo(repo), 'main')!;
    const files: Record<string, string> = {};
    for (let i = 0; i < 320; i++) files[`gen/file-${i}.txt`] = `${i}\n`;
    const head = sim.commit(repo, { files: { ...files, 'README.md': null } });
    sim.requests.reset();

    const changed = await host.listChangedFiles(repo, base, head);

    expect(changed).toHaveLength(321);
    expect(changed.find((c) => c.path === 'README.md')).toEqual({ path: 'README.md', status: 'removed' });
    expect(sim.requests.count('GET /repos/{owner}/{repo}/git/trees/{tree_sha}')).toBe(2);
  });

  it('downloads the tarball of a commit with GitHub’s top directory', async () => {
    const sha = sim.branchHead(sim.getRepo(repo), 'main')!;

    const entries = await readTarball(await host.downloadTarball(repo, sha));

    const top = `acme-widgets-${sha.slice(0, 7)}/`;
    expect(entries.get(`${top}src/util/math.ts`)?.content).toBe(
      'export const add = (a: number, b: number) => a + b;\n',
    );
    expect([...entries.keys()].every((p) => p.startsWith(top))).toBe(true);
    expect([...entries.values()].filter((e) => e.type === 'File')).toHaveLength(5);
  });
});

describe('adapters/github/OctokitGitHost — branches and commits', () => {
  it('finds, creates and idempotently re-creates a branch with slashes in its name', async () => {
    const main = sim.branchHead(sim.getRepo(repo), 'main')!;

    expect(await host.findBranchHead(repo, 'fleetwright/node-22')).toBeUndefined();
    await host.ensureBranch(repo, 'fleetwright/node-22', main);
    await host.ensureBranch(repo, 'fleetwright/node-22', main);

    expect(await host.findBranchHead(repo, 'fleetwright/node-22')).toBe(main);
    expect(sim.branches(repo)['fleetwright/node-22']).toBe(main);
  });

  it('throws StaleHeadError when the branch exists elsewhere', async () => {
    const main = sim.branchHead(sim.getRepo(repo), 'main')!;
    const other = sim.commit(repo, { branch: 'fleetwright/x', parents: [main], files: { 'a.txt': 'a' } });

    const error = await rejection(host.ensureBranch(repo, 'fleetwright/x', main));

    expect(error).toBeInstanceOf(StaleHeadError);
    expect(sim.branches(repo)['fleetwright/x']).toBe(other);
  });

  it('commits a change set as one verified commit by the app', async () => {
    const main = sim.branchHead(sim.getRepo(repo), 'main')!;
    await host.ensureBranch(repo, 'fleetwright/m', main);

    const { sha } = await host.commitChangeSet(repo, {
      branch: 'fleetwright/m',
      expectedHeadSha: main,
      headline: 'Migrate to node 22',
      body: 'Done by fleetwright',
      changeSet: {
        additions: [
          { path: 'src/index.ts', contents: Buffer.from('export const a = 22;\n') },
          { path: 'assets/bin.dat', contents: Buffer.from([0, 1, 2, 255]) },
        ],
        deletions: [{ path: 'README.md' }],
        diff: '',
      },
    });

    const commit = sim.commitInfo(repo, sha);
    expect(commit.parents).toEqual([main]);
    expect(commit.verified).toBe(true);
    expect(commit.authorLogin).toBe('fleetwright[bot]');
    expect(commit.message).toBe('Migrate to node 22\n\nDone by fleetwright');
    const files = sim.readFiles(repo, 'fleetwright/m');
    expect(files['src/index.ts']).toBe('export const a = 22;\n');
    expect(files['README.md']).toBeUndefined();
    const stored = sim.getRepo(repo);
    expect([...stored.git.getBlob(stored.git.filesAt(sha).get('assets/bin.dat')!.sha)!]).toEqual([
      0, 1, 2, 255,
    ]);
    expect(sim.requests.count('graphql createCommitOnBranch')).toBe(1);
  });

  it('throws StaleHeadError and writes nothing when the branch moved', async () => {
    const main = sim.branchHead(sim.getRepo(repo), 'main')!;
    await host.ensureBranch(repo, 'fleetwright/m', main);
    const human = sim.commit(repo, { branch: 'fleetwright/m', files: { 'human.txt': 'mine' }, by: 'alice' });

    const error = await rejection(
      host.commitChangeSet(repo, {
        branch: 'fleetwright/m',
        expectedHeadSha: main,
        headline: 'x',
        changeSet: change({ 'a.txt': 'a' }),
      }),
    );

    expect(error).toBeInstanceOf(StaleHeadError);
    expect((error as StaleHeadError).expectedHeadSha).toBe(main);
    expect(sim.branches(repo)['fleetwright/m']).toBe(human);
  });

  it('reports GitHub’s refusals as GitHostError: missing deletion, workflow files, empty change sets', async () => {
    const main = sim.branchHead(sim.getRepo(repo), 'main')!;

    const missing = await rejection(
      host.commitChangeSet(repo, {
        branch: 'main',
        expectedHeadSha: main,
        headline: 'x',
        changeSet: change({}, ['nope.txt']),
      }),
    );
    const workflow = await rejection(
      host.commitChangeSet(repo, {
        branch: 'main',
        expectedHeadSha: main,
        headline: 'x',
        changeSet: change({ '.github/workflows/ci.yml': 'on: push' }),
      }),
    );
    const empty = await rejection(
      host.commitChangeSet(repo, {
        branch: 'main',
        expectedHeadSha: main,
        headline: 'x',
        changeSet: change({}),
      }),
    );

    expect(missing).toBeInstanceOf(GitHostError);
    expect((missing as GitHostError).message).toContain('requested for deletion which does not exist');
    expect((workflow as GitHostError).status).toBe(403);
    expect((workflow as GitHostError).message).toContain('`workflows` permission');
    expect((empty as GitHostError).message).toContain('change set is empty');
    expect(sim.branchHead(sim.getRepo(repo), 'main')).toBe(main);
  });

  it('resets a branch only while it still points at the expected SHA', async () => {
    const main = sim.branchHead(sim.getRepo(repo), 'main')!;
    await host.ensureBranch(repo, 'fleetwright/m', main);
    const { sha: ours } = await host.commitChangeSet(repo, {
      branch: 'fleetwright/m',
      expectedHeadSha: main,
      headline: 'ours',
      changeSet: change({ 'a.txt': 'a' }),
    });

    expect(await host.listCommitsBetween(repo, main, ours)).toMatchObject([
      { sha: ours, authorLogin: 'fleetwright[bot]', verified: true },
    ]);
    await host.resetBranch(repo, 'fleetwright/m', main, ours);
    expect(sim.branches(repo)['fleetwright/m']).toBe(main);

    const error = await rejection(host.resetBranch(repo, 'fleetwright/m', ours, ours));
    expect(error).toBeInstanceOf(StaleHeadError);
    expect(sim.branches(repo)['fleetwright/m']).toBe(main);
  });

  it('lists the commits between two SHAs oldest first, across compare pages', async () => {
    const base = sim.branchHead(sim.getRepo(repo), 'main')!;
    const shas: string[] = [];
    for (let i = 0; i < 130; i++)
      shas.push(
        sim.commit(repo, { files: { 'n.txt': String(i) }, message: `c${i}`, by: i === 5 ? 'alice' : 'bob' }),
      );
    sim.requests.reset();

    const commits = await host.listCommitsBetween(repo, base, shas.at(-1)!);

    expect(commits.map((c) => c.sha)).toEqual(shas);
    // A person's push is unsigned: never mistaken for the app's own (is-app-commit.ts).
    expect(commits[5]).toMatchObject({
      message: 'c5',
      authorLogin: 'alice',
      parents: [shas[4]],
      verified: false,
    });
    expect(sim.requests.count('GET /repos/{owner}/{repo}/compare/{basehead}')).toBe(2);
  });
});

const report: FailureReport = {
  schemaVersion: 1,
  conclusion: 'failure',
  tools: ['tsc'],
  findings: [
    {
      kind: 'type-error',
      tool: 'tsc',
      file: 'src/index.ts',
      line: 1,
      code: 'TS2322',
      severity: 'error',
      message: 'Type mismatch',
      occurrences: 1,
    },
  ],
  dropped: [],
  truncated: false,
};

describe('adapters/github/OctokitGitHost — CI', () => {
  it('collects every check run (latest per name) and commit status of a commit', async () => {
    sim.setCi(() => ({
      workflows: [
        {
          name: 'CI',
          jobs: [
            { name: 'build', conclusion: 'success' },
            { name: 'test', conclusion: 'failure', log: 'boom' },
          ],
        },
      ],
      checkRuns: [{ name: 'external', conclusion: 'neutral' }],
      statuses: [{ context: 'jenkins', state: 'success', description: 'ok' }],
    }));
    const sha = sim.commit(repo, { files: { 'x.txt': 'x' } });
    await sim.settle();
    // A re-run in the third-party suite: only the newest run of a name counts.
    const stored = sim.getRepo(repo);
    const external = stored.checkRuns.find((r) => r.name === 'external')!;
    sim.createCheckRun(
      stored,
      { name: 'external', headSha: sha, conclusion: 'success', suiteId: external.suiteId },
      external.app,
      sim.human(),
    );
    sim.requests.reset();

    const snapshot = await host.getCiSnapshot(repo, sha);

    expect(snapshot.checkRuns.map((r) => [r.name, r.status, r.conclusion, r.appSlug]).sort()).toEqual([
      ['build', 'completed', 'success', 'github-actions'],
      ['external', 'completed', 'success', 'external-ci'],
      ['test', 'completed', 'failure', 'github-actions'],
    ]);
    expect(snapshot.checkRuns.every((r) => r.headSha === sha && r.checkSuiteId !== null)).toBe(true);
    expect(sim.requests.byKind()).toEqual({ 'graphql repository': 1 });
    expect(snapshot.statuses).toEqual([
      { context: 'jenkins', state: 'success', description: 'ok', targetUrl: null, creatorLogin: 'ci-bot' },
    ]);
  });

  it('keeps same-named jobs of different workflows, and falls back to REST past 100 runs', async () => {
    sim.setCi(() => ({
      workflows: [
        { name: 'CI', jobs: [{ name: 'build', conclusion: 'success' }] },
        { name: 'Docs', jobs: [{ name: 'build', conclusion: 'failure' }] },
      ],
    }));
    const sha = sim.commit(repo, { files: { 'x.txt': 'x' } });
    await sim.settle();
    const stored = sim.getRepo(repo);
    for (let i = 0; i < 101; i++) {
      sim.createCheckRun(
        stored,
        { name: `shard-${i}`, headSha: sha, conclusion: 'success' },
        { id: 77, slug: 'matrix-ci', name: 'matrix', owner: sim.human().user },
        sim.human(),
      );
    }
    sim.requests.reset();

    const snapshot = await host.getCiSnapshot(repo, sha);

    expect(
      snapshot.checkRuns
        .filter((r) => r.name === 'build')
        .map((r) => r.conclusion)
        .sort(),
    ).toEqual(['failure', 'success']);
    expect(snapshot.checkRuns).toHaveLength(103);
    expect(sim.requests.byKind()).toEqual({
      'GET /repos/{owner}/{repo}/commits/{ref}/check-runs': 2,
      'GET /repos/{owner}/{repo}/commits/{ref}/status': 1,
      'graphql repository': 1,
    });
  });

  it('reads the fleetwright/report FailureReport, and ignores a malformed one', async () => {
    sim.setCi(() => ({
      workflows: [{ name: 'CI', jobs: [{ name: 'build', conclusion: 'failure' }] }],
      report,
    }));
    const sha = sim.commit(repo, { files: { 'x.txt': 'x' } });
    await sim.settle();
    sim.setCi(undefined);
    const clean = sim.commit(repo, { files: { 'y.txt': 'y' } });
    const stored = sim.getRepo(repo);
    sim.createCheckRun(
      stored,
      {
        name: 'fleetwright/report',
        headSha: clean,
        conclusion: 'failure',
        output: { title: 't', summary: 's', text: 'not json' },
      },
      sim.actionsApp,
      sim.human(),
    );

    expect(await host.findFailureReport(repo, sha)).toEqual(report);
    expect(await host.findFailureReport(repo, clean)).toBeUndefined();
    expect(await host.findFailureReport(repo, sim.branchHead(stored, 'main')!)).toBeUndefined();
  });

  it('downloads the logs of failed jobs only, capped', async () => {
    const longLog = `start\n${'noise\n'.repeat(2000)}error TS2322: boom\n`;
    sim.setCi(() => ({
      workflows: [
        {
          name: 'CI',
          jobs: [
            { name: 'build', conclusion: 'success', log: 'fine' },
            { name: 'test', conclusion: 'failure', log: longLog },
          ],
        },
        { name: 'Lint', jobs: [{ name: 'eslint', conclusion: 'success' }] },
      ],
    }));
    const sha = sim.commit(repo, { files: { 'x.txt': 'x' } });
    await sim.settle();
    const capped = new OctokitGitHost(simOctokit(sim), undefined, { appId: sim.app.id, maxLogBytes: 1000 });

    const logs = await capped.listFailedJobLogs(repo, sha);

    expect(logs).toHaveLength(1);
    expect(logs[0]!.jobName).toBe('CI / test');
    expect(logs[0]!.url).toContain('/actions/runs/');
    expect(logs[0]!.log.startsWith('start\n')).toBe(true);
    expect(logs[0]!.log.endsWith('error TS2322: boom\n')).toBe(true);
    expect(logs[0]!.log).toContain('bytes of log omitted');
    expect(Buffer.byteLength(logs[0]!.log)).toBeLessThan(1100);
  });

  it('creates a check run once, then updates it in place, sending annotations 50 at a time', async () => {
    const sha = sim.branchHead(sim.getRepo(repo), 'main')!;
    const annotations = Array.from({ length: 120 }, (_, i) => ({
      path: 'src/index.ts',
      startLine: i + 1,
      endLine: i + 1,
      level: 'warning' as const,
      message: `m${i}`,
    }));

    const first = await host.ensureCheckRun(repo, {
      name: 'fleetwright/manifest',
      headSha: sha,
      status: 'in_progress',
      title: 'Checking',
      summary: 'Working',
    });
    sim.requests.reset();
    const second = await host.ensureCheckRun(repo, {
      name: 'fleetwright/manifest',
      headSha: sha,
      conclusion: 'failure',
      title: 'Invalid',
      summary: 'y'.repeat(MAX_CHECK_OUTPUT + 500),
      annotations,
    });

    expect(second.id).toBe(first.id);
    const runs = sim.checkRuns(repo, sha).filter((r) => r.name === 'fleetwright/manifest');
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(runs[0]!.output.annotations).toHaveLength(120);
    expect(runs[0]!.output.summary!.length).toBeLessThanOrEqual(MAX_CHECK_OUTPUT);
    expect(runs[0]!.output.summary).toContain('truncated by fleetwright');
    expect(sim.requests.byKind()).toEqual({
      'GET /repos/{owner}/{repo}/commits/{ref}/check-runs': 1,
      'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}': 3,
    });
  });

  it('writes nothing for an identical redelivery, and starts a fresh run rather than appending annotations', async () => {
    const sha = sim.branchHead(sim.getRepo(repo), 'main')!;
    const request = {
      name: 'fleetwright/manifest',
      headSha: sha,
      conclusion: 'failure' as const,
      title: 'Invalid',
      summary: 'One problem',
      annotations: [
        { path: 'migrations/a.yml', startLine: 3, endLine: 3, level: 'failure' as const, message: 'bad key' },
      ],
    };
    const first = await host.ensureCheckRun(repo, request);
    sim.requests.reset();

    const again = await host.ensureCheckRun(repo, request);
    const writesAfterRedelivery = sim.requests.summary().writes;
    const changed = await host.ensureCheckRun(repo, {
      ...request,
      summary: 'Two problems',
      annotations: [...request.annotations, { ...request.annotations[0]!, startLine: 9, endLine: 9 }],
    });

    expect(again.id).toBe(first.id);
    expect(writesAfterRedelivery).toBe(0);
    expect(changed.id).not.toBe(first.id);
    const latest = sim.checkRuns(repo, sha).find((r) => r.id === changed.id)!;
    expect(latest.output.annotations.map((a) => a.start_line)).toEqual([3, 9]);
  });
});

describe('adapters/github/OctokitGitHost — pull requests', () => {
  async function branchWithCommit(branch: string): Promise<string> {
    const main = sim.branchHead(sim.getRepo(repo), 'main')!;
    await host.ensureBranch(repo, branch, main);
    return (
      await host.commitChangeSet(repo, {
        branch,
        expectedHeadSha: main,
        headline: 'change',
        changeSet: change({ 'a.txt': 'a' }),
      })
    ).sha;
  }

  /** A draft PR titled T with body B from a one-commit `fleetwright/m` branch into main. */
  async function openDraftPr(labels: string[] = []) {
    await branchWithCommit('fleetwright/m');
    return host.ensureDraftPullRequest(repo, {
      head: 'fleetwright/m',
      base: 'main',
      title: 'T',
      body: 'B',
      labels,
    });
  }

  it('opens a labelled draft PR once, and returns the same PR on a redelivery', async () => {
    const head = await branchWithCommit('fleetwright/m');
    const spec = {
      head: 'fleetwright/m',
      base: 'main',
      title: 'Migrate',
      body: 'Body',
      labels: ['fleetwright', 'fleetwright:drafting'],
    };
    sim.requests.reset();

    const opened = await host.ensureDraftPullRequest(repo, spec);
    const again = await host.ensureDraftPullRequest(repo, spec);

    expect(again).toEqual(opened);
    expect(opened).toMatchObject({
      draft: true,
      state: 'open',
      merged: false,
      headRef: 'fleetwright/m',
      headSha: head,
      baseRef: 'main',
      authorLogin: 'fleetwright[bot]',
    });
    expect(opened.labels).toEqual(['fleetwright', 'fleetwright:drafting']);
    expect(sim.pullRequests(repo)).toHaveLength(1);
    expect(sim.pullRequests(repo)[0]!.labels).toEqual(['fleetwright', 'fleetwright:drafting']);
    expect(sim.requests.byKind()).toEqual({
      'GET /repos/{owner}/{repo}/pulls': 2,
      'POST /repos/{owner}/{repo}/pulls': 1,
      'POST /repos/{owner}/{repo}/issues/{issue_number}/labels': 1,
    });
  });

  it('finds the newest PR for a branch in any state, reads, edits and readies it', async () => {
    const pr = await openDraftPr();
    sim.close(repo, pr.number, 'alice');

    const closed = await host.findPullRequestForBranch(repo, 'fleetwright/m');
    expect(closed).toMatchObject({ number: pr.number, state: 'closed', merged: false });
    expect(await host.findPullRequestForBranch(repo, 'fleetwright/none')).toBeUndefined();

    sim.reopen(repo, pr.number, 'alice');
    await host.updatePullRequest(repo, pr.number, { title: 'T2', body: 'B2' });
    await host.markReadyForReview(repo, pr.nodeId);
    await host.requestReviewers(repo, pr.number, { users: ['alice'], teams: ['platform'] });

    const read = await host.getPullRequest(repo, pr.number);
    expect(read).toMatchObject({ title: 'T2', body: 'B2', draft: false, state: 'open' });
    expect(sim.pullRequests(repo)[0]).toMatchObject({
      requestedReviewers: ['alice'],
      requestedTeams: ['platform'],
    });
    expect(sim.deliveries.map((d) => `${d.event}.${d.action}`)).toContain('pull_request.ready_for_review');
  });

  it('maps mergeable: true while clean, false once the base changes the same file, null when closed', async () => {
    const pr = await openDraftPr();
    expect((await host.getPullRequest(repo, pr.number)).mergeable).toBe(true);

    sim.commit(repo, { files: { 'a.txt': 'b' }, by: 'alice' });
    expect((await host.getPullRequest(repo, pr.number)).mergeable).toBe(false);

    sim.close(repo, pr.number, 'alice');
    expect((await host.getPullRequest(repo, pr.number)).mergeable).toBeNull();
  });

  it('reports a merged PR as merged', async () => {
    const pr = await openDraftPr();
    sim.mergePullRequest(repo, pr.number, 'alice');

    expect(await host.findPullRequestForBranch(repo, 'fleetwright/m')).toMatchObject({
      state: 'closed',
      merged: true,
    });
    expect(await host.getPullRequest(repo, pr.number)).toMatchObject({ state: 'closed', merged: true });
  });

  it('throws GitHostError 404 for a missing PR and 422 for a non-collaborator reviewer', async () => {
    const pr = await openDraftPr();

    expect(((await rejection(host.getPullRequest(repo, 999))) as GitHostError).status).toBe(404);
    const reviewer = (await rejection(
      host.requestReviewers(repo, pr.number, { users: ['stranger'], teams: [] }),
    )) as GitHostError;
    expect(reviewer.status).toBe(422);
    expect(reviewer.message).toContain('collaborators');
  });

  it('adds and removes labels idempotently', async () => {
    const pr = await openDraftPr(['a']);

    await host.ensureLabels(repo, pr.number, { add: ['b', 'c'], remove: ['a', 'zzz'] });
    sim.requests.reset();
    await host.ensureLabels(repo, pr.number, { add: ['b', 'c'], remove: ['a'] });

    expect(sim.pullRequests(repo)[0]!.labels).toEqual(['b', 'c']);
    expect(sim.labels(repo)).toEqual(expect.arrayContaining(['a', 'b', 'c']));
    expect(sim.requests.byKind()).toEqual({ 'GET /repos/{owner}/{repo}/issues/{issue_number}/labels': 1 });

    // Labels the caller has just read spare the read; stale ones are harmless.
    sim.requests.reset();
    await host.ensureLabels(repo, pr.number, { add: ['d'], remove: ['b', 'gone'] }, ['b', 'c', 'gone']);
    expect(sim.pullRequests(repo)[0]!.labels).toEqual(['c', 'd']);
    expect(Object.keys(sim.requests.byKind())).not.toContain(
      'GET /repos/{owner}/{repo}/issues/{issue_number}/labels',
    );
  });
});

describe('adapters/github/OctokitGitHost — comments, issues, people', () => {
  let number: number;

  beforeEach(() => {
    number = sim.createIssue(sim.getRepo(repo), { title: 'Tracking' }, sim.human('alice')).number;
  });

  it('creates a keyed comment once, leaves it alone when unchanged, edits it in place otherwise', async () => {
    const first = await host.ensureComment(repo, number, 'status', 'CI is red');
    sim.requests.reset();
    const same = await host.ensureComment(repo, number, 'status', 'CI is red');
    const edited = await host.ensureComment(repo, number, 'status', 'CI is green');

    expect(first.created).toBe(true);
    expect(same).toEqual({ id: first.id, created: false });
    expect(edited).toEqual({ id: first.id, created: false });
    const comments = sim.comments(repo, number);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toBe('<!-- fleetwright:key status -->\nCI is green');
    expect(sim.requests.byKind()).toEqual({
      'GET /repos/{owner}/{repo}/issues/{issue_number}/comments': 2,
      'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}': 1,
    });
  });

  it('never edits a human’s comment that carries the same marker', async () => {
    sim.addComment(repo, number, '<!-- fleetwright:key status -->\nforged', 'mallory');

    const result = await host.ensureComment(repo, number, 'status', 'real');

    expect(result.created).toBe(true);
    expect(sim.comments(repo, number).map((c) => [c.author, c.body])).toEqual([
      ['mallory', '<!-- fleetwright:key status -->\nforged'],
      ['fleetwright[bot]', '<!-- fleetwright:key status -->\nreal'],
    ]);
  });

  it('finds a keyed comment beyond the first page', async () => {
    const created = await host.ensureComment(repo, number, 'status', 'v1');
    for (let i = 0; i < 130; i++) sim.addComment(repo, number, `chatter ${i}`, 'bob');

    const again = await host.ensureComment(repo, number, 'status', 'v2');

    expect(again).toEqual({ id: created.id, created: false });
  });

  it('rejects keys that could break out of the marker', async () => {
    expect(await rejection(host.ensureComment(repo, number, 'x -->', 'b'))).toBeInstanceOf(GitHostError);
  });

  it('posts plain comments and reacts once per reaction', async () => {
    const { id } = await host.createComment(repo, number, 'hello');
    await host.addReaction(repo, id, 'eyes');
    await host.addReaction(repo, id, 'eyes');
    await host.addReaction(repo, id, '+1');

    expect(sim.comments(repo, number)).toEqual([
      { id, body: 'hello', author: 'fleetwright[bot]', reactions: ['eyes', '+1'] },
    ]);
  });

  it('maps collaborator permissions, keeping maintain and triage', async () => {
    sim.ensureUser('stranger');

    expect(await host.getPermission(repo, 'alice')).toBe('admin');
    expect(await host.getPermission(repo, 'mo')).toBe('maintain');
    expect(await host.getPermission(repo, 'tri')).toBe('triage');
    expect(await host.getPermission(repo, 'stranger')).toBe('read');
    expect(await host.getPermission(repo, 'ghost-user-404')).toBe('none');
  });

  it('reads team memberships: active and pending as GitHub says, none on 404, errors never membership', async () => {
    sim.setTeamMember('acme', 'platform', 'alice');
    sim.setTeamMember('acme', 'platform', 'newbie', 'pending');
    sim.ensureUser('bob');

    expect(await host.findTeamMembership('acme', 'platform', 'alice')).toBe('active');
    expect(await host.findTeamMembership('ACME', 'Platform', 'Alice')).toBe('active');
    expect(await host.findTeamMembership('acme', 'platform', 'newbie')).toBe('pending');
    expect(await host.findTeamMembership('acme', 'platform', 'bob')).toBeUndefined();
    expect(await host.findTeamMembership('acme', 'no-such-team', 'alice')).toBeUndefined();
    // Another organization than the installation's: GitHub answers 404.
    expect(await host.findTeamMembership('other', 'platform', 'alice')).toBeUndefined();
    expect(sim.requests.count('GET /orgs/{org}/teams/{team_slug}/memberships/{username}')).toBe(6);

    sim.appPermissions.members = false;
    await expect(host.findTeamMembership('acme', 'platform', 'alice')).rejects.toMatchObject({
      name: 'GitHostError',
      status: 403,
    });
    sim.appPermissions.members = true;
    sim.faults.add({
      kind: 'GET /orgs/{org}/teams/{team_slug}/memberships/{username}',
      type: 'server-error',
    });
    await expect(host.findTeamMembership('acme', 'platform', 'alice')).rejects.toMatchObject({
      name: 'GitHostError',
      status: 502,
    });
  });

  it('finds the app’s keyed issue read-only, ignoring people’s copies and other keys', async () => {
    sim.openIssue(
      repo,
      { title: 'Forged', body: '<!-- fleetwright:key dashboard:node-22 -->\nfake' },
      'mallory',
    );
    expect(await host.findIssue(repo, 'dashboard:node-22')).toBeUndefined();

    const created = await host.ensureIssue(repo, 'dashboard:node-22', { title: 'Migration', body: 'ledger' });
    sim.requests.reset();

    expect(await host.findIssue(repo, 'dashboard:node-22')).toEqual(created);
    expect(await host.findIssue(repo, 'dashboard:other')).toBeUndefined();
    expect(sim.requests.summary()).toMatchObject({ total: 2, writes: 0 });
  });

  it('ensures the dashboard issue: created once, edited when it differs, labels added', async () => {
    const created = await host.ensureIssue(repo, 'dashboard:node-22', {
      title: 'Migration node-22',
      body: 'v1',
      labels: ['fleetwright'],
    });
    sim.requests.reset();
    const same = await host.ensureIssue(repo, 'dashboard:node-22', {
      title: 'Migration node-22',
      body: 'v1',
      labels: ['fleetwright'],
    });
    const writes = sim.requests.summary().writes;
    const edited = await host.ensureIssue(repo, 'dashboard:node-22', {
      title: 'Migration node-22 (3/50)',
      body: 'v2',
      labels: ['fleetwright', 'dashboard'],
    });

    expect(same).toEqual(created);
    expect(writes).toBe(0);
    expect(edited).toMatchObject({
      number: created.number,
      title: 'Migration node-22 (3/50)',
      state: 'open',
    });
    const dashboards = sim.issues(repo).filter((i) => i.author === 'fleetwright[bot]');
    expect(dashboards).toHaveLength(1);
    expect(dashboards[0]).toMatchObject({
      body: '<!-- fleetwright:key dashboard:node-22 -->\nv2',
      labels: ['fleetwright', 'dashboard'],
    });
  });
});

describe('adapters/github/OctokitGitHost — errors and rate limits', () => {
  it('surfaces a secondary rate limit with retry-after', async () => {
    sim.faults.add({
      kind: 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
      type: 'secondary-rate-limit',
      retryAfterSeconds: 42,
    });
    const number = sim.createIssue(sim.getRepo(repo), { title: 't' }, sim.human()).number;

    const error = (await rejection(host.createComment(repo, number, 'x'))) as GitHostError;

    expect(error).toBeInstanceOf(GitHostError);
    expect(error.status).toBe(403);
    expect(error.retryAfterSeconds).toBe(42);
    expect(error.message).toContain('secondary rate limit');
    expect(sim.comments(repo, number)).toEqual([]);
  });

  it('surfaces 429, a spent primary limit (from x-ratelimit-reset) and 5xx', async () => {
    sim.faults.add({ kind: 'GET /repos/{owner}/{repo}', type: 'too-many', retryAfterSeconds: 7 });
    sim.faults.add({ kind: 'GET /repos/{owner}/{repo}', type: 'rate-limit', retryAfterSeconds: 120 });
    sim.faults.add({ kind: 'GET /repos/{owner}/{repo}', type: 'server-error', status: 502 });

    const tooMany = (await rejection(host.findRepository(repo))) as GitHostError;
    const primary = (await rejection(host.findRepository(repo))) as GitHostError;
    const bad = (await rejection(host.findRepository(repo))) as GitHostError;

    expect([tooMany.status, tooMany.retryAfterSeconds]).toEqual([429, 7]);
    expect(primary.status).toBe(403);
    expect(primary.retryAfterSeconds).toBeGreaterThanOrEqual(118);
    expect(primary.retryAfterSeconds).toBeLessThanOrEqual(120);
    expect([bad.status, bad.retryAfterSeconds]).toEqual([502, undefined]);
    expect(await host.findRepository(repo)).toBeDefined();
  });

  it('surfaces a rate-limited GraphQL mutation as GitHostError, not StaleHeadError', async () => {
    const main = sim.branchHead(sim.getRepo(repo), 'main')!;
    sim.faults.add({
      kind: 'graphql createCommitOnBranch',
      type: 'secondary-rate-limit',
      retryAfterSeconds: 60,
    });

    const error = await rejection(
      host.commitChangeSet(repo, {
        branch: 'main',
        expectedHeadSha: main,
        headline: 'x',
        changeSet: change({ 'a.txt': 'a' }),
      }),
    );

    expect(error).not.toBeInstanceOf(StaleHeadError);
    expect((error as GitHostError).retryAfterSeconds).toBe(60);
  });

  it('talks only to the client’s base URL (GHE layout: /api/v3 and /api/graphql)', async () => {
    const main = sim.branchHead(sim.getRepo(repo), 'main')!;
    sim.requests.reset();

    await host.findRepository(repo);
    await host.commitChangeSet(repo, {
      branch: 'main',
      expectedHeadSha: main,
      headline: 'x',
      changeSet: change({ 'a.txt': 'a' }),
    });

    expect(sim.requests.records.map((r) => r.path)).toEqual(['/api/v3/repos/acme/widgets', '/api/graphql']);
  });
});
