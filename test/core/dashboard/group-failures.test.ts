import { describe, expect, it } from 'vitest';
import { findFailureGroup, groupFailures } from '../../../src/core/dashboard/group-failures.ts';
import { shortHash } from '../../../src/core/dashboard/short-hash.ts';
import type { Failure, Target, TargetState } from '../../../src/core/target/target.ts';
import { buildTarget } from '../../../src/core/target/target.ts';
import { NOW, buildMigrationTargets, ts2345, tscFailure } from './migration-fixture.ts';

const target = (
  repo: string,
  state: TargetState,
  failure?: Failure,
  fields: Partial<Target> = {},
): Target => ({
  ...buildTarget({ migrationId: 'use-fetch', manifestRevision: 'rev-1', repo, now: NOW }),
  state,
  ...(failure ? { failure } : {}),
  ...fields,
});

describe('core/dashboard/group-failures', () => {
  it('puts the same TypeScript error from ten repositories in one group', () => {
    const targets = Array.from({ length: 10 }, (_, index) =>
      target(`acme/r${index}`, 'exhausted', ts2345(index)),
    );
    const paths = new Set(targets.map((item) => item.failure?.example));

    const groups = groupFailures(targets);

    expect(paths.size).toBeGreaterThan(1);
    expect(groups.failures).toHaveLength(1);
    expect(groups.failures[0]).toMatchObject({
      class: 'ci-failure',
      count: 10,
      signature: "tsc TS2345: Argument of type '<id>' is not assignable to parameter of type '<id>'.",
      example: { repo: 'acme/r0', text: expect.stringContaining('TS2345') },
    });
    expect(groups.failures[0]?.members.map((member) => member.repo)).toEqual(
      targets.map((item) => item.repo).sort(),
    );
  });

  it('keeps different errors apart, largest first', () => {
    const targets = [
      ...Array.from({ length: 3 }, (_, index) => target(`acme/a${index}`, 'exhausted', ts2345(index))),
      target('acme/b', 'exhausted', tscFailure('src/x.ts', 4, 'TS2307', "Cannot find module 'request'.")),
      target(
        'acme/c',
        'exhausted',
        tscFailure('src/y.ts', 9, 'TS2322', "Type 'string' is not assignable to type 'number'."),
      ),
      ...Array.from({ length: 5 }, (_, index) =>
        target(`acme/d${index}`, 'stalled', {
          class: 'ci-timeout',
          signature: 'CI pending for more than <n> minutes',
        }),
      ),
    ];

    const groups = groupFailures(targets);

    expect(groups.failures.map((group) => [group.class, group.count])).toEqual([
      ['ci-timeout', 5],
      ['ci-failure', 3],
      ['ci-failure', 1],
      ['ci-failure', 1],
    ]);
    expect(new Set(groups.failures.map((group) => group.id)).size).toBe(4);
  });

  it('separates the same signature under different classes', () => {
    const groups = groupFailures([
      target('acme/a', 'skipped', { class: 'baseline-ci', signature: 'failing checks: build' }),
      target('acme/b', 'exhausted', { class: 'ci-failure', signature: 'failing checks: build' }),
    ]);

    expect(groups.failures).toHaveLength(2);
  });

  it('groups only ended targets, and not-applicable ones apart', () => {
    const groups = groupFailures(buildMigrationTargets());

    const states = new Set(groups.failures.flatMap((group) => group.members.map((member) => member.state)));
    expect([...states].sort()).toEqual(['error', 'exhausted', 'skipped', 'stalled']);
    expect(groups.failures.reduce((sum, group) => sum + group.count, 0)).toBe(39);
    expect(groups.notApplicable.map((group) => [group.signature, group.count])).toEqual([
      ['no use of request found', 7],
      ['already uses fetch', 3],
    ]);
  });

  it('gives short, stable ids: 6 hex digits of a hash of class and signature', () => {
    const failure: Failure = { class: 'ci-failure', signature: 'tsc TS2345: x' };

    const [group] = groupFailures([target('acme/a', 'error', failure)]).failures;

    expect(group?.id).toBe(shortHash('ci-failure\ntsc TS2345: x').slice(0, 6));
    expect(group?.id).toMatch(/^[0-9a-f]{6}$/);
    expect(groupFailures([target('acme/zzz', 'exhausted', failure)]).failures[0]?.id).toBe(group?.id);
  });

  it('lengthens the ids of groups whose short ids collide', () => {
    // Find two signatures whose hashes share 6 digits (a birthday search over a few thousand).
    const seen = new Map<string, string>();
    let pair: [string, string] | undefined;
    for (let index = 0; pair === undefined && index < 100_000; index += 1) {
      const signature = `sig ${index}`;
      const prefix = shortHash(`internal\n${signature}`).slice(0, 6);
      const other = seen.get(prefix);
      if (other !== undefined) pair = [other, signature];
      seen.set(prefix, signature);
    }
    if (!pair) throw new Error('no collision found');

    const groups = groupFailures(
      pair.map((signature, index) => target(`acme/${index}`, 'error', { class: 'internal', signature })),
    );

    const ids = groups.failures.map((group) => group.id);
    expect(new Set(ids).size).toBe(2);
    expect(ids.every((id) => id.length === 8)).toBe(true);
    for (const group of groups.failures) expect(findFailureGroup(groups, group.id)).toBe(group);
    expect(findFailureGroup(groups, ids[0]?.slice(0, 6) ?? '')).toBeUndefined();
  });

  it('derives a group for targets recorded without a failure', () => {
    const groups = groupFailures([
      target('acme/a', 'skipped', undefined, { reason: 'baseline-red' }),
      target('acme/b', 'skipped', undefined, { reason: 'baseline-red' }),
      target('acme/c', 'error', undefined),
    ]);

    expect(groups.failures.map((group) => [group.class, group.signature, group.count])).toEqual([
      ['baseline-ci', 'baseline-red', 2],
      ['internal', 'error', 1],
    ]);
  });

  it('takes the example from the first repository that has one, with its detail', () => {
    const groups = groupFailures([
      target(
        'acme/b',
        'exhausted',
        { class: 'coder', signature: 's', example: 'the coder gave up' },
        { detail: 'too many files' },
      ),
      target('acme/a', 'exhausted', { class: 'coder', signature: 's' }),
    ]);

    expect(groups.failures[0]?.example).toEqual({
      repo: 'acme/b',
      text: 'the coder gave up\ntoo many files',
    });
  });

  it('finds groups by id, by a unique prefix, case-insensitively', () => {
    const groups = groupFailures(buildMigrationTargets());
    const first = groups.failures[0];

    expect(first && findFailureGroup(groups, first.id.toUpperCase())).toBe(first);
    expect(first && findFailureGroup(groups, `#${first.id}`)).toBe(first);
    expect(findFailureGroup(groups, 'ffffff')).toBeUndefined();
    expect(findFailureGroup(groups, groups.notApplicable[0]?.id ?? '')).toBe(groups.notApplicable[0]);
  });
});
