/**
 * Validates a whole config repository's manifests at once: each file through `parseManifest`,
 * then the checks that span files (duplicate ids) or need the repository (prompt files exist and
 * are not empty). Pure: the caller supplies `readPromptFile`, so the same code runs against the
 * local filesystem (CLI) and against GitHub at a commit (the check run).
 */
import { MAX_MANIFEST_BYTES, describeOversizeManifest, parseManifest } from './parse.ts';
import type { ParseManifestOptions, ParsedManifest } from './parse.ts';
import type { Manifest } from './schema.ts';
import { findRepoPathProblem } from './validate.ts';
import { compareValidationMessages, oneLine, renderPath } from './validation-message.ts';
import type { ValidationMessage } from './validation-message.ts';

/** A prompt file larger than this is refused (the prompt is sent with every coder request). */
export const MAX_PROMPT_BYTES = 256 * 1024;

/** One manifest file: its text, or why it could not be read (too large, binary, request failed). */
export type ManifestFile =
  | { source: string; text: string }
  | { source: string; unreadable: string; code?: 'read-error' | 'too-large' };

export interface ValidateManifestFilesOptions extends ParseManifestOptions {
  /**
   * Reads a `promptFile` (a path relative to the config repo root, already checked to stay inside
   * it). Resolves to the text, or `undefined` when the file does not exist. May throw; the error
   * becomes a located message. Omit it to skip prompt-file checks (the prompt stays unresolved).
   */
  readPromptFile?: (path: string) => Promise<string | undefined>;
}

/** A valid migration, ready for later work. */
export interface ValidatedMigration {
  source: string;
  manifest: Manifest;
  /** The coder prompt: inline `prompt`, or the promptFile's text; `undefined` when not resolved (no reader given). */
  prompt: string | undefined;
}

/** Per-file outcome, in `files` order sorted by source. */
export interface ManifestFileResult {
  source: string;
  ok: boolean;
  /** The id, when the file parsed far enough to have one. */
  id?: string;
  title?: string;
  errorCount: number;
  warningCount: number;
}

export interface ManifestSetResult {
  /** Every valid migration, sorted by source. */
  migrations: ValidatedMigration[];
  files: ManifestFileResult[];
  /** Every error and warning of every file, sorted by source and position. */
  messages: ValidationMessage[];
  /** Sources that share an id, one group per duplicated id (each group sorted, length >= 2). */
  duplicateIdGroups: string[][];
  /** Normalised `promptFile` path of every schema-valid manifest that names one, by source. */
  promptFiles: Map<string, string>;
}

/** The path of a prompt file relative to the repo root, normalised (`./a//b` → `a/b`). */
export function normalisePromptPath(path: string): string {
  return path
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.')
    .join('/');
}

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

async function resolvePrompt(
  parsed: ParsedManifest,
  read: (path: string) => Promise<string | undefined>,
): Promise<{ prompt?: string; error?: ValidationMessage }> {
  const { manifest, source } = parsed;
  if (manifest.prompt !== undefined) return { prompt: manifest.prompt };
  const promptFile = manifest.promptFile as string;
  const at = parsed.locate(['promptFile']);
  const fail = (text: string, code: 'prompt-file' | 'read-error' = 'prompt-file') => ({
    error: {
      source,
      line: at.line,
      column: at.column,
      endLine: at.endLine,
      endColumn: at.endColumn,
      severity: 'error' as const,
      code,
      message: oneLine(text),
      path: 'promptFile',
    },
  });
  // parseManifest already rejected unsafe paths; this guards callers that build manifests by hand.
  if (findRepoPathProblem(promptFile))
    return fail(`promptFile '${promptFile}' is not a path inside the config repo`);
  let text: string | undefined;
  try {
    text = await read(normalisePromptPath(promptFile));
  } catch (cause) {
    return fail(
      `could not read prompt file '${promptFile}': ${cause instanceof Error ? cause.message : String(cause)}`,
      'read-error',
    );
  }
  if (text === undefined) {
    return fail(
      `prompt file '${promptFile}' does not exist; expected a file at that path relative to the config repo root`,
    );
  }
  const size = utf8Length(text);
  if (size > MAX_PROMPT_BYTES)
    return fail(`prompt file '${promptFile}' is ${size} bytes; expected at most ${MAX_PROMPT_BYTES}`);
  if (text.trim() === '')
    return fail(`prompt file '${promptFile}' is empty; expected instructions for the coder`);
  return { prompt: text };
}

