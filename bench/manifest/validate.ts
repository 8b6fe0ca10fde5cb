/**
 * `node bench/manifest/validate.ts [manifests]`: times manifest validation on the shapes a
 * config repo can take: many ordinary manifests (the check run validates all of them on every
 * push), one manifest at the size limit, and adversarial inputs that must fail fast.
 * Prints the median of 5 runs for each case.
 */
import { readFileSync } from 'node:fs';
import { parseManifest } from '../../src/core/manifest/parse.ts';
import { validateManifestFiles } from '../../src/core/manifest/validate-files.ts';

const count = Number(process.argv[2] ?? 300);
const example = readFileSync('examples/fleetwright-config/migrations/jest-to-vitest.yml', 'utf8');

async function median(run: () => unknown | Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[2] as number;
}

const files = Array.from({ length: count }, (_, i) => ({
  source: `migrations/m-${i}.yml`,
  text: example.replace('id: jest-to-vitest', `id: m-${i}`),
}));
const atLimit = `version: 1\nid: m\ntitle: T\nprompt: |\n${'  Replace every call of request() with fetch() [see docs] {keep timeouts}\n'.repeat(3500)}targets:\n  patterns: ["*"]\n`;
const unknownKeys = Array.from({ length: 20_000 }, (_, i) => `k${i}: ${i}`).join('\n');
const aliasBomb = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefghi'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`),
].join('\n');
const deepFlow = `targets: ${'['.repeat(100_000)}`;

const rows: [string, number][] = [
  [
    `${count} valid manifests (validateManifestFiles)`,
    await median(() => validateManifestFiles(files, { readPromptFile: async () => 'prompt' })),
  ],
  [
    `1 manifest of ${(atLimit.length / 1024).toFixed(0)} KiB`,
    await median(() => parseManifest(atLimit, 'migrations/m.yml')),
  ],
  [
    '20,000 unknown keys (rejected, 100 errors shown)',
    await median(() => parseManifest(unknownKeys, 'migrations/m.yml')),
  ],
  ['billion-laughs aliases (rejected)', await median(() => parseManifest(aliasBomb, 'migrations/m.yml'))],
  ['100,000 nested brackets (rejected)', await median(() => parseManifest(deepFlow, 'migrations/m.yml'))],
];
for (const [name, ms] of rows) console.log(`${name.padEnd(52)} ${ms.toFixed(1).padStart(8)} ms`);
