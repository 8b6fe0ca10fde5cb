/**
 * `parseManifest(text, source)`: YAML text → a typed `Manifest`, or every problem found, each
 * located at its line and column. It never throws, whatever the input.
 *
 * 1. Refuse oversize input before parsing (a config repo is not a place for megabyte files).
 * 2. Parse with `yaml`, keeping the document so nodes can be located; collect every syntax error.
 * 3. Convert to plain data with bounded alias expansion (a "billion laughs" file fails fast).
 * 4. Check the schema (zod), mapping each issue path back to its YAML node.
 * 5. Run the semantic checks of validate.ts: on the manifest, or, when the schema failed, on a
 *    copy with the rejected fields removed, so one run reports every problem.
 */
import { LineCounter, isScalar, parseDocument, visit } from 'yaml';
import type { Document, Node } from 'yaml';
import { z } from 'zod';
import { buildManifestLocator } from './locate.ts';
import type { ManifestLocator, SourceLocation } from './locate.ts';
import type { ModelCatalog } from '../../shared/pricing.ts';
import { KEBAB_CASE, Manifest } from './schema.ts';
import { validateManifest } from './validate.ts';
import type { SemanticIssue } from './validate.ts';
import { compareValidationMessages, oneLine, renderPath } from './validation-message.ts';
import type { ValidationCode, ValidationMessage } from './validation-message.ts';

/** Manifests above this size are refused unread (256 KiB; real manifests are a few KiB). */
export const MAX_MANIFEST_BYTES = 256 * 1024;
/** Alias expansions allowed when converting YAML to data; bounds "billion laughs" documents. */
export const MAX_ALIAS_EXPANSIONS = 100;
/**
 * Flow-collection nesting (`[`/`{`) deeper than this is refused before parsing: the YAML parser
 * recurses and would spend seconds hitting the stack limit. Manifests nest 3 levels; brackets in
 * prompt text are counted too, hence the generous bound.
 */
export const MAX_NESTING = 1000;

export interface ParseManifestOptions {
  /** Byte limit (UTF-8); default MAX_MANIFEST_BYTES. */
  maxBytes?: number;
  /**
   * Require `id` to equal the file name without `.yml`/`.yaml` (derived from `source`).
   * Default true: one migration per file, named after its id, makes ids unique per directory
   * and lets people find a migration's file from its branch name. Set false for ad-hoc files
   * (e.g. `fleetwright try --manifest draft.yml`).
   */
  requireIdMatchesFileName?: boolean;
  /** The organisation owning the config repo; `owner/…` target references to others are errors. */
  organisation?: string;
  /** The model price catalog; when given, unknown `model.coder`/`model.judge` ids are errors. */
  modelCatalog?: ModelCatalog;
}

/** A successfully parsed manifest, with a locator for problems found later (cross-file checks). */
export interface ParsedManifest {
  ok: true;
  source: string;
  manifest: Manifest;
  /** Non-fatal findings (e.g. YAML warnings); never errors. */
  warnings: ValidationMessage[];
  /** Locates a manifest path in this file's source (for cross-file messages such as duplicate ids). */
  locate(path: readonly PropertyKey[], target?: 'key' | 'value'): SourceLocation;
}

/** A manifest that failed: `errors` is non-empty, every entry has `severity: 'error'`. */
export interface RejectedManifest {
  ok: false;
  source: string;
  errors: ValidationMessage[];
  warnings: ValidationMessage[];
}

export type ParseManifestResult = ParsedManifest | RejectedManifest;

/** The message for a manifest over the size limit (also used by callers that refuse it unread). */
export function describeOversizeManifest(size: number, maxBytes = MAX_MANIFEST_BYTES): string {
  return `manifest is ${size} bytes; expected at most ${maxBytes} bytes (move long prompts to a promptFile)`;
}

/** The file name of `source` without directory and `.yml`/`.yaml` extension. */
export function fileStemOf(source: string): string {
  const base = source.split(/[\\/]/).pop() ?? source;
  return base.replace(/\.ya?ml$/i, '');
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      i += 1;
    } else bytes += 3;
  }
  return bytes;
}

/** Where bracket nesting first exceeds MAX_NESTING (over-approximated: brackets in strings count), or undefined. */
function findExcessiveNesting(text: string): { line: number; column: number } | undefined {
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < text.length; i += 1) {
    const char = text.charCodeAt(i);
    if (char === 0x0a) {
      line += 1;
      lineStart = i + 1;
    } else if (char === 0x5b || char === 0x7b) {
      depth += 1;
      if (depth > MAX_NESTING) return { line, column: i - lineStart + 1 };
    } else if (char === 0x5d || char === 0x7d) depth = Math.max(0, depth - 1);
  }
  return undefined;
}

