import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_TOOL_LIMITS, executeCoderTool } from '../../../src/adapters/local/coder-tools.ts';
import { LocalWorkspace } from '../../../src/adapters/local/workspace.ts';

const EDITOR = 'str_replace_based_edit_tool';
const roots: string[] = [];
afterEach(async () => {
  while (roots.length > 0) await rm(roots.pop()!, { recursive: true, force: true });
});

async function workspace(files: Record<string, string | Buffer>, maxFileBytes?: number) {
  const root = await mkdtemp(path.join(os.tmpdir(), 'tools-test-'));
  roots.push(root);
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), content);
  }
  const ws = await LocalWorkspace.open(root, {
    allowWorkflowEdits: false,
    allowedPaths: [],
    ...(maxFileBytes ? { maxFileBytes } : {}),
  });
  return { root, ws };
}

describe('adapters/local/coder-tools', () => {
  it('views a file with line numbers and a range, and says when the view is capped', async () => {
    const text = Array.from({ length: 200 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
    const { ws } = await workspace({ 'f.txt': text });

    const ranged = await executeCoderTool(ws, EDITOR, {
      command: 'view',
      path: 'f.txt',
      view_range: [199, -1],
    });
    const capped = await executeCoderTool(
      ws,
      EDITOR,
      { command: 'view', path: 'f.txt' },
      { ...DEFAULT_TOOL_LIMITS, maxViewChars: 300 },
    );
    const bad = await executeCoderTool(ws, EDITOR, { command: 'view', path: 'f.txt', view_range: [10, 500] });

    expect(ranged.content).toBe('   199\tline 199\n   200\tline 200\n');
    expect(capped.content).toMatch(/^ {5}1\tline 1\n/);
    expect(capped.content).toContain('[Output capped at 300 characters: showing lines 1-');
    expect(capped.content).toContain('Use view_range [');
    expect(bad).toMatchObject({ isError: true });
    expect(bad.content).toContain('which has 200 lines');
  });

  it('treats null optional parameters as omitted', async () => {
    const { ws } = await workspace({ 'f.txt': 'a\nb\n' });

    const view = await executeCoderTool(ws, EDITOR, { command: 'view', path: 'f.txt', view_range: null });
    const search = await executeCoderTool(ws, 'search', {
      pattern: 'b',
      path: null,
      glob: null,
      max_results: null,
    });
    const finish = await executeCoderTool(ws, 'finish', { outcome: 'changed', summary: 'ok', reason: null });

    expect(view).toMatchObject({ isError: false, content: '     1\ta\n     2\tb\n' });
    expect(search.content).toContain('f.txt:2');
    expect(finish.finish).toEqual({ outcome: 'changed', summary: 'ok' });
  });

  it('lists directories two levels deep without .git and node_modules contents', async () => {
    const { ws } = await workspace({
      'src/a/b/c.ts': '',
      'README.md': '',
      '.git/HEAD': '',
      'node_modules/x/index.js': '',
    });

    const result = await executeCoderTool(ws, EDITOR, { command: 'view', path: '.' });

    expect(result.content.split('\n').slice(1)).toEqual([
      'README.md',
      'node_modules/ (not listed)',
      'src/',
      'src/a/',
    ]);
  });

  it('refuses to view binary and oversized files, saying why', async () => {
    const { ws } = await workspace(
      { 'logo.png': Buffer.from([0x89, 0x50, 0, 1, 2]), 'big.txt': 'x'.repeat(2_000) },
      1_000,
    );

    const binary = await executeCoderTool(ws, EDITOR, { command: 'view', path: 'logo.png' });
    const big = await executeCoderTool(ws, EDITOR, { command: 'view', path: 'big.txt' });

    expect(binary).toMatchObject({ isError: true });
    expect(binary.content).toContain('binary file (5 bytes)');
    expect(big.content).toContain('2000 bytes, over the 1000-byte limit');
  });

  it('inserts with new_str or insert_text, and rejects two different texts', async () => {
    const { root, ws } = await workspace({ 'a.txt': 'one\ntwo\n' });

    await executeCoderTool(ws, EDITOR, { command: 'insert', path: 'a.txt', insert_line: 0, new_str: 'zero' });
    await executeCoderTool(ws, EDITOR, {
      command: 'insert',
      path: 'a.txt',
      insert_line: 3,
      insert_text: 'three\n',
    });
    const both = await executeCoderTool(ws, EDITOR, {
      command: 'insert',
      path: 'a.txt',
      insert_line: 1,
      new_str: 'x',
      insert_text: 'y',
    });
    const past = await executeCoderTool(ws, EDITOR, {
      command: 'insert',
      path: 'a.txt',
      insert_line: 9,
      new_str: 'x',
    });

    expect(await readFile(path.join(root, 'a.txt'), 'utf8')).toBe('zero\none\ntwo\nthree\n');
    expect(both).toMatchObject({ isError: true });
    expect(past.content).toContain('has 4 lines');
  });

  it('keeps CRLF line endings when the model sends LF', async () => {
    const { root, ws } = await workspace({ 'w.cs': 'class A {\r\n  int x;\r\n}\r\n' });

    const result = await executeCoderTool(ws, EDITOR, {
      command: 'str_replace',
      path: 'w.cs',
      old_str: 'class A {\n  int x;',
      new_str: 'class A {\n  long x;',
    });

    expect(result.isError).toBe(false);
    expect(await readFile(path.join(root, 'w.cs'), 'utf8')).toBe('class A {\r\n  long x;\r\n}\r\n');
  });

  it('reports a missing match without changing the file', async () => {
    const { root, ws } = await workspace({ 'a.txt': 'alpha\n' });

    const result = await executeCoderTool(ws, EDITOR, {
      command: 'str_replace',
      path: 'a.txt',
      old_str: 'beta',
      new_str: 'x',
    });

    expect(result).toMatchObject({ isError: true, summary: 'str_replace a.txt: no match' });
    expect(await readFile(path.join(root, 'a.txt'), 'utf8')).toBe('alpha\n');
  });

  it('finds files by glob, by basename at any depth, and under a path', async () => {
    const { ws } = await workspace({
      'src/a.ts': '',
      'src/deep/b.ts': '',
      'test/c.test.ts': '',
      'node_modules/m/d.ts': '',
    });

    const all = await executeCoderTool(ws, 'find_files', { pattern: '*.ts' });
    const under = await executeCoderTool(ws, 'find_files', { pattern: '**/*.ts', path: 'src/deep' });
    const none = await executeCoderTool(ws, 'find_files', { pattern: '*.py' });

    expect(all.content.split('\n')).toEqual(['src/a.ts', 'src/deep/b.ts', 'test/c.test.ts']);
    expect(under.content).toBe('src/deep/b.ts');
    expect(none.content).toContain('No files match');
  });

  it('searches with context lines and caps the number of matches', async () => {
    const { ws } = await workspace({
      'a.js': 'x\nrequire("assert")\ny\n',
      'b.js': 'require("assert")\nrequire("assert")\n',
      'c.py': 'assert 1\n',
    });

    const result = await executeCoderTool(ws, 'search', {
      pattern: 'require\\("assert"\\)',
      glob: '*.js',
      context_lines: 1,
      max_results: 2,
    });

    expect(result.isError).toBe(false);
    expect(result.content).toContain('a.js:2\n     1- x\n     2: require("assert")\n     3- y\n');
    expect(result.content).toContain('b.js:1');
    expect(result.content).toContain('Results capped at 2 matches');
    expect(result.content).not.toContain('c.py');
  });

  it('stops a catastrophically backtracking search and says so', async () => {
    const { ws } = await workspace({ 'evil.txt': `${'a'.repeat(40)}!\n` });

    const started = Date.now();
    const result = await executeCoderTool(
      ws,
      'search',
      { pattern: '^(a+)+$' },
      { ...DEFAULT_TOOL_LIMITS, searchTimeoutMs: 300 },
    );

    expect(result).toMatchObject({ isError: true, summary: 'search: timeout' });
    expect(result.content).toContain('timed out after 300 ms');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('rejects an invalid regex and a directory delete', async () => {
    const { ws } = await workspace({ 'src/a.ts': '' });

    const regex = await executeCoderTool(ws, 'search', { pattern: '(' });
    const dir = await executeCoderTool(ws, 'delete_file', { path: 'src' });

    expect(regex.content).toContain('Invalid regular expression');
    expect(dir).toMatchObject({ isError: true });
    expect(dir.content).toContain('is a directory');
  });
});
