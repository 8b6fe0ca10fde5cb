import { describe, expect, it } from 'vitest';
import { admitTargets } from '../../../src/core/planner/admit-targets.ts';
import { planTargets } from '../../../src/core/planner/plan-migration.ts';
import { buildPolicy } from '../../../src/core/target/policy.ts';
import type { Target } from '../../../src/core/target/target.ts';
import { buildTarget } from '../../../src/core/target/target.ts';

const T0 = new Date('2026-11-21T12:00:00.000Z');
const minutesAgo = (minutes: number) => new Date(T0.getTime() - minutes * 60_000).toISOString();
const t = (name: string, fields: Partial<Target> = {}): Target => ({
  ...buildTarget({ migrationId: 'm', manifestRevision: 'r1', repo: `acme/${name}`, now: T0 }),
  ...fields,
});
const queued = (count: number) =>
  Array.from({ length: count }, (_, index) => t(`q${String(index).padStart(2, '0')}`));
const open = (name: string, openedMinutesAgo: number, state: Target['state'] = 'awaiting-ci') =>
  t(name, { state, prNumber: 1, prOpenedAt: minutesAgo(openedMinutesAgo) });

describe('core/planner/admit-targets', () => {
  it.each<[string, Target[], Parameters<typeof buildPolicy>[0], number, string | undefined]>([
    [
      'admits up to every limit',
      queued(3),
      { maxOpenPrs: 10, prsPerHour: 10, maxConcurrentCoders: 10 },
      3,
      undefined,
    ],
    [
      'max open PRs counts open and in-flight',
      [open('a', 500), t('b', { state: 'drafting' }), ...queued(5)],
      { maxOpenPrs: 4, prsPerHour: 10, maxConcurrentCoders: 10 },
      2,
      'max-open-prs',
    ],
    [
      'merged and closed PRs free their slot',
      [open('a', 500, 'merged'), open('b', 500, 'closed'), ...queued(5)],
      { maxOpenPrs: 2, prsPerHour: 10, maxConcurrentCoders: 10 },
      2,
      'max-open-prs',
    ],
    [
      'PRs per hour: a sliding window of open times',
      [open('a', 10), open('b', 59), open('c', 61), ...queued(5)],
      { maxOpenPrs: 50, prsPerHour: 3, maxConcurrentCoders: 10 },
      1,
      'prs-per-hour',
    ],
    [
      'PRs per hour counts in-flight targets',
      [open('a', 10), t('b', { state: 'baseline' }), ...queued(5)],
      { maxOpenPrs: 50, prsPerHour: 3, maxConcurrentCoders: 10 },
      1,
      'prs-per-hour',
    ],
    [
      'closed PRs still count in the hour window',
      [open('a', 10, 'closed'), ...queued(5)],
      { maxOpenPrs: 50, prsPerHour: 1, maxConcurrentCoders: 10 },
      0,
      'prs-per-hour',
    ],
    [
      'concurrent coders',
      [
        t('a', { state: 'repairing', prOpenedAt: minutesAgo(300) }),
        t('b', { state: 'baseline' }),
        ...queued(5),
      ],
      { maxOpenPrs: 50, prsPerHour: 50, maxConcurrentCoders: 3 },
      1,
      'max-concurrent-coders',
    ],
    ['paused admits none', queued(3), { paused: true }, 0, 'paused'],
    ['disabled admits none', queued(3), { enabled: false }, 0, 'disabled'],
    [
      'spent migration admits none',
      queued(3),
      { migrationSpentUsd: 100, maxTotalUsd: 100 },
      0,
      'migration-budget',
    ],
  ])('%s', (_name, targets, overrides, admitted, blockedBy) => {
    const admission = admitTargets(targets, buildPolicy(overrides), T0);

    expect(admission.admit).toHaveLength(admitted);
    expect(admission.blockedBy).toBe(blockedBy);
    expect(admission.waiting).toBe(targets.filter((target) => target.state === 'queued').length - admitted);
  });

  describe('retried PRs: queued for a coder slot only', () => {
    const retried = (name: string, openedMinutesAgo = 30) =>
      t(name, { state: 'queued', prNumber: 9, prOpenedAt: minutesAgo(openedMinutesAgo) });

    it('are held by the coder limit, counting running coders and targets at baseline', () => {
      const targets = [
        t('a', { state: 'repairing', prNumber: 1, prOpenedAt: minutesAgo(300) }),
        t('b', { state: 'baseline', prNumber: 2, prOpenedAt: minutesAgo(300) }),
        ...['r1', 'r2', 'r3', 'r4'].map((name) => retried(name)),
      ];

      const admission = admitTargets(targets, buildPolicy({ maxConcurrentCoders: 3 }), T0);

      expect(admission).toEqual({ admit: ['acme/r1'], waiting: 3, blockedBy: 'max-concurrent-coders' });
    });

    it('are not held by the open-PR limits (their PR exists), and do not hold PR-less targets behind', () => {
      // 5 open PRs with a limit of 5, and all opened within the hour with a limit of 5.
      const targets = [
        ...['o1', 'o2', 'o3'].map((name) => open(name, 10)),
        retried('p1', 10),
        retried('p2', 10),
        ...queued(2),
        retried('p3', 10),
      ];

      const admission = admitTargets(
        targets,
        buildPolicy({ maxOpenPrs: 5, prsPerHour: 5, maxConcurrentCoders: 10 }),
        T0,
      );

      expect(admission.admit).toEqual(['acme/p1', 'acme/p2', 'acme/p3']);
      expect(admission).toMatchObject({ waiting: 2, blockedBy: 'max-open-prs' });
    });

    it('at baseline or drafting count as the open PRs they are, not as PRs about to open', () => {
      const targets = [
        t('d', { state: 'drafting', prNumber: 3, prOpenedAt: minutesAgo(300) }),
        t('b', { state: 'baseline', prNumber: 4, prOpenedAt: minutesAgo(300) }),
        ...queued(3),
      ];

      // Two open PRs (old ones: outside the hour window) and a limit of 3 PRs per hour.
      const admission = admitTargets(
        targets,
        buildPolicy({ maxOpenPrs: 4, prsPerHour: 3, maxConcurrentCoders: 10 }),
        T0,
      );

      expect(admission.admit).toEqual(['acme/q00', 'acme/q01']);
      expect(admission.blockedBy).toBe('max-open-prs');
    });

    it('a PR-less target and a retried PR share the coder slots in queue order', () => {
      const targets = [t('a-queued'), retried('b-retried'), t('c-queued')];

      const admission = admitTargets(targets, buildPolicy({ maxConcurrentCoders: 2 }), T0);

      expect(admission.admit).toEqual(['acme/a-queued', 'acme/b-retried']);
      expect(admission.blockedBy).toBe('max-concurrent-coders');
    });
  });

  it('admits nothing in dry-run, but says what it would admit', () => {
    const admission = admitTargets(queued(3), buildPolicy({ dryRun: true, maxConcurrentCoders: 2 }), T0);

    expect(admission).toEqual({
      admit: [],
      waiting: 3,
      blockedBy: 'dry-run',
      wouldAdmit: ['acme/q00', 'acme/q01'],
    });
  });

  it('admits in queue order and says when the hour window frees a slot', () => {
    const admission = admitTargets(
      [open('a', 50), ...queued(3)],
      buildPolicy({ prsPerHour: 2, maxConcurrentCoders: 9 }),
      T0,
    );

    expect(admission.admit).toEqual(['acme/q00']);
    expect(admission.nextSlotAt).toBe(new Date(T0.getTime() + 10 * 60_000 + 1).toISOString());
  });
});

