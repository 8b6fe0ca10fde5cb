/**
 * The coder's tools, executed against a LocalWorkspace. Inputs come from the model: each is
 * parsed with zod at the boundary, and every failure (bad input, a path outside the workspace,
 * a str_replace that does not match exactly once) becomes an `isError` result for the model.
 * Nothing here throws for model behaviour (shared/STYLE.md §12.10).
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import { z } from 'zod';
import { CODER_TOOL_NAMES } from '../../core/prompts/coder-system-prompt.ts';
import { runRegexSearch } from './regex-search.ts';
import { WorkspaceError, type LocalWorkspace, type Resolved } from './workspace.ts';

/** Limits of the tools; defaults suit a 200k-token context. */
export interface ToolLimits {
  /** Max characters of one `view` result (the text editor's `max_characters`). */
  maxViewChars: number;
  /** Max characters of any other tool result. */
  maxResultChars: number;
  searchTimeoutMs: number;
  maxSearchFiles: number;
}

export const DEFAULT_TOOL_LIMITS: ToolLimits = {
  maxViewChars: 40_000,
  maxResultChars: 30_000,
  searchTimeoutMs: 3_000,
  maxSearchFiles: 20_000,
};

/** How the model ended the run. */
export const FinishInput = z
  .object({
    outcome: z.enum(['changed', 'not-applicable', 'gave-up']),
    summary: z.string().trim().min(1, 'summary must not be empty'),
    reason: z.string().trim().min(1).optional(),
  })
  .strict()
  .refine((v) => v.outcome === 'changed' || v.reason !== undefined, {
    message: 'reason is required when outcome is not-applicable or gave-up',
    path: ['reason'],
  });
export type FinishInput = z.infer<typeof FinishInput>;

/** The result of one tool call. `summary` is one line for progress output and logs. */
export interface ToolOutcome {
  content: string;
  isError: boolean;
  summary: string;
  /** Set by a valid `finish` call. */
  finish?: FinishInput;
  /** Repo-relative path modified by this call, if any. */
  modified?: string;
}

/** Echoing a large edit back costs tokens and tells the model nothing new. */
const SNIPPET_MAX_CHARS = 4_000;

const RelPath = z.string().min(1, 'path must not be empty').max(4096);

const EditorInput = z.discriminatedUnion('command', [
  z.object({
    command: z.literal('view'),
    path: RelPath,
    view_range: z.tuple([z.number().int(), z.number().int()]).optional(),
  }),
  z.object({
    command: z.literal('str_replace'),
    path: RelPath,
    old_str: z.string(),
    new_str: z.string().optional(),
  }),
  z.object({ command: z.literal('create'), path: RelPath, file_text: z.string() }),
  z.object({
    command: z.literal('insert'),
    path: RelPath,
    insert_line: z.number().int().nonnegative(),
    // The docs name it new_str, the SDK's memory tool insert_text; accept both.
    new_str: z.string().optional(),
    insert_text: z.string().optional(),
  }),
]);

const FindFilesInput = z
  .object({
    pattern: z.string().min(1).max(500),
    path: z.string().max(4096).optional(),
    max_results: z.number().int().min(1).max(1000).optional(),
  })
  .strict();

const SearchInput = z
  .object({
    pattern: z.string().min(1).max(1000),
    path: z.string().max(4096).optional(),
    glob: z.string().max(500).optional(),
    case_insensitive: z.boolean().optional(),
    context_lines: z.number().int().min(0).max(10).optional(),
    max_results: z.number().int().min(1).max(200).optional(),
  })
  .strict();

const DeleteInput = z.object({ path: RelPath }).strict();

/** Executes one tool call; never throws for bad input or file-system refusals. */
export async function executeCoderTool(
  workspace: LocalWorkspace,
  name: string,
  input: unknown,
  limits: ToolLimits = DEFAULT_TOOL_LIMITS,
): Promise<ToolOutcome> {
  try {
    switch (name) {
      case CODER_TOOL_NAMES.editor:
        return await runEditor(workspace, parse(EditorInput, input, name), limits);
      case CODER_TOOL_NAMES.findFiles:
        return await runFindFiles(workspace, parse(FindFilesInput, input, name), limits);
      case CODER_TOOL_NAMES.search:
        return await runSearch(workspace, parse(SearchInput, input, name), limits);
      case CODER_TOOL_NAMES.deleteFile: {
        const { path } = parse(DeleteInput, input, name);
        const resolved = await workspace.resolve(path, 'write');
        await workspace.deleteFile(resolved, path);
        return {
          content: `Deleted ${resolved.rel}.`,
          isError: false,
          summary: `delete ${resolved.rel}`,
          modified: resolved.rel,
        };
      }
      case CODER_TOOL_NAMES.finish: {
        const finish = parse(FinishInput, input, name);
        return { content: 'Finished.', isError: false, summary: `finish ${finish.outcome}`, finish };
      }
      default:
        return error(
          `Unknown tool '${name}'. Available tools: ${Object.values(CODER_TOOL_NAMES).join(', ')}.`,
          `unknown tool ${name}`,
        );
    }
  } catch (caught) {
    if (caught instanceof ToolInputError || caught instanceof WorkspaceError) {
      return error(caught.message, `${name}: ${firstLine(caught.message)}`);
    }
    // An unexpected file-system error (EACCES, EISDIR, …): still the model's to handle.
    const message = caught instanceof Error ? caught.message : String(caught);
    return error(`The tool failed: ${message}`, `${name}: ${firstLine(message)}`);
  }
}

