import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { SlackWebhookNotifier } from '../../../src/adapters/slack/slack-webhook-notifier.ts';
import { parseNotificationsConfig } from '../../../src/core/notify/notifications-config.ts';
import type { Clock } from '../../../src/ports/clock.ts';
import { handOver, type HandOverInput } from '../../../src/workflows/hand-over.ts';
import { loadNotificationsConfig } from '../../../src/workflows/load-review-config.ts';
import { NotificationBatcher } from '../../../src/workflows/notification-batcher.ts';
import { ReviewFakeGitHost } from './fake-git-host.ts';

const SLACK = 'https://hooks.slack.com';
const CONFIG_REPO = { owner: 'acme', repo: 'fleetwright-config' };
const CONFIG = `version: 1
teams:
  "@acme/http": ${SLACK}/services/T1/B1/http
  "@acme/web": ${SLACK}/services/T1/B2/web
`;

class ManualClock implements Clock {
  t = Date.parse('2026-11-21T09:00:00Z');
  now(): Date {
    return new Date(this.t);
  }
  async sleep(): Promise<void> {}
  advance(minutes: number): void {
    this.t += minutes * 60_000;
  }
}

function logger() {
  const lines: Array<{ level: string; meta: Record<string, unknown>; message: string }> = [];
  const push = (level: string) => (meta: object, message: string) =>
    lines.push({ level, meta: meta as Record<string, unknown>, message });
  return { lines, info: push('info'), warn: push('warn'), debug: push('debug') };
}

/** A PR in its own repo, owned by `team` through CODEOWNERS. */
function prOwnedBy(n: number, team: string): ReviewFakeGitHost {
  const fake = new ReviewFakeGitHost();
  (fake as { repo: { owner: string; repo: string } }).repo = { owner: 'acme', repo: `svc-${n}` };
  fake.pr = { ...fake.pr, number: n, htmlUrl: `https://github.com/acme/svc-${n}/pull/${n}` };
  fake.changedFiles = [{ path: 'src/http.js', status: 'modified' }];
  fake.setFile('.github/CODEOWNERS', `* ${team}\n`);
  fake.setRepoFile(CONFIG_REPO, 'notifications.yml', CONFIG);
  return fake;
}

function input(fake: ReviewFakeGitHost, config: HandOverInput['notificationsConfig']): HandOverInput {
  return {
    repo: fake.repo,
    pullNumber: fake.pr.number,
    migration: {
      id: 'request-to-undici',
      title: 'Replace request with undici',
      review: { ownerPreview: false, owners: ['lead'], reviewers: 'codeowners' },
      judgeCriteria: ['No remaining imports of `request`'],
    },
    botLogin: 'fleetwright-test[bot]',
    diffStat: { files: 1, additions: 3, deletions: 2 },
    ...(config ? { notificationsConfig: config } : {}),
  };
}

