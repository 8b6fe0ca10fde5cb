/** Rewrites every generated, committed file (see scripts/generators.ts). */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { generators } from './generators.ts';

for (const generator of generators) {
  await mkdir(dirname(generator.path), { recursive: true });
  await writeFile(generator.path, await generator.render());
  console.log(`wrote ${generator.path}`);
}
