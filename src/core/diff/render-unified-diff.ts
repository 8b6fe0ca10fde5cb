/**
 * Renders file changes as a unified diff in git's format, the text the judge, the guards and
 * the PR read:
 *
 *   diff --git a/src/x.ts b/src/x.ts
 *   new file mode 100644            (or "deleted file mode 100644", for additions/deletions)
 *   index 0000000..1a2b3c4 100644   (abbreviated blob ids when known)
 *   --- /dev/null                   (or --- a/src/x.ts)
 *   +++ b/src/x.ts                  (or +++ /dev/null)
 *   @@ -0,0 +1,3 @@
 *
 * Hunk headers always carry both counts (`@@ -a,b +c,d @@`, also when a count is 1): `git apply`
 * and every diff parser accept that, and consumers need not handle the omitted form.
 * Pure: no I/O; callers pass the contents.
 */
import { parseUnifiedDiff } from './parse-unified-diff.ts';

/** One side of a file change; `undefined` side = the file does not exist there. */
export interface DiffSide {
  /** UTF-8 text, or `undefined` for a binary file. */
  text: string | undefined;
  /** Git file mode, e.g. '100644' or '100755'. */
  mode: string;
  /** Git blob id (40 hex) when known; rendered abbreviated in the `index` line. */
  blobId?: string;
}

export interface FileChange {
  path: string;
  before: DiffSide | undefined;
  after: DiffSide | undefined;
}

const CONTEXT = 3;
/** Above this many differing lines the edit script is not minimised: the trace costs O(D²) memory (8 MB at 1,000). */
const MAX_EDIT_DISTANCE = 1_000;
const ZERO_ID = '0000000';

/**
 * Renders one file's change; returns '' when both sides are identical (or both absent).
 * Text ends with a newline.
 */
export function renderFileDiff(change: FileChange): string {
  const { path, before, after } = change;
  if (before === undefined && after === undefined) return '';
  if (before !== undefined && after !== undefined && sameContent(before, after) && before.mode === after.mode)
    return '';

  const lines = [`diff --git a/${path} b/${path}`];
  const oldId = before === undefined ? ZERO_ID : abbreviate(before.blobId);
  const newId = after === undefined ? ZERO_ID : abbreviate(after.blobId);
  if (before === undefined && after !== undefined) {
    lines.push(`new file mode ${after.mode}`, `index ${oldId}..${newId}`);
  } else if (after === undefined && before !== undefined) {
    lines.push(`deleted file mode ${before.mode}`, `index ${oldId}..${newId}`);
  } else if (before !== undefined && after !== undefined) {
    if (before.mode !== after.mode) lines.push(`old mode ${before.mode}`, `new mode ${after.mode}`);
    if (sameContent(before, after)) return `${lines.join('\n')}\n`;
    lines.push(`index ${oldId}..${newId}${before.mode === after.mode ? ` ${after.mode}` : ''}`);
  }
  const oldName = before === undefined ? '/dev/null' : `a/${path}`;
  const newName = after === undefined ? '/dev/null' : `b/${path}`;
  if (
    (before !== undefined && before.text === undefined) ||
    (after !== undefined && after.text === undefined)
  ) {
    lines.push(`Binary files ${oldName} and ${newName} differ`);
    return `${lines.join('\n')}\n`;
  }
  lines.push(`--- ${oldName}`, `+++ ${newName}`);
  const hunks = renderHunks(splitLines(before?.text ?? ''), splitLines(after?.text ?? ''));
  return `${lines.join('\n')}\n${hunks}`;
}

/** Renders several changes, sorted by path, as one diff. */
export function renderUnifiedDiff(changes: FileChange[]): string {
  return [...changes]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map(renderFileDiff)
    .join('');
}

function sameContent(a: DiffSide, b: DiffSide): boolean {
  if (a.blobId !== undefined && b.blobId !== undefined) return a.blobId === b.blobId;
  return a.text !== undefined && a.text === b.text;
}

function abbreviate(id: string | undefined): string {
  return id === undefined ? ZERO_ID : id.slice(0, 7);
}

/** Lines with their terminators, so a missing final newline is a difference like any other. */
function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/(?<=\n)/);
  return lines;
}

type OpType = 'equal' | 'delete' | 'insert';
interface Op {
  type: OpType;
  line: string;
}

/** Edit script from a to b: shortest (Myers) for small distances, a plain replacement beyond. */
export function diffLines(a: readonly string[], b: readonly string[]): Op[] {
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix += 1;
  let suffix = 0;
  while (
    suffix < a.length - prefix &&
    suffix < b.length - prefix &&
    a[a.length - 1 - suffix] === b[b.length - 1 - suffix]
  ) {
    suffix += 1;
  }
  const ops: Op[] = a.slice(0, prefix).map((line) => ({ type: 'equal' as const, line }));
  const midA = a.slice(prefix, a.length - suffix);
  const midB = b.slice(prefix, b.length - suffix);
  ops.push(...myers(midA, midB));
  ops.push(...a.slice(a.length - suffix).map((line) => ({ type: 'equal' as const, line })));
  return ops;
}

