/**
 * The app's in-memory view of one installation's migrations and targets. It is a cache, never a
 * source of truth: targets with a PR are re-read from their marker before every decision, and
 * the whole view is rebuilt from GitHub on start-up (reconcile.ts). Targets without a PR
 * (queued, at baseline, drafting, skipped) live only here and are re-planned after a restart.
 */
import type { Migration } from '../core/migration.ts';
import type { Policy } from '../core/target/policy.ts';
import type { Target } from '../core/target/target.ts';

interface MigrationView {
  migration: Migration;
  targets: Map<string, Target>;
  /** Existing branches/PRs were looked up for every selected repository at least once. */
  discovered: Set<string>;
  /** The dashboard body last written or read, so unchanged ledgers cost no request. */
  ledgerBody?: string;
  ledgerLoaded: boolean;
}

export class FleetView {
  readonly #migrations = new Map<string, MigrationView>();
  /** Start-up reconciliation completed once in this process (the tick retries it until then). */
  reconciled = false;

  /** Registers or updates a migration; its targets are kept. */
  setMigration(migration: Migration): void {
    const current = this.#migrations.get(migration.id);
    if (current) current.migration = migration;
    else
      this.#migrations.set(migration.id, {
        migration,
        targets: new Map(),
        discovered: new Set(),
        ledgerLoaded: false,
      });
  }

  findMigration(id: string): Migration | undefined {
    return this.#migrations.get(id)?.migration;
  }

  migrations(): Migration[] {
    return [...this.#migrations.values()].map((view) => view.migration);
  }

  /** The migration's targets sorted by repository (the admission queue order). */
  targets(migrationId: string): Target[] {
    const view = this.#migrations.get(migrationId);
    return view ? [...view.targets.values()].sort((a, b) => a.repo.localeCompare(b.repo)) : [];
  }

  findTarget(migrationId: string, repo: string): Target | undefined {
    return this.#migrations.get(migrationId)?.targets.get(repo.toLowerCase());
  }

  putTarget(target: Target): void {
    this.#migrations.get(target.migrationId)?.targets.set(target.repo.toLowerCase(), target);
  }

  /** Replaces the migration's targets (after planning). */
  setTargets(migrationId: string, targets: readonly Target[]): void {
    const view = this.#migrations.get(migrationId);
    if (!view) return;
    view.targets = new Map(targets.map((target) => [target.repo.toLowerCase(), target]));
  }

  isDiscovered(migrationId: string, repo: string): boolean {
    return this.#migrations.get(migrationId)?.discovered.has(repo.toLowerCase()) ?? false;
  }

  markDiscovered(migrationId: string, repo: string): void {
    this.#migrations.get(migrationId)?.discovered.add(repo.toLowerCase());
  }

  findLedgerBody(migrationId: string): string | undefined {
    return this.#migrations.get(migrationId)?.ledgerBody;
  }

  setLedgerBody(migrationId: string, body: string): void {
    const view = this.#migrations.get(migrationId);
    if (view) view.ledgerBody = body;
  }

  isLedgerLoaded(migrationId: string): boolean {
    return this.#migrations.get(migrationId)?.ledgerLoaded ?? false;
  }

  markLedgerLoaded(migrationId: string): void {
    const view = this.#migrations.get(migrationId);
    if (view) view.ledgerLoaded = true;
  }

  /** The policy `step` gets: the manifest's limits plus what the migration has spent so far. */
  policyFor(migrationId: string): Policy | undefined {
    const view = this.#migrations.get(migrationId);
    if (!view) return undefined;
    let spent = 0;
    for (const target of view.targets.values()) spent += target.usage.costUsd;
    return {
      ...view.migration.policy,
      migrationSpentUsd: Math.round(spent * 1e6) / 1e6,
      manifestRevision: view.migration.revision,
    };
  }
}
