import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadModelCatalog } from '../../../src/adapters/local/model-catalog.ts';
import { CoderError } from '../../../src/shared/errors.ts';
import { findModelPrice } from '../../../src/shared/pricing.ts';

const dirs: string[] = [];
afterEach(async () => {
  while (dirs.length > 0) await rm(dirs.pop()!, { recursive: true, force: true });
});

async function file(text: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'models-'));
  dirs.push(dir);
  const target = path.join(dir, 'models.yml');
  await writeFile(target, text);
  return target;
}

describe('adapters/local/model-catalog', () => {
  it('loads the shipped catalog by default', async () => {
    const catalog = await loadModelCatalog({});

    expect(findModelPrice(catalog, 'claude-sonnet-5-5')).toEqual({ input: 2, output: 10 });
  });

  it('honours FLEETWRIGHT_MODELS_FILE', async () => {
    const custom = await file('models:\n  my-gateway-model: { input: 1, output: 2, cacheRead: 0.05 }\n');

    const catalog = await loadModelCatalog({ FLEETWRIGHT_MODELS_FILE: custom });

    expect(catalog.models).toEqual({ 'my-gateway-model': { input: 1, output: 2, cacheRead: 0.05 } });
  });

  it.each([
    ['models:\n  m: { input: -1, output: 2 }\n', /Invalid model catalog .*models\.yml[\s\S]*input/],
    ['models:\n  m: { input: 1, output: 2, typo: 3 }\n', /Invalid model catalog[\s\S]*typo/],
    ['models: [\n', /not valid YAML/],
  ])('rejects a bad catalog with the file name: %j', async (text, message) => {
    const bad = await file(text);

    await expect(loadModelCatalog({ FLEETWRIGHT_MODELS_FILE: bad })).rejects.toThrow(message);
    await expect(loadModelCatalog({ FLEETWRIGHT_MODELS_FILE: bad })).rejects.toBeInstanceOf(CoderError);
  });

  it('names a missing file', async () => {
    await expect(loadModelCatalog({ FLEETWRIGHT_MODELS_FILE: '/nonexistent/models.yml' })).rejects.toThrow(
      'Cannot read the model catalog /nonexistent/models.yml',
    );
  });
});
