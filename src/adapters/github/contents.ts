/**
 * Repository contents: single files, directory listings and the files changed between commits.
 * REST contents API: files up to 1 MB come inline (base64); larger ones need the blob API.
 */
import type { ChangedFile, DirEntry, FileContent, RepoRef } from '../../ports/git-host.ts';
import { mapRequestError, statusOf } from './map-request-error.ts';
import type { Octokit } from './octokit.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes base64 to UTF-8 text; `undefined` for binary content (NUL bytes or invalid UTF-8). */
export function decodeText(base64: string): string | undefined {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.includes(0)) return undefined;
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** A text file at `gitRef`; `undefined` when missing, a directory, or binary. */
export async function findFile(
  octokit: Octokit,
  ref: RepoRef,
  path: string,
  gitRef?: string,
): Promise<FileContent | undefined> {
  let data: unknown;
  try {
    ({ data } = await octokit.rest.repos.getContent({
      owner: ref.owner,
      repo: ref.repo,
      path,
      ...(gitRef ? { ref: gitRef } : {}),
    }));
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw mapRequestError(error, `reading ${ref.owner}/${ref.repo}:${path}`);
  }
  if (Array.isArray(data) || typeof data !== 'object' || data === null) return undefined;
  const file = data as { type?: string; path?: string; sha?: string; content?: string; encoding?: string };
  if (file.type !== 'file' || typeof file.sha !== 'string') return undefined;
  let base64 = file.encoding === 'base64' ? (file.content ?? '') : undefined;
  if (base64 === undefined) {
    // Over 1 MB the contents API omits the body (`encoding: none`); the blob API serves up to 100 MB.
    try {
      const blob = await octokit.rest.git.getBlob({ owner: ref.owner, repo: ref.repo, file_sha: file.sha });
      base64 =
        blob.data.encoding === 'base64'
          ? blob.data.content
          : Buffer.from(blob.data.content, 'utf8').toString('base64');
    } catch (error) {
      throw mapRequestError(error, `reading blob of ${ref.owner}/${ref.repo}:${path}`);
    }
  }
  const text = decodeText(base64);
  return text === undefined ? undefined : { path: file.path ?? path, text, sha: file.sha };
}

/** Directory entries at `gitRef`; `[]` when the directory does not exist (or is a file). */
export async function listDirectory(
  octokit: Octokit,
  ref: RepoRef,
  path: string,
  gitRef?: string,
): Promise<DirEntry[]> {
  let data: unknown;
  try {
    ({ data } = await octokit.rest.repos.getContent({
      owner: ref.owner,
      repo: ref.repo,
      path,
      ...(gitRef ? { ref: gitRef } : {}),
    }));
  } catch (error) {
    if (statusOf(error) === 404) return [];
    throw mapRequestError(error, `listing ${ref.owner}/${ref.repo}:${path}`);
  }
  if (!Array.isArray(data)) return [];
  return data.map((entry: { path: string; name: string; type: string; size?: number }) => ({
    path: entry.path,
    name: entry.name,
    type:
      entry.type === 'dir' || entry.type === 'symlink' || entry.type === 'submodule' ? entry.type : 'file',
    ...(typeof entry.size === 'number' ? { size: entry.size } : {}),
  }));
}

const CHANGE_STATUSES = new Set([
  'added',
  'modified',
  'removed',
  'renamed',
  'copied',
  'changed',
  'unchanged',
]);

/**
 * Files changed between `base` and `head` (three-dot compare: changes on head since the merge
 * base). GitHub lists at most 300 files here; callers treat a list that long as "possibly more".
 */
export async function listChangedFiles(
  octokit: Octokit,
  ref: RepoRef,
  base: string,
  head: string,
): Promise<ChangedFile[]> {
  try {
    const { data } = await octokit.rest.repos.compareCommitsWithBasehead({
      owner: ref.owner,
      repo: ref.repo,
      basehead: `${base}...${head}`,
    });
    return (data.files ?? []).map((file) => ({
      path: file.filename,
      status: (CHANGE_STATUSES.has(file.status) ? file.status : 'changed') as ChangedFile['status'],
      ...(file.previous_filename ? { previousPath: file.previous_filename } : {}),
    }));
  } catch (error) {
    throw mapRequestError(
      error,
      `comparing ${ref.owner}/${ref.repo} ${base.slice(0, 12)}...${head.slice(0, 12)}`,
    );
  }
}
