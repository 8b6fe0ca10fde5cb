import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhooks } from '@octokit/webhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitHubSim, simOctokit, type WebhookEvent } from './index.ts';
import { readTarball } from './read-tarball.ts';

const repo = { owner: 'acme', repo: 'app' };
let sim: GitHubSim;

beforeEach(async () => {
  sim = await new GitHubSim().start();
  sim.createRepo({ owner: 'acme', name: 'app', files: { 'README.md': 'hello\n', 'src/a.ts': 'a\n' } });
});

afterEach(async () => {
  await sim.stop();
});

/** An HTTP receiver that verifies signatures like Probot's middleware does. */
async function receiver(secret: string): Promise<{
  url: string;
  received: { event: string; id: string; valid: boolean; payload: Record<string, unknown> }[];
  close: () => Promise<void>;
}> {
  const webhooks = new Webhooks({ secret });
  const received: { event: string; id: string; valid: boolean; payload: Record<string, unknown> }[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      void webhooks.verify(body, String(req.headers['x-hub-signature-256'])).then((valid) => {
        received.push({
          event: String(req.headers['x-github-event']),
          id: String(req.headers['x-github-delivery']),
          valid,
          payload: JSON.parse(body) as Record<string, unknown>,
        });
        res.writeHead(valid ? 200 : 401).end();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('test/sim git model', () => {
  it('hashes objects exactly like git', () => {
    const stored = sim.getRepo(repo);

    expect(stored.git.putBlob('hello\n')).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
    expect(stored.git.hashTree(new Map(), '')).toBe('4b825dc642cb6eb9a060e54bf8d69288fbee4904');
    // `git mktree` of a single `hello\n` file named a.txt
    expect(
      stored.git.putTree(
        new Map([['a.txt', { sha: 'ce013625030ba8dba906f756967f9e9ca394464a', mode: '100644' as const }]]),
      ),
    ).toBe('2e81171448eb9f2ee3821e3d447aa6b2fe3ddba1');
  });

  it('compares diverged branches against their merge base', async () => {
    const octokit = simOctokit(sim);
    const fork = sim.branchHead(sim.getRepo(repo), 'main')!;
    const feature = sim.commit(repo, { branch: 'feature/x', parents: [fork], files: { 'src/b.ts': 'b\n' } });
    sim.commit(repo, { branch: 'main', files: { 'README.md': 'changed\n' } });

    const { data } = await octokit.rest.repos.compareCommitsWithBasehead({
      ...repo,
      basehead: 'main...feature/x',
    });
    const identical = await octokit.rest.repos.compareCommitsWithBasehead({
      ...repo,
      basehead: `${feature}...${feature}`,
    });
    const behind = await octokit.rest.repos.compareCommitsWithBasehead({
      ...repo,
      basehead: `main...${fork}`,
    });

    expect(data).toMatchObject({ status: 'diverged', ahead_by: 1, behind_by: 1, total_commits: 1 });
    expect(data.merge_base_commit.sha).toBe(fork);
    expect(data.commits.map((c) => c.sha)).toEqual([feature]);
    expect(data.files?.map((f) => [f.filename, f.status])).toEqual([['src/b.ts', 'added']]);
    expect(identical.data.status).toBe('identical');
    expect(behind.data).toMatchObject({ status: 'behind', ahead_by: 0, behind_by: 1 });
  });

  it('serves refs with percent-encoded or raw slashes, and fast-forward/force semantics', async () => {
    const octokit = simOctokit(sim);
    const main = sim.branchHead(sim.getRepo(repo), 'main')!;
    const side = sim.commit(repo, { branch: 'side', parents: [main], files: { x: 'x' } });
    await octokit.rest.git.createRef({ ...repo, ref: 'refs/heads/a/b/c', sha: main });

    const encoded = await octokit.rest.git.getRef({ ...repo, ref: 'heads/a/b/c' });
    const raw = await fetch(`${sim.apiUrl}/repos/acme/app/git/ref/heads/a/b/c`, {
      headers: { authorization: 'token test' },
    });
    await octokit.rest.git.updateRef({ ...repo, ref: 'heads/a/b/c', sha: side });
    const rewind = await octokit.rest.git
      .updateRef({ ...repo, ref: 'heads/a/b/c', sha: main })
      .catch((e: { status: number; message: string }) => e);
    await octokit.rest.git.updateRef({ ...repo, ref: 'heads/a/b/c', sha: main, force: true });

    expect(encoded.data.object.sha).toBe(main);
    expect(((await raw.json()) as { object: { sha: string } }).object.sha).toBe(main);
    expect(rewind).toMatchObject({ status: 422, message: expect.stringContaining('not a fast forward') });
    expect(sim.branches(repo)['a/b/c']).toBe(main);
    const pushes = sim.deliveries.filter((d) => d.event === 'push' && d.payload.ref === 'refs/heads/a/b/c');
    expect(pushes.map((d) => [d.payload.created, d.payload.forced])).toEqual([
      [true, false],
      [false, false],
      [false, true],
    ]);
  });

  it('redirects tarball requests to a gzipped tar with the owner-repo-sha top directory', async () => {
    sim.commit(repo, {
      files: {
        'bin/run': { content: '#!/bin/sh\necho hi\n', mode: '100755' },
        link: { content: 'README.md', mode: '120000' },
        [`${'deep/'.repeat(40)}f.txt`]: 'deep\n',
      },
    });
    const sha = sim.branchHead(sim.getRepo(repo), 'main')!;

    const redirect = await fetch(`${sim.apiUrl}/repos/acme/app/tarball/main`, {
      headers: { authorization: 'token test' },
      redirect: 'manual',
    });
    const location = redirect.headers.get('location')!;
    const archive = await fetch(location);
    const entries = await readTarball(new Uint8Array(await archive.arrayBuffer()));

    expect(redirect.status).toBe(302);
    expect(archive.headers.get('content-type')).toBe('application/x-gzip');
    const top = `acme-app-${sha.slice(0, 7)}/`;
    expect(entries.get(`${top}README.md`)).toEqual({ type: 'File', content: 'hello\n' });
    expect(entries.get(`${top}bin/run`)?.content).toBe('#!/bin/sh\necho hi\n');
    expect(entries.get(`${top}link`)).toMatchObject({ type: 'SymbolicLink', linkpath: 'README.md' });
    expect(entries.get(`${top}${'deep/'.repeat(40)}f.txt`)?.content).toBe('deep\n');
  });
});

describe('test/sim REST behaviour', () => {
  it('paginates with Link headers', async () => {
    for (let i = 0; i < 45; i++) sim.createRepo({ owner: 'acme', name: `r${i}` });
    const octokit = simOctokit(sim);

    const first = await octokit.rest.apps.listReposAccessibleToInstallation({ per_page: 20 });
    const all = await octokit.paginate(octokit.rest.apps.listReposAccessibleToInstallation, { per_page: 20 });

    expect(first.headers.link).toContain('rel="next"');
    expect(first.headers.link).toContain('page=3>; rel="last"');
    expect(all).toHaveLength(46);
  });

  it('refuses app JWTs on repository routes and requests without credentials', async () => {
    const jwt = await fetch(`${sim.apiUrl}/repos/acme/app`, { headers: { authorization: 'bearer a.b.c' } });
    const none = await fetch(`${sim.apiUrl}/repos/acme/app`);

    expect(jwt.status).toBe(401);
    expect(none.status).toBe(401);
  });

  it('returns raw file contents as text with the raw media type', async () => {
    const response = await fetch(`${sim.apiUrl}/repos/acme/app/contents/src%2Fa.ts`, {
      headers: { authorization: 'token test', accept: 'application/vnd.github.raw+json' },
    });

    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await response.text()).toBe('a\n');
  });

  it('rejects writes to archived repositories', async () => {
    sim.createRepo({ owner: 'acme', name: 'old', archived: true });
    const octokit = simOctokit(sim);

    const error = await octokit.rest.issues
      .create({ owner: 'acme', repo: 'old', title: 'x' })
      .catch((e: { status: number; message: string }) => e);

    expect(error).toMatchObject({ status: 403, message: expect.stringContaining('archived') });
  });

  it('injects faults for the next N matching requests, counted like real requests', async () => {
    const octokit = simOctokit(sim);
    const fault = sim.faults.add({
      kind: /^GET \/repos\/\{owner\}\/\{repo\}$/,
      type: 'server-error',
      status: 503,
      times: 2,
    });

    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      statuses.push(
        await octokit.rest.repos.get(repo).then(
          (r) => r.status,
          (e: { status: number }) => e.status,
        ),
      );
    }

    expect(statuses).toEqual([503, 503, 200]);
    expect(fault.hits()).toBe(2);
    expect(sim.requests.records.map((r) => r.status)).toEqual([503, 503, 200]);
  });

  it('lets `after` matching requests through before a fault starts (a crash mid-sequence)', async () => {
    const octokit = simOctokit(sim);
    sim.faults.add({ kind: 'GET /repos/{owner}/{repo}', type: 'server-error', after: 1, times: 1 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push(
        await octokit.rest.repos.get(repo).then(
          (r) => r.status,
          (e: { status: number }) => e.status,
        ),
      );
    expect(statuses).toEqual([200, 502, 200]);
  });

  it('logs ref updates (forced or not, by the app or a person) and refused stale writes', async () => {
    const octokit = simOctokit(sim);
    const main = sim.branchHead(sim.getRepo(repo), 'main')!;
    await octokit.rest.git.createRef({ ...repo, ref: 'refs/heads/b', sha: main });
    const mine = sim.commit(repo, {
      branch: 'b',
      files: { 'x.txt': 'x' },
      by: 'alice',
      author: 'fleetwright[bot]',
    });
    expect(sim.commitInfo(repo, mine)).toMatchObject({ authorLogin: 'fleetwright[bot]', verified: false });
    sim.pushRef(repo, 'b', main, 'alice');
    const error = await octokit
      .graphql(
        'mutation C($input: CreateCommitOnBranchInput!) { createCommitOnBranch(input: $input) { commit { oid } } }',
        {
          input: {
            branch: { repositoryNameWithOwner: 'acme/app', branchName: 'b' },
            expectedHeadOid: mine,
            message: { headline: 'h' },
            fileChanges: { additions: [{ path: 'y', contents: Buffer.from('y').toString('base64') }] },
          },
        },
      )
      .catch((e: Error) => e);
    expect(String(error)).toContain('Expected branch to point to');
    expect(sim.refUpdates.map((u) => [u.ref, u.before, u.after, u.forced, u.actor, u.viaApp])).toEqual([
      ['refs/heads/b', undefined, main, false, 'fleetwright[bot]', true],
      ['refs/heads/b', main, mine, false, 'alice', false],
      ['refs/heads/b', mine, main, true, 'alice', false],
    ]);
    expect(sim.staleWrites).toEqual([
      { repo: 'acme/app', ref: 'refs/heads/b', expected: mine, actual: main, via: 'createCommitOnBranch' },
    ]);
  });

  it('classifies requests: REST vs GraphQL, writes, content-creating', async () => {
    const octokit = simOctokit(sim);
    const main = sim.branchHead(sim.getRepo(repo), 'main')!;

    await octokit.rest.repos.get(repo);
    await octokit.rest.git.createRef({ ...repo, ref: 'refs/heads/b', sha: main });
    await octokit.graphql(
      'query Q($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { id } }',
      { owner: 'acme', name: 'app' },
    );
    await octokit.graphql(
      'mutation C($input: CreateCommitOnBranchInput!) { createCommitOnBranch(input: $input) { commit { oid } } }',
      {
        input: {
          branch: { repositoryNameWithOwner: 'acme/app', branchName: 'b' },
          expectedHeadOid: main,
          message: { headline: 'h' },
          fileChanges: { additions: [{ path: 'n.txt', contents: 'bg==' }] },
        },
      },
    );

    expect(sim.requests.summary()).toEqual({ total: 4, rest: 2, graphql: 2, writes: 2, contentCreating: 2 });
    expect(sim.requests.byKind()).toEqual({
      'GET /repos/{owner}/{repo}': 1,
      'POST /repos/{owner}/{repo}/git/refs': 1,
      'graphql createCommitOnBranch': 1,
      'graphql repository': 1,
    });
  });
});

describe('test/sim GraphQL', () => {
  const mutation =
    'mutation C($input: CreateCommitOnBranchInput!) { createCommitOnBranch(input: $input) { commit { oid } } }';

  async function post(
    query: string,
    variables: unknown,
  ): Promise<{ data?: Record<string, unknown>; errors?: { type?: string; message: string }[] }> {
    const response = await fetch(`${sim.baseUrl}/api/graphql`, {
      method: 'POST',
      headers: { authorization: 'token test', 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as {
      data?: Record<string, unknown>;
      errors?: { type?: string; message: string }[];
    };
  }

  it('rejects non-strict base64 before executing, like variable coercion', async () => {
    const main = sim.branchHead(sim.getRepo(repo), 'main')!;

    const result = await post(mutation, {
      input: {
        branch: { repositoryNameWithOwner: 'acme/app', branchName: 'main' },
        expectedHeadOid: main,
        message: { headline: 'h' },
        fileChanges: { additions: [{ path: 'a', contents: 'abc' }] },
      },
    });

    expect(result.data).toBeUndefined();
    expect(result.errors?.[0]?.message).toContain('Base64String');
    expect(sim.branchHead(sim.getRepo(repo), 'main')).toBe(main);
  });

  it('refuses duplicate paths and unknown fields', async () => {
    const main = sim.branchHead(sim.getRepo(repo), 'main')!;

    const duplicate = await post(mutation, {
      input: {
        branch: { repositoryNameWithOwner: 'acme/app', branchName: 'main' },
        expectedHeadOid: main,
        message: { headline: 'h' },
        fileChanges: {
          additions: [{ path: 'src/a.ts', contents: 'YQ==' }],
          deletions: [{ path: 'src/a.ts' }],
        },
      },
    });
    const unknown = await post('query { viewer { login } }', {});

    expect(duplicate).toMatchObject({
      data: { createCommitOnBranch: null },
      errors: [{ type: 'UNPROCESSABLE' }],
    });
    expect(unknown.errors?.[0]?.message).toBe("Field 'viewer' doesn't exist on type 'Query'");
  });
});

describe('test/sim webhooks', () => {
  it('signs deliveries so @octokit/webhooks verifies them, with GitHub-shaped payloads', async () => {
    const hook = await receiver(sim.webhookSecret);
    sim.deliverTo(hook.url);

    sim.commit(repo, { files: { 'c.txt': 'c' }, by: 'alice' });
    await sim.settle();
    await hook.close();

    expect(hook.received).toHaveLength(1);
    const [push] = hook.received;
    expect(push).toMatchObject({ event: 'push', valid: true });
    expect(push!.id).toBe(sim.deliveries.at(-1)!.id);
    expect(push!.payload).toMatchObject({
      ref: 'refs/heads/main',
      repository: { full_name: 'acme/app', default_branch: 'main', owner: { login: 'acme' } },
      sender: { login: 'alice', type: 'User' },
      installation: { id: sim.getRepo(repo).installationId },
      head_commit: { added: ['c.txt'], author: { username: 'alice' } },
    });
  });

  it('delivers every event twice with the same id in duplicate mode', async () => {
    const events: WebhookEvent[] = [];
    sim.deliverTo((event) => {
      events.push(event);
    });
    sim.configureDeliveries({ duplicate: true });

    sim.commit(repo, { files: { 'c.txt': 'c' } });
    sim.commit(repo, { files: { 'd.txt': 'd' } });
    await sim.settle();

    expect(events).toHaveLength(4);
    const ids = events.map((e) => e.id);
    expect(new Set(ids).size).toBe(2);
    // The copy arrives after the original, not necessarily right after it.
    expect(ids.indexOf(ids[0]!, 1)).toBeGreaterThan(0);
  });

  it('shuffles bursts in reordered mode and keeps every event', async () => {
    const events: WebhookEvent[] = [];
    sim.deliverTo((event) => {
      events.push(event);
    });
    sim.configureDeliveries({ mode: 'reordered', seed: 7 });

    for (let i = 0; i < 12; i++) sim.commit(repo, { files: { [`f${i}`]: String(i) }, message: `m${i}` });
    await sim.settle();

    const messages = events.map((e) => (e.payload.head_commit as { message: string }).message);
    expect([...messages].sort()).toEqual(Array.from({ length: 12 }, (_, i) => `m${i}`).sort());
    expect(messages).not.toEqual(Array.from({ length: 12 }, (_, i) => `m${i}`));
  });

  it('holds deliveries until released, in the order asked for, and can drop them', async () => {
    const events: string[] = [];
    sim.deliverTo((event) => {
      events.push((event.payload.head_commit as { message: string }).message);
    });
    sim.configureDeliveries({ mode: 'held' });

    sim.commit(repo, { files: { a: '1' }, message: 'first' });
    sim.commit(repo, { files: { a: '2' }, message: 'second' });
    sim.commit(repo, { files: { a: '3' }, message: 'third' });
    await sim.settle();
    expect(events).toEqual([]);
    expect(sim.webhooks.heldCount()).toBe(3);

    sim.webhooks.drop((d) => (d.payload.head_commit as { message: string }).message === 'second');
    sim.webhooks.release({ order: 'reverse' });
    await sim.settle();

    expect(events).toEqual(['third', 'first']);
    expect(sim.deliveries.filter((d) => d.event === 'push').map((d) => d.state)).toEqual([
      'delivered',
      'dropped',
      'delivered',
    ]);
  });

  it('delays deliveries, and settle() waits for them', async () => {
    const events: string[] = [];
    sim.deliverTo((event) => {
      events.push(event.name);
    });
    sim.configureDeliveries({ mode: 'delayed', delayMs: 30 });

    sim.commit(repo, { files: { a: '1' } });
    expect(events).toEqual([]);
    await sim.settle();

    expect(events).toEqual(['push']);
  });

  it('announces PR lifecycle changes with the right sender', async () => {
    const octokit = simOctokit(sim);
    const main = sim.branchHead(sim.getRepo(repo), 'main')!;
    sim.commit(repo, { branch: 'fw/x', parents: [main], files: { x: '1' } });
    const { data: pr } = await octokit.rest.pulls.create({
      ...repo,
      head: 'fw/x',
      base: 'main',
      title: 't',
      draft: true,
    });
    sim.commit(repo, { branch: 'fw/x', files: { x: '2' }, by: 'alice' });
    sim.pushRef(repo, 'fw/x', undefined, 'alice');

    const prEvents = sim.deliveries
      .filter((d) => d.event === 'pull_request')
      .map((d) => [d.action, (d.payload.sender as { login: string; type: string }).type]);
    expect(prEvents).toEqual([
      ['opened', 'Bot'],
      ['synchronize', 'User'],
      ['closed', 'User'],
    ]);
    expect(sim.pullRequests(repo)[0]).toMatchObject({
      number: pr.number,
      state: 'closed',
      merged: false,
      draft: true,
    });
  });
});

describe('test/sim scripted CI', () => {
  it('turns a push into workflow runs, check runs, statuses and the report, with completion webhooks', async () => {
    sim.setCi((ctx) => ({
      workflows: [
        {
          name: 'CI',
          jobs: [
            {
              name: 'test',
              conclusion: ctx.readFile('src/a.ts') === 'fixed\n' ? 'success' : 'failure',
              log: 'log text',
            },
          ],
        },
      ],
      statuses: [{ context: 'legacy', state: 'success' }],
    }));

    const red = sim.commit(repo, { files: { 'src/a.ts': 'broken\n' } });
    const green = sim.commit(repo, { files: { 'src/a.ts': 'fixed\n' } });
    await sim.settle();

    const completed = (sha: string) =>
      sim.deliveries
        .filter((d) => ['check_suite', 'workflow_run'].includes(d.event) && d.action === 'completed')
        .filter(
          (d) => ((d.payload.check_suite ?? d.payload.workflow_run) as { head_sha: string }).head_sha === sha,
        )
        .map((d) => [
          d.event,
          ((d.payload.check_suite ?? d.payload.workflow_run) as { conclusion: string }).conclusion,
        ]);
    expect(completed(red)).toEqual([
      ['check_suite', 'failure'],
      ['workflow_run', 'failure'],
    ]);
    expect(completed(green)).toEqual([
      ['check_suite', 'success'],
      ['workflow_run', 'success'],
    ]);
    expect(sim.deliveries.filter((d) => d.event === 'status').map((d) => d.payload.state)).toEqual([
      'pending',
      'success',
      'pending',
      'success',
    ]);
    expect(sim.ci.history.map((h) => h.trigger)).toEqual(['push', 'push']);
  });

  it('holds CI until the test completes it', async () => {
    sim.setCi(() => ({
      workflows: [{ name: 'CI', jobs: [{ name: 'test', conclusion: 'success' }] }],
      hold: true,
    }));
    const sha = sim.commit(repo, { files: { x: 'x' } });
    await sim.settle();

    expect(sim.checkRuns(repo, sha).map((r) => r.status)).toEqual(['in_progress']);
    expect(sim.ci.heldRuns()).toEqual([`acme/app@${sha}`]);

    sim.ci.complete(repo, sha);
    expect(sim.checkRuns(repo, sha).map((r) => [r.status, r.conclusion])).toEqual([['completed', 'success']]);
  });

  it('runs CI once per SHA even when both push and pull_request fire', async () => {
    const octokit = simOctokit(sim);
    sim.setCi(() => ({ checkRuns: [{ name: 'ext', conclusion: 'success' }] }));
    const main = sim.branchHead(sim.getRepo(repo), 'main')!;
    const head = sim.commit(repo, { branch: 'fw/y', parents: [main], files: { y: '1' } });
    await octokit.rest.pulls.create({ ...repo, head: 'fw/y', base: 'main', title: 't' });
    await sim.settle();

    expect(sim.ci.history.filter((h) => h.sha === head)).toHaveLength(1);
    expect(sim.checkRuns(repo, head)).toHaveLength(1);
  });

  it('runs pull_request-only CI when a PR opens or is synchronized, and reports conflicts to the script', async () => {
    const octokit = simOctokit(sim);
    const seen: [string, string, boolean][] = [];
    sim.setCi(
      (ctx) => {
        seen.push([ctx.trigger, ctx.sha, ctx.conflicting]);
        // GitHub runs no pull_request workflow while the PR conflicts with its base.
        return ctx.conflicting ? undefined : { checkRuns: [{ name: 'ci', conclusion: 'success' }] };
      },
      { on: ['pull_request'] },
    );
    const main = sim.branchHead(sim.getRepo(repo), 'main')!;
    const first = sim.commit(repo, {
      branch: 'fw/z',
      parents: [main],
      files: { 'README.md': 'from the PR\n' },
    });
    await sim.settle();
    expect(seen).toEqual([]);

    const pr = sim.openPullRequest(repo, { head: 'fw/z', title: 'PR' }, 'alice');
    await sim.settle();
    sim.commit(repo, { branch: 'main', files: { 'README.md': 'from main\n' }, by: 'bob' });
    const second = sim.commit(repo, { branch: 'fw/z', files: { 'other.txt': 'x' } });
    await sim.settle();

    expect(seen).toEqual([
      ['pull_request', first, false],
      ['pull_request', second, true],
    ]);
    expect(sim.checkRuns(repo, second)).toEqual([]);
    const { data } = await octokit.rest.pulls.get({ ...repo, pull_number: pr.number });
    expect(data).toMatchObject({ mergeable: false, mergeable_state: 'dirty' });
  });
});
