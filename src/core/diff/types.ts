/**
 * The parsed shape of a unified diff (git format or plain `diff -u`). Produced by
 * `parseUnifiedDiff`, rendered back by `renderDiffFile`; consumed by the guards and the judge prompt.
 */

/** A hunk line: unchanged (`context`), added (`add`) or removed (`del`). */
export type DiffLineType = 'context' | 'add' | 'del';

export interface DiffLine {
  type: DiffLineType;
  /** The line without its `+`/`-`/space marker and without its line terminator (a trailing CR is dropped). */
  content: string;
  /** 1-based line in the old file; `undefined` for added lines. */
  oldLine: number | undefined;
  /** 1-based line in the new file; `undefined` for removed lines. */
  newLine: number | undefined;
  /** True when the diff said `\ No newline at end of file` right after this line. */
  noNewlineAtEof: boolean;
}

export interface DiffHunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** The text after the second `@@` (git's "function context"), trimmed; `''` when absent. */
  heading: string;
  lines: DiffLine[];
}

/** How a file changed. `copied` keeps the old file; `renamed` removes it. */
export type DiffFileStatus = 'added' | 'deleted' | 'modified' | 'renamed' | 'copied';

export interface DiffFile {
  /** Path before the change (no `a/` prefix); `undefined` for added files. */
  oldPath: string | undefined;
  /** Path after the change (no `b/` prefix); `undefined` for deleted files. */
  newPath: string | undefined;
  /** `newPath ?? oldPath`: the path to report findings against. */
  path: string;
  status: DiffFileStatus;
  /** File modes as written by git (`100644`, `100755`, `120000`…), when the diff said. */
  oldMode: string | undefined;
  newMode: string | undefined;
  /** `similarity index` of a rename or copy, in percent. */
  similarity: number | undefined;
  /** True for `Binary files … differ` and `GIT binary patch`: no hunks, content unknown. */
  binary: boolean;
  hunks: DiffHunk[];
  /** Number of added lines over all hunks. */
  additions: number;
  /** Number of removed lines over all hunks. */
  deletions: number;
}
