/**
 * Cross-check with the coder's workspace: a tarball downloaded through OctokitGitHost from the
 * simulator extracts with src/adapters/local/extract-tarball.ts into exactly the commit's files.
 */
import { readFile, readlink, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OctokitGitHost } from '../../src/adapters/github/octokit-git-host.ts';
import { extractTarball } from '../../src/adapters/local/extract-tarball.ts';
import { GitHubSim, simOctokit } from './index.ts';

let sim: GitHubSim;
let root: string | undefined;

beforeEach(async () => {
  sim = await new GitHubSim().start();
});

afterEach(async () => {
  await sim.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('test/sim tarball → coder workspace', () => {
  it('extracts every file of the commit, with modes, symlinks and long paths', async () => {
    const deep = `${'nested/'.repeat(30)}deep.ts`;
    sim.createRepo({
      owner: 'acme',
      name: 'ws',
      files: {
        'package.json': '{ "name": "ws" }\n',
        'scripts/build.sh': { content: '#!/bin/sh\necho build\n', mode: '100755' },
        'docs/latest': { content: '../package.json', mode: '120000' },
        [deep]: 'export const deep = true;\n',
      },
    });
    const repo = { owner: 'acme', repo: 'ws' };
    const sha = sim.branchHead(sim.getRepo(repo), 'main')!;
    const host = new OctokitGitHost(simOctokit(sim), undefined, { appId: sim.app.id });

    const extracted = await extractTarball(await host.downloadTarball(repo, sha));
    root = extracted.root;

    expect(extracted.skipped).toEqual([]);
    expect(await readFile(path.join(root, 'package.json'), 'utf8')).toBe('{ "name": "ws" }\n');
    expect(await readFile(path.join(root, deep), 'utf8')).toBe('export const deep = true;\n');
    expect((await stat(path.join(root, 'scripts/build.sh'))).mode & 0o111).not.toBe(0);
    expect(await readlink(path.join(root, 'docs/latest'))).toBe('../package.json');
  });
});
