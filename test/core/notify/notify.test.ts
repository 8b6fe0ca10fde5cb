import { describe, expect, it } from 'vitest';
import {
  addNotice,
  isDue,
  nextDueAt,
  takeDueBatches,
  type BatchState,
} from '../../../src/core/notify/batch.ts';
import {
  parseNotificationsConfig,
  resolveNotificationTeams,
} from '../../../src/core/notify/notifications-config.ts';
import { escapeSlack, renderReadyPrDigest } from '../../../src/core/notify/render-notification.ts';
import type { ReadyPrNotice } from '../../../src/core/notify/types.ts';

const MIN = 60_000;
const notice = (n: number, over: Partial<ReadyPrNotice> = {}): ReadyPrNotice => ({
  repo: `acme/svc-${n}`,
  number: n,
  title: `Replace request with undici (${n})`,
  url: `https://github.com/acme/svc-${n}/pull/${n}`,
  migrationId: 'request-to-undici',
  migrationTitle: 'Replace request with undici',
  diffStat: { files: 2, additions: 10, deletions: 4 },
  checklist: ['No remaining imports of `request`'],
  readyAt: `2026-11-21T10:${String(n % 60).padStart(2, '0')}:00.000Z`,
  ...over,
});

describe('core/notify batching', () => {
  it('gathers a burst, then sends at most once per interval per team', () => {
    let state: BatchState = {};
    state = addNotice(state, '@acme/http', notice(1), 0);
    state = addNotice(state, '@acme/http', notice(2), 1 * MIN);
    state = addNotice(state, '@acme/web', notice(3), 2 * MIN);
    expect(takeDueBatches(state, 4 * MIN).due).toEqual([]);
    expect(nextDueAt(state)).toBe(5 * MIN);

    const first = takeDueBatches(state, 5 * MIN);
    expect(first.due.map((d) => [d.team, d.notices.map((x) => x.number)])).toEqual([['@acme/http', [1, 2]]]);
    const second = takeDueBatches(first.state, 7 * MIN);
    expect(second.due.map((d) => d.team)).toEqual(['@acme/web']);

    let later = addNotice(second.state, '@acme/http', notice(4), 10 * MIN);
    expect(takeDueBatches(later, 64 * MIN).due).toEqual([]);
    expect(nextDueAt(later)).toBe(65 * MIN);
    const third = takeDueBatches(later, 65 * MIN);
    expect(third.due[0]?.notices.map((x) => x.number)).toEqual([4]);
    later = third.state;
    expect(isDue(later['@acme/http']!, 500 * MIN)).toBe(false);
  });

  it('announces a PR once while it is pending, keeping the newest details', () => {
    let state: BatchState = {};
    state = addNotice(state, 't', notice(1), 0);
    state = addNotice(state, 't', notice(1, { title: 'renamed' }), MIN);
    expect(state.t?.pending.map((n) => n.title)).toEqual(['renamed']);
    expect(state.t?.firstPendingAt).toBe(0);
  });
});

describe('core/notify rendering', () => {
  it('renders one entry per PR with repo, migration, link, diff stat and checklist', () => {
    const message = renderReadyPrDigest('@acme/http', [notice(1)]);
    expect(message.text).toBe('A fleetwright PR is ready for review by @acme/http: acme/svc-1#1');
    expect(message.blocks[1]).toEqual({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: [
          '*<https://github.com/acme/svc-1/pull/1|acme/svc-1#1>* — Replace request with undici (1)',
          'Migration: Replace request with undici (`request-to-undici`)',
          'What changed: 2 files changed, +10 −4',
          'Please check:',
          '• No remaining imports of `request`',
        ].join('\n'),
      },
    });
  });

  it('is deterministic and bounded for large digests', () => {
    const many = Array.from({ length: 60 }, (_, i) => notice(i + 1));
    const a = renderReadyPrDigest('@acme/http', many);
    const b = renderReadyPrDigest('@acme/http', [...many].reverse());
    expect(a).toEqual(b);
    expect(a.blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(a.blocks.at(-1))).toContain('…and 20 more');
    expect(a.text).toMatch(/^60 fleetwright PRs are ready/);
  });

  it('escapes Slack control characters from titles and criteria', () => {
    expect(escapeSlack('<!channel> & <https://evil|click>')).toBe(
      '&lt;!channel&gt; &amp; &lt;https://evil|click&gt;',
    );
    const message = renderReadyPrDigest('@acme/http', [notice(1, { title: '<!here> approve me' })]);
    expect(JSON.stringify(message)).not.toContain('<!here>');
  });
});

describe('core/notify notifications.yml', () => {
  it('parses a valid file and resolves teams case-insensitively, falling back to the default channel', () => {
    const parsed = parseNotificationsConfig(
      'version: 1\nteams:\n  "@Acme/HTTP": https://hooks.slack.com/services/a\ndefault: https://hooks.slack.com/services/d\n',
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(resolveNotificationTeams(parsed.config, ['@alice', '@acme/http', '@ACME/http'])).toEqual([
      { team: '@acme/http', webhookUrl: 'https://hooks.slack.com/services/a' },
    ]);
    expect(resolveNotificationTeams(parsed.config, ['@alice'])).toEqual([
      { team: 'default', webhookUrl: 'https://hooks.slack.com/services/d' },
    ]);
    expect(resolveNotificationTeams({ ...parsed.config, default: undefined }, [])).toEqual([]);
  });

  it('locates every error', () => {
    const result = parseNotificationsConfig(
      [
        'version: 1',
        'teams:',
        '  "@acme/http": http://hooks.slack.com/x',
        '  web: https://hooks.slack.com/y',
        '  "@acme/ops": https://user:pw@hooks.slack.com/z',
        'defualt: https://hooks.slack.com/d',
      ].join('\n'),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => `${e.line}:${e.column} ${e.code} ${e.message}`)).toEqual([
      '3:17 schema teams.@acme/http: expected an https:// Slack incoming-webhook URL',
      "4:3 schema invalid team 'web': expected a team as written in CODEOWNERS, such as `@acme/payments`",
      '5:16 schema teams.@acme/ops: expected an https:// Slack incoming-webhook URL',
      "6:1 unknown-key unknown key 'defualt'",
    ]);
  });

  it('rejects YAML errors, duplicate teams, a missing version and oversize files without throwing', () => {
    const syntax = parseNotificationsConfig('version: 1\nteams: [\n');
    expect(syntax.ok === false && syntax.errors[0]?.code).toBe('yaml-syntax');
    const dup = parseNotificationsConfig(
      'version: 1\nteams:\n  "@a/b": https://hooks.slack.com/1\n  "@A/B": https://hooks.slack.com/2\n',
    );
    expect(dup.ok === false && dup.errors.map((e) => [e.line, e.message])).toEqual([
      [4, "team '@A/B' is listed twice (as '@a/b'); team names are case-insensitive"],
    ]);
    const noVersion = parseNotificationsConfig('teams: {}\n');
    expect(noVersion.ok === false && noVersion.errors[0]?.message).toBe("missing required key 'version'");
    const empty = parseNotificationsConfig('');
    expect(empty.ok).toBe(false);
    const huge = parseNotificationsConfig(`version: 1\n#${'x'.repeat(70_000)}\n`);
    expect(huge.ok === false && huge.errors[0]?.code).toBe('too-large');
  });
});