class ToolInputError extends Error {}

function parse<T>(schema: z.ZodType<T>, input: unknown, tool: string): T {
  const result = schema.safeParse(withoutNulls(input));
  if (result.success) return result.data;
  throw new ToolInputError(`Invalid input for ${tool}:\n${z.prettifyError(result.error)}`);
}

/** Models often send `null` for an optional parameter they mean to omit. */
function withoutNulls(input: unknown): unknown {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return input;
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== null));
}

function error(content: string, summary: string): ToolOutcome {
  return { content, isError: true, summary };
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 120 ? `${line.slice(0, 120)}…` : line;
}

type Editor = z.infer<typeof EditorInput>;

async function runEditor(ws: LocalWorkspace, input: Editor, limits: ToolLimits): Promise<ToolOutcome> {
  switch (input.command) {
    case 'view': {
      const resolved = await ws.resolve(input.path, 'read');
      if (!resolved.exists) return error(`'${input.path}' does not exist.`, `view ${input.path}: missing`);
      if (await isDirectory(resolved)) {
        if (input.view_range)
          return error('view_range applies to files, not directories.', `view ${resolved.rel}/: bad range`);
        const listing = await ws.list(resolved, input.path);
        return {
          content: cap(listing, limits.maxResultChars),
          isError: false,
          summary: `list ${resolved.rel || '.'}`,
        };
      }
      const text = await ws.readText(resolved, input.path);
      return viewFile(resolved.rel, text, input.view_range, limits.maxViewChars);
    }
    case 'create': {
      const resolved = await ws.resolve(input.path, 'write');
      const existed = resolved.exists;
      if (existed) await ws.readText(resolved, input.path); // refuses binaries and directories
      await ws.writeText(resolved, input.path, input.file_text);
      const lines = input.file_text === '' ? 0 : input.file_text.split('\n').length;
      return {
        content: `${existed ? 'Overwrote' : 'Created'} ${resolved.rel} (${lines} lines).`,
        isError: false,
        summary: `${existed ? 'overwrite' : 'create'} ${resolved.rel}`,
        modified: resolved.rel,
      };
    }
    case 'str_replace': {
      const resolved = await ws.resolve(input.path, 'write');
      const text = await ws.readText(resolved, input.path);
      if (input.old_str === '')
        return error(
          'old_str must not be empty; use insert to add text.',
          `str_replace ${resolved.rel}: empty old_str`,
        );
      let oldStr = input.old_str;
      let newStr = input.new_str ?? '';
      // Files with CRLF line endings: the model sends LF; match and write in the file's style.
      if (!text.includes(oldStr) && text.includes('\r\n') && !oldStr.includes('\r')) {
        oldStr = oldStr.replace(/\n/g, '\r\n');
        newStr = newStr.replace(/\r?\n/g, '\r\n');
      }
      const positions = occurrences(text, oldStr);
      if (positions.length === 0) {
        return error(
          `No match for old_str in ${resolved.rel}. Nothing was changed. View the file and copy the text exactly, including whitespace and indentation.`,
          `str_replace ${resolved.rel}: no match`,
        );
      }
      if (positions.length > 1) {
        const lineNumbers = positions.slice(0, 10).map((p) => lineAt(text, p));
        return error(
          `old_str matches ${positions.length} times in ${resolved.rel} (at lines ${lineNumbers.join(', ')}${positions.length > 10 ? ', …' : ''}). Nothing was changed. Include more surrounding lines so that it matches exactly once.`,
          `str_replace ${resolved.rel}: ${positions.length} matches`,
        );
      }
      const at = positions[0] as number;
      const updated = text.slice(0, at) + newStr + text.slice(at + oldStr.length);
      await ws.writeText(resolved, input.path, updated);
      const firstLineNo = lineAt(updated, at);
      const snippet = numbered(
        updated,
        Math.max(1, firstLineNo - 3),
        lineAt(updated, at + newStr.length) + 3,
      );
      return {
        content: cap(`Edited ${resolved.rel}. The changed region now reads:\n${snippet}`, SNIPPET_MAX_CHARS),
        isError: false,
        summary: `str_replace ${resolved.rel}:${firstLineNo}`,
        modified: resolved.rel,
      };
    }
    case 'insert': {
      if (
        input.new_str !== undefined &&
        input.insert_text !== undefined &&
        input.new_str !== input.insert_text
      ) {
        return error(
          'Give the text to insert once, as new_str (insert_text is accepted as an alias).',
          `insert ${input.path}: ambiguous text`,
        );
      }
      const insertText = input.new_str ?? input.insert_text;
      if (insertText === undefined)
        return error('insert needs the text to insert in new_str.', `insert ${input.path}: no text`);
      const resolved = await ws.resolve(input.path, 'write');
      const text = await ws.readText(resolved, input.path);
      const eol = text.includes('\r\n') ? '\r\n' : '\n';
      const lines = text === '' ? [] : text.split(/\r?\n/);
      const endsWithNewline = text.endsWith('\n');
      if (endsWithNewline) lines.pop();
      if (input.insert_line > lines.length) {
        return error(
          `insert_line ${input.insert_line} is past the end of ${resolved.rel}, which has ${lines.length} lines (use 0 to insert at the top, ${lines.length} to append).`,
          `insert ${resolved.rel}: line out of range`,
        );
      }
      const inserted = insertText.replace(/\r?\n$/, '').split(/\r?\n/);
      lines.splice(input.insert_line, 0, ...inserted);
      const updated = lines.join(eol) + (endsWithNewline || text === '' ? eol : '');
      await ws.writeText(resolved, input.path, updated);
      const snippet = numbered(
        updated,
        Math.max(1, input.insert_line - 2),
        input.insert_line + inserted.length + 3,
      );
      return {
        content: cap(
          `Inserted ${inserted.length} line(s) after line ${input.insert_line} of ${resolved.rel}:\n${snippet}`,
          SNIPPET_MAX_CHARS,
        ),
        isError: false,
        summary: `insert ${resolved.rel}:${input.insert_line}`,
        modified: resolved.rel,
      };
    }
  }
}

