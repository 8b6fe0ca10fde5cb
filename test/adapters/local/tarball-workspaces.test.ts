import { mkdtemp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tar from 'tar';
import { afterEach, describe, expect, it } from 'vitest';
import { TarballWorkspaces } from '../../../src/adapters/local/tarball-workspaces.ts';
import type { Log } from '../../../src/ports/log.ts';

const cleanup: string[] = [];
afterEach(async () => {
  for (const dir of cleanup.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function githubLikeTarball(files: Record<string, string>): Promise<Uint8Array> {
  const source = await mkdtemp(path.join(os.tmpdir(), 'fw-src-'));
  cleanup.push(source);
  const top = path.join(source, 'acme-api-abc1234');
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(top, file)), { recursive: true });
    await writeFile(path.join(top, file), text);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of tar.c({ gzip: true, cwd: source }, ['acme-api-abc1234']))
    chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('adapters/local/tarball-workspaces', () => {
  it('extracts the repository into a fresh directory and removes it on dispose (twice is fine)', async () => {
    const warnings: string[] = [];
    const log: Log = {
      debug: () => undefined,
      info: () => undefined,
      warn: (_m, message) => warnings.push(message),
      error: () => undefined,
    };
    const workspaces = new TarballWorkspaces(log);

    const workspace = await workspaces.fromTarball(
      await githubLikeTarball({ 'src/http.ts': 'request()\n', 'README.md': '# api\n' }),
      { label: 'use-fetch-api' },
    );

    expect(await readFile(path.join(workspace.root, 'src/http.ts'), 'utf8')).toBe('request()\n');
    await workspace.dispose();
    await workspace.dispose();
    await expect(stat(workspace.root)).rejects.toThrow();
    expect(warnings).toEqual([]);
  });

  it('refuses to start when already aborted', async () => {
    const workspaces = new TarballWorkspaces({
      debug: () => undefined,
      info: () => undefined,
      warn: () => undefined,
      error: () => undefined,
    });

    await expect(
      workspaces.fromTarball(new Uint8Array([1]), { label: 'x', signal: AbortSignal.abort() }),
    ).rejects.toThrow();
  });
});
