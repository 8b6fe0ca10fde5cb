/**
 * Reads and validates every migration manifest of a config repo at one commit. Used by the
 * `fleetwright/manifests` check and by later work (fan-out) that needs the typed migrations.
 */
import {
  isManifestTooLarge,
  describeOversizeManifest,
  validateManifestFiles,
} from '../core/manifest/validate-files.ts';
import type { ManifestFile, ManifestSetResult } from '../core/manifest/validate-files.ts';
import type { GitHost, RepoRef } from '../ports/git-host.ts';
import type { ModelCatalog } from '../shared/pricing.ts';

/** Where manifests live in the config repo. */
export const MIGRATIONS_DIR = 'migrations';
/** More manifests than this in one config repo is refused (each costs a request). */
export const MAX_MANIFEST_FILES = 300;
/** Parallel file reads; keeps well under GitHub's secondary limit of 100 concurrent requests. */
const READ_CONCURRENCY = 4;

export type ManifestReader = Pick<GitHost, 'findFile' | 'listDirectory'>;

async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Loads `migrations/*.yml|yaml` at `sha` and validates them together (duplicate ids, prompt
 * files read at the same commit). Oversize and binary files become located errors, never
 * exceptions; GitHub failures (GitHostError) propagate so the delivery is logged as failed.
 */
export async function loadManifests(
  host: ManifestReader,
  repo: RepoRef,
  sha: string,
  options: { modelCatalog?: ModelCatalog } = {},
): Promise<ManifestSetResult> {
  const entries = (await host.listDirectory(repo, MIGRATIONS_DIR, sha))
    .filter((entry) => entry.type === 'file' && /\.ya?ml$/i.test(entry.name))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
  const listed = entries.slice(0, MAX_MANIFEST_FILES);
  const files = await mapLimited(listed, READ_CONCURRENCY, async (entry): Promise<ManifestFile> => {
    if (entry.size !== undefined && isManifestTooLarge(entry.size))
      return { source: entry.path, unreadable: describeOversizeManifest(entry.size), code: 'too-large' };
    const file = await host.findFile(repo, entry.path, sha);
    if (file === undefined)
      return {
        source: entry.path,
        unreadable: 'the file is binary or not valid UTF-8; expected a YAML text file',
      };
    return { source: entry.path, text: file.text };
  });
  for (const entry of entries.slice(MAX_MANIFEST_FILES)) {
    files.push({
      source: entry.path,
      unreadable: `too many manifests: only the first ${MAX_MANIFEST_FILES} files of ${MIGRATIONS_DIR}/ are read`,
    });
  }
  return validateManifestFiles(files, {
    ...options,
    organisation: repo.owner,
    readPromptFile: async (path) => (await host.findFile(repo, path, sha))?.text,
  });
}
