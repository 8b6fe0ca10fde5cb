/**
 * The manifest's JSON Schema, generated from the zod schema (never edited by hand). Editors use
 * it through the YAML language server (see README "Writing a migration manifest").
 * `npm run generate` writes it to schemas/manifest.schema.json; `npm run check:generated` fails
 * when the committed file is stale.
 */
import { z } from 'zod';
import { PROTECTED_GUARD_KINDS } from '../guards/types.ts';
import { Manifest } from './schema.ts';

/** Where the committed schema is published (its `$id`); raw GitHub URL of the default branch. */
export const MANIFEST_SCHEMA_ID =
  'https://raw.githubusercontent.com/fleetwright/fleetwright/main/schemas/manifest.schema.json';

/**
 * The JSON Schema (draft 2020-12) of a manifest as written: defaulted fields are optional
 * (`io: 'input'`), unknown keys are forbidden (`additionalProperties: false`), defaults and
 * descriptions included. Semantic rules (prompt xor promptFile, …) are only in `validate.ts`,
 * except the prompt/promptFile choice, which is added as a `oneOf`, and the deleted/skipped-test
 * guard kinds, whose severity is narrowed to `block`, so editors flag those too.
 */
export function buildManifestJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(Manifest, {
    io: 'input',
    target: 'draft-2020-12',
    unrepresentable: 'throw',
  }) as Record<string, unknown>;
  narrowProtectedGuardKinds(schema);
  const { $schema, ...rest } = schema;
  return {
    $schema,
    $id: MANIFEST_SCHEMA_ID,
    title: 'fleetwright migration manifest',
    ...rest,
    oneOf: [
      { required: ['prompt'], not: { required: ['promptFile'] } },
      { required: ['promptFile'], not: { required: ['prompt'] } },
    ],
  };
}

/** `guards.severity.<kind>` of a deleted/skipped-test kind accepts only `block` (see validate.ts). */
function narrowProtectedGuardKinds(schema: Record<string, unknown>): void {
  type Node = { properties?: Record<string, Node>; enum?: unknown[] };
  const kinds = (schema as Node).properties?.guards?.properties?.severity?.properties;
  if (kinds === undefined) throw new Error('manifest JSON Schema: guards.severity not found');
  for (const kind of PROTECTED_GUARD_KINDS) {
    const node = kinds[kind];
    if (node?.enum === undefined) throw new Error(`manifest JSON Schema: guards.severity.${kind} not found`);
    node.enum = ['block'];
  }
}

/** The committed file's exact text. */
export function renderManifestJsonSchema(): string {
  return `${JSON.stringify(buildManifestJsonSchema(), null, 2)}\n`;
}
