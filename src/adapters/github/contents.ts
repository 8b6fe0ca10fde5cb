/**
 * Reading repository content: single files and directories (contents API), the files changed
 * between two commits (compare, with a tree-diff fallback past compare's 300-file cap), and the
 * tarball of a commit (Octokit follows GitHub's 302 to the archive host).
 */
import type { ChangedFile, DirEntry, FileContent, RepoRef } from '../../ports/git-host.ts';
import type { AdapterContext } from './client.ts';
import { attempt, isNotFound } from './map-request-error.ts';
import { checkDirPath, checkRepoPath, checkSha } from './paths.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 text, or undefined for binary content (NUL bytes or invalid UTF-8). */
function decodeText(bytes: Buffer): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

export async function findFile(
  ctx: AdapterContext,
  ref: RepoRef,
  path: string,
  gitRef?: string,
): Promise<FileContent | undefined> {
  checkRepoPath(path, 'findFile');
  return attempt(`reading ${ref.owner}/${ref.repo}:${path}`, async () => {
    let data: unknown;
    try {
      ({ data } = await ctx.octokit.rest.repos.getContent({
        owner: ref.owner,
        repo: ref.repo,
        path,
        ...(gitRef ? { ref: gitRef } : {}),
      }));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    if (Array.isArray(data)) return undefined;
    const file = data as { type: string; sha: string; content?: string; encoding?: string };
    if (file.type !== 'file') return undefined;
    let bytes: Buffer;
    if (file.encoding === 'base64' && typeof file.content === 'string') {
      bytes = Buffer.from(file.content, 'base64');
    } else {
      // Files over 1 MB come back with `encoding: "none"`; the blob API serves up to 100 MB.
      const { data: blob } = await ctx.octokit.rest.git.getBlob({
        owner: ref.owner,
        repo: ref.repo,
        file_sha: file.sha,
      });
      bytes = Buffer.from(blob.content, blob.encoding === 'base64' ? 'base64' : 'utf8');
    }
    const text = decodeText(bytes);
    return text === undefined ? undefined : { path, text, sha: file.sha };
  });
}

export async function listDirectory(
  ctx: AdapterContext,
  ref: RepoRef,
  path: string,
  gitRef?: string,
): Promise<DirEntry[]> {
  const dir = checkDirPath(path, 'listDirectory');
  return attempt(`list ${ref.owner}/${ref.repo}:${dir || '/'}`, async () => {
    let data: unknown;
    try {
      ({ data } = await ctx.octokit.rest.repos.getContent({
        owner: ref.owner,
        repo: ref.repo,
        path: dir,
        ...(gitRef ? { ref: gitRef } : {}),
      }));
    } catch (error) {
      if (isNotFound(error)) return [];
      throw error;
    }
    if (!Array.isArray(data)) return [];
    return (data as { path: string; name: string; type: string; size?: number }[]).map((entry) => ({
      path: entry.path,
      name: entry.name,
      type: (['file', 'dir', 'symlink', 'submodule'].includes(entry.type)
        ? entry.type
        : 'file') as DirEntry['type'],
      ...(typeof entry.size === 'number' ? { size: entry.size } : {}),
    }));
  });
}

const COMPARE_FILE_CAP = 300;

async function treeFiles(ctx: AdapterContext, ref: RepoRef, sha: string): Promise<Map<string, string>> {
  const { data } = await ctx.octokit.rest.git.getTree({
    owner: ref.owner,
    repo: ref.repo,
    tree_sha: sha,
    recursive: '1',
  });
  if (data.truncated) {
    ctx.log.warn(
      { repo: `${ref.owner}/${ref.repo}`, sha },
      'Recursive tree truncated; changed-file list may be incomplete',
    );
  }
  const files = new Map<string, string>();
  for (const entry of data.tree)
    if (entry.type === 'blob' && entry.path && entry.sha) files.set(entry.path, entry.sha);
  return files;
}

export async function listChangedFiles(
  ctx: AdapterContext,
  ref: RepoRef,
  base: string,
  head: string,
): Promise<ChangedFile[]> {
  return attempt(`compare ${ref.owner}/${ref.repo} ${base}...${head}`, async () => {
    const { data } = await ctx.octokit.rest.repos.compareCommitsWithBasehead({
      owner: ref.owner,
      repo: ref.repo,
      basehead: `${base}...${head}`,
    });
    const files = data.files ?? [];
    if (files.length < COMPARE_FILE_CAP) {
      return files.map((f) => ({
        path: f.filename,
        status: f.status,
        ...(f.previous_filename ? { previousPath: f.previous_filename } : {}),
      }));
    }
    // Compare lists at most 300 files: diff the two trees instead (two requests, no renames).
    const [before, after] = await Promise.all([
      treeFiles(ctx, ref, data.merge_base_commit.sha),
      treeFiles(ctx, ref, head),
    ]);
    const changed: ChangedFile[] = [];
    for (const path of [...new Set([...before.keys(), ...after.keys()])].sort()) {
      const a = before.get(path);
      const b = after.get(path);
      if (a === b) continue;
      changed.push({ path, status: a === undefined ? 'added' : b === undefined ? 'removed' : 'modified' });
    }
    return changed;
  });
}

export async function downloadTarball(ctx: AdapterContext, ref: RepoRef, sha: string): Promise<Uint8Array> {
  checkSha(sha, 'downloadTarball');
  return attempt(`download tarball ${ref.owner}/${ref.repo}@${sha}`, async () => {
    const { data } = await ctx.octokit.rest.repos.downloadTarballArchive({
      owner: ref.owner,
      repo: ref.repo,
      ref: sha,
    });
    if (data instanceof ArrayBuffer) return new Uint8Array(data);
    if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    throw new Error(`unexpected tarball body of type ${typeof data}`);
  });
}