describe('core/planner/plan-migration', () => {
  const sel = (repo: string, decision: 'target' | 'skip' = 'target') =>
    decision === 'target'
      ? { repo, defaultBranch: 'main', decision: 'target' as const }
      : { repo, defaultBranch: 'main', decision: 'skip' as const, reason: 'archived' as const };

  it('creates queued targets and skipped ones with a reason', () => {
    const planned = planTargets({
      migrationId: 'm',
      revision: 'r1',
      existing: [],
      selections: [sel('acme/b'), sel('acme/a', 'skip')],
      now: T0,
    });

    expect(planned.map((target) => [target.repo, target.state, target.reason, target.baseRef])).toEqual([
      ['acme/a', 'skipped', 'archived', 'main'],
      ['acme/b', 'queued', undefined, 'main'],
    ]);
    expect(planned[0]?.failure?.class).toBe('ineligible');
  });

  it('applies a manifest edit only to targets not yet started', () => {
    const started = t('a', {
      state: 'awaiting-ci',
      manifestRevision: 'r1',
      prNumber: 3,
      prOpenedAt: minutesAgo(5),
    });
    const waiting = t('b', { manifestRevision: 'r1' });
    const gone = t('c', { manifestRevision: 'r1' });
    const goneStarted = t('d', { state: 'exhausted', manifestRevision: 'r1', prNumber: 4 });

    const planned = planTargets({
      migrationId: 'm',
      revision: 'r2',
      existing: [started, waiting, gone, goneStarted],
      selections: [sel('acme/a'), sel('acme/b')],
      now: T0,
    });

    expect(planned.map((target) => [target.repo, target.state, target.manifestRevision])).toEqual([
      ['acme/a', 'awaiting-ci', 'r1'],
      ['acme/b', 'queued', 'r2'],
      ['acme/d', 'exhausted', 'r1'],
    ]);
  });

  it('re-queues a repository once it stops being ineligible', () => {
    const [skipped] = planTargets({
      migrationId: 'm',
      revision: 'r1',
      existing: [],
      selections: [sel('acme/a', 'skip')],
      now: T0,
    });
    const planned = planTargets({
      migrationId: 'm',
      revision: 'r2',
      existing: [skipped!],
      selections: [sel('acme/a')],
      now: T0,
    });

    expect(planned[0]).toMatchObject({ state: 'queued', manifestRevision: 'r2' });
    expect(planned[0]?.failure).toBeUndefined();
  });
});