function message(
  source: string,
  at: { line: number; column: number; endLine?: number; endColumn?: number },
  code: ValidationCode,
  text: string,
  path?: readonly PropertyKey[],
  severity: 'error' | 'warning' = 'error',
): ValidationMessage {
  const rendered = path && path.length > 0 ? renderPath(path) : undefined;
  return {
    source,
    line: at.line,
    column: at.column,
    ...(at.endLine !== undefined ? { endLine: at.endLine, endColumn: at.endColumn } : {}),
    severity,
    code,
    message: oneLine(text),
    ...(rendered ? { path: rendered } : {}),
  };
}

const START = { line: 1, column: 1 };

// ---------------------------------------------------------------------------------------------
// zod issue → one-line message

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let current = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null (an empty value)';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Uint8Array) return 'binary data';
  switch (typeof value) {
    case 'string':
      return value === '' ? 'an empty string' : `'${oneLine(value, 40)}'`;
    case 'number':
    case 'boolean':
      return String(value);
    case 'object':
      return 'a mapping';
    default:
      return typeof value;
  }
}

const EXPECTED_TYPE: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
};

/** The zod schema at a manifest path (unwrapping defaults and optionals), for "expected one of" lists. */
function schemaAt(path: readonly PropertyKey[]): z.ZodType | undefined {
  let schema: z.ZodType | undefined = Manifest;
  const unwrap = (s: z.ZodType | undefined): z.ZodType | undefined => {
    let current = s;
    for (let i = 0; i < 8 && current; i += 1) {
      const inner = (current.def as { innerType?: z.ZodType }).innerType;
      if (!inner) break;
      current = inner;
    }
    return current;
  };
  for (const segment of path) {
    schema = unwrap(schema);
    if (schema instanceof z.ZodObject && typeof segment === 'string')
      schema = (schema.shape as Record<string, z.ZodType>)[segment];
    else if (schema instanceof z.ZodArray && typeof segment === 'number')
      schema = schema.element as z.ZodType;
    else return undefined;
  }
  return unwrap(schema);
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    let previous = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const saved = row[j] as number;
      row[j] = Math.min(
        (row[j] as number) + 1,
        (row[j - 1] as number) + 1,
        previous + (a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1),
      );
      previous = saved;
    }
  }
  return row[b.length] as number;
}

