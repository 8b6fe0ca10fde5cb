/**
 * Builds the gzipped tarball GitHub serves for `GET /repos/{o}/{r}/tarball/{ref}`, the way
 * `git archive` writes it: a pax global header carrying the commit SHA, then a top directory
 * named `<owner>-<repo>-<short sha>/` holding every file (directories first), symlinks as
 * symlinks. A small ustar writer is enough; paths longer than ustar allows get pax headers.
 */
import { gzipSync } from 'node:zlib';
import type { FileMap } from './git-store.ts';

const BLOCK = 512;

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function header(fields: {
  name: string;
  mode: number;
  size: number;
  mtime: number;
  type: '0' | '2' | '5' | 'g' | 'x';
  linkname?: string;
  prefix?: string;
}): Buffer {
  const block = Buffer.alloc(BLOCK, 0);
  block.write(fields.name, 0, 100, 'utf8');
  block.write(octal(fields.mode, 8), 100, 8, 'ascii');
  block.write(octal(0, 8), 108, 8, 'ascii');
  block.write(octal(0, 8), 116, 8, 'ascii');
  block.write(octal(fields.size, 12), 124, 12, 'ascii');
  block.write(octal(fields.mtime, 12), 136, 12, 'ascii');
  block.fill(' ', 148, 156);
  block.write(fields.type, 156, 1, 'ascii');
  if (fields.linkname) block.write(fields.linkname, 157, 100, 'utf8');
  block.write('ustar\0', 257, 6, 'ascii');
  block.write('00', 263, 2, 'ascii');
  block.write('root', 265, 32, 'ascii');
  block.write('root', 297, 32, 'ascii');
  if (fields.prefix) block.write(fields.prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(octal(sum, 7) + ' ', 148, 8, 'ascii');
  return block;
}

function pad(data: Buffer): Buffer[] {
  const rest = data.length % BLOCK;
  return rest === 0 ? [data] : [data, Buffer.alloc(BLOCK - rest, 0)];
}

function paxRecord(key: string, value: string): string {
  // Each record is "<len> <key>=<value>\n" where <len> counts itself.
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body) + 1;
  while (String(length).length + Buffer.byteLength(body) !== length) {
    length = String(length).length + Buffer.byteLength(body);
  }
  return `${length}${body}`;
}

function entry(
  out: Buffer[],
  path: string,
  type: '0' | '2' | '5',
  mode: number,
  data: Buffer,
  mtime: number,
  linkname?: string,
): void {
  const nameBytes = Buffer.byteLength(path);
  let name = path;
  let prefix: string | undefined;
  if (nameBytes > 100) {
    const cut = path.lastIndexOf('/', path.length - 2);
    const candidatePrefix = cut > 0 ? path.slice(0, cut) : '';
    const candidateName = cut > 0 ? path.slice(cut + 1) : path;
    if (cut > 0 && Buffer.byteLength(candidatePrefix) <= 155 && Buffer.byteLength(candidateName) <= 100) {
      prefix = candidatePrefix;
      name = candidateName;
    } else {
      const pax = Buffer.from(paxRecord('path', path), 'utf8');
      out.push(header({ name: 'pax_header', mode: 0o644, size: pax.length, mtime, type: 'x' }), ...pad(pax));
      name = path.slice(0, 100);
    }
  }
  if (linkname && Buffer.byteLength(linkname) > 100) {
    const pax = Buffer.from(paxRecord('linkpath', linkname), 'utf8');
    out.push(header({ name: 'pax_header', mode: 0o644, size: pax.length, mtime, type: 'x' }), ...pad(pax));
  }
  const size = type === '0' ? data.length : 0;
  out.push(header({ name, mode, size, mtime, type, linkname, prefix }));
  if (size > 0) out.push(...pad(data));
}

/** A gzipped tar of `files` under `topDir/`, as GitHub's tarball endpoint returns it. */
export function buildTarball(
  files: FileMap,
  readBlob: (sha: string) => Buffer,
  options: { topDir: string; commitSha: string; mtime: Date },
): Buffer {
  const mtime = Math.floor(options.mtime.getTime() / 1000);
  const out: Buffer[] = [];
  const global = Buffer.from(paxRecord('comment', options.commitSha), 'utf8');
  out.push(
    header({ name: 'pax_global_header', mode: 0o666, size: global.length, mtime, type: 'g' }),
    ...pad(global),
  );
  entry(out, `${options.topDir}/`, '5', 0o775, Buffer.alloc(0), mtime);
  const dirs = new Set<string>();
  for (const path of files.keys()) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  const paths = [...[...dirs].map((d) => `${d}/`), ...files.keys()].sort();
  for (const path of paths) {
    const full = `${options.topDir}/${path}`;
    if (path.endsWith('/')) {
      entry(out, full, '5', 0o775, Buffer.alloc(0), mtime);
      continue;
    }
    const file = files.get(path)!;
    const data = readBlob(file.sha);
    if (file.mode === '120000') {
      entry(out, full, '2', 0o777, Buffer.alloc(0), mtime, data.toString('utf8'));
    } else {
      entry(out, full, '0', file.mode === '100755' ? 0o775 : 0o664, data, mtime);
    }
  }
  out.push(Buffer.alloc(BLOCK * 2, 0));
  return gzipSync(Buffer.concat(out));
}
