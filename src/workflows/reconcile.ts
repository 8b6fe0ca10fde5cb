/**
 * Start-up reconciliation: rebuild each migration's view from GitHub alone (the config repo's
 * manifests and the PR markers) and resume. Also the handler of a config-repo push: re-reading
 * every manifest is cheap and makes edits, additions and disabling all one code path.
 */
import type { InstallationDeps } from './deps.ts';
import type { FanOutResult } from './fan-out.ts';
import { fanOut } from './fan-out.ts';

export async function reconcile(deps: InstallationDeps): Promise<Map<string, FanOutResult>> {
  const results = new Map<string, FanOutResult>();
  if (!deps.loadMigrations) {
    deps.log.warn(
      { installation: deps.installationId },
      'No manifest loader configured, nothing to reconcile',
    );
    return results;
  }
  const migrations = await deps.loadMigrations();
  const repos = migrations.length > 0 ? await deps.host.listRepositories() : [];
  for (const migration of migrations) {
    results.set(migration.id, await fanOut(deps, migration, { repos }));
  }
  deps.view.reconciled = true;
  // Migrations whose manifest disappeared stop admitting; their open PRs stay as they are.
  const present = new Set(migrations.map((migration) => migration.id));
  for (const known of deps.view.migrations()) {
    if (!present.has(known.id) && known.policy.enabled) {
      deps.view.setMigration({ ...known, policy: { ...known.policy, enabled: false } });
      deps.log.info({ migration: known.id }, 'Manifest removed: admissions stopped');
    }
  }
  return results;
}
