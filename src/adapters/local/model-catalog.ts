/**
 * Loads the model price catalog: the file named by FLEETWRIGHT_MODELS_FILE, else the
 * repository's config/models.yml. Errors name the file and the offending entry.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { CoderError } from '../../shared/errors.ts';
import { ModelCatalog } from '../../shared/pricing.ts';

/** The catalog shipped with fleetwright. */
export const DEFAULT_MODELS_FILE = fileURLToPath(new URL('../../../config/models.yml', import.meta.url));

/** Reads and validates the catalog; throws CoderError with the file name on any problem. */
export async function loadModelCatalog(env: Record<string, string | undefined> = {}): Promise<ModelCatalog> {
  const file = env.FLEETWRIGHT_MODELS_FILE?.trim() || DEFAULT_MODELS_FILE;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new CoderError(
      `Cannot read the model catalog ${file} (FLEETWRIGHT_MODELS_FILE): ${(cause as Error).message}`,
      { cause },
    );
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (cause) {
    throw new CoderError(`The model catalog ${file} is not valid YAML: ${(cause as Error).message}`, {
      cause,
    });
  }
  const parsed = ModelCatalog.safeParse(data);
  if (!parsed.success) {
    throw new CoderError(`Invalid model catalog ${file}:\n${z.prettifyError(parsed.error)}`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}
