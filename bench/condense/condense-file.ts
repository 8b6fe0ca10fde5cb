/**
 * Benchmark child: condenses one log file the way the CLI and the Action do (streaming, 64 KiB
 * reads) and prints a one-line JSON summary. Run in its own process so its peak RSS is its own.
 *
 *   node bench/condense/condense-file.ts <log> [floor-bytes|floor-readline]
 *
 * The floor modes are the speed floor: the same reads, counting lines and doing nothing else.
 */
import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { condenseStreamInWorker, sourceWorkerEntry } from '../../src/condense/worker.ts';

const [path, mode = 'condense'] = process.argv.slice(2);
if (path === undefined) {
  console.error('usage: condense-file.ts <log> [condense|floor-bytes|floor-readline]');
  process.exit(2);
}
// 64 KiB reads: Node's default, what the CLI reads and about what a pipe delivers to the Action.
const stream = () => createReadStream(path, { highWaterMark: 64 * 1024 });

if (mode === 'floor-bytes') {
  let lines = 0;
  for await (const chunk of stream() as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines += 1;
  }
  console.log(JSON.stringify({ lines }));
} else if (mode === 'floor-readline') {
  let lines = 0;
  for await (const _line of createInterface({ input: stream(), crlfDelay: Infinity })) lines += 1;
  console.log(JSON.stringify({ lines }));
} else {
  // `condense:<tool>,<tool>` runs only those condensers (to find a slow one).
  const tools = mode.startsWith('condense:') ? mode.slice('condense:'.length).split(',') : undefined;
  // Bundled (bench/condense/run.ts), the worker's bundle sits beside this one.
  const bundled = new URL('./condense-worker.mjs', import.meta.url);
  const entry = existsSync(bundled) ? bundled : sourceWorkerEntry;
  const report = await condenseStreamInWorker(stream(), tools ? { tools } : {}, entry);
  console.log(
    JSON.stringify({ findings: report.findings.length, dropped: report.dropped.length, tools: report.tools }),
  );
}