async function isDirectory(resolved: Resolved): Promise<boolean> {
  return (await stat(resolved.abs)).isDirectory();
}

function viewFile(
  rel: string,
  text: string,
  range: [number, number] | undefined,
  maxChars: number,
): ToolOutcome {
  const lines = text.split(/\r?\n/);
  if (text.endsWith('\n')) lines.pop();
  const total = lines.length;
  let start = 1;
  let end = total;
  if (range) {
    const [from, to] = range;
    if (from < 1 || from > Math.max(total, 1) || (to !== -1 && (to < from || to > total))) {
      return error(
        `Invalid view_range [${from}, ${to}] for ${rel}, which has ${total} lines. Use [start, end] with 1 ≤ start ≤ end ≤ ${total}, or end = -1 for the end of the file.`,
        `view ${rel}: bad range`,
      );
    }
    start = from;
    end = to === -1 ? total : to;
  }
  if (total === 0) return { content: `${rel} is empty.`, isError: false, summary: `view ${rel}` };
  let out = '';
  let shownTo = start - 1;
  for (let n = start; n <= end; n += 1) {
    let line = lines[n - 1] as string;
    if (line.length > 2_000)
      line = `${line.slice(0, 2_000)} … [line cut at 2000 of ${line.length} characters]`;
    const row = `${String(n).padStart(6)}\t${line}\n`;
    if (out.length + row.length > maxChars) break;
    out += row;
    shownTo = n;
  }
  if (shownTo < end) {
    out += `[Output capped at ${maxChars} characters: showing lines ${start}-${shownTo} of ${total}. Use view_range [${shownTo + 1}, ${end === total ? -1 : end}] to see more.]\n`;
  }
  return { content: out, isError: false, summary: `view ${rel}${range ? ` [${start}-${shownTo}]` : ''}` };
}

function occurrences(text: string, needle: string): number[] {
  const found: number[] = [];
  let from = 0;
  for (;;) {
    const at = text.indexOf(needle, from);
    if (at === -1) return found;
    found.push(at);
    from = at + needle.length;
  }
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i += 1) if (text.charCodeAt(i) === 10) line += 1;
  return line;
}

function numbered(text: string, from: number, to: number): string {
  const lines = text.split(/\r?\n/);
  const out: string[] = [];
  for (let n = from; n <= Math.min(to, lines.length); n += 1)
    out.push(`${String(n).padStart(6)}\t${lines[n - 1]}`);
  return out.join('\n');
}