function closest(key: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(key, candidate);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

interface FormattedIssue {
  path: PropertyKey[];
  target: 'key' | 'value';
  code: ValidationCode;
  text: string;
}

function formatIssue(issue: z.core.$ZodIssue, data: unknown): FormattedIssue[] {
  const path = issue.path as PropertyKey[];
  const at = renderPath(path);
  const prefix = at === '' ? '' : `${at}: `;
  const value = valueAt(data, path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const shape = schemaAt(path);
      const known = shape instanceof z.ZodObject ? Object.keys(shape.shape) : [];
      return issue.keys.map((key, index) => {
        // Suggestions only for keys that will be shown (capErrors keeps the first ones).
        const suggestion = index < MAX_ERRORS_PER_FILE ? closest(key, known) : undefined;
        const where = at === '' ? '' : ` in ${at}`;
        const hint = suggestion
          ? `; did you mean '${suggestion}'?`
          : known.length > 0
            ? `; expected one of: ${known.join(', ')}`
            : '';
        return {
          path: [...path, key],
          target: 'key' as const,
          code: 'unknown-key' as const,
          text: `unknown key '${key}'${where}${hint}`,
        };
      });
    }
    case 'invalid_type': {
      const expected = EXPECTED_TYPE[issue.expected] ?? issue.expected;
      if (value === undefined && path.length > 0) {
        const parent = path.slice(0, -1);
        const where = parent.length === 0 ? '' : ` in ${renderPath(parent)}`;
        return [
          {
            path,
            target: 'value',
            code: 'missing-key',
            text: `missing required key '${String(path.at(-1))}'${where}; expected ${expected}`,
          },
        ];
      }
      if (issue.expected === 'int' && typeof value === 'number') {
        return [
          { path, target: 'value', code: 'schema', text: `${prefix}expected an integer, got ${value}` },
        ];
      }
      // YAML 1.1 booleans are plain strings in YAML 1.2, which manifests use.
      const hint =
        issue.expected === 'boolean' && typeof value === 'string' && /^(yes|no|on|off|y|n)$/i.test(value)
          ? ' (YAML 1.2 reads it as a string; write true or false)'
          : '';
      return [
        {
          path,
          target: 'value',
          code: 'schema',
          text: `${prefix}expected ${expected}, got ${describeValue(value)}${hint}`,
        },
      ];
    }
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') {
        const text = min <= 1 ? 'must not be empty' : `expected at least ${min} characters`;
        return [{ path, target: 'value', code: 'schema', text: `${prefix}${text}` }];
      }
      if (issue.origin === 'array')
        return [{ path, target: 'value', code: 'schema', text: `${prefix}expected at least ${min} items` }];
      const op = issue.inclusive ? '>=' : '>';
      const kind = issue.origin === 'int' || Number.isInteger(value) ? 'a number' : 'a number';
      return [
        {
          path,
          target: 'value',
          code: path[0] === 'budget' ? 'budget' : 'schema',
          text: `${prefix}expected ${kind} ${op} ${min}, got ${describeValue(value)}`,
        },
      ];
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string')
        return [
          {
            path,
            target: 'value',
            code: 'schema',
            text: `${prefix}too long: expected at most ${max} characters, got ${(value as string).length}`,
          },
        ];
      if (issue.origin === 'array')
        return [
          {
            path,
            target: 'value',
            code: 'schema',
            text: `${prefix}too many items: expected at most ${max}, got ${(value as unknown[]).length}`,
          },
        ];
      const op = issue.inclusive ? '<=' : '<';
      return [
        {
          path,
          target: 'value',
          code: path[0] === 'budget' ? 'budget' : 'schema',
          text: `${prefix}expected a number ${op} ${max}, got ${describeValue(value)}`,
        },
      ];
    }
    case 'invalid_format':
      return [
        {
          path,
          target: 'value',
          code: 'schema',
          text: `${prefix}${issue.message}, got ${describeValue(value)}`,
        },
      ];
    case 'invalid_value': {
      const expected = issue.values.map((v) => (typeof v === 'string' ? `'${v}'` : String(v))).join(' or ');
      if (value === undefined && path.length > 0) {
        return [
          {
            path,
            target: 'value',
            code: 'missing-key',
            text: `missing required key '${String(path.at(-1))}'; expected ${expected}`,
          },
        ];
      }
      return [
        {
          path,
          target: 'value',
          code: 'schema',
          text: `${prefix}expected ${expected}, got ${describeValue(value)}`,
        },
      ];
    }
    case 'invalid_union': {
      const options = issue.errors.map((branch) => {
        const first = branch[0];
        if (first?.code === 'invalid_value')
          return first.values.map((v) => (typeof v === 'string' ? `'${v}'` : String(v))).join(' or ');
        if (first?.code === 'invalid_type') return EXPECTED_TYPE[first.expected] ?? first.expected;
        return 'another form';
      });
      return [
        {
          path,
          target: 'value',
          code: 'schema',
          text: `${prefix}expected ${options.join(' or ')}, got ${describeValue(value)}`,
        },
      ];
    }
    default:
      return [{ path, target: 'value', code: 'schema', text: `${prefix}${issue.message}` }];
  }
}

// ---------------------------------------------------------------------------------------------

function firstAlias(doc: Document): Node | undefined {
  let found: Node | undefined;
  visit(doc, {
    Alias(_key, node) {
      found = node;
      return visit.BREAK;
    },
  });
  return found;
}

/** Keys that appear twice in one mapping, with the offset of each repetition. */
function findDuplicateKeys(doc: Document): { key: string; offset: number }[] {
  const duplicates: { key: string; offset: number }[] = [];
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        if (seen.has(key)) duplicates.push({ key, offset: pair.key.range?.[0] ?? 0 });
        seen.add(key);
      }
    },
  });
  return duplicates;
}

/** At most this many errors are reported per file; the rest are summarised in one more line. */
export const MAX_ERRORS_PER_FILE = 100;

function capErrors(errors: ValidationMessage[], source: string): ValidationMessage[] {
  if (errors.length <= MAX_ERRORS_PER_FILE) return errors;
  const last = errors[MAX_ERRORS_PER_FILE - 1] as ValidationMessage;
  return [
    ...errors.slice(0, MAX_ERRORS_PER_FILE),
    message(
      source,
      { line: last.line, column: last.column },
      'schema',
      `…and ${errors.length - MAX_ERRORS_PER_FILE} more errors not shown; fix the ones above first`,
    ),
  ];
}

