/**
 * Parser for unified diffs as produced by `git diff` / `git format-patch`, GitHub's
 * `application/vnd.github.diff` media type, the coder's change sets, and plain `diff -u`.
 *
 * Handles extended git headers (modes, new/deleted files, renames and copies with similarity,
 * `index` lines), binary files (`Binary files … differ` and `GIT binary patch`), the
 * `\ No newline at end of file` marker, C-quoted paths (spaces, unicode as octal escapes),
 * unquoted paths with spaces, and CRLF line endings. Text before the first file header (commit
 * message, e-mail headers) and after a patch (`-- ` signature) is ignored.
 *
 * Hunk line counts are authoritative: a hunk cut short or a malformed `@@` header throws a
 * `DiffParseError` naming the diff line, rather than yielding a silently wrong diff.
 */
import { DiffParseError } from '../../shared/errors.ts';
import type { DiffFile, DiffFileStatus, DiffHunk, DiffLine } from './types.ts';

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@(.*)$/;
const GIT_HEADER = 'diff --git ';

interface FileDraft {
  oldPath: string | undefined;
  newPath: string | undefined;
  /** Paths from the `diff --git` line, used when no `---`/`+++`/rename header says better. */
  headerOld: string | undefined;
  headerNew: string | undefined;
  isNew: boolean;
  isDeleted: boolean;
  renameFrom: string | undefined;
  renameTo: string | undefined;
  copyFrom: string | undefined;
  copyTo: string | undefined;
  oldMode: string | undefined;
  newMode: string | undefined;
  similarity: number | undefined;
  binary: boolean;
  hunks: DiffHunk[];
  /** Whether `---`/`+++` lines were seen (they are authoritative for the paths). */
  sawMinus: boolean;
  sawPlus: boolean;
  git: boolean;
}

function newDraft(git: boolean): FileDraft {
  return {
    oldPath: undefined,
    newPath: undefined,
    headerOld: undefined,
    headerNew: undefined,
    isNew: false,
    isDeleted: false,
    renameFrom: undefined,
    renameTo: undefined,
    copyFrom: undefined,
    copyTo: undefined,
    oldMode: undefined,
    newMode: undefined,
    similarity: undefined,
    binary: false,
    hunks: [],
    sawMinus: false,
    sawPlus: false,
    git,
  };
}

/**
 * Parses a unified diff into files with hunks and numbered lines.
 * Returns `[]` for an empty diff (or text without any file header).
 * Throws `DiffParseError` (with the 1-based diff line) for a malformed hunk header, a hunk whose
 * body is shorter or longer than its header says, or a combined (merge) diff.
 */
