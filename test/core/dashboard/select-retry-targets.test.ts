import { describe, expect, it } from 'vitest';
import { groupFailures } from '../../../src/core/dashboard/group-failures.ts';
import { selectRetryTargets } from '../../../src/core/dashboard/select-retry-targets.ts';
import type { Failure, Target, TargetReason, TargetState } from '../../../src/core/target/target.ts';
import { buildTarget } from '../../../src/core/target/target.ts';
import { NOW, ts2345 } from './migration-fixture.ts';

const target = (repo: string, state: TargetState, reason?: TargetReason, failure?: Failure): Target => ({
  ...buildTarget({ migrationId: 'use-fetch', manifestRevision: 'rev-1', repo, now: NOW }),
  state,
  ...(reason ? { reason } : {}),
  ...(failure ? { failure } : {}),
});

const TARGETS: Target[] = [
  target('acme/ts-1', 'exhausted', 'iteration-budget', ts2345(1)),
  target('acme/ts-2', 'exhausted', 'iteration-budget', ts2345(2)),
  target('acme/ts-3', 'exhausted', 'iteration-budget', ts2345(3)),
  target('acme/red', 'skipped', 'baseline-red', { class: 'baseline-ci', signature: 'failing checks: build' }),
  target('acme/old', 'skipped', 'archived', { class: 'ineligible', signature: 'archived' }),
  target('acme/slow', 'stalled', 'ci-timeout', { class: 'ci-timeout', signature: 'CI pending' }),
  target('acme/boom', 'error', 'github-error', { class: 'github', signature: 'GitHub answered <n>' }),
  target('acme/na', 'not-applicable', 'nothing-to-change', { class: 'not-applicable', signature: 'no use' }),
  target('acme/merged', 'merged'),
  target('acme/closed', 'closed', 'pr-closed'),
  target('acme/human', 'paused', 'human-commit'),
  target('acme/stopped', 'paused', 'stopped'),
  target('acme/busy', 'repairing'),
  target('acme/wait', 'queued'),
  target('acme/green', 'awaiting-ci'),
];
const GROUPS = groupFailures(TARGETS);
const repos = (targets: readonly Target[]) => targets.map((item) => item.repo);

describe('core/dashboard/select-retry-targets', () => {
  it('--failed retries every failure group except ineligible repositories', () => {
    const selection = selectRetryTargets({ name: 'retry-failed' }, TARGETS, GROUPS);

    expect(repos(selection.targets)).toEqual([
      'acme/boom',
      'acme/red',
      'acme/slow',
      'acme/ts-1',
      'acme/ts-2',
      'acme/ts-3',
    ]);
    expect(selection.excluded).toEqual([]);
    expect(selection.unknownRepos).toEqual([]);
  });

  it('--group retries exactly the group’s repositories', () => {
    const group = GROUPS.failures.find((item) => item.count === 3);

    const selection = selectRetryTargets({ name: 'retry-group', groupId: group?.id ?? '' }, TARGETS, GROUPS);

    expect(repos(selection.targets)).toEqual(['acme/ts-1', 'acme/ts-2', 'acme/ts-3']);
    expect(selection.group).toBe(group);
  });

  it('--group also reaches not-applicable groups and ineligible ones when named', () => {
    const na = GROUPS.notApplicable[0]?.id ?? '';
    const archived = GROUPS.failures.find((item) => item.class === 'ineligible')?.id ?? '';

    expect(repos(selectRetryTargets({ name: 'retry-group', groupId: na }, TARGETS, GROUPS).targets)).toEqual([
      'acme/na',
    ]);
    expect(
      repos(selectRetryTargets({ name: 'retry-group', groupId: archived }, TARGETS, GROUPS).targets),
    ).toEqual(['acme/old']);
  });

  it('an unknown group id is an error that lists the current ids', () => {
    const selection = selectRetryTargets({ name: 'retry-group', groupId: 'ffffff' }, TARGETS, GROUPS);

    expect(selection.targets).toEqual([]);
    expect(selection.error).toContain('No failure group `ffffff`');
    expect(selection.error).toContain(`\`${GROUPS.failures[0]?.id ?? ''}\``);
  });

  it.each<[string, string, string | undefined]>([
    ['acme/green', 'awaiting-ci', undefined],
    ['ACME/TS-1', 'exhausted', undefined],
    ['acme/na', 'not-applicable', undefined],
    ['acme/merged', 'merged', 'already merged'],
    ['acme/closed', 'closed', 'closed by a person'],
    ['acme/human', 'paused', 'a person committed'],
    ['acme/stopped', 'paused', 'stopped by a maintainer'],
    ['acme/busy', 'repairing', 'running now'],
    ['acme/wait', 'queued', 'already queued'],
  ])('named repository %s (%s): %s', (repo, state, why) => {
    const selection = selectRetryTargets({ name: 'retry-repos', repos: [repo] }, TARGETS, GROUPS);

    if (why === undefined) {
      expect(repos(selection.targets)).toEqual([repo.toLowerCase()]);
    } else {
      expect(selection.targets).toEqual([]);
      expect(selection.excluded).toEqual([{ repo, state, why: expect.stringContaining(why) }]);
    }
  });

  it('reports repositories that are not targets', () => {
    const selection = selectRetryTargets(
      { name: 'retry-repos', repos: ['acme/red', 'other/repo'] },
      TARGETS,
      GROUPS,
    );

    expect(repos(selection.targets)).toEqual(['acme/red']);
    expect(selection.unknownRepos).toEqual(['other/repo']);
  });
});
