/**
 * The dashboard at fleet scale: 1,000 and 5,000 targets with realistic, varied repository names
 * stay under GitHub's 65,536-character issue limit, say what they summarised, and keep the
 * migration ledger parseable with every outcome (it is the only record of repositories without a PR).
 */
import { describe, expect, it } from 'vitest';
import { MAX_ISSUE_BODY, renderDashboardReport } from '../../../src/core/dashboard/render-dashboard.ts';
import { buildDashboardKey, withHiddenKey } from '../../../src/core/markers/hidden-key.ts';
import { belongsInLedger, buildLedgerEntry, parseLedger } from '../../../src/core/markers/ledger.ts';
import type { Target } from '../../../src/core/target/target.ts';
import { MIGRATION, NOW, buildMigrationTargets } from './migration-fixture.ts';

const TEAMS = [
  'payments',
  'identity',
  'search',
  'growth',
  'platform',
  'mobile',
  'data',
  'infra',
  'ml',
  'support',
];
const NOUNS = [
  'api',
  'web',
  'worker',
  'gateway',
  'scheduler',
  'ledger',
  'catalog',
  'notifier',
  'importer',
  'sdk',
];
const KINDS = ['service', 'frontend', 'lib', 'cli', 'jobs', 'proxy', 'adapter', 'tools', 'bff', 'etl'];

/** A deterministic, varied repository name (not a counter that compresses to nothing). */
function repoName(index: number): string {
  let state = (index * 2_654_435_761) >>> 0;
  const pick = <T>(items: readonly T[]): T => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return items[state % items.length] as T;
  };
  return `acme/${pick(TEAMS)}-${pick(NOUNS)}-${pick(KINDS)}-${(state >>> 8).toString(36).slice(0, 3)}${index.toString(36)}`;
}

/** `count` targets in the 200-target fixture's proportions of states, failures and costs. */
function scaled(count: number): Target[] {
  const base = buildMigrationTargets();
  return Array.from({ length: count }, (_, index) => ({
    ...(base[index % base.length] as Target),
    repo: repoName(index),
  }));
}

describe('core/dashboard at fleet scale', () => {
  it.each([1_000, 5_000])('%i targets fit GitHub’s limit and keep every ledger outcome', (count) => {
    const targets = scaled(count);
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
    const base = buildMigrationTargets().filter(belongsInLedger);
    const targets = Array.from({ length: 5_000 }, (_, index) => ({
      ...(base[index % base.length] as Target),
      repo: repoName(index),
    }));

    const report = renderDashboardReport({ migration: MIGRATION, targets, now: NOW });

    const stored = withHiddenKey(buildDashboardKey(MIGRATION.id), report.body);
    expect(stored.length).toBeLessThanOrEqual(MAX_ISSUE_BODY);
    const parsed = parseLedger(stored, MIGRATION.id);
    expect(parsed.status === 'ok' && parsed.entries.length + report.ledgerDropped).toBe(5_000);
    if (report.ledgerDropped > 0) expect(report.body).toContain('after a restart the other');
  });
});
