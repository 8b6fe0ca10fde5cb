/**
 * Reads the state only the dashboard issue of the config repo holds: the migration ledger
 * (src/core/markers/ledger.ts) and the dashboard pause (src/core/markers/dashboard-pause.ts).
 * Loaded once per process before the first fan-out (and before the first dashboard write, see
 * dashboard.ts, which writes both back with every render).
 */
import { parsePauseMarker } from '../core/markers/dashboard-pause.ts';
import { buildDashboardKey } from '../core/markers/hidden-key.ts';
import { parseLedger, targetFromLedgerEntry } from '../core/markers/ledger.ts';
import type { Migration } from '../core/migration.ts';
import type { InstallationDeps } from './deps.ts';

/**
 * Puts the ledger's outcomes into the view for repositories it knows nothing about yet, and
 * restores a dashboard pause. Returns the number of targets restored.
 */
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
  restorePause(deps, migration.id, issue.body);
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

/**
 * A pause written on the dashboard holds after a restart. A pause marker that cannot be read
 * (someone edited the hidden text) counts as a pause: a stop someone asked for must not be lost;
 * `/migrate resume` clears it.
 */
function restorePause(deps: InstallationDeps, migrationId: string, body: string): void {
  const pause = parsePauseMarker(body);
  if (pause.status === 'paused') deps.view.setPause(migrationId, pause.pause);
  if (pause.status === 'damaged') {
    deps.log.warn(
      { migration: migrationId, error: pause.error },
      'Dashboard pause marker unreadable, staying paused',
    );
    deps.view.setPause(migrationId, { by: 'ghost', at: deps.clock.now().toISOString() });
  }
}

/** `ensureIssue` bodies start with the hidden key line; compare without it. */
function stripKey(body: string): string {
  return body.replace(/^<!-- fleetwright:key [^\n]* -->\n/, '');
}
