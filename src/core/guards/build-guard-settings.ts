/**
 * The part of a `runGuards` input that comes from the migration manifest, so `fleetwright try`
 * and the fleet apply the same scope, size limits and severity overrides.
 */
import type { Manifest } from '../manifest/schema.ts';
import type { GuardInput } from './types.ts';

export type GuardSettings = Required<
  Pick<GuardInput, 'allowedPaths' | 'allowWorkflowEdits' | 'limits' | 'severity'>
>;

/**
 * Reads `scope` and `guards` of a parsed manifest (defaults already filled). Pure. The severity
 * overrides are passed as written: `parseManifest` has already refused `off`/`warn` for the
 * deleted/skipped-test kinds, and `decideVerdict` would not let those through anyway.
 */
export function buildGuardSettings(manifest: Manifest): GuardSettings {
  return {
    allowedPaths: manifest.scope.allowedPaths,
    allowWorkflowEdits: manifest.scope.allowWorkflowEdits,
    limits: {
      maxChangedLines: manifest.guards.maxChangedLines,
      maxChangedFiles: manifest.guards.maxChangedFiles,
    },
    severity: { ...manifest.guards.severity },
  };
}
