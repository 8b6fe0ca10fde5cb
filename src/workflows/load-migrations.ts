/**
 * The valid migrations on the config repo's default branch, ready for fan-out (the
 * `loadMigrations` of `InstallationDeps`). Invalid manifests are left out: the
 * `fleetwright/manifests` check run already reports them to their owners.
 */
import { migrationFromManifest } from '../core/migration.ts';
import type { Migration } from '../core/migration.ts';
import type { GitHost, RepoRef } from '../ports/git-host.ts';
import { loadManifests } from './load-manifests.ts';

/** `[]` when the config repo is missing or empty. GitHub errors propagate. */
export async function loadMigrationsFromConfigRepo(
  host: Pick<GitHost, 'findFile' | 'listDirectory' | 'findRepository' | 'findBranchHead'>,
  repo: RepoRef,
): Promise<Migration[]> {
  const info = await host.findRepository(repo);
  if (!info || info.empty) return [];
  const sha = await host.findBranchHead(repo, info.defaultBranch);
  if (sha === undefined) return [];
  const result = await loadManifests(host, repo, sha);
  return result.migrations.flatMap((validated) =>
    validated.prompt === undefined ? [] : [migrationFromManifest(validated.manifest, validated.prompt)],
  );
}
