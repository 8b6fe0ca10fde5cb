import { describe, expect, it } from 'vitest';
import type {
  ChangedFile,
  CheckRunRequest,
  DirEntry,
  FileContent,
  RepoRef,
} from '../../src/ports/git-host.ts';
import { GitHostError } from '../../src/shared/errors.ts';
import { validateConfigRepo } from '../../src/workflows/validate-config-repo.ts';
import type { ConfigRepoHost } from '../../src/workflows/validate-config-repo.ts';

const repo: RepoRef = { owner: 'acme', repo: 'fleetwright-config' };
const HEAD = 'h'.repeat(40);
const BASE = 'b'.repeat(40);
const valid = (id: string, extra = 'prompt: p\n') =>
  `version: 1\nid: ${id}\ntitle: ${id}\n${extra}targets:\n  patterns: ["*"]\n`;

/** An in-memory config repo at one commit; records check runs like GitHub shows them (latest per name). */
class FakeConfigRepo implements ConfigRepoHost {
  readonly files: Map<string, string>;
  readonly changed: ChangedFile[];
  readonly checkRuns: CheckRunRequest[] = [];
  readonly reads: string[] = [];

  constructor(files: Record<string, string>, changed: string[] = []) {
    this.files = new Map(Object.entries(files));
    this.changed = changed.map((path) => ({ path, status: 'modified' }));
  }

  async findFile(_ref: RepoRef, path: string, gitRef?: string): Promise<FileContent | undefined> {
    expect(gitRef).toBe(HEAD);
    this.reads.push(path);
    const text = this.files.get(path);
    return text === undefined ? undefined : { path, text, sha: `sha-${path}` };
  }

  async listDirectory(_ref: RepoRef, path: string, gitRef?: string): Promise<DirEntry[]> {
    expect(gitRef).toBe(HEAD);
    return [...this.files.keys()]
      .filter((file) => file.startsWith(`${path}/`) && !file.slice(path.length + 1).includes('/'))
      .map((file) => ({
        path: file,
        name: file.slice(path.length + 1),
        type: 'file' as const,
        size: this.files.get(file)?.length ?? 0,
      }));
  }

  async listChangedFiles(_ref: RepoRef, base: string, head: string): Promise<ChangedFile[]> {
    expect([base, head]).toEqual([BASE, HEAD]);
    return this.changed;
  }

  async ensureCheckRun(_ref: RepoRef, request: CheckRunRequest): Promise<{ id: number }> {
    this.checkRuns.push(request);
    return { id: this.checkRuns.length };
  }
}

describe('workflows/validate-config-repo', () => {
  it('returns the typed migrations and posts a successful check', async () => {
    const host = new FakeConfigRepo(
      {
        'migrations/a.yml': valid('a', 'promptFile: prompts/a.md\n'),
        'prompts/a.md': 'Do A.\n',
        'migrations/notes.txt': 'x',
      },
      ['migrations/a.yml'],
    );

    const outcome = await validateConfigRepo(host, { repo, headSha: HEAD, baseSha: BASE });

    expect(outcome).toMatchObject({ conclusion: 'success', checkRunId: 1, errorCount: 0 });
    expect(outcome.migrations.map((m) => [m.manifest.id, m.prompt])).toEqual([['a', 'Do A.\n']]);
    expect(host.checkRuns).toHaveLength(1);
    expect(host.checkRuns[0]).toMatchObject({
      name: 'fleetwright/manifests',
      headSha: HEAD,
      status: 'completed',
      conclusion: 'success',
      annotations: [],
    });
    expect(host.reads).not.toContain('migrations/notes.txt');
  });

  it('fails a change that deletes a prompt file still in use', async () => {
    const host = new FakeConfigRepo({ 'migrations/a.yml': valid('a', 'promptFile: prompts/a.md\n') }, [
      'prompts/a.md',
    ]);

    const outcome = await validateConfigRepo(host, { repo, headSha: HEAD, baseSha: BASE });

    expect(outcome.conclusion).toBe('failure');
    expect(host.checkRuns[0]?.annotations).toEqual([
      {
        path: 'migrations/a.yml',
        startLine: 4,
        endLine: 4,
        startColumn: 13,
        endColumn: 25,
        level: 'failure',
        message:
          "prompt file 'prompts/a.md' does not exist; expected a file at that path relative to the config repo root",
        title: 'fleetwright: prompt-file',
      },
    ]);
  });

  it('fails a change that duplicates the id of an untouched manifest, annotating both', async () => {
    const host = new FakeConfigRepo({ 'migrations/a.yml': valid('a'), 'migrations/a.yaml': valid('a') }, [
      'migrations/a.yaml',
    ]);

    const outcome = await validateConfigRepo(host, { repo, headSha: HEAD, baseSha: BASE });

    expect(outcome.conclusion).toBe('failure');
    expect(host.checkRuns[0]?.annotations?.map((a) => [a.path, a.level])).toEqual([
      ['migrations/a.yaml', 'failure'],
      ['migrations/a.yml', 'failure'],
    ]);
  });

  it('passes a change when only untouched files are broken, and warns about them', async () => {
    const host = new FakeConfigRepo(
      { 'migrations/a.yml': valid('a'), 'migrations/old.yml': 'version: 1\nid: old\n' },
      ['migrations/a.yml'],
    );

    const outcome = await validateConfigRepo(host, { repo, headSha: HEAD, baseSha: BASE });

    expect(outcome.conclusion).toBe('success');
    expect(host.checkRuns[0]?.annotations?.every((a) => a.level === 'warning')).toBe(true);
  });

  it('is repeatable: the same commit yields the same check run request', async () => {
    const host = new FakeConfigRepo({ 'migrations/a.yml': 'version: [\n' }, ['migrations/a.yml']);

    await validateConfigRepo(host, { repo, headSha: HEAD, baseSha: BASE });
    await validateConfigRepo(host, { repo, headSha: HEAD, baseSha: BASE });

    expect(host.checkRuns[1]).toEqual(host.checkRuns[0]);
  });
});

describe('workflows/validate-config-repo: GitHub failures', () => {
  it('posts a failing check explaining the problem, then rethrows', async () => {
    const host = new FakeConfigRepo({ 'migrations/a.yml': valid('a') });
    host.listDirectory = async () => {
      throw new GitHostError('listing acme/fleetwright-config:migrations failed (HTTP 502): Bad Gateway', {
        status: 502,
      });
    };

    await expect(validateConfigRepo(host, { repo, headSha: HEAD })).rejects.toThrow(GitHostError);

    expect(host.checkRuns).toEqual([
      {
        name: 'fleetwright/manifests',
        headSha: HEAD,
        status: 'completed',
        conclusion: 'failure',
        title: 'Could not read the config repo',
        summary:
          'fleetwright could not read the manifests at this commit, so they were not validated.\n\n> listing acme/fleetwright-config:migrations failed (HTTP 502): Bad Gateway\n\nUse **Re-run** to try again.',
      },
    ]);
  });
});