function myers(a: readonly string[], b: readonly string[]): Op[] {
  const n = a.length;
  const m = b.length;
  if (n === 0) return b.map((line) => ({ type: 'insert', line }));
  if (m === 0) return a.map((line) => ({ type: 'delete', line }));
  const max = Math.min(n + m, MAX_EDIT_DISTANCE);
  const offset = max + 1;
  let v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d += 1) {
    trace.push(v.slice());
    const next = v.slice();
    for (let k = -d; k <= d; k += 2) {
      let x: number;
      if (k === -d || (k !== d && (v[offset + k - 1] ?? 0) < (v[offset + k + 1] ?? 0))) {
        x = v[offset + k + 1] ?? 0;
      } else {
        x = (v[offset + k - 1] ?? 0) + 1;
      }
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x += 1;
        y += 1;
      }
      next[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
    v = next;
  }
  if (!found) {
    return [
      ...a.map((line) => ({ type: 'delete' as const, line })),
      ...b.map((line) => ({ type: 'insert' as const, line })),
    ];
  }
  // Walk the trace backwards from (n, m) to recover the path.
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d -= 1) {
    const vd = trace[d] as Int32Array;
    const k = x - y;
    let prevK: number;
    if (k === -d || (k !== d && (vd[offset + k - 1] ?? 0) < (vd[offset + k + 1] ?? 0))) prevK = k + 1;
    else prevK = k - 1;
    const prevX = d === 0 ? 0 : (vd[offset + prevK] ?? 0);
    const prevY = d === 0 ? 0 : prevX - prevK;
    while (x > prevX && y > prevY) {
      x -= 1;
      y -= 1;
      ops.push({ type: 'equal', line: a[x] as string });
    }
    if (d > 0) {
      if (x === prevX) {
        y -= 1;
        ops.push({ type: 'insert', line: b[y] as string });
      } else {
        x -= 1;
        ops.push({ type: 'delete', line: a[x] as string });
      }
    }
  }
  return ops.reverse();
}

function renderHunks(a: string[], b: string[]): string {
  const ops = diffLines(a, b);
  const changeIdx: number[] = [];
  ops.forEach((op, i) => {
    if (op.type !== 'equal') changeIdx.push(i);
  });
  if (changeIdx.length === 0) return '';
  // Group changes whose context windows touch into one hunk.
  const groups: Array<[number, number]> = [];
  for (const i of changeIdx) {
    const last = groups[groups.length - 1];
    if (last !== undefined && i - last[1] <= 2 * CONTEXT + 1) last[1] = i;
    else groups.push([i, i]);
  }
  // Line numbers before each op.
  const aBefore: number[] = [];
  const bBefore: number[] = [];
  let ai = 0;
  let bi = 0;
  for (const op of ops) {
    aBefore.push(ai);
    bBefore.push(bi);
    if (op.type !== 'insert') ai += 1;
    if (op.type !== 'delete') bi += 1;
  }
  let out = '';
  for (const [first, last] of groups) {
    const start = Math.max(0, first - CONTEXT);
    const end = Math.min(ops.length - 1, last + CONTEXT);
    let oldCount = 0;
    let newCount = 0;
    let body = '';
    for (let i = start; i <= end; i += 1) {
      const op = ops[i] as Op;
      const sign = op.type === 'equal' ? ' ' : op.type === 'delete' ? '-' : '+';
      if (op.type !== 'insert') oldCount += 1;
      if (op.type !== 'delete') newCount += 1;
      body += op.line.endsWith('\n')
        ? `${sign}${op.line}`
        : `${sign}${op.line}\n\\ No newline at end of file\n`;
    }
    const oldStart = oldCount === 0 ? (aBefore[start] ?? 0) : (aBefore[start] ?? 0) + 1;
    const newStart = newCount === 0 ? (bBefore[start] ?? 0) : (bBefore[start] ?? 0) + 1;
    out += `@@ -${oldStart},${oldCount} +${newStart},${newCount} @@\n${body}`;
  }
  return out;
}

/** Per-file added/removed line counts of a unified diff (what `git diff --stat` shows). */
export interface DiffStatEntry {
  path: string;
  added: number;
  removed: number;
  binary: boolean;
}

/** Per-file line counts of a unified diff, read with the guards' parser (one parser for diffs). */
export function summarizeDiff(diff: string): DiffStatEntry[] {
  return parseUnifiedDiff(diff).map((file) => ({
    path: file.path,
    added: file.additions,
    removed: file.deletions,
    binary: file.binary,
  }));
}

/** Renders a `git diff --stat`-like summary: one line per file plus a total line. */
export function renderDiffStat(entries: DiffStatEntry[], width = 40): string {
  if (entries.length === 0) return ' 0 files changed\n';
  const nameWidth = Math.max(...entries.map((e) => e.path.length));
  const maxChange = Math.max(1, ...entries.map((e) => e.added + e.removed));
  const scale = maxChange > width ? width / maxChange : 1;
  const lines = entries.map((e) => {
    const total = e.added + e.removed;
    if (e.binary) return ` ${e.path.padEnd(nameWidth)} | Bin`;
    const plus = '+'.repeat(Math.round(e.added * scale) || (e.added > 0 ? 1 : 0));
    const minus = '-'.repeat(Math.round(e.removed * scale) || (e.removed > 0 ? 1 : 0));
    return ` ${e.path.padEnd(nameWidth)} | ${String(total).padStart(String(maxChange).length)} ${plus}${minus}`;
  });
  const added = entries.reduce((sum, e) => sum + e.added, 0);
  const removed = entries.reduce((sum, e) => sum + e.removed, 0);
  const files = `${entries.length} file${entries.length === 1 ? '' : 's'} changed`;
  lines.push(
    ` ${files}, ${added} insertion${added === 1 ? '' : 's'}(+), ${removed} deletion${removed === 1 ? '' : 's'}(-)`,
  );
  return `${lines.join('\n')}\n`;
}