function cap(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return `${cut.slice(0, cut.lastIndexOf('\n'))}\n[Output capped at ${max} characters.]`;
}

async function startDirectory(ws: LocalWorkspace, input: string | undefined): Promise<Resolved> {
  const resolved = await ws.resolve(input ?? '.', 'read');
  if (!resolved.exists) throw new WorkspaceError(`'${input}' does not exist.`);
  return resolved;
}

async function runFindFiles(
  ws: LocalWorkspace,
  input: z.infer<typeof FindFilesInput>,
  limits: ToolLimits,
): Promise<ToolOutcome> {
  const start = await startDirectory(ws, input.path);
  const max = input.max_results ?? 200;
  const pattern = input.pattern.replace(/^\.\//, '');
  const match = picomatch(pattern, { dot: true, basename: !pattern.includes('/') });
  const prefix = start.rel === '' ? '' : `${start.rel}/`;
  const found: string[] = [];
  let more = 0;
  for await (const rel of ws.walkFiles(start.rel)) {
    const local = rel.slice(prefix.length);
    if (!match(local) && !match(rel)) continue;
    if (found.length < max) found.push(rel);
    else more += 1;
  }
  found.sort();
  if (found.length === 0) {
    return {
      content: `No files match '${input.pattern}'${start.rel === '' ? '' : ` under ${start.rel}`} (node_modules and .git are not searched).`,
      isError: false,
      summary: `find ${input.pattern}: 0`,
    };
  }
  const lines = [...found];
  if (more > 0) lines.push(`… and ${more} more; narrow the pattern or the path.`);
  return {
    content: cap(lines.join('\n'), limits.maxResultChars),
    isError: false,
    summary: `find ${input.pattern}: ${found.length + more}`,
  };
}

async function runSearch(
  ws: LocalWorkspace,
  input: z.infer<typeof SearchInput>,
  limits: ToolLimits,
): Promise<ToolOutcome> {
  const flags = input.case_insensitive ? 'iu' : 'u';
  try {
    new RegExp(input.pattern, flags);
  } catch (caught) {
    return error(`Invalid regular expression: ${(caught as Error).message}`, `search: invalid regex`);
  }
  const start = await startDirectory(ws, input.path);
  const glob =
    input.glob === undefined
      ? undefined
      : picomatch(input.glob, { dot: true, basename: !input.glob.includes('/') });
  const files: Array<[string, string]> = [];
  let skipped = 0;
  const isFile = !(await isDirectory(start));
  const candidates = isFile ? single(start.rel) : ws.walkFiles(start.rel);
  for await (const rel of candidates) {
    if (glob && !glob(rel)) continue;
    if (files.length >= limits.maxSearchFiles) {
      skipped += 1;
      continue;
    }
    // walkFiles and resolve only yield paths inside the root.
    files.push([rel, path.join(ws.root, ...rel.split('/'))]);
  }
  const response = await runRegexSearch(
    {
      pattern: input.pattern,
      flags,
      files,
      contextLines: input.context_lines ?? 2,
      maxMatches: input.max_results ?? 50,
      maxLineChars: 4_000,
      maxFileBytes: ws.policy.maxFileBytes,
    },
    limits.searchTimeoutMs,
  );
  if (response.type === 'timeout') {
    return error(
      `The search timed out after ${limits.searchTimeoutMs} ms and was stopped. Use a simpler pattern (avoid nested quantifiers) or narrow it with path or glob.`,
      'search: timeout',
    );
  }
  if (response.type === 'error') return error(`The search failed: ${response.message}`, 'search: failed');
  if (response.matches.length === 0) {
    return {
      content: `No matches for /${input.pattern}/ in ${response.filesSearched} files.`,
      isError: false,
      summary: `search ${input.pattern}: 0`,
    };
  }
  const out: string[] = [];
  for (const match of response.matches) {
    out.push(`${match.path}:${match.line}`);
    for (const [n, text, isMatch] of match.lines)
      out.push(`${String(n).padStart(6)}${isMatch ? ':' : '-'} ${text}`);
    out.push('');
  }
  const notes: string[] = [];
  if (response.truncated)
    notes.push(`Results capped at ${input.max_results ?? 50} matches; narrow the search to see others.`);
  if (skipped > 0) notes.push(`${skipped} files were not searched (file limit); narrow path or glob.`);
  if (response.filesSkipped > 0)
    notes.push(`${response.filesSkipped} binary or oversized files were skipped.`);
  return {
    content: cap([...out, ...notes].join('\n'), limits.maxResultChars),
    isError: false,
    summary: `search ${input.pattern}: ${response.matches.length}${response.truncated ? '+' : ''}`,
  };
}

async function* single(rel: string): AsyncGenerator<string> {
  yield rel;
}
