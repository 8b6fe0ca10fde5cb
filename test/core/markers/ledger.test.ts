import { describe, expect, it } from 'vitest';
import { deflateRawSync } from 'node:zlib';
import {
  belongsInLedger,
  buildLedgerEntry,
  fitLedger,
  parseLedger,
  renderLedger,
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

  it('compact (v2) round-trips exactly what the readable form holds, in a fraction of the room', () => {
    const entries = Array.from({ length: 300 }, (_, index) =>
      buildLedgerEntry({
        ...notApplicable,
        repo: `acme/service-${index.toString(36)}`,
        state: index % 3 === 0 ? 'skipped' : 'not-applicable',
        ...(index % 3 === 0 ? { reason: 'baseline-red' as const } : {}),
        iteration: index % 4,
        usage: {
          ...notApplicable.usage,
          ...(index % 3 === 0 ? {} : { inputTokens: 1000 * index, outputTokens: 7, cacheReadTokens: index }),
          costUsd: index % 3 === 0 ? 0 : 0.1234567 * index,
        },
        stateSince: new Date(T0.getTime() + index * 61_001).toISOString(),
        ...(index % 5 === 0
          ? { failure: { class: 'not-applicable' as const, signature: `sig ${index}` } }
          : {}),
      }),
    );
    entries.push({ ...entries[0]!, repo: 'acme/odd-time', at: 'yesterday' });
    const full = renderLedger('use-fetch', entries);

    const compact = renderLedger('use-fetch', entries, { encoding: 'compact' });

    expect(compact).toMatch(/^<!-- fleetwright:ledger v2 [A-Za-z0-9+/=]+ -->$/);
    expect(compact.length * 5).toBeLessThan(full.length);
    expect(parseLedger(compact, 'use-fetch')).toEqual(parseLedger(full, 'use-fetch'));
    const restored = parseLedger(compact, 'use-fetch');
    const target =
      restored.status === 'ok'
        ? restored.entries.find((entry) => entry.repo === 'acme/service-2')
        : undefined;
    expect(targetFromLedgerEntry('use-fetch', target!).usage).toEqual({
      inputTokens: 2000,
      outputTokens: 7,
      cacheWriteTokens: 0,
      cacheReadTokens: 2,
      costUsd: 0.1234567 * 2,
    });
  });

  it('encodes 250,000 entries compactly (no argument spreading)', () => {
    const one = buildLedgerEntry(notApplicable);
    const entries = Array.from({ length: 250_000 }, (_, index) => ({ ...one, repo: `acme/r${index}` }));

    const compact = renderLedger('use-fetch', entries, { encoding: 'compact' });

    expect(compact).toMatch(/^<!-- fleetwright:ledger v2 /);
  });

  it('fits a ledger into the room it is given: readable, then compact, then the costliest outcomes first', () => {
    const entries = Array.from({ length: 200 }, (_, index) =>
      buildLedgerEntry({
        ...notApplicable,
        repo: `acme/r-${(index * 7919).toString(36)}`,
        ...(index % 2 === 0 ? { state: 'skipped' as const, reason: 'baseline-red' as const } : {}),
        usage: { ...notApplicable.usage, costUsd: index % 2 === 0 ? 0 : index / 100 },
      }),
    );
    const full = renderLedger('use-fetch', entries);
    const compact = renderLedger('use-fetch', entries, { encoding: 'compact' });

    expect(fitLedger('use-fetch', entries, full.length)).toMatchObject({
      encoding: 'full',
      kept: 200,
      dropped: [],
    });
    expect(fitLedger('use-fetch', entries, full.length - 1)).toMatchObject({
      encoding: 'compact',
      kept: 200,
    });
    const squeezed = fitLedger('use-fetch', entries, Math.floor(compact.length / 3));

    expect(squeezed.text.length).toBeLessThanOrEqual(Math.floor(compact.length / 3));
    expect(squeezed.kept + squeezed.dropped.length).toBe(200);
    expect(squeezed.kept).toBeGreaterThan(0);
    const kept = parseLedger(squeezed.text, 'use-fetch');
    expect(kept).toMatchObject({ status: 'ok' });
    // Outcomes that cost a coder run are kept before skips, which CI alone re-decides.
    const keptStates = kept.status === 'ok' ? kept.entries.map((entry) => entry.state) : [];
    if (keptStates.includes('skipped')) {
      expect(squeezed.dropped.every((entry) => entry.state === 'skipped')).toBe(true);
    } else {
      expect(squeezed.dropped.filter((entry) => entry.state === 'skipped')).toHaveLength(100);
    }
    expect(fitLedger('use-fetch', entries, 10)).toMatchObject({ text: '', kept: 0 });
  });

  it.each([
    ['no ledger', 'just text', 'missing'],
    ['compact, not base64', '<!-- fleetwright:ledger v2 {"m":"use-fetch"} -->', 'damaged'],
    ['compact, not deflate', '<!-- fleetwright:ledger v2 aGVsbG8= -->', 'damaged'],
    [
      'compact, an outcome index out of range',
      `<!-- fleetwright:ledger v2 ${deflateRawSync(JSON.stringify({ m: 'use-fetch', t: 0, g: [], e: [['acme/a', 3, 0, 0, 0]] })).toString('base64')} -->`,
      'damaged',
    ],
    [
      'compact, a bomb',
      `<!-- fleetwright:ledger v2 ${deflateRawSync(Buffer.alloc(40 * 1024 * 1024, 32)).toString('base64')} -->`,
      'damaged',
    ],
    ['broken JSON', '<!-- fleetwright:ledger v1 {"x": -->', 'damaged'],
    ['other version', '<!-- fleetwright:ledger v7 {} -->', 'damaged'],
    ['another migration', renderLedger('other', []), 'damaged'],
    ['two ledgers', `${renderLedger('use-fetch', [])}\n${renderLedger('use-fetch', [])}`, 'damaged'],
  ])('%s → %s', (_name, body, status) => {
    expect(parseLedger(body, 'use-fetch').status).toBe(status);
  });
});
