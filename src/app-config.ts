/**
 * The app's configuration from environment variables, parsed once at start-up by src/index.ts
 * (the only module that reads `process.env`). Every variable is documented in README.md.
 */
import { z } from 'zod';

/**
 * Where the server receives webhooks unless WEBHOOK_PATH says otherwise: the site root, because
 * that is the URL Probot's setup page registers for the app (see src/main.ts).
 */
export const DEFAULT_WEBHOOK_PATH = '/';

export const AppConfig = z.object({
  /** Name of the org config repository holding `migrations/*.yml`. */
  configRepo: z.string().regex(/^[A-Za-z0-9._-]+$/, 'a repository name without owner'),
});
export type AppConfig = z.infer<typeof AppConfig>;

/** Parses the environment; throws with every problem listed when a variable is invalid. */
export function parseAppConfig(env: Record<string, string | undefined>): AppConfig {
  const result = AppConfig.safeParse({
    configRepo: env.FLEETWRIGHT_CONFIG_REPO ?? 'fleetwright-config',
  });
  if (!result.success) {
    throw new Error(`Invalid fleetwright configuration:\n${z.prettifyError(result.error)}`);
  }
  return result.data;
}
