/**
 * Extracts a repository tarball (GitHub's `GET /repos/{o}/{r}/tarball/{ref}`, gzip) into a new
 * temp directory that becomes the coder's workspace.
 *
 * The archive is untrusted. Beyond node-tar's own defences (no absolute paths, no `..`, no
 * writing through links), entries are refused when they would escape the root: symbolic links
 * whose target is absolute or climbs out, hard links to outside paths, `.git` directories,
 * devices and FIFOs. GitHub wraps everything in one `owner-repo-sha/` directory; it is stripped.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';

export interface ExtractOptions {
  /** Parent directory of the temp dir (default: the OS temp dir). */
  parentDir?: string;
  /** Refuse archives that would write more than this many bytes (default 2 GiB). */
  maxBytes?: number;
}

export interface ExtractedTarball {
  /** The workspace root (the archive's top-level directory, stripped). */
  root: string;
  /** Entries that were not extracted, and why. */
  skipped: Array<{ path: string; reason: string }>;
}

const ALLOWED_TYPES = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory', 'SymbolicLink', 'Link']);

/** Extracts the archive; on any error the temp dir is removed and the error rethrown. */
export async function extractTarball(
  source: Buffer | Uint8Array | AsyncIterable<Uint8Array> | NodeJS.ReadableStream,
  options: ExtractOptions = {},
): Promise<ExtractedTarball> {
  const maxBytes = options.maxBytes ?? 2 * 1024 ** 3;
  const root = await mkdtemp(path.join(options.parentDir ?? os.tmpdir(), 'fleetwright-ws-'));
  const skipped: ExtractedTarball['skipped'] = [];
  let total = 0;
  let overflow = false;
  const filter = (entryPath: string, entry: unknown): boolean => {
    const e = entry as { type?: string; linkpath?: string; size?: number };
    const rel = stripTop(entryPath);
    if (rel === undefined) return true; // the top-level directory itself (removed by strip)
    const refuse = (reason: string) => {
      skipped.push({ path: rel, reason });
      return false;
    };
    if (!isSafeRelative(rel)) return refuse('path escapes the workspace');
    if (rel.split('/').some((s) => s.toLowerCase() === '.git'))
      return refuse('.git entries are never extracted');
    const type = e.type ?? 'File';
    if (!ALLOWED_TYPES.has(type)) return refuse(`unsupported entry type ${type}`);
    if (type === 'SymbolicLink') {
      const target = e.linkpath ?? '';
      if (target.startsWith('/') || /^[A-Za-z]:/.test(target))
        return refuse(`symbolic link to absolute path ${target}`);
      const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(rel), target));
      if (resolved === '..' || resolved.startsWith('../'))
        return refuse(`symbolic link ${target} points outside the workspace`);
    }
    if (type === 'Link') {
      const raw = e.linkpath ?? '';
      const target = raw.startsWith('/') ? undefined : stripTop(raw);
      if (target === undefined || !isSafeRelative(target))
        return refuse(`hard link to ${e.linkpath} outside the workspace`);
    }
    total += e.size ?? 0;
    if (total > maxBytes) {
      overflow = true;
      return refuse('archive exceeds the size limit');
    }
    return true;
  };
  try {
    const input = Buffer.isBuffer(source) || source instanceof Uint8Array ? Readable.from([source]) : source;
    await pipeline(
      input as NodeJS.ReadableStream,
      tar.x({ cwd: root, strip: 1, filter, preserveOwner: false }),
    );
    if (overflow) throw new Error(`The tarball is larger than ${maxBytes} bytes; refusing to extract it.`);
    return { root, skipped };
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}

/** The entry path without the archive's top-level directory; `undefined` for that directory. */
function stripTop(entryPath: string): string | undefined {
  const parts = entryPath
    .replace(/^\.\//, '')
    .split('/')
    .filter((p) => p !== '' && p !== '.');
  if (parts.length <= 1) return undefined;
  return parts.slice(1).join('/');
}

function isSafeRelative(rel: string): boolean {
  if (rel.startsWith('/') || rel.includes('\\') || /^[A-Za-z]:/.test(rel)) return false;
  return !rel.split('/').includes('..');
}
