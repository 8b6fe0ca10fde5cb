/**
 * `OctokitGitHost`: the GitHost port over a Probot installation Octokit. Each area lives in its
 * own file (contents.ts, checks.ts, …); this class only delegates, so branches can add areas
 * without touching each other's code.
 */
import type {
  CheckRunRequest,
  ChangedFile,
  DirEntry,
  FileContent,
  GitHost,
  RepoRef,
} from '../../ports/git-host.ts';
import { ensureCheckRun } from './checks.ts';
import { findFile, listChangedFiles, listDirectory } from './contents.ts';
import type { AdapterLogger, Octokit } from './octokit.ts';

export interface OctokitGitHostOptions {
  /** The GitHub App's id, to recognise the app's own check runs; optional (token auth in tests). */
  appId?: number;
}

/** The part of GitHost implemented so far (the lead reconciles the rest across branches). */
export type ImplementedGitHost = Pick<
  GitHost,
  'findFile' | 'listDirectory' | 'listChangedFiles' | 'ensureCheckRun'
>;

export class OctokitGitHost implements ImplementedGitHost {
  readonly #octokit: Octokit;
  readonly #log: AdapterLogger;
  readonly #options: OctokitGitHostOptions;

  constructor(octokit: Octokit, log: AdapterLogger, options: OctokitGitHostOptions = {}) {
    this.#octokit = octokit;
    this.#log = log;
    this.#options = options;
  }

  findFile(ref: RepoRef, path: string, gitRef?: string): Promise<FileContent | undefined> {
    return findFile(this.#octokit, ref, path, gitRef);
  }

  listDirectory(ref: RepoRef, path: string, gitRef?: string): Promise<DirEntry[]> {
    return listDirectory(this.#octokit, ref, path, gitRef);
  }

  listChangedFiles(ref: RepoRef, base: string, head: string): Promise<ChangedFile[]> {
    return listChangedFiles(this.#octokit, ref, base, head);
  }

  async ensureCheckRun(ref: RepoRef, request: CheckRunRequest): Promise<{ id: number }> {
    const result = await ensureCheckRun(this.#octokit, ref, request, this.#options);
    this.#log.debug(
      { repo: `${ref.owner}/${ref.repo}`, checkRunId: result.id, name: request.name },
      'Check run ensured',
    );
    return result;
  }
}
