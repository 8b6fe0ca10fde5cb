import { describe, expect, it } from 'vitest';
import type { Review } from '../../../src/core/manifest/schema.ts';
import type { NotificationsConfig } from '../../../src/core/notify/notifications-config.ts';
import type { ReadyPrNotice } from '../../../src/core/notify/types.ts';
import type { Clock } from '../../../src/ports/clock.ts';
import type { NotificationTarget, ReadyPrQueue } from '../../../src/ports/notifier.ts';
import {
  handOver,
  OWNER_REVIEW_COMMENT_KEY,
  OWNER_REVIEW_LABEL,
  planReviewRequests,
  READY_LABEL,
  type HandOverInput,
} from '../../../src/workflows/hand-over.ts';
import { ReviewFakeGitHost } from './fake-git-host.ts';

const BOT = 'fleetwright-test[bot]';
const clock: Clock = { now: () => new Date('2026-11-21T10:00:00Z'), sleep: async () => undefined };

function logger() {
  const lines: Array<{ level: string; meta: object; message: string }> = [];
  return {
    lines,
    info: (meta: object, message: string) => lines.push({ level: 'info', meta, message }),
    warn: (meta: object, message: string) => lines.push({ level: 'warn', meta, message }),
  };
}

class RecordingQueue implements ReadyPrQueue {
  readonly queued: Array<{ targets: NotificationTarget[]; notice: ReadyPrNotice }> = [];
  enqueue(targets: readonly NotificationTarget[], notice: ReadyPrNotice): void {
    this.queued.push({ targets: [...targets], notice });
  }
}

const review = (over: Partial<Review> = {}): Review => ({
  ownerPreview: false,
  owners: ['platform-lead', '@acme/platform'],
  reviewers: 'codeowners',
  ...over,
});

const notificationsConfig: NotificationsConfig = {
  version: 1,
  teams: {
    '@acme/http': 'https://hooks.slack.com/services/T/B/http',
    '@acme/web': 'https://hooks.slack.com/services/T/B/web',
  },
  default: 'https://hooks.slack.com/services/T/B/default',
};

function setup(): ReviewFakeGitHost {
  const fake = new ReviewFakeGitHost();
  fake.changedFiles = [
    { path: 'src/http.js', status: 'modified' },
    { path: 'test/http.test.js', status: 'modified' },
    { path: 'package.json', status: 'modified' },
  ];
  fake.setFile(
    '.github/CODEOWNERS',
    [
      '# Default owners',
      '*            @acme/web',
      '/src/        @alice @acme/http',
      '/test/       @bob',
      '# the author and the bot own package.json: never asked',
      'package.json @fleetwright-test @carol',
    ].join('\n'),
  );
  fake.setFile('CODEOWNERS', '* @root-owner\n');
  return fake;
}

function input(fake: ReviewFakeGitHost, extra: Partial<HandOverInput> = {}): HandOverInput {
  return {
    repo: fake.repo,
    pullNumber: fake.pr.number,
    migration: {
      id: 'request-to-undici',
      title: 'Replace request with undici',
      review: review(),
      judgeCriteria: ['No remaining imports of `request`'],
    },
    botLogin: BOT,
    diffStat: { files: 3, additions: 12, deletions: 9 },
    reviewNotes: ['src/http.js:3 changes an expected value'],
    notificationsConfig,
    ...extra,
  };
}

