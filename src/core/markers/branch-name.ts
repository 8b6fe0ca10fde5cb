/**
 * The deterministic branch of a migration's PR in every repository: `fleetwright/<migration-id>`.
 * Rendered and parsed only here (STYLE.md §12.7), so handlers can tell our branches from others.
 */

/** Every fleetwright branch starts with this. */
export const BRANCH_PREFIX = 'fleetwright/';

/** Migration ids: kebab-case, at most 64 characters (the manifest enforces the same rule). */
const MIGRATION_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const MAX_ID_LENGTH = 64;

/** True when `id` can be embedded in a branch, label or marker. */
export function isMigrationId(id: string): boolean {
  return id.length <= MAX_ID_LENGTH && MIGRATION_ID.test(id);
}

/** `fleetwright/<id>`. Throws on an id that is not kebab-case (a programming error: ids are validated on parse). */
export function renderBranchName(migrationId: string): string {
  if (!isMigrationId(migrationId)) throw new Error(`Not a migration id: ${JSON.stringify(migrationId)}`);
  return `${BRANCH_PREFIX}${migrationId}`;
}

/**
 * The migration id of a fleetwright branch (`fleetwright/<id>` or `refs/heads/fleetwright/<id>`),
 * or `undefined` when the branch is not one of ours (the usual case in a webhook: skip it).
 */
export function parseBranchName(ref: string): { migrationId: string } | undefined {
  const branch = ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : ref;
  if (!branch.startsWith(BRANCH_PREFIX)) return undefined;
  const id = branch.slice(BRANCH_PREFIX.length);
  return isMigrationId(id) ? { migrationId: id } : undefined;
}
