/**
 * The app's in-memory view of one installation's migrations and targets. It is a cache, never a
 * source of truth: targets with a PR are re-read from their marker before every decision, and
 * the whole view is rebuilt from GitHub on start-up (reconcile.ts). Targets without a PR
 * (queued, at baseline, drafting, skipped) live only here and are re-planned after a restart.
 */
import type { DashboardPause } from '../core/markers/dashboard-pause.ts';
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
  /** Set while the migration is paused from its dashboard (`/migrate pause`). */
  pause?: DashboardPause;
  /** Bumped by every change the dashboard shows (targets, manifest, pause). */
  revision: number;
  /** `revision` when the dashboard was last written (or found up to date). */
  dashboardRevision: number;
  /** When the dashboard was last written (ms), for the minimum interval between edits. */
  dashboardWrittenAt?: number;
  /** When the dashboard was last rendered and compared (ms), written or not. */
  dashboardCheckedAt?: number;
  /** Dashboard syncs run so far: the dedupe id of the next queued sync (one pending at a time). */
  dashboardSyncs: number;
}

export class FleetView {
  readonly #migrations = new Map<string, MigrationView>();
  /** Start-up reconciliation completed once in this process (the tick retries it until then). */
  reconciled = false;

  /** Registers or updates a migration; its targets are kept. */
  setMigration(migration: Migration): void {
    const current = this.#migrations.get(migration.id);
    if (current) {
      current.migration = migration;
      current.revision += 1;
    } else
      this.#migrations.set(migration.id, {
        migration,
        targets: new Map(),
        discovered: new Set(),
        ledgerLoaded: false,
        revision: 1,
        dashboardRevision: 0,
        dashboardSyncs: 0,
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
    const view = this.#migrations.get(target.migrationId);
    if (!view) return;
    const key = target.repo.toLowerCase();
    if (view.targets.get(key) === target) return;
    view.targets.set(key, target);
    view.revision += 1;
  }

  /** Replaces the migration's targets (after planning). */
  setTargets(migrationId: string, targets: readonly Target[]): void {
    const view = this.#migrations.get(migrationId);
    if (!view) return;
    view.targets = new Map(targets.map((target) => [target.repo.toLowerCase(), target]));
    view.revision += 1;
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

  /** The dashboard pause (`/migrate pause`), or `undefined` while the dashboard does not pause it. */
  findPause(migrationId: string): DashboardPause | undefined {
    return this.#migrations.get(migrationId)?.pause;
  }

  setPause(migrationId: string, pause: DashboardPause | undefined): void {
    const view = this.#migrations.get(migrationId);
    if (!view) return;
    if (pause) view.pause = pause;
    else delete view.pause;
    view.revision += 1;
  }

  /** A number that changes whenever anything the dashboard shows changes. */
  dashboardRevision(migrationId: string): number {
    return this.#migrations.get(migrationId)?.revision ?? 0;
  }

  /** The migration changed since its dashboard was last written (or found up to date). */
  isDashboardDirty(migrationId: string): boolean {
    const view = this.#migrations.get(migrationId);
    return view !== undefined && view.revision !== view.dashboardRevision;
  }

  /**
   * Records that the dashboard shows `revision` as of `at` (ms); `wrote` when an edit was sent (a
   * body found unchanged costs no request and does not restart the minimum interval between edits).
   */
  markDashboardSynced(migrationId: string, revision: number, body: string, at: number, wrote: boolean): void {
    const view = this.#migrations.get(migrationId);
    if (!view) return;
    view.dashboardRevision = revision;
    view.ledgerBody = body;
    view.dashboardCheckedAt = at;
    if (wrote) view.dashboardWrittenAt = at;
  }

  /** When the dashboard was last rendered and compared (ms), or `undefined` before the first time. */
  findDashboardCheckedAt(migrationId: string): number | undefined {
    return this.#migrations.get(migrationId)?.dashboardCheckedAt;
  }

  /** When the dashboard was last edited (ms), or `undefined` before the first edit. */
  findDashboardWrittenAt(migrationId: string): number | undefined {
    return this.#migrations.get(migrationId)?.dashboardWrittenAt;
  }

  /** Counts a dashboard sync job as run; the count names the next one (see `requestDashboardSync`). */
  countDashboardSync(migrationId: string): void {
    const view = this.#migrations.get(migrationId);
    if (view) view.dashboardSyncs += 1;
  }

  dashboardSyncs(migrationId: string): number {
    return this.#migrations.get(migrationId)?.dashboardSyncs ?? 0;
  }

  /**
   * The policy `step` gets: the manifest's limits plus what the migration has spent so far. The
   * migration is paused when its manifest says so (`rollout.paused`) or its dashboard does.
   */
  policyFor(migrationId: string): Policy | undefined {
    const view = this.#migrations.get(migrationId);
    if (!view) return undefined;
    let spent = 0;
    for (const target of view.targets.values()) spent += target.usage.costUsd;
    return {
      ...view.migration.policy,
      paused: view.migration.policy.paused || view.pause !== undefined,
      migrationSpentUsd: Math.round(spent * 1e6) / 1e6,
      manifestRevision: view.migration.revision,
    };
  }
}