export function parseUnifiedDiff(text: string): DiffFile[] {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const files: DiffFile[] = [];
  let draft: FileDraft | undefined;
  /** Skipping the base85 body of a `GIT binary patch` until the next file header. */
  let inBinaryPatch = false;
  let i = 0;

  const flush = () => {
    if (draft) files.push(finishDraft(draft));
    draft = undefined;
    inBinaryPatch = false;
  };

  while (i < lines.length) {
    const line = stripCr(lines[i] as string);
    const lineNo = i + 1;

    if (line.startsWith(GIT_HEADER)) {
      flush();
      draft = newDraft(true);
      const paths = parseGitHeaderPaths(line.slice(GIT_HEADER.length), lineNo);
      draft.headerOld = paths.oldPath;
      draft.headerNew = paths.newPath;
      i++;
      continue;
    }
    if (line.startsWith('diff --cc ') || line.startsWith('diff --combined ')) {
      throw new DiffParseError('Combined diffs of merge commits are not supported', lineNo);
    }
    if (inBinaryPatch) {
      i++;
      continue;
    }
    // A plain (non-git) unified diff starts a file with `---` immediately followed by `+++`.
    if (
      line.startsWith('--- ') &&
      i + 1 < lines.length &&
      stripCr(lines[i + 1] as string).startsWith('+++ ') &&
      (draft === undefined || !draft.git || draft.sawMinus || draft.hunks.length > 0)
    ) {
      flush();
      draft = newDraft(false);
    }
    if (draft === undefined) {
      i++; // preamble: commit message, e-mail headers, `Index:` lines…
      continue;
    }

    if (line.startsWith('@@')) {
      const consumed = parseHunk(lines, i, draft);
      i += consumed;
      continue;
    }
    if (draft.hunks.length > 0) {
      // After the last hunk of a file only a new file header is meaningful; anything else is
      // a trailer (`-- ` signature of format-patch, a stray blank line) and is ignored.
      i++;
      continue;
    }
    parseExtendedHeader(line, draft, lineNo);
    if (line === 'GIT binary patch') inBinaryPatch = true;
    i++;
  }
  flush();
  return files;
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

function parseExtendedHeader(line: string, draft: FileDraft, lineNo: number): void {
  const take = (prefix: string) => (line.startsWith(prefix) ? line.slice(prefix.length) : undefined);
  let value: string | undefined;
  if ((value = take('--- ')) !== undefined) {
    draft.sawMinus = true;
    draft.oldPath = parseMarkerPath(value, 'a/', draft.git, lineNo);
  } else if ((value = take('+++ ')) !== undefined) {
    draft.sawPlus = true;
    draft.newPath = parseMarkerPath(value, 'b/', draft.git, lineNo);
  } else if ((value = take('new file mode ')) !== undefined) {
    draft.isNew = true;
    draft.newMode = value.trim();
  } else if ((value = take('deleted file mode ')) !== undefined) {
    draft.isDeleted = true;
    draft.oldMode = value.trim();
  } else if ((value = take('old mode ')) !== undefined) {
    draft.oldMode = value.trim();
  } else if ((value = take('new mode ')) !== undefined) {
    draft.newMode = value.trim();
  } else if ((value = take('rename from ') ?? take('rename old ')) !== undefined) {
    draft.renameFrom = parsePathToken(value, lineNo);
  } else if ((value = take('rename to ') ?? take('rename new ')) !== undefined) {
    draft.renameTo = parsePathToken(value, lineNo);
  } else if ((value = take('copy from ')) !== undefined) {
    draft.copyFrom = parsePathToken(value, lineNo);
  } else if ((value = take('copy to ')) !== undefined) {
    draft.copyTo = parsePathToken(value, lineNo);
  } else if ((value = take('similarity index ')) !== undefined) {
    const match = /^(\d+)%/.exec(value);
    if (match) draft.similarity = Number(match[1]);
  } else if ((value = take('index ')) !== undefined) {
    // `index abc123..def456 100644`: the mode is only present when it did not change.
    const mode = /^\S+\.\.\S+ (\d{6})$/.exec(value.trim());
    if (mode) {
      draft.oldMode ??= mode[1];
      draft.newMode ??= mode[1];
    }
  } else if (line.startsWith('Binary files ') && line.endsWith(' differ')) {
    draft.binary = true;
    parseBinaryFilesLine(line, draft, lineNo);
  } else if (line === 'GIT binary patch') {
    draft.binary = true;
  }
  // Unknown extended headers (future git versions, `dissimilarity index`) are ignored.
}

/** `Binary files a/x and b/x differ`: only informative for paths when no other header named them. */
function parseBinaryFilesLine(line: string, draft: FileDraft, lineNo: number): void {
  const body = line.slice('Binary files '.length, -' differ'.length);
  const split = body.indexOf(' and ');
  if (split < 0) return;
  const left = body.slice(0, split);
  const right = body.slice(split + ' and '.length);
  if (!draft.sawMinus && left === '/dev/null') draft.isNew = true;
  if (!draft.sawPlus && right === '/dev/null') draft.isDeleted = true;
  if (!draft.git) {
    draft.oldPath ??= parseMarkerPath(left, 'a/', false, lineNo);
    draft.newPath ??= parseMarkerPath(right, 'b/', false, lineNo);
  }
}

/**
 * Parses one hunk starting at `lines[start]` (its `@@` header) and appends it to the draft.
 * Returns the number of diff lines consumed (header, body and `\ No newline` markers).
 */
function parseHunk(lines: string[], start: number, draft: FileDraft): number {
  const header = stripCr(lines[start] as string);
  const match = HUNK_HEADER.exec(header);
  if (!match) throw new DiffParseError(`Malformed hunk header "${truncate(header, 80)}"`, start + 1);
  const oldStart = Number(match[1]);
  const oldLines = match[2] === undefined ? 1 : Number(match[2]);
  const newStart = Number(match[3]);
  const newLines = match[4] === undefined ? 1 : Number(match[4]);
  const hunk: DiffHunk = {
    oldStart,
    oldLines,
    newStart,
    newLines,
    heading: (match[5] ?? '').trim(),
    lines: [],
  };
  let oldRemaining = oldLines;
  let newRemaining = newLines;
  let oldLine = oldStart;
  let newLine = newStart;
  let i = start + 1;
  const push = (line: DiffLine) => hunk.lines.push(line);

  while (i < lines.length) {
    const raw = stripCr(lines[i] as string);
    if (raw.startsWith('\\')) {
      // `\ No newline at end of file` (localised by some git builds: only the backslash is certain).
      const last = hunk.lines[hunk.lines.length - 1];
      if (last) last.noNewlineAtEof = true;
      i++;
      continue;
    }
    if (oldRemaining === 0 && newRemaining === 0) break;
    const marker = raw[0];
    const content = raw.slice(1);
    if (marker === ' ' || (raw === '' && oldRemaining > 0 && newRemaining > 0)) {
      // An empty line inside a hunk is a context line whose leading space was stripped by an
      // editor or a mail client; `git apply` accepts it too.
      if (oldRemaining === 0 || newRemaining === 0) break;
      push({ type: 'context', content, oldLine, newLine, noNewlineAtEof: false });
      oldLine++;
      newLine++;
      oldRemaining--;
      newRemaining--;
    } else if (marker === '-') {
      if (oldRemaining === 0) break;
      push({ type: 'del', content, oldLine, newLine: undefined, noNewlineAtEof: false });
      oldLine++;
      oldRemaining--;
    } else if (marker === '+') {
      if (newRemaining === 0) break;
      push({ type: 'add', content, oldLine: undefined, newLine, noNewlineAtEof: false });
      newLine++;
      newRemaining--;
    } else {
      break;
    }
    i++;
  }
  if (oldRemaining !== 0 || newRemaining !== 0) {
    throw new DiffParseError(
      `Hunk "${truncate(header, 80)}" is incomplete: expected ${oldRemaining} more old and ${newRemaining} more new line(s)`,
      i + 1,
    );
  }
  draft.hunks.push(hunk);
  return i - start;
}

function finishDraft(draft: FileDraft): DiffFile {
  let oldPath: string | undefined;
  let newPath: string | undefined;
  if (draft.sawMinus || draft.sawPlus) {
    oldPath = draft.sawMinus ? draft.oldPath : draft.headerOld;
    newPath = draft.sawPlus ? draft.newPath : draft.headerNew;
  } else {
    oldPath = draft.renameFrom ?? draft.copyFrom ?? draft.headerOld;
    newPath = draft.renameTo ?? draft.copyTo ?? draft.headerNew;
  }
  // Rename/copy headers carry exact, prefix-free paths: prefer them for their side.
  if (draft.renameFrom !== undefined || draft.copyFrom !== undefined) {
    oldPath = draft.renameFrom ?? draft.copyFrom;
  }
  if (draft.renameTo !== undefined || draft.copyTo !== undefined) newPath = draft.renameTo ?? draft.copyTo;
  if (draft.isNew) oldPath = undefined;
  if (draft.isDeleted) newPath = undefined;

  let status: DiffFileStatus;
  if (draft.isNew || (oldPath === undefined && newPath !== undefined)) status = 'added';
  else if (draft.isDeleted || (newPath === undefined && oldPath !== undefined)) status = 'deleted';
  else if (draft.renameFrom !== undefined || draft.renameTo !== undefined) status = 'renamed';
  else if (draft.copyFrom !== undefined || draft.copyTo !== undefined) status = 'copied';
  else status = 'modified';

  let additions = 0;
  let deletions = 0;
  for (const hunk of draft.hunks) {
    for (const line of hunk.lines) {
      if (line.type === 'add') additions++;
      else if (line.type === 'del') deletions++;
    }
  }
  return {
    oldPath,
    newPath,
    path: newPath ?? oldPath ?? '',
    status,
    oldMode: draft.oldMode,
    newMode: draft.newMode,
    similarity: draft.similarity,
    binary: draft.binary,
    hunks: draft.hunks,
    additions,
    deletions,
  };
}

/**
 * Splits the `a/x b/y` part of a `diff --git` line. Either side may be C-quoted. Unquoted
 * paths may contain spaces, which makes the line ambiguous; the common case (same path on both
 * sides) is resolved exactly, and rename/`---`/`+++` headers override the guess anyway.
 */
function parseGitHeaderPaths(rest: string, lineNo: number): { oldPath?: string; newPath?: string } {
  if (rest.startsWith('"')) {
    const first = readQuoted(rest, 0, lineNo);
    const second = rest.slice(first.end).trimStart();
    const newRaw = second.startsWith('"') ? readQuoted(second, 0, lineNo).value : second;
    return { oldPath: stripPrefix(first.value, 'a/'), newPath: stripPrefix(newRaw, 'b/') };
  }
  if (rest.endsWith('"')) {
    const open = rest.lastIndexOf(' "');
    if (open >= 0) {
      return {
        oldPath: stripPrefix(rest.slice(0, open), 'a/'),
        newPath: stripPrefix(readQuoted(rest, open + 1, lineNo).value, 'b/'),
      };
    }
  }
  // Same path on both sides: `a/P b/P`, so the separator is exactly in the middle.
  if ((rest.length - 1) % 2 === 0) {
    const half = (rest.length - 1) / 2;
    const left = rest.slice(0, half);
    const right = rest.slice(half + 1);
    if (rest[half] === ' ' && left.startsWith('a/') && right.startsWith('b/')) {
      if (left.slice(2) === right.slice(2)) return { oldPath: left.slice(2), newPath: right.slice(2) };
    }
  }
  const split = rest.indexOf(' b/');
  if (split >= 0) {
    return { oldPath: stripPrefix(rest.slice(0, split), 'a/'), newPath: rest.slice(split + 3) };
  }
  const space = rest.indexOf(' ');
  if (space < 0) return {};
  return { oldPath: rest.slice(0, space), newPath: rest.slice(space + 1) };
}

/** The path of a `---`/`+++` line: `/dev/null` → undefined; quoted or with a trailing tab + timestamp. */
function parseMarkerPath(value: string, prefix: string, git: boolean, lineNo: number): string | undefined {
  let path: string;
  if (value.startsWith('"')) {
    path = readQuoted(value, 0, lineNo).value;
  } else {
    // git appends a tab after names containing spaces; `diff -u` appends a tab and a timestamp.
    const tab = value.indexOf('\t');
    path = tab >= 0 ? value.slice(0, tab) : value.trimEnd();
  }
  if (path === '/dev/null') return undefined;
  return git || path.startsWith(prefix) ? stripPrefix(path, prefix) : path;
}

function parsePathToken(value: string, lineNo: number): string {
  return value.startsWith('"') ? readQuoted(value, 0, lineNo).value : value;
}

function stripPrefix(path: string, prefix: string): string {
  return path.startsWith(prefix) ? path.slice(prefix.length) : path;
}

const SIMPLE_ESCAPES: Record<string, number> = {
  a: 7,
  b: 8,
  t: 9,
  n: 10,
  v: 11,
  f: 12,
  r: 13,
  '"': 34,
  '\\': 92,
};

/**
 * Reads a C-quoted string as git writes paths (core.quotePath): escapes for control characters,
 * `"` and `\`, and octal escapes for each byte of non-ASCII UTF-8 characters.
 */
function readQuoted(text: string, start: number, lineNo: number): { value: string; end: number } {
  const bytes: number[] = [];
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === '"') {
      return { value: new TextDecoder('utf-8').decode(new Uint8Array(bytes)), end: i + 1 };
    }
    if (ch === '\\') {
      const next = text[i + 1];
      if (next !== undefined && /[0-7]/.test(next)) {
        const octal = /^[0-7]{1,3}/.exec(text.slice(i + 1)) as RegExpExecArray;
        bytes.push(parseInt(octal[0], 8) & 0xff);
        i += 1 + octal[0].length;
        continue;
      }
      const code = next === undefined ? undefined : SIMPLE_ESCAPES[next];
      if (code === undefined) {
        throw new DiffParseError(`Invalid escape "\\${next ?? ''}" in quoted path`, lineNo);
      }
      bytes.push(code);
      i += 2;
      continue;
    }
    const codePoint = text.codePointAt(i) as number;
    const char = String.fromCodePoint(codePoint);
    bytes.push(...new TextEncoder().encode(char));
    i += char.length;
  }
  throw new DiffParseError('Unterminated quoted path', lineNo);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
