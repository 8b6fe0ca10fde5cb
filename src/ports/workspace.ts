/**
 * The Workspace port: a temporary directory holding one commit's files, for the coder to edit.
 * The local adapter (h/coder, src/adapters/local/) extracts the repository tarball into a fresh
 * temp dir with every path confined to it; tests use a fake that never touches the disk.
 */
import type { WorkspaceRef } from './coder.ts';

export interface Workspace extends WorkspaceRef {
  /** Removes the directory; safe to call twice. */
  dispose(): Promise<void>;
}

export interface WorkspaceFactory {
  /** A workspace seeded from a gzipped tarball (GitHub's archive format: one top-level directory). */
  fromTarball(tarball: Uint8Array, options: { label: string; signal?: AbortSignal }): Promise<Workspace>;
}
