/**
 * Builders of realistic git diffs for guard tests: hunk headers are computed from the body, so
 * cases stay readable. Body lines carry their marker: ' ' context, '-' removed, '+' added.
 */
import { parseUnifiedDiff } from '../../../src/core/diff/parse-unified-diff.ts';
import type { DiffFile } from '../../../src/core/diff/types.ts';

/** One hunk starting at the given old/new lines. */
export function hunk(oldStart: number, newStart: number, body: readonly string[], heading = ''): string {
  const oldCount = body.filter((l) => !l.startsWith('+')).length;
  const newCount = body.filter((l) => !l.startsWith('-')).length;
  const head = `@@ -${oldStart},${oldCount} +${newStart},${newCount} @@${heading ? ` ${heading}` : ''}`;
  return [head, ...body].join('\n');
}

export function modified(path: string, ...hunks: string[]): string {
  return [
    `diff --git a/${path} b/${path}`,
    'index 1111111..2222222 100644',
    `--- a/${path}`,
    `+++ b/${path}`,
    ...hunks,
  ].join('\n');
}

export function added(path: string, lines: readonly string[]): string {
  return [
    `diff --git a/${path} b/${path}`,
    'new file mode 100644',
    'index 0000000..2222222',
    '--- /dev/null',
    `+++ b/${path}`,
    hunk(
      0,
      1,
      lines.map((l) => `+${l}`),
    ),
  ].join('\n');
}

export function deleted(path: string, lines: readonly string[]): string {
  return [
    `diff --git a/${path} b/${path}`,
    'deleted file mode 100644',
    'index 1111111..0000000',
    `--- a/${path}`,
    '+++ /dev/null',
    hunk(
      1,
      0,
      lines.map((l) => `-${l}`),
    ),
  ].join('\n');
}

export function renamed(from: string, to: string, ...hunks: string[]): string {
  return [
    `diff --git a/${from} b/${to}`,
    `similarity index ${hunks.length === 0 ? 100 : 90}%`,
    `rename from ${from}`,
    `rename to ${to}`,
    ...(hunks.length === 0
      ? []
      : ['index 1111111..2222222 100644', `--- a/${from}`, `+++ b/${to}`, ...hunks]),
  ].join('\n');
}

/** Joins file diffs and parses them, as the app does with a PR's diff. */
export function diffOf(...files: string[]): DiffFile[] {
  return parseUnifiedDiff(`${files.join('\n')}\n`);
}
