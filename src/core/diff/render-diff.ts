/**
 * Renders parsed diff files back to git-format unified diff text (for the judge prompt and
 * for tests). `parseUnifiedDiff(renderDiff(files))` yields the same files.
 */
import type { DiffFile, DiffHunk } from './types.ts';

/** Renders a whole diff. Returns `''` for no files. */
export function renderDiff(files: readonly DiffFile[]): string {
  return files.map((file) => renderDiffFile(file)).join('');
}

/** The git header lines of one file (`diff --git`, modes, rename/copy, `---`/`+++`), newline-terminated. */
export function renderDiffFileHeader(file: DiffFile): string {
  const oldName = file.oldPath ?? file.newPath ?? file.path;
  const newName = file.newPath ?? file.oldPath ?? file.path;
  const out: string[] = [`diff --git ${quotePath(`a/${oldName}`)} ${quotePath(`b/${newName}`)}`];
  if (file.status === 'added') out.push(`new file mode ${file.newMode ?? '100644'}`);
  else if (file.status === 'deleted') out.push(`deleted file mode ${file.oldMode ?? '100644'}`);
  else if (file.oldMode !== undefined && file.newMode !== undefined && file.oldMode !== file.newMode) {
    out.push(`old mode ${file.oldMode}`, `new mode ${file.newMode}`);
  }
  if (file.status === 'renamed' || file.status === 'copied') {
    if (file.similarity !== undefined) out.push(`similarity index ${file.similarity}%`);
    const verb = file.status === 'renamed' ? 'rename' : 'copy';
    out.push(`${verb} from ${quotePath(oldName)}`, `${verb} to ${quotePath(newName)}`);
  }
  if (file.binary) {
    const left = file.oldPath === undefined ? '/dev/null' : quotePath(`a/${file.oldPath}`);
    const right = file.newPath === undefined ? '/dev/null' : quotePath(`b/${file.newPath}`);
    out.push(`Binary files ${left} and ${right} differ`);
  } else if (file.hunks.length > 0) {
    out.push(`--- ${file.oldPath === undefined ? '/dev/null' : quotePath(`a/${file.oldPath}`)}`);
    out.push(`+++ ${file.newPath === undefined ? '/dev/null' : quotePath(`b/${file.newPath}`)}`);
  }
  return `${out.join('\n')}\n`;
}

/** One file: header plus every hunk. */
export function renderDiffFile(file: DiffFile): string {
  return renderDiffFileHeader(file) + file.hunks.map(renderHunk).join('');
}

/** One hunk: `@@` header and body lines, each newline-terminated, with `\ No newline` markers. */
export function renderHunk(hunk: DiffHunk): string {
  const range = (start: number, count: number) => (count === 1 ? `${start}` : `${start},${count}`);
  const heading = hunk.heading === '' ? '' : ` ${hunk.heading}`;
  let out = `@@ -${range(hunk.oldStart, hunk.oldLines)} +${range(hunk.newStart, hunk.newLines)} @@${heading}\n`;
  for (const line of hunk.lines) {
    const marker = line.type === 'add' ? '+' : line.type === 'del' ? '-' : ' ';
    out += `${marker}${line.content}\n`;
    if (line.noNewlineAtEof) out += '\\ No newline at end of file\n';
  }
  return out;
}

/** C-quotes a path the way git does when it holds a quote, a backslash or a control character. */
export function quotePath(path: string): string {
  // Non-ASCII stays readable (as with core.quotePath=false); the parser accepts both forms.
  if (![...path].some(needsEscape)) return path;
  const escaped = [...path].map((ch) => (needsEscape(ch) ? escapeChar(ch) : ch)).join('');
  return `"${escaped}"`;
}

function needsEscape(ch: string): boolean {
  const code = ch.charCodeAt(0);
  return ch === '"' || ch === '\\' || code < 0x20 || code === 0x7f;
}

function escapeChar(ch: string): string {
  switch (ch) {
    case '"':
      return '\\"';
    case '\\':
      return '\\\\';
    case '\t':
      return '\\t';
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    default:
      return `\\${ch.charCodeAt(0).toString(8).padStart(3, '0')}`;
  }
}