describe('ready-PR notifications end to end (hand-over → batcher → Slack webhook)', () => {
  it('sends one digest per team per hour however many PRs become ready', async () => {
    const clock = new ManualClock();
    const log = logger();
    const batcher = new NotificationBatcher({ notifier: new SlackWebhookNotifier(log), clock, log });
    const http = Array.from({ length: 30 }, (_, i) => prOwnedBy(i + 1, '@acme/http'));
    const web = Array.from({ length: 20 }, (_, i) => prOwnedBy(i + 101, '@acme/web'));
    const loaded = await loadNotificationsConfig(http[0]!.host, CONFIG_REPO, log);
    expect(loaded.type).toBe('loaded');
    const config = loaded.type === 'loaded' ? loaded.config : undefined;

    for (const fake of [...http, ...web]) {
      const outcome = await handOver(
        { gitHost: fake.host, clock, log, notifications: batcher },
        input(fake, config),
      );
      expect(outcome.type).toBe('ready');
      clock.advance(0.05);
    }
    // Nothing before the gathering delay: a fan-out burst lands in one message.
    expect((await batcher.flushDue()).sent).toEqual([]);

    const posts: Array<{ path: string; body: { text: string; blocks: Array<{ text?: { text: string } }> } }> =
      [];
    nock(SLACK)
      .post(/\/services\/.*/, (body) => {
        posts.push({ path: '', body: body as never });
        return true;
      })
      .times(2)
      .reply(200, 'ok');
    clock.advance(5);
    const flushed = await batcher.flushDue();
    expect(flushed.sent.map((s) => [s.team, s.prs.length])).toEqual([
      ['@acme/http', 30],
      ['@acme/web', 20],
    ]);
    expect(posts).toHaveLength(2);
    const httpMessage = posts.find((p) => p.body.text.includes('@acme/http'))?.body;
    expect(httpMessage?.text).toContain('30 fleetwright PRs are ready for review by @acme/http');
    expect(httpMessage?.blocks[1]?.text?.text).toContain(
      '<https://github.com/acme/svc-1/pull/1|acme/svc-1#1>',
    );
    expect(httpMessage?.blocks[1]?.text?.text).toContain('What changed: 1 file changed, +3 −2');
    expect(httpMessage?.blocks[1]?.text?.text).toContain('No remaining imports of `request`');

    // More PRs within the hour wait for the next window.
    const late = prOwnedBy(200, '@acme/http');
    await handOver({ gitHost: late.host, clock, log, notifications: batcher }, input(late, config));
    clock.advance(30);
    expect((await batcher.flushDue()).sent).toEqual([]);
    nock(SLACK).post('/services/T1/B1/http').reply(200, 'ok');
    clock.advance(30);
    expect((await batcher.flushDue()).sent).toEqual([{ team: '@acme/http', prs: ['acme/svc-200#200'] }]);
  });

  it('a failing webhook is logged, retried later, and never blocks the hand-over', async () => {
    const clock = new ManualClock();
    const log = logger();
    const batcher = new NotificationBatcher({
      notifier: new SlackWebhookNotifier(log, { timeoutMs: 2000 }),
      clock,
      log,
      maxAttempts: 2,
    });
    const config = parseNotificationsConfig(CONFIG);
    if (!config.ok) throw new Error('fixture');
    const fake = prOwnedBy(1, '@acme/http');

    const outcome = await handOver(
      { gitHost: fake.host, clock, log, notifications: batcher },
      input(fake, config.config),
    );
    expect(outcome).toMatchObject({ type: 'ready', notifiedTeams: ['@acme/http'] });
    expect(fake.pr.draft).toBe(false);

    nock(SLACK).post('/services/T1/B1/http').reply(500, 'internal_error');
    clock.advance(5);
    const failed = await batcher.flushDue();
    expect(failed.failed).toEqual([
      { team: '@acme/http', prs: ['acme/svc-1#1'], reason: 'HTTP 500: internal_error', dropped: false },
    ]);
    const warning = log.lines.find((l) => l.message === 'Slack notification failed');
    expect(warning?.meta).toMatchObject({ team: '@acme/http', host: 'hooks.slack.com' });
    expect(JSON.stringify(log.lines)).not.toContain('/services/T1/B1/http'); // the URL is a secret

    nock(SLACK).post('/services/T1/B1/http').reply(503, 'service_unavailable');
    clock.advance(60);
    expect((await batcher.flushDue()).failed[0]).toMatchObject({ dropped: true });
    clock.advance(120);
    expect(await batcher.flushDue()).toEqual({ sent: [], failed: [] });
    expect(batcher.pending()).toEqual({});
  });

  it('an invalid notifications.yml is reported with locations and means no notification', async () => {
    const fake = prOwnedBy(1, '@acme/http');
    fake.setRepoFile(
      CONFIG_REPO,
      'notifications.yml',
      'version: 1\nteams:\n  payments: https://hooks.slack.com/x\n',
    );
    const log = logger();
    const loaded = await loadNotificationsConfig(fake.host, CONFIG_REPO, log);
    expect(loaded).toEqual({
      type: 'invalid',
      errors: [
        "notifications.yml:3:3: error: invalid team 'payments': expected a team as written in CODEOWNERS, such as `@acme/payments`",
      ],
    });
    expect(log.lines[0]?.level).toBe('warn');

    const missing = new ReviewFakeGitHost();
    expect(await loadNotificationsConfig(missing.host, CONFIG_REPO, log)).toEqual({ type: 'missing' });
  });
});

describe('NotificationBatcher', () => {
  it('shares one flush between concurrent callers, so nothing is sent twice', async () => {
    const clock = new ManualClock();
    const sent: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const batcher = new NotificationBatcher({
      notifier: {
        send: async (target) => {
          await gate;
          sent.push(target.team);
          return { type: 'sent' };
        },
      },
      clock,
      log: { info: () => undefined, warn: () => undefined },
    });
    const notice = {
      repo: 'acme/a',
      number: 1,
      title: 't',
      url: 'https://github.com/acme/a/pull/1',
      migrationId: 'm',
      migrationTitle: 'M',
      diffStat: { files: 1, additions: 1, deletions: 0 },
      checklist: [],
      readyAt: clock.now().toISOString(),
    };
    batcher.enqueue([{ team: '@acme/a', webhookUrl: `${SLACK}/services/a` }], notice);
    batcher.enqueue([{ team: '@acme/a', webhookUrl: `${SLACK}/services/a` }], notice);
    expect(batcher.pending()).toEqual({ '@acme/a': ['acme/a#1'] });
    expect(batcher.nextDueAt()?.toISOString()).toBe('2026-11-21T09:05:00.000Z');
    clock.advance(5);
    const a = batcher.flushDue();
    const b = batcher.flushDue();
    release();
    expect(await a).toEqual(await b);
    expect(sent).toEqual(['@acme/a']);
    expect(batcher.nextDueAt()).toBeUndefined();
  });
});