/**
 * Validates a set of manifest files (normally every `migrations/*.yml` of the config repo at
 * one commit). Never throws unless `readPromptFile` is not a function.
 */
export async function validateManifestFiles(
  files: readonly ManifestFile[],
  options: ValidateManifestFilesOptions = {},
): Promise<ManifestSetResult> {
  const messages: ValidationMessage[] = [];
  const parsedBySource = new Map<string, ParsedManifest>();
  const results = new Map<string, ManifestFileResult>();
  const sorted = [...files].sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));

  for (const file of sorted) {
    if ('unreadable' in file) {
      messages.push({
        source: file.source,
        line: 1,
        column: 1,
        severity: 'error',
        code: file.code ?? 'read-error',
        message: oneLine(file.unreadable),
      });
      results.set(file.source, { source: file.source, ok: false, errorCount: 1, warningCount: 0 });
      continue;
    }
    const result = parseManifest(file.text, file.source, options);
    messages.push(...(result.ok ? result.warnings : [...result.errors, ...result.warnings]));
    if (result.ok) parsedBySource.set(file.source, result);
    results.set(file.source, {
      source: file.source,
      ok: result.ok,
      ...(result.ok ? { id: result.manifest.id, title: result.manifest.title } : {}),
      errorCount: result.ok ? 0 : result.errors.length,
      warningCount: result.warnings.length,
    });
  }

  // Duplicate ids: report at every file involved, naming the others with their locations.
  const byId = new Map<string, ParsedManifest[]>();
  for (const parsed of parsedBySource.values())
    byId.set(parsed.manifest.id, [...(byId.get(parsed.manifest.id) ?? []), parsed]);
  const failed = new Set<string>();
  const addError = (source: string, error: ValidationMessage) => {
    messages.push(error);
    failed.add(source);
    const result = results.get(source);
    if (result) results.set(source, { ...result, ok: false, errorCount: result.errorCount + 1 });
  };
  const duplicateIdGroups: string[][] = [];
  for (const [id, group] of byId) {
    if (group.length < 2) continue;
    duplicateIdGroups.push(group.map((parsed) => parsed.source));
    for (const parsed of group) {
      const at = parsed.locate(['id']);
      const others = group
        .filter((other) => other !== parsed)
        .map((other) => {
          const there = other.locate(['id']);
          return `${other.source}:${there.line}:${there.column}`;
        });
      addError(parsed.source, {
        source: parsed.source,
        line: at.line,
        column: at.column,
        endLine: at.endLine,
        endColumn: at.endColumn,
        severity: 'error',
        code: 'duplicate-id',
        message: `duplicate id '${id}': also used by ${others.join(', ')}; expected ids to be unique across the config repo`,
        path: renderPath(['id']),
      });
    }
  }

  // Prompt files, read once per path.
  const cache = new Map<string, Promise<string | undefined>>();
  const read = options.readPromptFile;
  const cachedRead = read
    ? (path: string) => {
        let pending = cache.get(path);
        if (!pending) {
          pending = read(path);
          cache.set(path, pending);
        }
        return pending;
      }
    : undefined;

  const migrations: ValidatedMigration[] = [];
  for (const parsed of parsedBySource.values()) {
    let prompt: string | undefined = parsed.manifest.prompt;
    if (cachedRead) {
      const resolved = await resolvePrompt(parsed, cachedRead);
      if (resolved.error) addError(parsed.source, resolved.error);
      prompt = resolved.prompt;
    }
    if (!failed.has(parsed.source))
      migrations.push({ source: parsed.source, manifest: parsed.manifest, prompt });
  }

  return {
    migrations,
    files: [...results.values()],
    messages: messages.sort(compareValidationMessages),
    duplicateIdGroups,
    promptFiles: new Map(
      [...parsedBySource.values()].flatMap((parsed) =>
        parsed.manifest.promptFile === undefined
          ? []
          : [[parsed.source, normalisePromptPath(parsed.manifest.promptFile)] as const],
      ),
    ),
  };
}

/** Is `size` (bytes) over the manifest limit? Lets callers refuse a file before downloading it. */
export function isManifestTooLarge(size: number, maxBytes = MAX_MANIFEST_BYTES): boolean {
  return size > maxBytes;
}

export { describeOversizeManifest };
