/**
 * A per-file view of a parsed diff that the guard checks share: language, test-ness, which
 * hunks are test code (whole test files, or Rust `#[cfg(test)]` modules inside sources), and a
 * diff-wide pool of removed lines used to recognise code that was moved rather than added.
 */
import type { DiffFile, DiffHunk, DiffLine } from '../diff/types.ts';
import { isTestFile, languageOf, type Language } from './classify-path.ts';
import { codeOf } from './source-patterns.ts';

export interface FileView {
  file: DiffFile;
  path: string;
  lang: Language;
  /** The file is (or was, before a rename) a test file by path conventions. */
  isTest: boolean;
  /** Hunks holding test code: every hunk of a test file; `#[cfg(test)]` hunks of a Rust source. */
  testHunks: DiffHunk[];
}

/** Normalised text of a line for "same line moved" comparisons: trimmed, inner whitespace collapsed. */
export function normalizeLine(content: string): string {
  return content.trim().replace(/\s+/g, ' ');
}

export function buildFileViews(files: readonly DiffFile[]): FileView[] {
  return files.map((file) => {
    const lang = languageOf(file.path);
    const isTest = isTestFile(file.path) || (file.oldPath !== undefined && isTestFile(file.oldPath));
    return {
      file,
      path: file.path,
      lang,
      isTest,
      testHunks: isTest ? file.hunks : rustTestHunks(file, lang),
    };
  });
}

/**
 * Rust unit tests live in `#[cfg(test)] mod tests` inside the source file. A hunk is test code
 * when git's hunk heading names the test module, when `#[cfg(test)]` appeared earlier in the
 * file's diff, or when the hunk itself declares a `#[test]`.
 */
function rustTestHunks(file: DiffFile, lang: Language): DiffHunk[] {
  if (lang !== 'rust') return [];
  const out: DiffHunk[] = [];
  let seenCfgTest = false;
  for (const hunk of file.hunks) {
    const hasCfgTest = hunk.lines.some((l) => /#\[cfg\(test\)\]/.test(l.content));
    const inModule = /\bmod\s+tests?\b/.test(hunk.heading) || /#\[cfg\(test\)\]/.test(hunk.heading);
    const declaresTest = hunk.lines.some((l) => /#\[(?:\w+::)?test\b/.test(l.content));
    if (seenCfgTest || hasCfgTest || inModule || declaresTest) out.push(hunk);
    if (hasCfgTest) seenCfgTest = true;
  }
  return out;
}

const codeCache = new WeakMap<DiffLine, string>();

/** `codeOf` a diff line, computed once per line (several checks read the same lines). */
export function codeOfLine(line: DiffLine, lang: Language): string {
  let code = codeCache.get(line);
  if (code === undefined) {
    code = codeOf(line.content, lang);
    codeCache.set(line, code);
  }
  return code;
}

/** Added and removed lines of some hunks. */
export function changedLines(hunks: readonly DiffHunk[]): { added: DiffLine[]; removed: DiffLine[] } {
  const added: DiffLine[] = [];
  const removed: DiffLine[] = [];
  for (const hunk of hunks) {
    for (const line of hunk.lines) {
      if (line.type === 'add') added.push(line);
      else if (line.type === 'del') removed.push(line);
    }
  }
  return { added, removed };
}

/** A line's 1-based number in the file it belongs to (new file for added/context, old for removed). */
export function lineNumber(line: DiffLine): number | undefined {
  return line.newLine ?? line.oldLine;
}

/**
 * A multiset of normalised lines. Used to cancel an added line against an identical removed
 * one elsewhere in the diff (moved code), each removed line cancelling at most once.
 */
export class LinePool {
  readonly #counts = new Map<string, number>();

  add(text: string): void {
    const key = normalizeLine(text);
    if (key === '') return;
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
  }

  /** Removes one occurrence; returns whether there was one. */
  take(text: string): boolean {
    const key = normalizeLine(text);
    const count = this.#counts.get(key) ?? 0;
    if (count === 0) return false;
    this.#counts.set(key, count - 1);
    return true;
  }

  has(text: string): boolean {
    return (this.#counts.get(normalizeLine(text)) ?? 0) > 0;
  }
}

/** Runs of consecutive removed lines followed by added lines: the units of a "modification". */
export function changeBlocks(hunk: DiffHunk): { removed: DiffLine[]; added: DiffLine[] }[] {
  const blocks: { removed: DiffLine[]; added: DiffLine[] }[] = [];
  let current: { removed: DiffLine[]; added: DiffLine[] } | undefined;
  for (const line of hunk.lines) {
    if (line.type === 'context') {
      if (current) blocks.push(current);
      current = undefined;
      continue;
    }
    current ??= { removed: [], added: [] };
    if (line.type === 'del') {
      if (current.added.length > 0) {
        blocks.push(current);
        current = { removed: [], added: [] };
      }
      current.removed.push(line);
    } else {
      current.added.push(line);
    }
  }
  if (current) blocks.push(current);
  return blocks;
}
