/**
 * Fails when a committed, generated file is stale. Each generator renders its output in memory
 * and compares it with the committed file; `npm run generate` rewrites them.
 * Generators: see scripts/generators.ts.
 */
import { readFile } from 'node:fs/promises';
import { generators } from './generators.ts';

let stale = 0;
for (const generator of generators) {
  const expected = await generator.render();
  const actual = await readFile(generator.path, 'utf8').catch(() => undefined);
  if (actual !== expected) {
    stale += 1;
    console.error(`stale: ${generator.path} (${generator.description}); run \`npm run generate\``);
  } else {
    console.log(`fresh: ${generator.path}`);
  }
}
process.exitCode = stale === 0 ? 0 : 1;