describe('handOver', () => {
  it('marks the PR ready, requests the code owners of the changed files, swaps labels and notifies', async () => {
    const fake = setup();
    fake.pr.labels = ['fleetwright', OWNER_REVIEW_LABEL];
    const queue = new RecordingQueue();

    const outcome = await handOver(
      { gitHost: fake.host, clock, log: logger(), notifications: queue },
      input(fake),
    );

    expect(fake.pr.draft).toBe(false);
    expect(outcome).toMatchObject({
      type: 'ready',
      newlyReady: true,
      reviewersFrom: 'codeowners',
      codeownersSource: '.github/CODEOWNERS@main',
      requested: { users: ['alice', 'bob', 'carol'], teams: ['http'] },
    });
    expect(fake.reviewRequests).toEqual([{ users: ['alice', 'bob', 'carol'], teams: ['http'] }]);
    expect(fake.pr.labels).toEqual(['fleetwright', READY_LABEL]);
    expect(queue.queued).toHaveLength(1);
    expect(queue.queued[0]?.targets).toEqual([
      { team: '@acme/http', webhookUrl: 'https://hooks.slack.com/services/T/B/http' },
    ]);
    expect(queue.queued[0]?.notice).toEqual({
      repo: 'acme/shop',
      number: 7,
      title: 'Replace request with undici',
      url: 'https://github.com/acme/shop/pull/7',
      migrationId: 'request-to-undici',
      migrationTitle: 'Replace request with undici',
      diffStat: { files: 3, additions: 12, deletions: 9 },
      checklist: ['No remaining imports of `request`', 'src/http.js:3 changes an expected value'],
      readyAt: '2026-11-21T10:00:00.000Z',
    });
  });

  it('is idempotent: a second run marks, requests and notifies nothing again', async () => {
    const fake = setup();
    const queue = new RecordingQueue();
    const deps = { gitHost: fake.host, clock, log: logger(), notifications: queue };

    await handOver(deps, input(fake));
    const again = await handOver(deps, input(fake));

    expect(again).toMatchObject({ type: 'ready', newlyReady: false, requested: { users: [], teams: [] } });
    expect(fake.count('markReadyForReview')).toBe(1);
    expect(fake.count('requestReviewers')).toBe(1);
    expect(queue.queued).toHaveLength(1);
  });

  it('does not re-request reviewers GitHub already requested (automatic code-owner requests)', async () => {
    const fake = setup();
    fake.requested.users.push('Alice');
    fake.requested.teams.push('http');

    const outcome = await handOver({ gitHost: fake.host, clock, log: logger() }, input(fake));

    expect(outcome).toMatchObject({ requested: { users: ['bob', 'carol'], teams: [] } });
  });

  it('reads CODEOWNERS from the base branch only, with GitHub’s precedence', async () => {
    const fake = setup();
    fake.files.clear();
    fake.setFile('.github/CODEOWNERS', '* @head-only\n', fake.pr.headSha); // on the PR's branch: ignored
    fake.setFile('docs/CODEOWNERS', '* @docs-owner\n');
    fake.setFile('CODEOWNERS', '* @root-owner\n');

    const rootWins = await handOver({ gitHost: fake.host, clock, log: logger() }, input(fake));
    expect(rootWins).toMatchObject({
      codeownersSource: 'CODEOWNERS@main',
      requested: { users: ['root-owner'] },
    });

    const docsOnly = setup();
    docsOnly.files.clear();
    docsOnly.setFile('docs/CODEOWNERS', '* @docs-owner\n');
    expect(await handOver({ gitHost: docsOnly.host, clock, log: logger() }, input(docsOnly))).toMatchObject({
      codeownersSource: 'docs/CODEOWNERS@main',
      requested: { users: ['docs-owner'] },
    });

    const none = setup();
    none.files.clear();
    const queue = new RecordingQueue();
    const outcome = await handOver(
      { gitHost: none.host, clock, log: logger(), notifications: queue },
      input(none),
    );
    expect(outcome).toMatchObject({
      type: 'ready',
      reviewersFrom: 'none',
      requested: { users: [], teams: [] },
    });
    expect(none.count('requestReviewers')).toBe(0);
    // No owning team: the default channel hears about it.
    expect(queue.queued[0]?.targets).toEqual([
      { team: 'default', webhookUrl: 'https://hooks.slack.com/services/T/B/default' },
    ]);
  });

  it('uses the manifest’s reviewers list instead of CODEOWNERS when given', async () => {
    const fake = setup();
    const outcome = await handOver(
      { gitHost: fake.host, clock, log: logger() },
      input(fake, {
        migration: {
          ...input(fake).migration,
          review: review({ reviewers: ['dave', '@acme/platform', '@other/team'] }),
        },
      }),
    );
    expect(outcome).toMatchObject({
      type: 'ready',
      reviewersFrom: 'manifest',
      requested: { users: ['dave'], teams: ['platform'] },
      skipped: [{ owner: '@other/team', reason: 'team of another organisation than acme' }],
    });
  });

  it('owner preview: labels, names the owners in one comment, keeps the draft, requests nobody', async () => {
    const fake = setup();
    const queue = new RecordingQueue();
    const deps = { gitHost: fake.host, clock, log: logger(), notifications: queue };
    const preview = input(fake, {
      migration: { ...input(fake).migration, review: review({ ownerPreview: true }) },
    });

    const first = await handOver(deps, preview);
    const second = await handOver(deps, preview);

    expect(first).toEqual({
      type: 'owner-review',
      owners: ['platform-lead', '@acme/platform'],
      commentCreated: true,
    });
    expect(second).toMatchObject({ type: 'owner-review', commentCreated: false });
    expect(fake.pr.draft).toBe(true);
    expect(fake.pr.labels).toContain(OWNER_REVIEW_LABEL);
    expect(fake.comments.size).toBe(1);
    const comment = fake.comments.get(`7:${OWNER_REVIEW_COMMENT_KEY}`)?.body ?? '';
    expect(comment).toContain('@platform-lead, @acme/platform');
    expect(fake.count('requestReviewers') + fake.count('markReadyForReview')).toBe(0);
    expect(queue.queued).toEqual([]);

    // A migration owner approves: now it goes to the code owners.
    const released = await handOver(deps, { ...preview, ownerApproved: true });
    expect(released).toMatchObject({ type: 'ready', newlyReady: true });
    expect(fake.pr.draft).toBe(false);
    expect(fake.pr.labels).toEqual(['fleetwright', READY_LABEL]);
    expect(queue.queued).toHaveLength(1);
  });

  it('skips a closed PR', async () => {
    const fake = setup();
    fake.pr.state = 'closed';
    expect(await handOver({ gitHost: fake.host, clock, log: logger() }, input(fake))).toEqual({
      type: 'skipped',
      reason: 'pull-request-closed',
    });
    expect(fake.count('markReadyForReview')).toBe(0);
  });

  it('warns about CODEOWNERS lines GitHub ignores, and still requests the valid owners', async () => {
    const fake = setup();
    fake.files.clear();
    fake.setFile('.github/CODEOWNERS', '/src/ @alice\n!/test/ @bob\n');
    const log = logger();
    const outcome = await handOver({ gitHost: fake.host, clock, log }, input(fake));
    expect(outcome).toMatchObject({ requested: { users: ['alice'] } });
    expect(log.lines.some((l) => l.level === 'warn' && l.message.includes('CODEOWNERS'))).toBe(true);
  });
});

