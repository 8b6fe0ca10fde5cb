/**
 * What the fan-out handlers receive from src/index.ts: the app configuration, the app's slug and
 * the fleet runtime (src/fleet-runtime.ts), which builds an installation's workflow deps.
 */
import type { Context } from 'probot';
import type { AppConfig } from '../app-config.ts';
import type { InstallationDeps } from '../workflows/deps.ts';

export interface FleetHandlerDeps {
  config: AppConfig;
  /** The app's slug: its own check runs and pushes are echoes, not news. */
  appSlug: string;
  fleet: { forInstallation(installationId: number, org: string): Promise<InstallationDeps> };
}

/** The installation and repository of a repository webhook, or `undefined` when it has none. */
export function findInstallationTarget(
  context: Context,
): { installationId: number; org: string; repo: string } | undefined {
  const payload = context.payload as {
    installation?: { id: number };
    repository?: { full_name: string; owner?: { login: string } | null };
  };
  const installationId = payload.installation?.id;
  const repository = payload.repository;
  if (installationId === undefined || !repository) return undefined;
  const org = repository.owner?.login ?? repository.full_name.split('/')[0] ?? '';
  return { installationId, org, repo: repository.full_name };
}
