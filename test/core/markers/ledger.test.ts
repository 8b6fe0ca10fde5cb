import { describe, expect, it } from 'vitest';
import {
  belongsInLedger,
  buildLedgerEntry,
  parseLedger,
  renderLedger,
  renderLedgerIssueBody,
  targetFromLedgerEntry,
} from '../../../src/core/markers/ledger.ts';
import type { Target } from '../../../src/core/target/target.ts';
import { buildTarget } from '../../../src/core/target/target.ts';

const T0 = new Date('2026-11-21T12:00:00.000Z');
const t = (repo: string, fields: Partial<Target>): Target => ({
  ...buildTarget({ migrationId: 'use-fetch', manifestRevision: 'rev-1', repo, now: T0 }),
  ...fields,
});
const notApplicable = t('acme/na', {
  state: 'not-applicable',
  reason: 'nothing-to-change',
  detail: 'no use of request --> here',
  iteration: 1,
  usage: { inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0, costUsd: 0.25 },
  failure: { class: 'not-applicable', signature: 'no use of request' },
});

describe('core/markers/ledger', () => {
  it.each<[string, Target, boolean]>([
    ['not applicable', notApplicable, true],
    [
      'baseline red',
      t('acme/r', {
        state: 'skipped',
        reason: 'baseline-red',
        failure: { class: 'baseline-ci', signature: 's' },
      }),
      true,
    ],
    ['exhausted before any push', t('acme/e', { state: 'exhausted', reason: 'coder-gave-up' }), true],
    [
      'ineligible (re-decided by selection)',
      t('acme/a', { state: 'skipped', reason: 'archived', failure: { class: 'ineligible', signature: 's' } }),
      false,
    ],
    ['has a PR (its marker remembers)', t('acme/p', { state: 'exhausted', prNumber: 3 }), false],
    ['queued', t('acme/q', {}), false],
  ])('%s → %s', (_name, target, expected) => {
    expect(belongsInLedger(target)).toBe(expected);
  });

  it('round-trips entries and restores targets with their cost', () => {
    const body = `Dashboard text\n\n${renderLedger('use-fetch', [buildLedgerEntry(notApplicable)])}\n`;

    const parsed = parseLedger(body, 'use-fetch');

    expect(parsed.status).toBe('ok');
    const restored =
      parsed.status === 'ok' ? targetFromLedgerEntry('use-fetch', parsed.entries[0]!) : undefined;
    expect(restored).toMatchObject({
      repo: 'acme/na',
      state: 'not-applicable',
      reason: 'nothing-to-change',
      iteration: 1,
      usage: { costUsd: 0.25 },
    });
    expect(belongsInLedger(restored!)).toBe(true);
  });

  it.each([
    ['no ledger', 'just text', 'missing'],
    ['broken JSON', '<!-- fleetwright:ledger v1 {"x": -->', 'damaged'],
    ['other version', '<!-- fleetwright:ledger v7 {} -->', 'damaged'],
    ['another migration', renderLedger('other', []), 'damaged'],
    ['two ledgers', `${renderLedger('use-fetch', [])}\n${renderLedger('use-fetch', [])}`, 'damaged'],
  ])('%s → %s', (_name, body, status) => {
    expect(parseLedger(body, 'use-fetch').status).toBe(status);
  });

  it('renders a dashboard body with counts and the ledger line', () => {
    const body = renderLedgerIssueBody({
      migrationId: 'use-fetch',
      title: 'Use fetch',
      targets: [notApplicable, t('acme/q', {})],
    });

    expect(body).toContain('| not-applicable | 1 |');
    expect(body).toContain('| queued | 1 |');
    expect(parseLedger(body, 'use-fetch')).toMatchObject({ status: 'ok', entries: [{ repo: 'acme/na' }] });
  });
});
