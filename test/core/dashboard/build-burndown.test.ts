import { describe, expect, it } from 'vitest';
import { buildBurndown } from '../../../src/core/dashboard/build-burndown.ts';
import type { Target, TargetState } from '../../../src/core/target/target.ts';
import { buildTarget } from '../../../src/core/target/target.ts';

const at = (iso: string) => new Date(`2026-11-${iso}Z`);
const target = (repo: string, created: string, state: TargetState, fields: Partial<Target> = {}): Target => ({
  ...buildTarget({ migrationId: 'm', manifestRevision: 'r', repo, now: at(created) }),
  state,
  ...fields,
});

describe('core/dashboard/build-burndown', () => {
  it('reconstructs daily counts from the targets’ timestamps', () => {
    const targets = [
      target('a/merged', '01T09:00:00', 'merged', {
        prOpenedAt: '2026-11-01T12:00:00Z',
        stateSince: '2026-11-03T10:00:00Z',
      }),
      target('a/na', '01T09:00:00', 'not-applicable', { stateSince: '2026-11-02T08:00:00Z' }),
      target('a/open', '02T09:00:00', 'awaiting-ci', {
        prOpenedAt: '2026-11-03T23:59:00Z',
        stateSince: '2026-11-03T23:59:00Z',
      }),
      target('a/queued', '03T09:00:00', 'queued'),
    ];

    const points = buildBurndown(targets, { now: at('03T12:00:00') });

    expect(points).toEqual([
      { date: '2026-11-01', targeted: 2, prsOpened: 1, merged: 0, ended: 0, remaining: 2 },
      { date: '2026-11-02', targeted: 3, prsOpened: 1, merged: 0, ended: 1, remaining: 2 },
      // `now` is noon: the PR opened at 23:59 is not counted yet, the merge at 10:00 is.
      { date: '2026-11-03', targeted: 4, prsOpened: 1, merged: 1, ended: 1, remaining: 2 },
    ]);
  });

  it('ends at the latest timestamp when no `now` is given', () => {
    const points = buildBurndown([
      target('a/x', '05T09:00:00', 'merged', { stateSince: '2026-11-07T09:00:00Z' }),
    ]);

    expect(points.map((point) => point.date)).toEqual(['2026-11-05', '2026-11-06', '2026-11-07']);
    expect(points.at(-1)).toMatchObject({ merged: 1, remaining: 0 });
  });

  it('spaces points evenly over a long migration and always ends on the last day', () => {
    const targets = [target('a/x', '01T09:00:00', 'queued')];

    const points = buildBurndown(targets, { now: new Date('2026-12-30T00:00:00Z'), maxPoints: 10 });

    expect(points.map((point) => point.date)).toEqual([
      '2026-11-01',
      '2026-11-04',
      '2026-11-11',
      '2026-11-18',
      '2026-11-25',
      '2026-12-02',
      '2026-12-09',
      '2026-12-16',
      '2026-12-23',
      '2026-12-30',
    ]);
  });

  it('is empty without targets', () => {
    expect(buildBurndown([])).toEqual([]);
  });

  it('handles a fleet of 250,000 targets (no argument spreading)', () => {
    const base = buildTarget({
      migrationId: 'm',
      manifestRevision: 'r',
      repo: 'a/x',
      now: at('01T09:00:00'),
    });
    const targets = Array.from({ length: 250_000 }, (_, i) => ({ ...base, repo: `a/r${i}` }));

    expect(buildBurndown(targets, { now: at('02T09:00:00') }).at(-1)).toMatchObject({ targeted: 250_000 });
  });
});
