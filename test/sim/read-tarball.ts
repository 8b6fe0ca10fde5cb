/** Test helper: lists a (gzipped) tarball with the real `tar` package, contents included. */
import { Parser, type ReadEntry } from 'tar';

export interface TarEntry {
  type: string;
  content: string;
  linkpath?: string;
}

export async function readTarball(bytes: Uint8Array): Promise<Map<string, TarEntry>> {
  const entries = new Map<string, TarEntry>();
  await new Promise<void>((resolve, reject) => {
    const parser = new Parser({
      onReadEntry: (entry: ReadEntry) => {
        const chunks: Buffer[] = [];
        entry.on('data', (chunk: Buffer) => chunks.push(chunk));
        entry.on('end', () => {
          entries.set(entry.path, {
            type: entry.type,
            content: Buffer.concat(chunks).toString('utf8'),
            ...(entry.linkpath ? { linkpath: entry.linkpath } : {}),
          });
        });
      },
    });
    parser.on('end', () => resolve());
    parser.on('error', reject);
    parser.on('warn', (code: string, message: string) => reject(new Error(`${code}: ${message}`)));
    parser.end(Buffer.from(bytes));
  });
  return entries;
}
