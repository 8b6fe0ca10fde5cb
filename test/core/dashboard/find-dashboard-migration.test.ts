import { describe, expect, it } from 'vitest';
import { findDashboardMigrationId } from '../../../src/core/dashboard/find-dashboard-migration.ts';
import { buildCommentKey, buildDashboardKey, withHiddenKey } from '../../../src/core/markers/hidden-key.ts';

describe('core/dashboard/find-dashboard-migration', () => {
  it.each<[string, string | null | undefined, string | undefined]>([
    ['a dashboard', withHiddenKey(buildDashboardKey('use-fetch'), '## Use fetch'), 'use-fetch'],
    ['a comment key', withHiddenKey(buildCommentKey('use-fetch', 'status'), 'x'), undefined],
    ['no key', '## Some issue', undefined],
    [
      'a key quoted below the first line',
      `Look:\n${withHiddenKey(buildDashboardKey('use-fetch'), '')}`,
      undefined,
    ],
    ['a malformed id', '<!-- fleetwright:key fleetwright:dashboard:Use_Fetch -->\n', undefined],
    ['an empty id', '<!-- fleetwright:key fleetwright:dashboard: -->\n', undefined],
    ['null', null, undefined],
  ])('%s', (_name, body, expected) => {
    expect(findDashboardMigrationId(body)).toBe(expected);
  });
});
