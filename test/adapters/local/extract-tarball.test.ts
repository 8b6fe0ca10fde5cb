import { existsSync } from 'node:fs';
import { lstat, mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { extractTarball } from '../../../src/adapters/local/extract-tarball.ts';

interface Entry {
  name: string;
  type?: string; // tar typeflag
  body?: string;
  linkname?: string;
  mode?: number;
}

/** A minimal ustar writer, so the test can build archives node-tar itself would refuse to create. */
function tarball(entries: Entry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const body = Buffer.from(entry.body ?? '');
    const header = Buffer.alloc(512);
    const put = (text: string, offset: number, length: number) => header.write(text, offset, length, 'utf8');
    const octal = (n: number, length: number) => n.toString(8).padStart(length - 1, '0') + '\0';
    put(entry.name, 0, 100);
    put(octal(entry.mode ?? 0o644, 8), 100, 8);
    put(octal(0, 8), 108, 8);
    put(octal(0, 8), 116, 8);
    put(octal(body.length, 12), 124, 12);
    put(octal(1_700_000_000, 12), 136, 12);
    put('        ', 148, 8);
    put(entry.type ?? '0', 156, 1);
    put(entry.linkname ?? '', 157, 100);
    put('ustar\u000000', 257, 8);
    let sum = 0;
    for (const byte of header) sum += byte;
    put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
    blocks.push(header, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

function paxRecord(key: string, value: string): string {
  const tail = ` ${key}=${value}\n`;
  let length = tail.length + 1;
  while (`${length}${tail}`.length !== length) length += 1;
  return `${length}${tail}`;
}

const roots: string[] = [];
afterEach(async () => {
  while (roots.length > 0) await rm(roots.pop()!, { recursive: true, force: true });
});

describe('adapters/local/extract-tarball', () => {
  it('strips the top-level directory and refuses entries that escape the workspace', async () => {
    const top = 'acme-widgets-0123abc/';
    const archive = tarball([
      {
        name: 'pax_global_header',
        type: 'g',
        body: paxRecord('comment', '0123abc0123abc0123abc0123abc0123abc0123a'),
      },
      { name: top, type: '5', mode: 0o755 },
      { name: `${top}README.md`, body: '# widgets\n' },
      { name: `${top}src/index.js`, body: 'module.exports = 1;\n' },
      { name: `${top}bin/run`, body: '#!/bin/sh\n', mode: 0o755 },
      { name: `${top}ok-link`, type: '2', linkname: 'src/index.js' },
      { name: `${top}link-etc`, type: '2', linkname: '/etc' },
      { name: `${top}src/link-up`, type: '2', linkname: '../../outside' },
      { name: `${top}hard`, type: '1', linkname: '/etc/passwd' },
      { name: `${top}../evil.txt`, body: 'evil' },
      { name: `${top}.git/config`, body: '[core]' },
      { name: `${top}fifo`, type: '6' },
    ]);

    const { root, skipped } = await extractTarball(archive);
    roots.push(root);

    expect(path.dirname(root)).toBe(os.tmpdir());
    expect(await readFile(path.join(root, 'README.md'), 'utf8')).toBe('# widgets\n');
    expect(await readFile(path.join(root, 'src/index.js'), 'utf8')).toBe('module.exports = 1;\n');
    expect((await lstat(path.join(root, 'bin/run'))).mode & 0o100).toBe(0o100);
    expect(await readlink(path.join(root, 'ok-link'))).toBe('src/index.js');
    for (const refused of ['link-etc', 'src/link-up', 'hard', '.git', 'fifo'])
      expect(existsSync(path.join(root, refused))).toBe(false);
    expect(existsSync(path.join(path.dirname(root), 'evil.txt'))).toBe(false);
    expect(skipped).toEqual([
      { path: 'link-etc', reason: 'symbolic link to absolute path /etc' },
      { path: 'src/link-up', reason: 'symbolic link ../../outside points outside the workspace' },
      { path: 'hard', reason: 'hard link to /etc/passwd outside the workspace' },
      { path: '../evil.txt', reason: 'path escapes the workspace' },
      { path: '.git/config', reason: '.git entries are never extracted' },
      { path: 'fifo', reason: 'unsupported entry type FIFO' },
    ]);
  });

  it('refuses an archive over the size limit and removes its temp dir', async () => {
    const parentDir = await mkdtemp(path.join(os.tmpdir(), 'extract-parent-'));
    roots.push(parentDir);
    const archive = tarball([{ name: 'r/big.txt', body: 'x'.repeat(5_000) }]);

    await expect(extractTarball(archive, { parentDir, maxBytes: 1_000 })).rejects.toThrow(
      'larger than 1000 bytes',
    );

    expect(await readdir(parentDir)).toEqual([]);
  });

  it('rejects a corrupt archive', async () => {
    const parentDir = await mkdtemp(path.join(os.tmpdir(), 'extract-parent-'));
    roots.push(parentDir);

    await expect(
      extractTarball(gzipSync(Buffer.from('not a tar file at all')), { parentDir }),
    ).rejects.toThrow();

    expect(await readdir(parentDir)).toEqual([]);
  });
});