function parseUnsafe(text: string, source: string, options: ParseManifestOptions): ParseManifestResult {
  const reject = (errors: ValidationMessage[], warnings: ValidationMessage[] = []): RejectedManifest => ({
    ok: false,
    source,
    errors: capErrors(errors.sort(compareValidationMessages), source),
    warnings: warnings.sort(compareValidationMessages),
  });

  const maxBytes = options.maxBytes ?? MAX_MANIFEST_BYTES;
  const size = utf8Length(text);
  if (size > maxBytes) {
    return reject([message(source, START, 'too-large', describeOversizeManifest(size, maxBytes))]);
  }
  const tooDeep = findExcessiveNesting(text);
  if (tooDeep) {
    return reject([
      message(
        source,
        tooDeep,
        'yaml-syntax',
        `brackets nest deeper than ${MAX_NESTING} levels; expected a manifest nested a few levels deep`,
      ),
    ]);
  }

  // 2. YAML syntax: every error, located.
  const lineCounter = new LineCounter();
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const doc = parseDocument(body, {
    lineCounter,
    keepSourceTokens: true,
    prettyErrors: false,
    // Checked below in O(n): the yaml package's own check is quadratic in the number of keys.
    uniqueKeys: false,
    strict: true,
    version: '1.2',
  });
  const locateOffset = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const warnings = doc.warnings.map((warning) =>
    message(
      source,
      locateOffset(warning.pos[0]),
      'yaml-warning',
      `YAML: ${warning.message}`,
      undefined,
      'warning',
    ),
  );
  const syntaxErrors = [
    ...doc.errors.map((e) =>
      message(source, locateOffset(e.pos[0]), 'yaml-syntax', `YAML syntax: ${e.message}`),
    ),
    ...findDuplicateKeys(doc).map(({ key, offset }) =>
      message(
        source,
        locateOffset(offset),
        'yaml-syntax',
        `YAML syntax: duplicate key '${oneLine(key, 60)}'; expected each key once per mapping`,
      ),
    ),
  ];
  if (syntaxErrors.length > 0) return reject(syntaxErrors, warnings);

  // 3. Data, with alias expansion bounded.
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSIONS });
  } catch (cause) {
    const alias = firstAlias(doc);
    const at = alias?.range ? locateOffset(alias.range[0]) : START;
    const why =
      cause instanceof ReferenceError && /alias/i.test(cause.message)
        ? `aliases expand to too many nodes (more than ${MAX_ALIAS_EXPANSIONS}); expected plain values`
        : `cannot resolve aliases: ${cause instanceof Error ? cause.message : String(cause)}`;
    return reject([message(source, at, 'yaml-syntax', `YAML: ${why}`)], warnings);
  }
  const locator: ManifestLocator = buildManifestLocator(doc, lineCounter);
  if (data === null || data === undefined) {
    return reject(
      [
        message(
          source,
          START,
          'not-a-mapping',
          'the manifest is empty; expected a mapping with version, id, title, prompt and targets',
        ),
      ],
      warnings,
    );
  }
  if (typeof data !== 'object' || Array.isArray(data) || data instanceof Uint8Array) {
    return reject(
      [
        message(
          source,
          locator.locate([]),
          'not-a-mapping',
          `expected a mapping with version, id, title, prompt and targets, got ${describeValue(data)}`,
        ),
      ],
      warnings,
    );
  }

  // 4. Schema.
  const semanticOptions = {
    ...(options.requireIdMatchesFileName === false ? {} : { fileStem: fileStemOf(source) }),
    ...(options.organisation ? { organisation: options.organisation } : {}),
    ...(options.modelCatalog ? { modelCatalog: options.modelCatalog } : {}),
  };
  const parsed = Manifest.safeParse(data);
  if (!parsed.success) {
    const errors = parsed.error.issues
      .flatMap((issue) => formatIssue(issue, data))
      .map((issue) =>
        message(source, locator.locate(issue.path, issue.target), issue.code, issue.text, issue.path),
      );
    // Report semantic problems of the fields that are fine too, so one run shows everything.
    const repaired = repairForSemanticChecks(
      data as Record<string, unknown>,
      parsed.error.issues,
      fileStemOf(source),
    );
    if (repaired) {
      const related = (path: readonly PropertyKey[]) =>
        path.length > 0 &&
        repaired.removed.some((removed) => isPrefix(removed, path) || isPrefix(path, removed));
      const semantic = validateManifest(repaired.manifest, semanticOptions).filter(
        (issue) => issue.severity === 'error' && ![...issue.paths, ...(issue.dependsOn ?? [])].some(related),
      );
      errors.push(...semantic.map((issue) => locateSemanticIssue(issue, source, locator)));
    }
    return reject(errors, warnings);
  }

  // 5. Semantics.
  const semantic = validateManifest(parsed.data, semanticOptions);
  const located = semantic.map((issue) => locateSemanticIssue(issue, source, locator));
  const errors = located.filter((m) => m.severity === 'error');
  const allWarnings = [...warnings, ...located.filter((m) => m.severity === 'warning')];
  if (errors.length > 0) return reject(errors, allWarnings);
  return {
    ok: true,
    source,
    manifest: parsed.data,
    warnings: allWarnings,
    locate: (path, target) => locator.locate(path, target),
  };
}

