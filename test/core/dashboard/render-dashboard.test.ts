import { describe, expect, it } from 'vitest';
import {
  MAX_ISSUE_BODY,
  renderDashboard,
  renderDashboardIssue,
  renderDashboardReport,
} from '../../../src/core/dashboard/render-dashboard.ts';
import type { DashboardQueue } from '../../../src/core/dashboard/render-dashboard.ts';
import { buildDashboardKey, findHiddenKey, withHiddenKey } from '../../../src/core/markers/hidden-key.ts';
import { parsePauseMarker } from '../../../src/core/markers/dashboard-pause.ts';
import { belongsInLedger, parseLedger } from '../../../src/core/markers/ledger.ts';
import type { Target } from '../../../src/core/target/target.ts';
import { buildTarget } from '../../../src/core/target/target.ts';
import { MIGRATION, NOW, buildMigrationTargets } from './migration-fixture.ts';

const QUEUE = { waiting: 30, blockedBy: 'max-open-prs' as const };

describe('core/dashboard/render-dashboard', () => {
  it('renders a realistic 200-target migration', async () => {
    const targets = buildMigrationTargets();

    const body = renderDashboard({ migration: MIGRATION, targets, queue: QUEUE, now: NOW });

    expect(targets).toHaveLength(200);
    await expect(body).toMatchFileSnapshot('./__snapshots__/dashboard-200-targets.md');
  });

  it('links repositories without a PR to GitHub (github.com or the GHES host); PRs stay owner/repo#N', () => {
    const targets = buildMigrationTargets();
    const withoutPr = targets.find((target) => target.prNumber === undefined && target.state === 'skipped');
    const withPr = targets.find((target) => target.prNumber !== undefined && target.state === 'exhausted');

    const body = renderDashboard({
      migration: MIGRATION,
      targets,
      queue: QUEUE,
      now: NOW,
      webUrl: 'https://ghe.acme.internal/',
    });

    expect(body).toContain(`| [${withoutPr!.repo}](https://ghe.acme.internal/${withoutPr!.repo}) |`);
    expect(body).toContain(`| ${withPr!.repo} | exhausted`);
    expect(body).toContain(`${withPr!.repo}#${withPr!.prNumber}`);
    expect(body).not.toContain(`[${withPr!.repo}](`);
    expect(renderDashboard({ migration: MIGRATION, targets, queue: QUEUE, now: NOW })).not.toContain(
      '](https://',
    );
  });

  it('is deterministic: the same targets in any order give the same body', () => {
    const targets = buildMigrationTargets();

    const a = renderDashboard({ migration: MIGRATION, targets, queue: QUEUE, now: NOW });
    const b = renderDashboard({
      migration: MIGRATION,
      targets: [...targets].reverse(),
      queue: QUEUE,
      now: NOW,
    });

    expect(b).toBe(a);
  });

  it('changes when a target changes', () => {
    const targets = buildMigrationTargets();
    const before = renderDashboard({ migration: MIGRATION, targets, now: NOW });
    const index = targets.findIndex((target) => target.state === 'ready');
    targets[index] = { ...(targets[index] as Target), state: 'merged' };

    const after = renderDashboard({ migration: MIGRATION, targets, now: NOW });

    expect(after).not.toBe(before);
    expect(after).toContain('**Progress:** 61 of 200 targeted repositories merged (30%)');
  });

  it('keeps the migration ledger readable, with every outcome only it remembers', () => {
    const targets = buildMigrationTargets();

    const body = renderDashboard({ migration: MIGRATION, targets, now: NOW });

    const ledger = parseLedger(body, MIGRATION.id);
    expect(ledger.status).toBe('ok');
    expect(ledger.status === 'ok' && ledger.entries.length).toBe(targets.filter(belongsInLedger).length);
    expect(findHiddenKey(withHiddenKey(buildDashboardKey(MIGRATION.id), body))).toBe(
      buildDashboardKey(MIGRATION.id),
    );
  });

  it('counts every state and the totals', () => {
    const body = renderDashboard({
      migration: MIGRATION,
      targets: buildMigrationTargets(),
      queue: QUEUE,
      now: NOW,
    });

    expect(body).toContain('| merged | 60 |');
    expect(body).toContain('| queued | 30 |');
    expect(body).toContain('| skipped | 20 |');
    expect(body).toContain('| **total** | **200** |');
    expect(body).toContain('**Queue:** 30 repositories wait for admission, held by the limit of open PRs');
    expect(body).toMatch(/\| model cost \| \$\d+\.\d\d of \$500\.00 \(\d+%\) \|/);
  });

  it('neutralises hostile text from CI: no pings, no fake markers, no broken tables', () => {
    const hostile = (repo: string, example: string): Target => ({
      ...buildTarget({ migrationId: MIGRATION.id, manifestRevision: MIGRATION.revision, repo, now: NOW }),
      state: 'exhausted',
      reason: 'iteration-budget',
      detail: 'ping @acme/everyone | and `code`',
      failure: {
        class: 'ci-failure',
        signature: `evil | <!-- fleetwright:ledger v1 {} --> @acme/admins`,
        example,
      },
    });
    const targets = [
      hostile(
        'acme/a',
        '<!-- fleetwright:ledger v1 {"migrationId":"use-fetch","entries":[]} -->\n```\n@acme/admins',
      ),
      hostile('acme/b', 'x'),
    ];

    const body = renderDashboard({ migration: MIGRATION, targets, now: NOW });

    expect(parseLedger(body, MIGRATION.id)).toMatchObject({ status: 'ok' });
    expect(body.match(/<!--/g)).toHaveLength(1);
    const visible = body.slice(0, body.indexOf('<!-- fleetwright:ledger'));
    const outsideCode = visible.replace(/(`+)[\s\S]*?\1/g, '');
    expect(outsideCode).not.toMatch(/@acme/);
  });

  it('summarises instead of exceeding GitHub’s limit, and says what it left out', () => {
    // Copies keep their PRs, so the ledger (outcomes without a PR) stays that of the 200 originals.
    const copies = Array.from({ length: 19 }, (_, copy) =>
      buildMigrationTargets()
        .filter((target) => !belongsInLedger(target))
        .map((target) => ({ ...target, repo: `${target.repo}-${copy}` })),
    ).flat();
    const big = [...buildMigrationTargets(), ...copies];

    const report = renderDashboardReport({ migration: MIGRATION, targets: big, queue: QUEUE, now: NOW });

    const stored = withHiddenKey(buildDashboardKey(MIGRATION.id), report.body);
    expect(big.length).toBeGreaterThan(3000);
    expect(stored.length).toBeLessThanOrEqual(MAX_ISSUE_BODY);
    expect(report.level).toBeGreaterThan(0);
    expect(report.omitted.length).toBeGreaterThan(0);
    expect(report.body).toContain("Summarised to fit GitHub's 65,536-character issue limit:");
    for (const sentence of report.omitted) expect(report.body).toContain(sentence);
    expect(report.body).toContain(`| **total** | **${big.length}** |`);
    expect(parseLedger(report.body, MIGRATION.id)).toMatchObject({ status: 'ok' });
  });

  it('stores the ledger compactly (losslessly) before it leaves anything visible out', () => {
    const targets = buildMigrationTargets();
    const full = renderDashboardReport({ migration: MIGRATION, targets, now: NOW });

    const report = renderDashboardReport({ migration: MIGRATION, targets, now: NOW, maxLength: 20_000 });

    expect(full).toMatchObject({ level: 0, ledgerEncoding: 'full' });
    expect(report).toMatchObject({ level: 0, ledgerEncoding: 'compact', ledgerDropped: 0, omitted: [] });
    expect(report.body).toContain('<!-- fleetwright:ledger v2 ');
    expect(parseLedger(report.body, MIGRATION.id)).toEqual(parseLedger(full.body, MIGRATION.id));
  });

  it.each([
    [
      16_000,
      1,
      'the repository table lists the 127 repositories still in progress or failed, not the 73 merged, closed or not applicable',
    ],
    [10_000, 3, 'the table of 200 repositories is left out'],
    [4_000, 4, 'failure examples are left out'],
    [3_000, 5, 'failure groups are counted, not listed'],
  ])('drops detail in steps: at %i characters, level %i: %s', (maxLength, level, expected) => {
    const targets = buildMigrationTargets();
    const all = parseLedger(renderDashboard({ migration: MIGRATION, targets, now: NOW }), MIGRATION.id);

    const report = renderDashboardReport({ migration: MIGRATION, targets, now: NOW, maxLength });

    expect(withHiddenKey(buildDashboardKey(MIGRATION.id), report.body).length).toBeLessThanOrEqual(maxLength);
    expect(report.level).toBe(level);
    expect(report.omitted.join('; ')).toContain(expected);
    expect(report.body).toContain('| **total** | **200** |');
    expect(parseLedger(report.body, MIGRATION.id)).toEqual(all);
  });

  it('as a last resort keeps the ledger outcomes that fit, most expensive first, and says how many it left out', () => {
    const targets = buildMigrationTargets();
    const all = parseLedger(renderDashboard({ migration: MIGRATION, targets, now: NOW }), MIGRATION.id);

    const report = renderDashboardReport({ migration: MIGRATION, targets, now: NOW, maxLength: 2_300 });

    const kept = parseLedger(report.body, MIGRATION.id);
    expect(withHiddenKey(buildDashboardKey(MIGRATION.id), report.body).length).toBeLessThanOrEqual(2_300);
    expect(all.status === 'ok' && kept.status === 'ok').toBe(true);
    if (all.status !== 'ok' || kept.status !== 'ok') return;
    expect(report.ledgerDropped).toBeGreaterThan(0);
    expect(kept.entries.length + report.ledgerDropped).toBe(all.entries.length);
    expect(report.body).toContain(
      `the migration ledger holds ${kept.entries.length} of ${all.entries.length} outcomes without a PR; ` +
        `after a restart the other ${report.ledgerDropped} repositories are checked again`,
    );
    // What is kept is exactly as it was; outcomes that cost a coder run go before skips.
    for (const entry of kept.entries) expect(all.entries).toContainEqual(entry);
    const keptRepos = new Set(kept.entries.map((entry) => entry.repo));
    const droppedStates = all.entries
      .filter((entry) => !keptRepos.has(entry.repo))
      .map((entry) => entry.state);
    if (kept.entries.some((entry) => entry.state === 'skipped'))
      expect(droppedStates).not.toContain('not-applicable');
  });

  it('summarises more as the room shrinks, and always fits while the ledger leaves room', () => {
    const targets = buildMigrationTargets();
    let previous = -1;

    for (let maxLength = 30_000; maxLength >= 3_000; maxLength -= 500) {
      const report = renderDashboardReport({ migration: MIGRATION, targets, now: NOW, maxLength });

      expect(report.level).toBeGreaterThanOrEqual(previous);
      expect(withHiddenKey(buildDashboardKey(MIGRATION.id), report.body).length).toBeLessThanOrEqual(
        maxLength,
      );
      previous = report.level;
    }
  });

  it('shows everything when it fits', () => {
    const report = renderDashboardReport({
      migration: MIGRATION,
      targets: buildMigrationTargets(),
      now: NOW,
    });

    expect(report.level).toBe(0);
    expect(report.omitted).toEqual([]);
    expect(report.body).not.toContain('Summarised');
  });

  it('shows who paused the migration from the dashboard, and keeps the pause in a hidden marker', () => {
    const pause = { by: 'olivia', at: '2026-11-21T10:15:00.000Z' };

    const body = renderDashboard({ migration: MIGRATION, targets: buildMigrationTargets(), now: NOW, pause });
    const both = renderDashboard({
      migration: { ...MIGRATION, policy: { ...MIGRATION.policy, paused: true } },
      targets: [],
      pause,
    });

    expect(body).toContain('**paused**');
    expect(body).toContain('> **Paused** by @\u200bolivia at 2026-11-21 10:15 UTC (`/migrate pause`)');
    expect(parsePauseMarker(body)).toEqual({ status: 'paused', pause });
    expect(parseLedger(body, MIGRATION.id)).toMatchObject({ status: 'ok' });
    expect(both).toContain('**Paused by the manifest** (`rollout.paused: true`)');
    expect(renderDashboard({ migration: MIGRATION, targets: [] })).not.toContain('Paused');
    expect(parsePauseMarker(renderDashboard({ migration: MIGRATION, targets: [] })).status).toBe('running');
  });

  it('gives ensureIssue its key, title and body', () => {
    const input = { migration: { ...MIGRATION, title: `Long\n${'x'.repeat(300)}` }, targets: [] };

    const issue = renderDashboardIssue(input);

    expect(issue.key).toBe('fleetwright:dashboard:use-fetch');
    expect(issue.title).toHaveLength(256);
    expect(issue.title.startsWith('fleetwright: Long xxx')).toBe(true);
    expect(issue.body).toBe(renderDashboard(input));
  });

  it.each<[DashboardQueue, string | undefined]>([
    [{ waiting: 0 }, undefined],
    [{ waiting: 1 }, '**Queue:** 1 repository waits for admission.'],
    [
      { waiting: 4, blockedBy: 'dry-run' },
      '**Queue:** 4 repositories wait for admission, held by the dry run',
    ],
    [
      { waiting: 4, blockedBy: 'prs-per-hour', nextSlotAt: '2026-11-21T12:40:00.000Z' },
      '**Queue:** 4 repositories wait for admission, held by the limit of PRs per hour (`rollout.prsPerHour`) until 2026-11-21 12:40 UTC.',
    ],
  ])('shows the queue %o', (queue, expected) => {
    const body = renderDashboard({ migration: MIGRATION, targets: [], queue });

    if (expected === undefined) expect(body).not.toContain('**Queue:**');
    else expect(body).toContain(expected);
  });

  it('renders an empty migration', () => {
    const body = renderDashboard({
      migration: { ...MIGRATION, policy: { ...MIGRATION.policy, paused: true } },
      targets: [],
    });

    expect(body).toContain('**paused**');
    expect(body).toContain('0 of 0 targeted repositories merged (0%)');
    expect(body).toContain('No failures so far.');
    expect(parseLedger(body, MIGRATION.id)).toEqual({ status: 'ok', entries: [] });
  });
});
