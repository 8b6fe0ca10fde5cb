import { execFile } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { executeCoderTool } from '../../../src/adapters/local/coder-tools.ts';
import { LocalWorkspace, normalizeRelative, WorkspaceError } from '../../../src/adapters/local/workspace.ts';
import { parseUnifiedDiff } from '../../../src/core/diff/parse-unified-diff.ts';

const exec = promisify(execFile);
const EDITOR = 'str_replace_based_edit_tool';
const cleanups: string[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await rm(cleanups.pop()!, { recursive: true, force: true });
});

async function tempDir(files: Record<string, string | Buffer> = {}): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'ws-test-'));
  cleanups.push(root);
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), content);
  }
  return root;
}

const open = (root: string, policy: Partial<Parameters<typeof LocalWorkspace.open>[1]> = {}) =>
  LocalWorkspace.open(root, { allowWorkflowEdits: false, allowedPaths: [], ...policy });

describe('adapters/local/workspace', () => {
  it.each([
    ['src/a.ts', 'src/a.ts'],
    ['./src//a.ts', 'src/a.ts'],
    ['.', ''],
    ['src/./b/', 'src/b'],
  ])('normalises %j to %j', (input, expected) => {
    expect(normalizeRelative(input)).toBe(expected);
  });

  it.each([
    ['/etc/passwd', 'Absolute paths are not allowed'],
    ['C:/Windows', 'Absolute paths are not allowed'],
    ['~/x', 'Absolute paths are not allowed'],
    ['a/../../x', "'..' is not allowed"],
    ['..', "'..' is not allowed"],
    ['a\\b', 'forward slashes'],
    ['a\u0000b', 'control characters'],
  ])('rejects %j', (input, message) => {
    expect(() => normalizeRelative(input)).toThrow(message);
  });

  it('rejects .git anywhere, in any case, also through a symlink', async () => {
    const root = await tempDir({ '.git/config': '[core]\n', 'vendor/lib/.git/HEAD': 'x', 'src/a.ts': '' });
    await symlink(path.join(root, '.git'), path.join(root, 'gitdir'));
    const ws = await open(root);

    for (const p of ['.git/config', 'vendor/lib/.git/HEAD', '.GIT/config', 'gitdir/config']) {
      await expect(ws.resolve(p, 'read')).rejects.toThrow(/\.git/);
    }
  });

  it('makes .github/workflows read-only, also via a symlinked directory, unless allowed', async () => {
    const root = await tempDir({ '.github/workflows/ci.yml': 'on: push\n' });
    await symlink(path.join(root, '.github/workflows'), path.join(root, 'ci'));
    const ws = await open(root);

    await expect(ws.resolve('.github/workflows/ci.yml', 'read')).resolves.toMatchObject({ exists: true });
    await expect(ws.resolve('.github/workflows/ci.yml', 'write')).rejects.toThrow('read-only');
    await expect(ws.resolve('.GitHub/Workflows/new.yml', 'write')).rejects.toThrow('read-only');
    await expect(ws.resolve('ci/new.yml', 'write')).rejects.toThrow('read-only');
    const allowed = await open(root, { allowWorkflowEdits: true });
    await expect(allowed.resolve('ci/new.yml', 'write')).resolves.toMatchObject({
      rel: '.github/workflows/new.yml',
    });
  });

  it('confines writes to the allowed globs', async () => {
    const root = await tempDir({ 'src/a.ts': '', 'docs/x.md': '' });
    const ws = await open(root, { allowedPaths: ['src/**'] });

    await expect(ws.resolve('src/a.ts', 'write')).resolves.toMatchObject({ rel: 'src/a.ts' });
    await expect(ws.resolve('docs/x.md', 'write')).rejects.toThrow(
      'outside the paths this migration may change (src/**)',
    );
    await expect(ws.resolve('docs/x.md', 'read')).resolves.toMatchObject({ exists: true });
  });

  it('rejects dangling symlinks and links that leave the root, including as parents of new files', async () => {
    const outside = await tempDir();
    const root = await tempDir({ 'a.txt': 'a' });
    await symlink(outside, path.join(root, 'out'));
    await symlink(path.join(root, 'missing'), path.join(root, 'dangling'));
    const ws = await open(root);

    await expect(ws.resolve('out/new/deeper/file.txt', 'write')).rejects.toBeInstanceOf(WorkspaceError);
    await expect(ws.resolve('dangling', 'read')).rejects.toThrow('broken symbolic link');
  });

  it('refuses to write or delete through a symlinked file, naming its target', async () => {
    const root = await tempDir({ 'src/a.ts': 'a' });
    await symlink('src/a.ts', path.join(root, 'alias.ts'));
    const ws = await open(root);

    await expect(ws.resolve('alias.ts', 'read')).resolves.toMatchObject({ rel: 'src/a.ts' });
    await expect(ws.resolve('alias.ts', 'write')).rejects.toThrow(
      "'alias.ts' is a symbolic link to 'src/a.ts'; edit 'src/a.ts' instead",
    );
  });

  it('computes additions, deletions and a diff that git apply accepts', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1]);
    const original = await tempDir({
      'src/app.js': 'const a = 1;\nconst b = 2;\nmodule.exports = { a, b };\n',
      'src/old.js': 'gone\n',
      'bin/tool.sh': '#!/bin/sh\necho hi\n',
      'keep.txt': 'same\n',
      'img.png': png,
    });
    await chmod(path.join(original, 'bin/tool.sh'), 0o755);
    await exec('git', ['init', '-q'], { cwd: original });
    await exec('git', ['add', '-A'], { cwd: original });
    await exec('git', ['-c', 'user.name=t', '-c', 'user.email=t@e', 'commit', '-qm', 'base'], {
      cwd: original,
    });
    const work = await tempDir();
    await cp(original, work, { recursive: true });
    const ws = await open(work);

    const run = (input: unknown) => executeCoderTool(ws, EDITOR, input);
    expect(
      (
        await run({
          command: 'str_replace',
          path: 'src/app.js',
          old_str: 'const b = 2;',
          new_str: 'const b = 3;',
        })
      ).isError,
    ).toBe(false);
    expect(
      (await run({ command: 'create', path: 'src/new/util.js', file_text: 'export const x = 1;' })).isError,
    ).toBe(false);
    expect(
      (await run({ command: 'insert', path: 'bin/tool.sh', insert_line: 2, new_str: 'echo bye' })).isError,
    ).toBe(false);
    expect((await executeCoderTool(ws, 'delete_file', { path: 'src/old.js' })).isError).toBe(false);
    // Written and reverted: not a change.
    await run({ command: 'str_replace', path: 'keep.txt', old_str: 'same', new_str: 'other' });
    await run({ command: 'str_replace', path: 'keep.txt', old_str: 'other', new_str: 'same' });

    const changes = await ws.changeSet();

    expect(changes.additions.map((a) => a.path)).toEqual(['bin/tool.sh', 'src/app.js', 'src/new/util.js']);
    expect(changes.deletions).toEqual([{ path: 'src/old.js' }]);
    expect(changes.additions[2]?.contents.toString()).toBe('export const x = 1;');
    expect(changes.diff).toContain('diff --git a/src/new/util.js b/src/new/util.js\nnew file mode 100644\n');
    expect(changes.diff).toContain('diff --git a/src/old.js b/src/old.js\ndeleted file mode 100644\n');
    expect(changes.diff).toContain(' 100755\n--- a/bin/tool.sh');
    expect(changes.diff).toContain('\\ No newline at end of file');
    expect(changes.diff).not.toContain('keep.txt');
    // The guards read the same diff.
    expect(
      parseUnifiedDiff(changes.diff).map((f) => [
        f.path,
        f.status,
        f.additions,
        f.deletions,
        f.newMode ?? f.oldMode,
      ]),
    ).toEqual([
      ['bin/tool.sh', 'modified', 1, 0, '100755'],
      ['src/app.js', 'modified', 1, 1, '100644'],
      ['src/new/util.js', 'added', 1, 0, '100644'],
      ['src/old.js', 'deleted', 0, 1, '100644'],
    ]);
    const patch = path.join(original, '..', `${path.basename(original)}.patch`);
    cleanups.push(patch);
    await writeFile(patch, changes.diff);
    await exec('git', ['apply', '--check', patch], { cwd: original });
    await exec('git', ['apply', patch], { cwd: original });
    for (const rel of ['src/app.js', 'src/new/util.js', 'bin/tool.sh']) {
      expect(await readFile(path.join(original, rel), 'utf8')).toBe(
        await readFile(path.join(work, rel), 'utf8'),
      );
    }
    const { stdout } = await exec('git', ['status', '--porcelain'], { cwd: original });
    expect(stdout.split('\n').filter(Boolean).sort()).toEqual([
      ' D src/old.js',
      ' M bin/tool.sh',
      ' M src/app.js',
      '?? src/new/',
    ]);
  });
});
