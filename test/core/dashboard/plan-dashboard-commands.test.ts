import { describe, expect, it } from 'vitest';
import {
  planDashboardRetry,
  selectResumeTargets,
} from '../../../src/core/dashboard/plan-dashboard-commands.ts';
import type { RetrySelection } from '../../../src/core/dashboard/select-retry-targets.ts';
import { buildPolicy } from '../../../src/core/target/policy.ts';
import type { Target } from '../../../src/core/target/target.ts';
import { buildTarget } from '../../../src/core/target/target.ts';

const NOW = new Date('2026-11-21T12:00:00.000Z');
const t = (repo: string, fields: Partial<Target>): Target => ({
  ...buildTarget({ migrationId: 'use-fetch', manifestRevision: 'rev-1', repo, now: NOW }),
  ...fields,
});

describe('core/dashboard/plan-dashboard-commands', () => {
  it('keeps the targets step would retry and moves the others to `excluded` with step’s own reason', () => {
    const selection: RetrySelection = {
      targets: [
        t('acme/skipped', {
          state: 'skipped',
          reason: 'baseline-red',
          failure: { class: 'baseline-ci', signature: 's' },
        }),
        t('acme/archived', {
          state: 'skipped',
          reason: 'archived',
          failure: { class: 'ineligible', signature: 'a' },
        }),
      ],
      excluded: [{ repo: 'acme/a-running', state: 'drafting', why: 'running now' }],
      unknownRepos: [],
    };

    const plan = planDashboardRetry(selection, buildPolicy(), NOW, 'alice');

    expect(plan.targets.map((target) => target.repo)).toEqual(['acme/skipped']);
    expect(plan.excluded.map((item) => item.repo)).toEqual(['acme/a-running', 'acme/archived']);
    expect(plan.excluded[1]?.why).toContain('not eligible');
  });

  it('retries nothing once the migration budget is spent, and says so', () => {
    const selection: RetrySelection = {
      targets: [t('acme/x', { state: 'not-applicable', reason: 'nothing-to-change' })],
      excluded: [],
      unknownRepos: [],
    };

    const plan = planDashboardRetry(
      selection,
      buildPolicy({ maxTotalUsd: 10, migrationSpentUsd: 10 }),
      NOW,
      'alice',
    );

    expect(plan.targets).toEqual([]);
    expect(plan.excluded[0]?.why).toContain('total budget is spent');
  });

  it('leaves an unknown group as it is', () => {
    const selection: RetrySelection = {
      targets: [],
      excluded: [],
      unknownRepos: [],
      error: 'No failure group',
    };

    expect(planDashboardRetry(selection, buildPolicy(), NOW, 'alice')).toBe(selection);
  });

  it('resumes the PRs the migration pause stopped, never one a maintainer stopped', () => {
    const targets = [
      t('acme/paused-by-pause', {
        state: 'paused',
        reason: 'stopped',
        prNumber: 1,
        failure: { class: 'ci-failure', signature: 'tsc TS2345' },
      }),
      t('acme/stopped-by-maintainer', {
        state: 'paused',
        reason: 'stopped',
        prNumber: 2,
        failure: { class: 'human', signature: 'stopped by a maintainer' },
      }),
      t('acme/human-commit', { state: 'paused', reason: 'human-commit', prNumber: 3 }),
      t('acme/ready', { state: 'ready', prNumber: 4 }),
    ];

    expect(selectResumeTargets(targets).map((target) => target.repo)).toEqual(['acme/paused-by-pause']);
  });
});
