/**
 * The located problem every manifest check reports: the parser (YAML syntax), the schema and
 * the semantic checks all produce this one shape, so the CLI prints `path:line:col: severity:
 * message` and the check run turns each into an annotation at the same place.
 */

/** What kind of problem; stable strings for `--format json` consumers. */
export type ValidationCode =
  | 'yaml-syntax'
  | 'yaml-warning'
  | 'too-large'
  | 'not-a-mapping'
  | 'schema'
  | 'unknown-key'
  | 'missing-key'
  | 'prompt'
  | 'prompt-file'
  | 'id-file-name'
  | 'duplicate-id'
  | 'budget'
  | 'targets'
  | 'glob'
  | 'template'
  | 'review'
  | 'scope'
  | 'labels'
  | 'guards'
  | 'read-error';

export interface ValidationMessage {
  /** The file, as the caller named it (a path relative to the config repo, or what the user typed). */
  source: string;
  /** 1-based line of the offending node (for a missing key: its parent mapping). */
  line: number;
  /** 1-based column, counted in UTF-16 code units as the `yaml` package does. */
  column: number;
  /** Where the offending node ends, when known (same conventions). */
  endLine?: number;
  endColumn?: number;
  severity: 'error' | 'warning';
  code: ValidationCode;
  /** One line, no trailing period; says what was expected where that helps. */
  message: string;
  /** Dotted path of the field in the manifest (`budget.maxIterations`, `targets.repos[2]`), when there is one. */
  path?: string;
}

/** Renders `source:line:col: severity: message`, the format compilers and editors understand. */
export function renderValidationMessage(message: ValidationMessage): string {
  return `${message.source}:${message.line}:${message.column}: ${message.severity}: ${message.message}`;
}

/** Orders messages by source, then position, so output is stable. */
export function compareValidationMessages(a: ValidationMessage, b: ValidationMessage): number {
  if (a.source !== b.source) return a.source < b.source ? -1 : 1;
  return (
    a.line - b.line || a.column - b.column || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  );
}

/** Renders a manifest path: `['targets', 'repos', 2]` → `targets.repos[2]`. */
export function renderPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

/** Collapses any text to one line (messages may quote user input). */
export function oneLine(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