const isPrefix = (prefix: readonly PropertyKey[], path: readonly PropertyKey[]) =>
  prefix.length <= path.length && prefix.every((segment, index) => segment === path[index]);

/**
 * A copy of `data` with every field the schema rejected removed (whole lists when one item is
 * bad) and required fields filled with placeholders, so the semantic checks can still run on
 * the rest. `removed` lists what was taken out; semantic issues touching it are not reported.
 * `undefined` when the data cannot be repaired (e.g. the root is not a mapping).
 */
function repairForSemanticChecks(
  data: Record<string, unknown>,
  issues: readonly z.core.$ZodIssue[],
  fileStem: string,
): { manifest: Manifest; removed: PropertyKey[][] } | undefined {
  let current: Record<string, unknown> = structuredClone(data);
  let pending = issues;
  const removed: PropertyKey[][] = [];
  const remove = (path: PropertyKey[]) => {
    const cut = path.findIndex((segment) => typeof segment === 'number');
    const target = cut === -1 ? path : path.slice(0, cut);
    if (target.length === 0) return false;
    let parent: unknown = current;
    for (const segment of target.slice(0, -1))
      parent = (parent as Record<PropertyKey, unknown> | undefined)?.[segment];
    if (parent && typeof parent === 'object')
      delete (parent as Record<PropertyKey, unknown>)[target.at(-1) as PropertyKey];
    removed.push(target);
    return true;
  };
  // Two rounds are enough: the second only sees placeholders' consequences.
  for (let round = 0; round < 3; round += 1) {
    for (const issue of pending) {
      const path = issue.path as PropertyKey[];
      if (issue.code === 'unrecognized_keys') issue.keys.forEach((key) => remove([...path, key]));
      else if (!remove(path)) return undefined;
    }
    const placeholders: Record<string, unknown> = {
      version: 1,
      id: KEBAB_CASE.test(fileStem) ? fileStem : 'placeholder',
      title: 'placeholder',
      targets: {},
    };
    for (const [key, value] of Object.entries(placeholders)) {
      if (current[key] === undefined) {
        current[key] = value;
        removed.push([key]);
      }
    }
    const again = Manifest.safeParse(current);
    if (again.success) return { manifest: again.data, removed };
    pending = again.error.issues;
    current = structuredClone(current);
  }
  return undefined;
}

/** Locates a semantic issue at the first of its candidate paths that the YAML actually contains. */
export function locateSemanticIssue(
  issue: SemanticIssue,
  source: string,
  locator: ManifestLocator,
): ValidationMessage {
  const path = issue.paths.find((candidate) => locator.has(candidate)) ?? issue.paths[0] ?? [];
  return message(source, locator.locate(path, issue.target), issue.code, issue.message, path, issue.severity);
}

/**
 * Parses one manifest file. `source` names the file in messages (and gives the file name that
 * `id` must match). Returns `{ ok: true, manifest }` or `{ ok: false, errors }` with every
 * problem located; never throws, for any input.
 */
export function parseManifest(
  text: string,
  source: string,
  options: ParseManifestOptions = {},
): ParseManifestResult {
  try {
    if (typeof text !== 'string') {
      return {
        ok: false,
        source,
        errors: [message(source, START, 'read-error', `expected manifest text, got ${describeValue(text)}`)],
        warnings: [],
      };
    }
    return parseUnsafe(text, source, options);
  } catch (cause) {
    // Defence in depth: the steps above are written not to throw, but a crash here would take a
    // webhook delivery down with it. Report it as a located error instead.
    const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    return {
      ok: false,
      source,
      errors: [message(source, START, 'yaml-syntax', `could not parse the manifest (${reason})`)],
      warnings: [],
    };
  }
}
