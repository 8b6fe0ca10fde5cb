/**
 * Generates the benchmark's big job log (not committed: it is written to the temp dir).
 *
 *   node bench/condense/big-log.ts <out-file> [MB]
 */
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { findLogs } from './corpus.ts';
import type { FactsFile } from './record.ts';

/** Deterministic PRNG (mulberry32) so the big log is the same on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Writes a job log of at least `mb` MB: corpus logs drawn at random (passing ones 9 times as
 * often as failing ones, as in a long job where most output is noise), each line behind a
 * runner timestamp, as a runner writes it.
 */
export async function generateBigLog(corpus: string, mb: number, path: string): Promise<number> {
  const logs = await findLogs(corpus);
  const bodies: { text: string[]; weight: number }[] = [];
  for (const log of logs) {
    const sidecar = JSON.parse(await readFile(log.replace(/\.log$/, '.facts.json'), 'utf8')) as FactsFile;
    const text = (await readFile(log, 'utf8')).replace(/\n$/, '').split('\n');
    bodies.push({
      text: sidecar.source === 'composed' ? text.map((line) => line.slice(29)) : text,
      weight: sidecar.passing ? 9 : 1,
    });
  }
  const totalWeight = bodies.reduce((sum, body) => sum + body.weight, 0);
  const next = random(42);
  const out = createWriteStream(path);
  const target = mb * 1024 * 1024;
  let written = 0;
  let clock = Date.parse('2026-11-21T10:00:00.000Z');
  while (written < target) {
    let pick = next() * totalWeight;
    const body =
      bodies.find((candidate) => (pick -= candidate.weight) < 0) ?? (bodies[0] as (typeof bodies)[number]);
    const block =
      body.text
        .map((line) => `${new Date((clock += 3)).toISOString().replace('Z', '0000Z')} ${line}`)
        .join('\n') + '\n';
    written += Buffer.byteLength(block);
    if (!out.write(block)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
  return written;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [out, mb = '100'] = process.argv.slice(2);
  if (out === undefined) throw new Error('usage: big-log.ts <out-file> [MB]');
  const bytes = await generateBigLog(fileURLToPath(new URL('corpus', import.meta.url)), Number(mb), out);
  console.log(`wrote ${(bytes / 1024 / 1024).toFixed(0)} MB to ${out}`);
}
