/** Guards on the shape of the whole diff: lockfile-only, whitespace-only, far larger than warranted. */
import { isIndentSensitive, isLockfile } from './classify-path.ts';
import { changedLines, type FileView } from './diff-view.ts';
import type { GuardFinding, GuardLimits } from './types.ts';

/** Every changed file is a lockfile: the migration changed no code. */
export function checkLockfileOnly(views: readonly FileView[]): GuardFinding[] {
  if (views.length === 0 || !views.every((v) => isLockfile(v.path))) return [];
  return [
    {
      kind: 'lockfile-only',
      severity: 'warn',
      file: undefined,
      line: undefined,
      message: 'The diff changes only lockfiles',
      evidence: views
        .map((v) => `${v.file.status} ${v.path} (+${v.file.additions} −${v.file.deletions})`)
        .join('\n'),
    },
  ];
}

/**
 * Every change only moves whitespace (indentation, line breaks, trailing spaces, CRLF) — a
 * no-op PR. Where indentation is syntax (Python, YAML, Makefiles…) a re-indent is a real change.
 */
export function checkWhitespaceOnly(views: readonly FileView[]): GuardFinding[] {
  if (views.length === 0) return [];
  for (const { file, path } of views) {
    if (file.status !== 'modified' || file.binary || file.hunks.length === 0) return [];
    const { added, removed } = changedLines(file.hunks);
    if (isIndentSensitive(path)) {
      const significant = (lines: typeof added) =>
        lines.map((l) => l.content.replace(/\s+$/, '')).filter((l) => l.trim() !== '');
      if (significant(added).join('\n') !== significant(removed).join('\n')) return [];
    } else {
      const squash = (lines: typeof added) => lines.map((l) => l.content.replace(/\s+/g, '')).join('');
      if (squash(added) !== squash(removed)) return [];
    }
  }
  return [
    {
      kind: 'whitespace-only',
      severity: 'block',
      file: undefined,
      line: undefined,
      message: 'The diff changes only whitespace',
      evidence: views.map((v) => `${v.path} (+${v.file.additions} −${v.file.deletions})`).join('\n'),
    },
  ];
}

/** More changed lines or files than the migration warrants (lockfiles and binaries excluded). */
export function checkSize(views: readonly FileView[], limits: GuardLimits): GuardFinding[] {
  const counted = views.filter((v) => !isLockfile(v.path));
  const lines = counted.reduce((n, v) => n + v.file.additions + v.file.deletions, 0);
  const files = counted.length;
  if (lines <= limits.maxChangedLines && files <= limits.maxChangedFiles) return [];
  const largest = [...counted]
    .sort((a, b) => b.file.additions + b.file.deletions - (a.file.additions + a.file.deletions))
    .slice(0, 5)
    .map((v) => `${v.path} (+${v.file.additions} −${v.file.deletions})`);
  return [
    {
      kind: 'diff-too-large',
      severity: 'warn',
      file: undefined,
      line: undefined,
      message: `The diff changes ${lines} lines in ${files} files (limits: ${limits.maxChangedLines} lines, ${limits.maxChangedFiles} files)`,
      evidence: largest.join('\n'),
    },
  ];
}
