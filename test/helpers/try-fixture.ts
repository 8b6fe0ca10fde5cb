/**
 * A small real git repository for `fleetwright try` end-to-end tests: `src/sum.js` and a
 * `node:test` test of it, committed, plus a manifest file beside it. The verify command
 * (`node --test`) really runs.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

export const exec = promisify(execFile);

export const SUM_JS = 'module.exports = function sum(a, b) {\n  return a + b;\n};\n';

export const SUM_TEST_JS = [
  "const test = require('node:test');",
  "const assert = require('node:assert/strict');",
  "const sum = require('../src/sum.js');",
  '',
  "test('sum adds two numbers', () => {",
  '  assert.equal(sum(1, 2), 3);',
  '});',
  '',
].join('\n');

export const TRY_MANIFEST = `version: 1
id: arrow-sum
title: Use an arrow function for sum
targets: { patterns: ['*'] }
prompt: |
  Rewrite the exported \`sum\` function in src/sum.js as an arrow function. Keep its behaviour.
budget:
  maxIterations: 3
  maxCostPerRepoUsd: 2
model:
  coder: claude-sonnet-5-5
  maxOutputTokens: 4000
`;

/** The verify command of the fixture: the Node running the tests, so no PATH lookup is needed. */
export const VERIFY_COMMAND = `"${process.execPath}" --test`;

/**
 * Creates the repository and the manifest in a fresh temp dir; registers its removal in
 * `cleanups`. Returns the checkout, the manifest path and the temp dir.
 */
export async function buildTryFixture(
  cleanups: Array<() => Promise<void>>,
  manifestText = TRY_MANIFEST,
): Promise<{ repo: string; manifest: string; dir: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'try-e2e-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const repo = path.join(dir, 'widgets');
  await mkdir(path.join(repo, 'src'), { recursive: true });
  await mkdir(path.join(repo, 'test'), { recursive: true });
  await writeFile(path.join(repo, 'src/sum.js'), SUM_JS);
  await writeFile(path.join(repo, 'test/sum.test.js'), SUM_TEST_JS);
  await exec('git', ['init', '-q'], { cwd: repo });
  await exec('git', ['add', '-A'], { cwd: repo });
  await exec('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'base'], {
    cwd: repo,
  });
  const manifest = path.join(dir, 'arrow-sum.yml');
  await writeFile(manifest, manifestText);
  return { repo, manifest, dir };
}
