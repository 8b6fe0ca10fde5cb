/** Finding the benchmark corpus's logs. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Every `*.log` under `dir`, sorted. */
export async function findLogs(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await findLogs(path)));
    else if (entry.name.endsWith('.log')) found.push(path);
  }
  return found.sort();
}
