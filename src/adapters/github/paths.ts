/**
 * Validation of repository paths, branch names and marker keys before they reach GitHub, so a
 * bad value from a manifest or a model fails with a located error instead of an odd API call.
 */
import { GitHostError } from '../../shared/errors.ts';

/** A repository-relative file path: no leading slash, no `.`/`..`/empty segments, no `.git`. */
export function checkRepoPath(path: string, what: string): string {
  const problem =
    path === ''
      ? 'is empty'
      : path.startsWith('/')
        ? 'must be relative'
        : path.includes('\0')
          ? 'contains NUL'
          : path.split('/').some((s) => s === '' || s === '.' || s === '..')
            ? 'has an empty, "." or ".." segment'
            : path.split('/').some((s) => s.toLowerCase() === '.git')
              ? 'points into .git'
              : undefined;
  if (problem) throw new GitHostError(`${what}: path "${path}" ${problem}`);
  return path;
}

/** A directory path for the contents API: '' (root) or a valid relative path, trailing slashes dropped. */
export function checkDirPath(path: string, what: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? '' : checkRepoPath(trimmed, what);
}

/** Git's ref-name rules (git check-ref-format), enough to refuse what GitHub would refuse. */
export function checkBranchName(branch: string, what: string): string {
  const bad =
    branch === '' ||
    branch.startsWith('/') ||
    branch.endsWith('/') ||
    branch.endsWith('.') ||
    branch.endsWith('.lock') ||
    branch.startsWith('refs/') ||
    branch.includes('..') ||
    branch.includes('//') ||
    branch.includes('@{') ||
    /[\s~^:?*[\\]/.test(branch) ||
    [...branch].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f) ||
    branch.split('/').some((s) => s.startsWith('.'));
  if (bad) throw new GitHostError(`${what}: invalid branch name "${branch}"`);
  return branch;
}

/** A full 40-hex commit SHA. */
export function checkSha(sha: string, what: string): string {
  if (!/^[0-9a-f]{40}$/i.test(sha)) throw new GitHostError(`${what}: "${sha}" is not a full commit SHA`);
  return sha.toLowerCase();
}
