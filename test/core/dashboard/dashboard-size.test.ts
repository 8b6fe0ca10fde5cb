/**
 * The dashboard at fleet scale: 1,000 and 5,000 targets with realistic, varied repository names
 * stay under GitHub's 65,536-character issue limit, say what they summarised, and keep the
 * migration ledger parseable with every outcome (it is the only record of repositories without a PR).
 */
import { describe, expect, it } from 'vitest';
import { MAX_ISSUE_BODY, renderDashboardReport } from '../../../src/core/dashboard/render-dashboard.ts';
import { buildDashboardKey, withHiddenKey } from '../../../src/core/markers/hidden-key.ts';
import { belongsInLedger, buildLedgerEntry, parseLedger } from '../../../src/core/markers/ledger.ts';
import { MIGRATION, NOW, buildMigrationTargets, buildScaledTargets } from './migration-fixture.ts';

describe('core/dashboard at fleet scale', () => {
  it.each([1_000, 5_000])('%i targets fit GitHub’s limit and keep every ledger outcome', (count) => {
    const targets = buildScaledTargets(count);
    const entries = targets.filter(belongsInLedger).map(buildLedgerEntry);

    const report = renderDashboardReport({ migration: MIGRATION, targets, now: NOW });

    const stored = withHiddenKey(buildDashboardKey(MIGRATION.id), report.body);
    expect(stored.length).toBeLessThanOrEqual(MAX_ISSUE_BODY);
    expect(report.ledgerEncoding).toBe('compact');
    expect(report.ledgerDropped).toBe(0);
    expect(report.body).toContain(`| **total** | **${count}** |`);
    for (const sentence of report.omitted) expect(report.body).toContain(sentence);
    const parsed = parseLedger(stored, MIGRATION.id);
    expect(parsed.status).toBe('ok');
    if (parsed.status !== 'ok') return;
    expect(parsed.entries).toHaveLength(entries.length);
    expect(new Set(parsed.entries)).toEqual(new Set(entries.sort((a, b) => (a.repo < b.repo ? -1 : 1))));
  });

  it('5,000 outcomes without a PR (a whole org skipped or not applicable) still fit, losslessly', () => {
    const targets = buildScaledTargets(5_000, buildMigrationTargets().filter(belongsInLedger));

    const report = renderDashboardReport({ migration: MIGRATION, targets, now: NOW });

    const stored = withHiddenKey(buildDashboardKey(MIGRATION.id), report.body);
    expect(stored.length).toBeLessThanOrEqual(MAX_ISSUE_BODY);
    const parsed = parseLedger(stored, MIGRATION.id);
    expect(parsed.status === 'ok' && parsed.entries.length + report.ledgerDropped).toBe(5_000);
    if (report.ledgerDropped > 0) expect(report.body).toContain('after a restart the other');
  });
});
