import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBranchName, renderBranchName } from '../../../src/core/markers/branch-name.ts';
import {
  buildCommentKey,
  buildDashboardKey,
  findHiddenKey,
  renderHiddenKey,
  withHiddenKey,
} from '../../../src/core/markers/hidden-key.ts';
import { diffLabels, labelsForState } from '../../../src/core/markers/labels.ts';

describe('core/markers/branch-name', () => {
  it('round-trips migration ids', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9]{1,10}(-[a-z0-9]{1,10}){0,3}$/), (id) => {
        expect(parseBranchName(renderBranchName(id))).toEqual({ migrationId: id });
        expect(parseBranchName(`refs/heads/${renderBranchName(id)}`)).toEqual({ migrationId: id });
      }),
    );
  });

  it.each([
    'main',
    'fleetwright',
    'fleetwright/',
    'fleetwright/Upper',
    'fleetwright/a--b',
    'fleetwright/a/b',
    'other/fleetwright/x',
    `fleetwright/${'a'.repeat(65)}`,
  ])('rejects %s', (ref) => {
    expect(parseBranchName(ref)).toBeUndefined();
  });

  it('refuses to render an invalid id', () => {
    expect(() => renderBranchName('Not Valid')).toThrow(/Not a migration id/);
  });
});

describe('core/markers/hidden-key', () => {
  it('round-trips keys and ignores bodies without one', () => {
    const key = buildCommentKey('use-fetch', 'exhausted');

    expect(findHiddenKey(withHiddenKey(key, 'Hello'))).toBe(key);
    expect(findHiddenKey(`${renderHiddenKey(buildDashboardKey('use-fetch'))}\nbody`)).toBe(
      'fleetwright:dashboard:use-fetch',
    );
    expect(findHiddenKey('plain comment')).toBeUndefined();
    expect(findHiddenKey(null)).toBeUndefined();
    expect(() => renderHiddenKey('Bad Key -->')).toThrow();
  });
});

describe('core/markers/labels', () => {
  it('labels each state and flags the ones needing a human', () => {
    expect(labelsForState('awaiting-ci')).toEqual(['fleetwright', 'fleetwright:awaiting-ci']);
    expect(labelsForState('exhausted')).toEqual([
      'fleetwright',
      'fleetwright:exhausted',
      'fleetwright:needs-human',
    ]);
  });

  it('diffs only fleetwright labels', () => {
    expect(diffLabels(['fleetwright', 'fleetwright:awaiting-ci', 'team:web'], 'exhausted')).toEqual({
      add: ['fleetwright:exhausted', 'fleetwright:needs-human'],
      remove: ['fleetwright:awaiting-ci'],
    });
    expect(diffLabels(labelsForState('judging'), 'judging')).toEqual({ add: [], remove: [] });
  });
});
