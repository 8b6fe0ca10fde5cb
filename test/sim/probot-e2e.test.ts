/**
 * End-to-end smoke test: a real Probot configured like production (APP_ID, PRIVATE_KEY,
 * WEBHOOK_SECRET, GHE_HOST + GHE_PROTOCOL=http) behind `createNodeMiddleware`, receiving a
 * signed webhook from the simulator over HTTP, exchanging its app JWT for an installation
 * token, and answering through OctokitGitHost.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNodeMiddleware, createProbot, ProbotOctokit, type Probot } from 'probot';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OctokitGitHost } from '../../src/adapters/github/octokit-git-host.ts';
import { GitHubSim } from './index.ts';

const repo = { owner: 'acme', repo: 'app' };
let sim: GitHubSim;
let server: Server;

function commandBot(appId: number) {
  return (app: Probot) => {
    app.on('issue_comment.created', async (context) => {
      if (context.isBot || !context.payload.comment.body.startsWith('/migrate')) return;
      const host = new OctokitGitHost(context.octokit, context.log, { appId, appSlug: 'fleetwright' });
      const ref = { owner: context.payload.repository.owner.login, repo: context.payload.repository.name };
      await host.addReaction(ref, context.payload.comment.id, 'eyes');
      const permission = await host.getPermission(ref, context.payload.comment.user?.login ?? 'ghost');
      await host.ensureComment(ref, context.payload.issue.number, 'command-reply', `Seen: ${permission}`);
    });
  };
}

beforeEach(async () => {
  sim = await new GitHubSim({ appId: 4242, appSlug: 'fleetwright', webhookSecret: 'e2e-secret' }).start();
  sim.createRepo({ owner: 'acme', name: 'app', collaborators: { alice: 'maintain' } });
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const probot = createProbot({
    env: {
      APP_ID: '4242',
      PRIVATE_KEY: privateKey,
      WEBHOOK_SECRET: 'e2e-secret',
      GHE_HOST: sim.host,
      GHE_PROTOCOL: 'http',
      LOG_LEVEL: 'silent',
    },
    overrides: {
      Octokit: ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }),
    },
  });
  const middleware = await createNodeMiddleware(commandBot(4242), { probot });
  server = createServer((req, res) => {
    void middleware(req, res, () => {
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sim.deliverTo(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`);
});

afterEach(async () => {
  await sim.stop();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('test/sim end-to-end with Probot', () => {
  it('delivers a signed webhook to Probot, which answers through the adapter with an installation token', async () => {
    const issue = sim.createIssue(sim.getRepo(repo), { title: 'Migration PR' }, sim.human('alice'));
    const command = sim.addComment(repo, issue.number, '/migrate retry', 'alice');

    await sim.settle();

    const comments = sim.comments(repo, issue.number);
    expect(comments).toEqual([
      { id: command.id, body: '/migrate retry', author: 'alice', reactions: ['eyes'] },
      {
        id: expect.any(Number),
        body: '<!-- fleetwright:key command-reply -->\nSeen: maintain',
        author: 'fleetwright[bot]',
        reactions: [],
      },
    ]);
    const comment = sim.deliveries.find(
      (d) =>
        d.event === 'issue_comment' &&
        d.payload.comment &&
        (d.payload.comment as { id: number }).id === command.id,
    )!;
    expect(comment.attempts.map((a) => a.status)).toEqual([200]);
    // The bot's own reply comes back as a webhook; the app must ignore it (no second reply).
    expect(sim.deliveries.filter((d) => d.event === 'issue_comment')).toHaveLength(2);
    expect(sim.requests.byKind()).toMatchObject({
      'POST /app/installations/{installation_id}/access_tokens': 1,
      'POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions': 1,
      'GET /repos/{owner}/{repo}/collaborators/{username}/permission': 1,
      'POST /repos/{owner}/{repo}/issues/{issue_number}/comments': 1,
    });
    expect(
      sim.requests.records
        .filter((r) => r.kind.includes('/repos/'))
        .every((r) => r.installationId === sim.getRepo(repo).installationId),
    ).toBe(true);
  });

  it('rejects a delivery whose signature does not match the app’s secret', async () => {
    const forged = await fetch(
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'issue_comment',
          'x-github-delivery': 'forged-1',
          'x-hub-signature-256': 'sha256=' + '0'.repeat(64),
        },
        body: JSON.stringify({ action: 'created' }),
      },
    );

    expect(forged.status).toBe(400);
    expect(sim.requests.summary().total).toBe(0);
  });
});
