/**
 * What workflows need for one installation. Built by the wiring (src/index.ts) from Probot's
 * context and the adapters; tests build it from fakes. Workflows see only ports.
 */
import type { Migration } from '../core/migration.ts';
import type { TargetEvent } from '../core/target/events.ts';
import type { Clock } from '../ports/clock.ts';
import type { Coder } from '../ports/coder.ts';
import type { GitHost, RepoRef } from '../ports/git-host.ts';
import type { Jobs } from '../ports/jobs.ts';
import type { Judge } from '../ports/judge.ts';
import type { Log } from '../ports/log.ts';
import type { ReadyPrQueue } from '../ports/notifier.ts';
import type { WorkspaceFactory } from '../ports/workspace.ts';
import type { FleetView } from './fleet-view.ts';
import type { RequestCounts } from './paced-git-host.ts';

/** The serialisable work items of the queue. */
export type WorkflowJob =
  | { type: 'advance'; installationId: number; migrationId: string; repo: string; event: TargetEvent }
  | { type: 'fan-out'; installationId: number; migrationId: string }
  /** A `/migrate` comment on the target's PR (run-command.ts); the body is parsed again there. */
  | {
      type: 'command';
      installationId: number;
      migrationId: string;
      repo: string;
      prNumber: number;
      commentId: number;
      body: string;
      commenter: { login: string; type: string };
    }
  /** Re-render the migration's dashboard issue if it changed (dashboard.ts). */
  | { type: 'dashboard'; installationId: number; migrationId: string }
  /** A `/migrate` comment on the migration's dashboard issue (run-dashboard-command.ts). */
  | {
      type: 'dashboard-command';
      installationId: number;
      migrationId: string;
      issueNumber: number;
      commentId: number;
      body: string;
      commenter: { login: string; type: string };
    }
  | { type: 'tick'; installationId: number }
  | { type: 'reconcile'; installationId: number };

export interface InstallationDeps {
  installationId: number;
  /** The organisation (owner of the config repo); manifests cannot reach outside it. */
  org: string;
  configRepo: RepoRef;
  /** GitHub's web address (`https://github.com` or the GHES host): dashboard links. */
  webUrl?: string;
  /** Already paced and counted (see paced-git-host.ts). */
  host: GitHost;
  /** The coder of a migration's model (manifest `model.coder`); may throw CoderError (no credentials). */
  coderFor(model: string): Coder;
  /** The judge of a migration's model (manifest `model.judge`); may throw JudgeError (no credentials). */
  judgeFor(model: string): Judge;
  /** Where ready PRs are queued for the owning teams' notifications; absent = nobody is notified. */
  notifications?: ReadyPrQueue;
  workspaces: WorkspaceFactory;
  clock: Clock;
  log: Log;
  jobs: Jobs<WorkflowJob>;
  view: FleetView;
  /** The app's slug: its own check runs are not CI. */
  appSlug: string;
  /** The login commits made with the installation token are attributed to (`<slug>[bot]`). */
  botLogin: string;
  /**
   * Calls made through `host`, per method (see paced-git-host.ts). The runtime builds deps per
   * job, so the difference across one advance is that advance's request count.
   */
  requestCounts?: RequestCounts;
  /** Reads the config repo's manifests (reconcile.ts); returns the valid, enabled ones. */
  loadMigrations?: () => Promise<Migration[]>;
}

/** The queue key of one target: one job at a time per repo + migration. */
export function targetJobKey(repo: string, migrationId: string): string {
  return `${repo.toLowerCase()}#${migrationId}`;
}

/** `owner/name` → RepoRef. */
export function toRepoRef(fullName: string): RepoRef {
  const [owner = '', repo = ''] = fullName.split('/');
  return { owner, repo };
}