describe('planReviewRequests', () => {
  const context = {
    org: 'Acme',
    author: 'Octocat',
    botLogin: 'fleetwright[bot]',
    alreadyRequested: { users: [], teams: [] },
    max: 3,
  };

  it('splits users from teams of the organisation, case-insensitively', () => {
    expect(planReviewRequests(['@alice', '@acme/Web', 'bob', '@ACME/http'], { ...context, max: 10 })).toEqual(
      {
        users: ['alice', 'bob'],
        teams: ['Web', 'http'],
        skipped: [],
      },
    );
  });

  it('never asks the author, the bot, e-mail owners or other orgs’ teams, and caps the count', () => {
    const plan = planReviewRequests(
      [
        '@octocat',
        '@fleetwright',
        'fleetwright[bot]',
        'jane@example.com',
        '@evil/team',
        '@a',
        '@b',
        '@c',
        '@d',
        '@a',
      ],
      context,
    );
    expect(plan.users).toEqual(['a', 'b', 'c']);
    expect(plan.skipped).toEqual([
      { owner: '@octocat', reason: 'the PR author' },
      { owner: '@fleetwright', reason: 'the app itself' },
      { owner: 'fleetwright[bot]', reason: 'the app itself' },
      { owner: 'jane@example.com', reason: 'e-mail owners cannot be requested as reviewers' },
      { owner: '@evil/team', reason: 'team of another organisation than Acme' },
      { owner: '@d', reason: 'over the cap of 3 reviewers' },
    ]);
  });
});
