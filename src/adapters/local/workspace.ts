/**
 * A coder workspace: a real directory (a temp dir seeded from a tarball, or the user's checkout
 * in `fleetwright try`) whose every access is confined to its root.
 *
 * Security model (the repository's content is untrusted, the model's tool input is untrusted):
 * - paths are relative, use `/`, and contain no `..`, no empty tricks, no NUL, no backslash;
 * - no segment may be `.git` (any case: case-insensitive file systems), anywhere;
 * - `.github/workflows/` is read-only unless the migration allows workflow edits;
 * - writes outside the migration's allowed globs are rejected;
 * - symlinks: on every access the deepest existing ancestor (and the target when it exists) is
 *   resolved with realpath and must stay inside the root; the rules above are checked again on
 *   the resolved path, so a link inside the repo cannot reach `.git` or the workflows either.
 *
 * Change tracking is copy-on-write: before a path is first modified its original bytes and
 * mode are saved, so the ChangeSet covers exactly what the coder changed (not build output of
 * a verify command) and can be rendered as a git diff.
 */
import { createHash } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { lstat, mkdir, readdir, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import type { ChangeSet } from '../../ports/coder.ts';
import { renderUnifiedDiff, type FileChange } from '../../core/diff/render-unified-diff.ts';

/** What the migration allows the coder to do in this workspace. */
export interface WorkspacePolicy {
  allowWorkflowEdits: boolean;
  /** Globs the change may touch; empty = anywhere. */
  allowedPaths: string[];
  /** Files larger than this are not read into the model nor edited (default 1 MiB). */
  maxFileBytes?: number;
}

/** A rejected path or file operation; its message is written for the model. */
export class WorkspaceError extends Error {
  override name = 'WorkspaceError';
}

export type Access = 'read' | 'write';

/** A resolved, confined location. `rel` is '' for the root. */
export interface Resolved {
  rel: string;
  abs: string;
  exists: boolean;
}

interface Original {
  content: Buffer | undefined;
  mode: number;
}

/** Directories never walked by listings and searches (still viewable by explicit path). */
export const SKIPPED_DIRS: ReadonlySet<string> = new Set(['.git', 'node_modules']);

export class LocalWorkspace {
  readonly root: string;
  readonly policy: Required<WorkspacePolicy>;
  readonly #originals = new Map<string, Original>();
  readonly #allowed: ((p: string) => boolean) | undefined;

  private constructor(root: string, policy: WorkspacePolicy) {
    this.root = root;
    this.policy = { maxFileBytes: 1024 * 1024, ...policy };
    this.#allowed =
      policy.allowedPaths.length === 0 ? undefined : picomatch(policy.allowedPaths, { dot: true });
  }

  /** Opens a workspace on an existing directory (resolved through realpath). */
  static async open(root: string, policy: WorkspacePolicy): Promise<LocalWorkspace> {
    const real = await realpath(root);
    const info = await stat(real);
    if (!info.isDirectory()) throw new WorkspaceError(`Workspace root is not a directory: ${root}`);
    return new LocalWorkspace(real, policy);
  }

  /**
   * Confines a model-supplied path. Throws WorkspaceError with a message for the model when
   * the path is invalid, escapes the root, or is not writable under the policy.
   */
  async resolve(input: string, access: Access): Promise<Resolved> {
    const rel = normalizeRelative(input);
    this.#checkRules(rel, access, input);
    const abs = rel === '' ? this.root : path.join(this.root, ...rel.split('/'));
    // Deepest existing ancestor (or the target itself) must resolve inside the root.
    let probe = abs;
    let exists = true;
    for (;;) {
      try {
        await lstat(probe);
        break;
      } catch (error) {
        if (!isNotFound(error)) throw new WorkspaceError(`Cannot access '${input}': ${describe(error)}`);
        exists = false;
        const parent = path.dirname(probe);
        if (parent === probe) break;
        probe = parent;
      }
    }
    let realProbe: string;
    try {
      realProbe = await realpath(probe);
    } catch (error) {
      // A dangling symlink: realpath fails on it. Treat as escaping; we cannot prove otherwise.
      throw new WorkspaceError(`'${input}' is a broken symbolic link or unreadable: ${describe(error)}`);
    }
    if (!isInside(this.root, realProbe)) {
      throw new WorkspaceError(`'${input}' resolves outside the repository (symbolic link); access denied.`);
    }
    if (access === 'write' && exists && probe === abs && (await lstat(abs)).isSymbolicLink()) {
      // Writing or deleting "through" a link would change another file than the one named.
      const target = path.relative(this.root, realProbe).split(path.sep).join('/');
      throw new WorkspaceError(
        `'${input}' is a symbolic link to '${target}'; edit '${target}' instead (links themselves cannot be changed).`,
      );
    }
    // Re-root the not-yet-existing tail on the real ancestor, so a write through a directory
    // link lands (and is recorded) at its real path, and the rules see that real path.
    const tail = path.relative(probe, abs);
    const finalAbs = tail === '' ? realProbe : path.join(realProbe, tail);
    const finalRel = path.relative(this.root, finalAbs).split(path.sep).join('/');
    if (finalRel !== rel) this.#checkRules(finalRel, access, input);
    return { rel: finalRel, abs: finalAbs, exists };
  }

  #checkRules(rel: string, access: Access, input: string): void {
    const segments = rel === '' ? [] : rel.split('/');
    if (segments.some((s) => s.toLowerCase() === '.git')) {
      throw new WorkspaceError(`'${input}' is inside .git, which is not accessible.`);
    }
    if (access === 'read') return;
    if (rel === '') throw new WorkspaceError('The repository root itself cannot be written.');
    const lower = rel.toLowerCase();
    if (
      !this.policy.allowWorkflowEdits &&
      (lower === '.github/workflows' || lower.startsWith('.github/workflows/'))
    ) {
      throw new WorkspaceError(
        `'${input}' is under .github/workflows/, which is read-only for this migration (it does not allow workflow edits).`,
      );
    }
    if (this.#allowed !== undefined && !this.#allowed(rel)) {
      throw new WorkspaceError(
        `'${input}' is outside the paths this migration may change (${this.policy.allowedPaths.join(', ')}).`,
      );
    }
  }

  /** Reads a file as bytes; rejects directories and files over the size cap. */
  async readBytes(resolved: Resolved, input: string): Promise<Buffer> {
    const info = await this.#statFile(resolved, input);
    if (info.size > this.policy.maxFileBytes) {
      throw new WorkspaceError(
        `'${input}' is ${info.size} bytes, over the ${this.policy.maxFileBytes}-byte limit for files the coder reads or edits.`,
      );
    }
    return readFile(resolved.abs);
  }

  /** Reads a UTF-8 text file; rejects binary files with a clear message. */
  async readText(resolved: Resolved, input: string): Promise<string> {
    const bytes = await this.readBytes(resolved, input);
    const text = decodeText(bytes);
    if (text === undefined)
      throw new WorkspaceError(
        `'${input}' is a binary file (${bytes.length} bytes); it cannot be viewed or edited as text.`,
      );
    return text;
  }

  async #statFile(resolved: Resolved, input: string) {
    if (!resolved.exists) throw new WorkspaceError(`'${input}' does not exist.`);
    const info = await stat(resolved.abs);
    if (info.isDirectory()) throw new WorkspaceError(`'${input}' is a directory, not a file.`);
    if (!info.isFile()) throw new WorkspaceError(`'${input}' is not a regular file.`);
    return info;
  }

  /** Writes a whole file (creating parent directories), recording the original first. */
  async writeText(resolved: Resolved, input: string, text: string): Promise<void> {
    const bytes = Buffer.from(text, 'utf8');
    if (bytes.length > this.policy.maxFileBytes) {
      throw new WorkspaceError(
        `Refusing to write ${bytes.length} bytes to '${input}': over the ${this.policy.maxFileBytes}-byte limit.`,
      );
    }
    if (resolved.exists) {
      const info = await stat(resolved.abs);
      if (info.isDirectory()) throw new WorkspaceError(`'${input}' is a directory, not a file.`);
    }
    await this.#remember(resolved);
    await mkdir(path.dirname(resolved.abs), { recursive: true });
    await writeFile(resolved.abs, bytes);
  }

  /** Deletes a file, recording the original first. */
  async deleteFile(resolved: Resolved, input: string): Promise<void> {
    await this.#statFile(resolved, input);
    await this.#remember(resolved);
    await rm(resolved.abs);
  }

  async #remember(resolved: Resolved): Promise<void> {
    if (this.#originals.has(resolved.rel)) return;
    if (!resolved.exists) {
      this.#originals.set(resolved.rel, { content: undefined, mode: 0o644 });
      return;
    }
    const info = await stat(resolved.abs);
    this.#originals.set(resolved.rel, { content: await readFile(resolved.abs), mode: info.mode });
  }

  /** Paths the coder has written or deleted so far (sorted), whether or not they differ now. */
  touchedPaths(): string[] {
    return [...this.#originals.keys()].sort();
  }

  /**
   * The change since the workspace was opened: complete contents of every added or modified
   * file, the deleted paths, and a git-format unified diff. Files written back to their
   * original bytes do not appear.
   */
  async changeSet(): Promise<ChangeSet> {
    const additions: ChangeSet['additions'] = [];
    const deletions: ChangeSet['deletions'] = [];
    const changes: FileChange[] = [];
    for (const rel of this.touchedPaths()) {
      const original = this.#originals.get(rel) as Original;
      const abs = path.join(this.root, ...rel.split('/'));
      let current: Buffer | undefined;
      let mode = original.mode;
      try {
        const info = await stat(abs);
        if (info.isFile()) {
          current = await readFile(abs);
          mode = info.mode;
        }
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
      if (current === undefined && original.content === undefined) continue;
      if (current !== undefined && original.content !== undefined && current.equals(original.content))
        continue;
      if (current === undefined) deletions.push({ path: rel });
      else additions.push({ path: rel, contents: current });
      changes.push({
        path: rel,
        before: original.content === undefined ? undefined : side(original.content, original.mode),
        after: current === undefined ? undefined : side(current, mode),
      });
    }
    return { additions, deletions, diff: renderUnifiedDiff(changes) };
  }

  /**
   * Lists a directory up to `depth` levels (default 2), directories with a trailing `/`,
   * skipping `.git` and `node_modules`; at most `limit` entries, saying when more exist.
   */
  async list(resolved: Resolved, input: string, depth = 2, limit = 400): Promise<string> {
    if (!resolved.exists) throw new WorkspaceError(`'${input}' does not exist.`);
    const entries: string[] = [];
    let more = 0;
    const walk = async (dir: string, prefix: string, level: number): Promise<void> => {
      const items = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
      for (const item of items) {
        if (item.isDirectory() && SKIPPED_DIRS.has(item.name)) {
          if (item.name !== '.git') {
            if (entries.length < limit) entries.push(`${prefix}${item.name}/ (not listed)`);
            else more += 1;
          }
          continue;
        }
        const name = `${prefix}${item.name}${item.isDirectory() ? '/' : item.isSymbolicLink() ? '@' : ''}`;
        if (entries.length < limit) entries.push(name);
        else more += 1;
        if (item.isDirectory() && level < depth)
          await walk(path.join(dir, item.name), `${prefix}${item.name}/`, level + 1);
      }
    };
    await walk(resolved.abs, '', 1);
    const header = resolved.rel === '' ? 'Repository root' : resolved.rel;
    const lines = [
      `${header} (up to ${depth} levels; directories end with /, symbolic links with @):`,
      ...entries,
    ];
    if (more > 0) lines.push(`… ${more} more entries not shown; list a subdirectory or use find_files.`);
    if (entries.length === 0) lines.push('(empty)');
    return lines.join('\n');
  }

  /**
   * Walks every regular file under `start` (repo-relative, '' = root), skipping `.git` and
   * `node_modules` unless `start` is inside them, not following symbolic links.
   */
  async *walkFiles(start: string): AsyncGenerator<string> {
    const base = start === '' ? this.root : path.join(this.root, ...start.split('/'));
    const stack: string[] = [base];
    while (stack.length > 0) {
      const dir = stack.pop() as string;
      let items;
      try {
        items = await readdir(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      items.sort((a, b) => (a.name < b.name ? -1 : 1));
      const dirs: string[] = [];
      for (const item of items) {
        const abs = path.join(dir, item.name);
        if (item.isDirectory()) {
          if (!SKIPPED_DIRS.has(item.name)) dirs.push(abs);
        } else if (item.isFile()) {
          yield path.relative(this.root, abs).split(path.sep).join('/');
        }
      }
      // Files of a directory first, then its subdirectories in name order (depth first).
      for (let i = dirs.length - 1; i >= 0; i -= 1) stack.push(dirs[i] as string);
    }
  }
}

/** Git blob id of some bytes (sha1 of "blob <len>\0<bytes>"). */
export function gitBlobId(bytes: Buffer): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

function side(bytes: Buffer, mode: number) {
  return {
    text: decodeText(bytes),
    mode: mode & fsConstants.S_IXUSR ? '100755' : '100644',
    blobId: gitBlobId(bytes),
  };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 text, or `undefined` for binary content (a NUL byte in the first 8 KiB, or invalid UTF-8). */
export function decodeText(bytes: Buffer): string | undefined {
  if (bytes.subarray(0, 8192).includes(0)) return undefined;
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Validates and normalises a model-supplied relative path to `a/b/c` ('' = root).
 * Throws WorkspaceError for absolute paths, `..`, backslashes and control characters.
 */
export function normalizeRelative(input: string): string {
  if (typeof input !== 'string') throw new WorkspaceError('A path must be a string.');
  const trimmed = input.trim();
  if ([...trimmed].some((ch) => ch.charCodeAt(0) < 0x20))
    throw new WorkspaceError(`Invalid path '${input}': control characters are not allowed.`);
  if (trimmed.startsWith('/') || /^[A-Za-z]:/.test(trimmed) || trimmed.startsWith('~')) {
    throw new WorkspaceError(
      `Absolute paths are not allowed: '${input}'. Use a path relative to the repository root, e.g. 'src/index.ts' (or '.' for the root).`,
    );
  }
  if (trimmed.includes('\\')) throw new WorkspaceError(`Invalid path '${input}': use forward slashes.`);
  const segments = trimmed.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) {
    throw new WorkspaceError(
      `'..' is not allowed in paths ('${input}'): the coder cannot leave the repository.`,
    );
  }
  return segments.join('/');
}

function isInside(root: string, candidate: string): boolean {
  return candidate === root || candidate.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

function isNotFound(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function describe(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? String(error);
}
