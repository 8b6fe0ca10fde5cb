import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { SlackWebhookNotifier } from '../../../src/adapters/slack/slack-webhook-notifier.ts';

const message = {
  text: 'A PR is ready',
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'hi' } }],
};
const target = { team: '@acme/http', webhookUrl: 'https://hooks.slack.com/services/T/B/secret' };

function logger() {
  const warnings: Array<Record<string, unknown>> = [];
  return {
    warnings,
    debug: () => undefined,
    warn: (meta: object) => warnings.push(meta as Record<string, unknown>),
  };
}

describe('SlackWebhookNotifier', () => {
  it('posts the message as JSON', async () => {
    let received: unknown;
    nock('https://hooks.slack.com')
      .post('/services/T/B/secret', (body) => {
        received = body;
        return true;
      })
      .matchHeader('content-type', 'application/json')
      .reply(200, 'ok');
    await expect(new SlackWebhookNotifier(logger()).send(target, message)).resolves.toEqual({ type: 'sent' });
    expect(received).toEqual(message);
  });

  it('reports HTTP errors (retryable on 429/5xx) and logs them without the secret URL', async () => {
    const log = logger();
    const notifier = new SlackWebhookNotifier(log);
    nock('https://hooks.slack.com').post('/services/T/B/secret').reply(404, 'no_service');
    await expect(notifier.send(target, message)).resolves.toEqual({
      type: 'failed',
      reason: 'HTTP 404: no_service',
      retryable: false,
    });
    nock('https://hooks.slack.com').post('/services/T/B/secret').reply(429, 'rate_limited');
    await expect(notifier.send(target, message)).resolves.toMatchObject({ type: 'failed', retryable: true });
    expect(log.warnings).toHaveLength(2);
    expect(JSON.stringify(log.warnings)).not.toContain('secret');
  });

  it('refuses hosts other than Slack’s and plain http, without any request', async () => {
    const notifier = new SlackWebhookNotifier(logger());
    for (const webhookUrl of [
      'https://169.254.169.254/latest',
      'http://hooks.slack.com/services/x',
      'not a url',
    ]) {
      await expect(notifier.send({ team: 't', webhookUrl }, message)).resolves.toMatchObject({
        type: 'failed',
        retryable: false,
      });
    }
  });

  it('does not follow redirects', async () => {
    nock('https://hooks.slack.com')
      .post('/services/T/B/secret')
      .reply(302, '', { location: 'https://internal.example/steal' });
    await expect(new SlackWebhookNotifier(logger()).send(target, message)).resolves.toMatchObject({
      type: 'failed',
      retryable: true,
    });
  });

  it('gives up after the timeout', async () => {
    const server = createServer(() => undefined); // never answers
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const notifier = new SlackWebhookNotifier(logger(), {
        timeoutMs: 100,
        allowedHosts: ['127.0.0.1'],
        // The test server speaks http; map the https URL onto it so the host check stays real.
        fetch: (url, init) => fetch(String(url).replace('https:', 'http:'), init),
      });
      await expect(
        notifier.send({ team: 't', webhookUrl: `https://127.0.0.1:${port}/hook` }, message),
      ).resolves.toEqual({ type: 'failed', reason: 'no answer within 100 ms', retryable: true });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
