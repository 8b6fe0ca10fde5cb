/**
 * Builds the Anthropic client from environment variables, for the app's wiring (src/index.ts)
 * and the CLI. The client's own retries are off: ClaudeCoder retries explicitly.
 */
import Anthropic from '@anthropic-ai/sdk';
import { CoderError } from '../../shared/errors.ts';

/** What to tell a user who has no credentials configured. */
export const MISSING_CREDENTIALS =
  'no Anthropic credentials: set ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN for a gateway that takes bearer tokens), and ANTHROPIC_BASE_URL for a non-default endpoint.';

/**
 * `ANTHROPIC_API_KEY` wins over `ANTHROPIC_AUTH_TOKEN` (as in the SDK); `ANTHROPIC_BASE_URL`
 * selects any Anthropic-compatible endpoint. Throws CoderError when neither credential is set.
 */
export function buildAnthropicClient(env: Record<string, string | undefined>): Anthropic {
  const apiKey = env.ANTHROPIC_API_KEY?.trim();
  const authToken = env.ANTHROPIC_AUTH_TOKEN?.trim();
  if (!apiKey && !authToken) throw new CoderError(MISSING_CREDENTIALS);
  const baseURL = env.ANTHROPIC_BASE_URL?.trim();
  return new Anthropic({
    ...(apiKey ? { apiKey, authToken: null } : { apiKey: null, authToken }),
    ...(baseURL ? { baseURL } : {}),
    maxRetries: 0,
  });
}
