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

/** A positive whole number from an environment variable (unset → the default). */
function positiveInt(name: string, fallback: number) {
  return z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .positive(`${name} must be positive`)
    .default(fallback);
}

export const AppConfig = z.object({
  /** Name of the org config repository holding `migrations/*.yml`. */
  configRepo: z.string().regex(/^[A-Za-z0-9._-]+$/, 'a repository name without owner'),
  /** The app's slug; its bot login is `<slug>[bot]` (its own echoes are ignored by that name). */
  appSlug: z.string().regex(/^[a-z0-9-]+$/, 'a GitHub App slug (lower-case letters, digits, dashes)'),
  /** Jobs running at once across all targets. */
  concurrency: positiveInt('FLEETWRIGHT_CONCURRENCY', 4),
  /** Coder runs at once (each holds a workspace and an LLM conversation). */
  coderConcurrency: positiveInt('FLEETWRIGHT_CODER_CONCURRENCY', 2),
  /** Minutes between ticks (admissions as time passes, stalled CI detection). */
  tickMinutes: positiveInt('FLEETWRIGHT_TICK_MINUTES', 5),
  /**
   * GitHub's web address (`https://github.com`, or the Enterprise Server's from GHE_HOST and
   * GHE_PROTOCOL, as Probot derives its API URL): links on the dashboard to repositories without a PR.
   */
  webUrl: z.url({ error: 'GHE_HOST/GHE_PROTOCOL must form a URL' }),
});
export type AppConfig = z.infer<typeof AppConfig>;

/** Parses the environment; throws with every problem listed when a variable is invalid. */
export function parseAppConfig(env: Record<string, string | undefined>): AppConfig {
  const result = AppConfig.safeParse({
    configRepo: env.FLEETWRIGHT_CONFIG_REPO ?? 'fleetwright-config',
    appSlug: env.FLEETWRIGHT_APP_SLUG ?? 'fleetwright',
    concurrency: env.FLEETWRIGHT_CONCURRENCY || undefined,
    coderConcurrency: env.FLEETWRIGHT_CODER_CONCURRENCY || undefined,
    tickMinutes: env.FLEETWRIGHT_TICK_MINUTES || undefined,
    webUrl: env.GHE_HOST ? `${env.GHE_PROTOCOL || 'https'}://${env.GHE_HOST}` : 'https://github.com',
  });
  if (!result.success) {
    throw new Error(`Invalid fleetwright configuration:\n${z.prettifyError(result.error)}`);
  }
  return result.data;
}
