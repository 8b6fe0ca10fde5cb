/**
 * Keeps each migration's dashboard issue in the config repo up to date (issue 8):
 * 1. never before the issue has been read (its ledger and pause are state only it holds: writing
 *    without them would erase them), so an unread dashboard is read first;
 * 2. render the whole body from the source of truth: the view of the targets (rebuilt from the PR
 *    markers and the ledger), the planner's queue and the dashboard pause. Every write is a full
 *    re-render, never a read-modify-write of the body, so concurrent target updates cannot lose
 *    information: the last render includes everything that happened before it;
 * 3. skip the request when the body is unchanged;
 * 4. debounce: the view counts changes (`dashboardRevision`); a change after a job queues one
 *    sync (`requestDashboardSync`, deduplicated until that sync has run), and renders and edits
 *    are at least `DASHBOARD_MIN_INTERVAL_MS` apart; a deferred change is written by the
 *    runtime's dashboard beat (src/fleet-runtime.ts) or the tick, whichever comes first.
 *
 * Requests per update: `ensureIssue` (one list of the app's issues in the config repo, then one
 * edit), none when nothing changed. Dry-run migrations never write it.
 */
import type { renderDashboardReport } from '../core/dashboard/render-dashboard.ts';
import { renderDashboardIssue } from '../core/dashboard/render-dashboard.ts';
import { admitTargets } from '../core/planner/admit-targets.ts';
import type { Jobs } from '../ports/jobs.ts';
import type { InstallationDeps, WorkflowJob } from './deps.ts';
import type { FleetView } from './fleet-view.ts';
import { loadLedger } from './ledger.ts';

/** The shortest time between two edits of one dashboard (many target changes → one edit). */
export const DASHBOARD_MIN_INTERVAL_MS = 30_000;

/** What a sync did: `deferred` = changed, but the last edit is too recent (a later sync writes it). */
export type DashboardSyncOutcome = 'written' | 'unchanged' | 'deferred' | 'skipped';

/** The queue key of a migration's dashboard: its syncs and dashboard commands never overlap. */
export function dashboardJobKey(installationId: number, migrationId: string): string {
  return `dashboard#${installationId}#${migrationId}`;
}

/**
 * Writes the dashboard when it changed. `force` ignores the minimum interval (a pause must be on
 * GitHub before the command reports success). Throws when GitHub fails the write.
 */
export async function syncDashboard(
  deps: InstallationDeps,
  migrationId: string,
  options: { force?: boolean } = {},
): Promise<DashboardSyncOutcome> {
  const migration = deps.view.findMigration(migrationId);
  if (!migration || migration.policy.dryRun) return 'skipped';
  if (!deps.view.isLedgerLoaded(migrationId)) {
    await loadLedger(deps, migration);
    // Still unread (GitHub failed; logged there): writing now would erase the ledger and the pause.
    if (!deps.view.isLedgerLoaded(migrationId)) return 'skipped';
  }
  const now = deps.clock.now();
  const revision = deps.view.dashboardRevision(migrationId);
  const issue = renderDashboardIssue(buildDashboardInput(deps.view, migrationId, now, deps.webUrl));
  if (deps.view.findLedgerBody(migrationId) === issue.body) {
    deps.view.markDashboardSynced(migrationId, revision, issue.body, now.getTime(), false);
    return 'unchanged';
  }
  const last = deps.view.findDashboardWrittenAt(migrationId);
  if (!options.force && last !== undefined && now.getTime() - last < DASHBOARD_MIN_INTERVAL_MS) {
    return 'deferred';
  }
  await deps.host.ensureIssue(deps.configRepo, issue.key, { title: issue.title, body: issue.body });
  deps.view.markDashboardSynced(migrationId, revision, issue.body, now.getTime(), true);
  return 'written';
}

/** `renderDashboardReport`'s input from the view: targets, queue, pause, now. */
export function buildDashboardInput(view: FleetView, migrationId: string, now: Date, webUrl?: string) {
  const migration = view.findMigration(migrationId);
  const policy = view.policyFor(migrationId);
  if (!migration || !policy) throw new Error(`Unknown migration ${migrationId}`);
  const targets = view.targets(migrationId);
  const admission = admitTargets(targets, policy, now);
  const waiting = admission.waiting + admission.admit.length;
  const pause = view.findPause(migrationId);
  return {
    migration: {
      id: migration.id,
      title: migration.title,
      revision: migration.revision,
      dryRun: migration.policy.dryRun,
      policy: migration.policy,
    },
    targets,
    queue: {
      waiting,
      ...(admission.blockedBy ? { blockedBy: admission.blockedBy } : {}),
      ...(admission.nextSlotAt ? { nextSlotAt: admission.nextSlotAt } : {}),
    },
    now,
    ...(pause ? { pause } : {}),
    ...(webUrl ? { webUrl } : {}),
  } satisfies Parameters<typeof renderDashboardReport>[0];
}

/** What queueing a dashboard sync needs (the runtime's dashboard beat has no full InstallationDeps). */
type DashboardSyncDeps = Pick<InstallationDeps, 'installationId' | 'view' | 'clock'> & {
  jobs: Jobs<WorkflowJob>;
};

/**
 * Queues a sync of the migration's dashboard if it changed and the last edit is old enough.
 * Deduplicated per sync: however many targets change before the queued sync runs, one sync runs.
 */
export function requestDashboardSync(deps: DashboardSyncDeps, migrationId: string): boolean {
  const view = deps.view;
  const migration = view.findMigration(migrationId);
  if (!migration || migration.policy.dryRun || !view.isDashboardDirty(migrationId)) return false;
  // Renders are rate-limited like edits: a change that turned out invisible costs one render per interval.
  const last = Math.max(
    view.findDashboardWrittenAt(migrationId) ?? -Infinity,
    view.findDashboardCheckedAt(migrationId) ?? -Infinity,
  );
  if (deps.clock.now().getTime() - last < DASHBOARD_MIN_INTERVAL_MS) return false;
  const key = dashboardJobKey(deps.installationId, migrationId);
  return deps.jobs.enqueue({
    key,
    kind: 'default',
    dedupeId: `${key}:sync-${view.dashboardSyncs(migrationId)}`,
    payload: { type: 'dashboard', installationId: deps.installationId, migrationId },
  }).accepted;
}

/**
 * Queues a sync of every changed dashboard (the tick, reconciliation, the runtime's dashboard
 * beat). Syncs always run on the dashboard's own key, so two renders of one dashboard never race
 * each other to GitHub.
 */
export function requestDashboardSyncs(deps: DashboardSyncDeps): void {
  for (const migration of deps.view.migrations()) requestDashboardSync(deps, migration.id);
}

/** One queued sync: counted (so the next change queues a new one), failures logged. */
export async function runDashboardSync(deps: InstallationDeps, migrationId: string): Promise<void> {
  deps.view.countDashboardSync(migrationId);
  try {
    const outcome = await syncDashboard(deps, migrationId);
    deps.log.debug({ migration: migrationId, outcome }, 'Dashboard synced');
  } catch (error) {
    deps.log.warn(
      { migration: migrationId, error: error instanceof Error ? error.message : String(error) },
      'Could not update the migration dashboard',
    );
  }
}
