/**
 * Verdict: what the LLM judge answers about a green PR, and the final decision after the
 * deterministic guards (`decideVerdict`). The same schema is sent to the Messages API as the
 * structured-output JSON schema (`VERDICT_JSON_SCHEMA`) and parses the model's answer, so the
 * two cannot drift. Stored in check-run output and PR comments: extend, never rename.
 */
import { z } from 'zod';

export const Verdict = z
  .object({
    verdict: z
      .enum(['approve', 'reject'])
      .describe(
        'approve only when the change does what the migration asks, nothing else, without weakening tests or checks',
      ),
    reasons: z
      .array(z.string())
      .describe('Short findings supporting the verdict, each citing file:line where possible'),
    requiredChanges: z
      .array(z.string())
      .describe('Concrete instructions for the coder to fix the PR; empty when approving'),
  })
  .describe('The judge’s review of a migration pull request');
export type Verdict = z.infer<typeof Verdict>;

/**
 * JSON Schema of `Verdict` for structured outputs (`output_config.format.schema`): draft 2020-12
 * without the `$schema` key, objects closed with `additionalProperties: false` as the API requires.
 */
export const VERDICT_JSON_SCHEMA: Record<string, unknown> = (() => {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(Verdict, { io: 'output' }) as Record<
    string,
    unknown
  >;
  return Object.freeze(schema);
})();
