/**
 * Which migration a dashboard issue belongs to, read from the hidden key `ensureIssue` writes
 * (`<!-- fleetwright:key fleetwright:dashboard:<id> -->`, see src/core/markers/hidden-key.ts).
 * The issue_comment handler uses it to tell a dashboard from any other issue in the config repo.
 */
import { isMigrationId } from '../markers/branch-name.ts';
import { buildDashboardKey, findHiddenKey } from '../markers/hidden-key.ts';

const PREFIX = buildDashboardKey('');

/**
 * The migration id of a dashboard issue body, or `undefined` for any other issue (no key, a
 * comment key, or a malformed id). Only the key on the body's first line counts: a key quoted
 * further down (in text a person pasted) does not make an issue a dashboard.
 */
export function findDashboardMigrationId(issueBody: string | null | undefined): string | undefined {
  const firstLine = issueBody?.split('\n', 1)[0];
  const key = findHiddenKey(firstLine);
  if (key === undefined || !key.startsWith(PREFIX)) return undefined;
  const id = key.slice(PREFIX.length);
  return isMigrationId(id) ? id : undefined;
}
