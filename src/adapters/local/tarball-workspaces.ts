/**
 * The `WorkspaceFactory` over the local filesystem: each workspace is a fresh temp dir holding
 * the extracted repository tarball (extract-tarball.ts confines every entry to it). `dispose`
 * removes the directory; it is idempotent, so a `finally` and a shutdown hook may both call it.
 */
import { rm } from 'node:fs/promises';
import type { Log } from '../../ports/log.ts';
import type { Workspace, WorkspaceFactory } from '../../ports/workspace.ts';
import type { ExtractOptions } from './extract-tarball.ts';
import { extractTarball } from './extract-tarball.ts';

export class TarballWorkspaces implements WorkspaceFactory {
  readonly #options: ExtractOptions;
  readonly #log: Log;

  constructor(log: Log, options: ExtractOptions = {}) {
    this.#log = log;
    this.#options = options;
  }

  async fromTarball(
    tarball: Uint8Array,
    options: { label: string; signal?: AbortSignal },
  ): Promise<Workspace> {
    options.signal?.throwIfAborted();
    const { root, skipped } = await extractTarball(tarball, this.#options);
    if (skipped.length > 0) {
      this.#log.warn(
        { label: options.label, skipped: skipped.slice(0, 20), count: skipped.length },
        'Tarball entries not extracted',
      );
    }
    let disposed: Promise<void> | undefined;
    return {
      root,
      dispose: () => (disposed ??= rm(root, { recursive: true, force: true })),
    };
  }
}
