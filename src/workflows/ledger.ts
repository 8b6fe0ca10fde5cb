/**
 * Keeps the migration ledger (src/core/markers/ledger.ts) in the dashboard issue of the config
 * repo: loaded once per process before the first fan-out, saved by the periodic tick when it
 * changed (many target changes → one edit). Dry-run migrations never write it.
 */
import { buildDashboardKey } from '../core/markers/hidden-key.ts';
import { parseLedger, renderLedgerIssueBody, targetFromLedgerEntry } from '../core/markers/ledger.ts';
import type { Migration } from '../core/migration.ts';
import type { InstallationDeps } from './deps.ts';

/** Puts the ledger's outcomes into the view for repositories it knows nothing about yet. */
export async function loadLedger(deps: InstallationDeps, migration: Migration): Promise<number> {
  if (deps.view.isLedgerLoaded(migration.id)) return 0;
  let issue;
  try {
    issue = await deps.host.findIssue(deps.configRepo, buildDashboardKey(migration.id));
  } catch (error) {
    // Not fatal: without the ledger, fan-out re-checks those repositories (costly, not wrong).
    // It is not marked loaded, so the next fan-out tries again.
    deps.log.warn(
      { migration: migration.id, error: error instanceof Error ? error.message : String(error) },
      'Could not read the migration ledger',
    );
    return 0;
  }
  deps.view.markLedgerLoaded(migration.id);
  if (!issue) return 0;
  deps.view.setLedgerBody(migration.id, stripKey(issue.body));
  const parsed = parseLedger(issue.body, migration.id);
  if (parsed.status !== 'ok') {
    if (parsed.status === 'damaged') {
      deps.log.warn(
        { migration: migration.id, error: parsed.error },
        'Migration ledger unreadable, ignoring it',
      );
    }
    return 0;
  }
  let restored = 0;
  for (const entry of parsed.entries) {
    if (deps.view.findTarget(migration.id, entry.repo)) continue;
    deps.view.putTarget(targetFromLedgerEntry(migration.id, entry));
    restored += 1;
  }
  return restored;
}

/** Writes the dashboard issue when its content changed since the last write or read. */
export async function saveLedger(deps: InstallationDeps, migrationId: string): Promise<boolean> {
  const migration = deps.view.findMigration(migrationId);
  if (!migration || migration.policy.dryRun) return false;
  const targets = deps.view.targets(migrationId);
  if (targets.length === 0) return false;
  const body = renderLedgerIssueBody({ migrationId, title: migration.title, targets });
  if (deps.view.findLedgerBody(migrationId) === body) return false;
  await deps.host.ensureIssue(deps.configRepo, buildDashboardKey(migrationId), {
    title: `fleetwright: ${migration.title}`,
    body,
  });
  deps.view.setLedgerBody(migrationId, body);
  return true;
}

/** `ensureIssue` bodies start with the hidden key line; compare without it. */
function stripKey(body: string): string {
  return body.replace(/^<!-- fleetwright:key [^\n]* -->\n/, '');
}
