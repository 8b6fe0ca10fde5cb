/**
 * Validates the config repo at a commit and reports the result as the `fleetwright/manifests`
 * check run on that commit (a push to the default branch, or a pull request's head).
 *
 * 1. Load and validate every manifest at the commit (cross-file checks need all of them).
 * 2. Work out which manifests this change affected (changed files, and manifests whose prompt
 *    file changed), so problems that were already there do not block unrelated changes.
 * 3. Render the check (pure) and post it with its annotations at the exact lines.
 */
import { MANIFEST_CHECK_NAME, buildManifestCheck } from '../core/manifest/render-manifest-check.ts';
import type { ManifestSetResult, ValidatedMigration } from '../core/manifest/validate-files.ts';
import type { ValidationMessage } from '../core/manifest/validation-message.ts';
import type { Annotation, GitHost, RepoRef } from '../ports/git-host.ts';
import type { ModelCatalog } from '../shared/pricing.ts';
import { loadManifests } from './load-manifests.ts';

/** Re-exported so handlers can recognise the check without importing core (dependency rule). */
export { MANIFEST_CHECK_NAME };

export type ConfigRepoHost = Pick<
  GitHost,
  'findFile' | 'listDirectory' | 'listChangedFiles' | 'ensureCheckRun'
>;

export interface ValidateConfigRepoInput {
  repo: RepoRef;
  /** The commit to validate and to attach the check run to (a PR's head, not its merge commit). */
  headSha: string;
  /** Compare base for "what changed": the push's `before` or the PR's base SHA; omit when unknown. */
  baseSha?: string;
  /** When given, manifests naming a model without a price are errors. */
  modelCatalog?: ModelCatalog;
}

export interface ValidateConfigRepoOutcome {
  conclusion: 'success' | 'failure';
  checkRunId: number;
  /** The valid migrations at this commit, typed, for later work. */
  migrations: ValidatedMigration[];
  errorCount: number;
}

/** GitHub's compare API lists at most 300 files; at that size we cannot know what else changed. */
const COMPARE_FILE_LIMIT = 300;
const NULL_SHA = /^0+$/;

/** Sources this change affected, or `undefined` for "treat everything as affected". */
export function findAffectedSources(
  result: ManifestSetResult,
  changedPaths: readonly string[] | undefined,
): Set<string> | undefined {
  if (changedPaths === undefined || changedPaths.length >= COMPARE_FILE_LIMIT) return undefined;
  const changed = new Set(changedPaths);
  const affected = new Set(result.files.map((file) => file.source).filter((source) => changed.has(source)));
  for (const [source, promptFile] of result.promptFiles) if (changed.has(promptFile)) affected.add(source);
  return affected;
}

function toAnnotation(message: ValidationMessage): Annotation {
  return {
    path: message.source,
    startLine: message.line,
    endLine:
      message.endLine !== undefined && message.endLine >= message.line ? message.endLine : message.line,
    startColumn: message.column,
    ...(message.endLine === message.line && message.endColumn !== undefined
      ? { endColumn: message.endColumn }
      : { endColumn: message.column }),
    level: message.severity === 'error' ? 'failure' : 'warning',
    message: message.message,
    title: `fleetwright: ${message.code}`,
  };
}

async function reportUnreadable(
  host: ConfigRepoHost,
  repo: RepoRef,
  headSha: string,
  error: unknown,
): Promise<void> {
  const reason = error instanceof Error ? error.message : String(error);
  await host.ensureCheckRun(repo, {
    name: MANIFEST_CHECK_NAME,
    headSha,
    status: 'completed',
    conclusion: 'failure',
    title: 'Could not read the config repo',
    summary: `fleetwright could not read the manifests at this commit, so they were not validated.\n\n> ${reason.replace(/\s+/g, ' ').slice(0, 1000)}\n\nUse **Re-run** to try again.`,
  });
}

/** Runs the validation and posts the check run. Throws GitHostError when GitHub fails. */
export async function validateConfigRepo(
  host: ConfigRepoHost,
  input: ValidateConfigRepoInput,
): Promise<ValidateConfigRepoOutcome> {
  const { repo, headSha, baseSha } = input;

  let result: ManifestSetResult;
  let changed: string[] | undefined;
  try {
    // 1. Everything at the commit.
    result = await loadManifests(
      host,
      repo,
      headSha,
      input.modelCatalog ? { modelCatalog: input.modelCatalog } : {},
    );

    // 2. What this change touched.
    changed =
      baseSha && !NULL_SHA.test(baseSha)
        ? (await host.listChangedFiles(repo, baseSha, headSha)).flatMap((file) => [
            file.path,
            ...(file.previousPath ? [file.previousPath] : []),
          ])
        : undefined;
  } catch (error) {
    // Fail closed and say why: a required check that never appears blocks merges with no
    // explanation, and a passing one would let an unvalidated manifest through.
    await reportUnreadable(host, repo, headSha, error).catch(() => undefined);
    throw error;
  }
  const affected = findAffectedSources(result, changed);

  // 3. Report.
  const check = buildManifestCheck(result, { ...(affected ? { affected } : {}), headSha });
  const { id } = await host.ensureCheckRun(repo, {
    name: MANIFEST_CHECK_NAME,
    headSha,
    status: 'completed',
    conclusion: check.conclusion,
    title: check.title,
    summary: check.summary,
    annotations: check.annotations.map(toAnnotation),
  });
  return {
    conclusion: check.conclusion,
    checkRunId: id,
    migrations: result.migrations,
    errorCount: check.annotations.filter((m) => m.severity === 'error').length,
  };
}
