import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  renderDiffStat,
  renderFileDiff,
  renderUnifiedDiff,
  summarizeDiff,
} from '../../../src/core/diff/render-unified-diff.ts';

/** Applies the hunks of a single-file diff to `before` (a minimal, strict patch applier). */
function applyDiff(before: string, diff: string): string {
  const old = before === '' ? [] : before.split(/(?<=\n)/);
  const lines = diff.split('\n');
  const out: string[] = [];
  let cursor = 0;
  let i = lines.findIndex((l) => l.startsWith('@@'));
  if (i === -1) return before;
  while (i < lines.length && lines[i]!.startsWith('@@')) {
    const m = /^@@ -(\d+),(\d+) \+(\d+),(\d+) @@$/.exec(lines[i]!);
    if (!m) throw new Error(`bad hunk header ${lines[i]}`);
    const oldStart = Number(m[1]);
    const oldCount = Number(m[2]);
    const from = oldCount === 0 ? oldStart : oldStart - 1;
    while (cursor < from) out.push(old[cursor++]!);
    i += 1;
    let seenOld = 0;
    let seenNew = 0;
    while (i < lines.length && !lines[i]!.startsWith('@@') && lines[i] !== '') {
      const line = lines[i]!;
      const noEol = lines[i + 1] === '\\ No newline at end of file';
      const body = line.slice(1) + (noEol ? '' : '\n');
      if (line[0] === ' ' || line[0] === '-') {
        expect(old[cursor]).toBe(body);
        cursor += 1;
        seenOld += 1;
      }
      if (line[0] === ' ' || line[0] === '+') {
        out.push(body);
        seenNew += 1;
      }
      i += noEol ? 2 : 1;
    }
    expect(seenOld).toBe(oldCount);
    expect(seenNew).toBe(Number(m[4]));
  }
  while (cursor < old.length) out.push(old[cursor++]!);
  return out.join('');
}

const side = (text: string, mode = '100644') => ({ text, mode });

describe('core/diff/render-unified-diff', () => {
  it('renders a modification in git format with both counts in every hunk header', () => {
    const diff = renderFileDiff({
      path: 'src/a.ts',
      before: { ...side('one\ntwo\nthree\n'), blobId: 'a'.repeat(40) },
      after: { ...side('one\n2\nthree\n'), blobId: 'b'.repeat(40) },
    });

    expect(diff).toBe(
      [
        'diff --git a/src/a.ts b/src/a.ts',
        'index aaaaaaa..bbbbbbb 100644',
        '--- a/src/a.ts',
        '+++ b/src/a.ts',
        '@@ -1,3 +1,3 @@',
        ' one',
        '-two',
        '+2',
        ' three',
        '',
      ].join('\n'),
    );
  });

  it('renders new and deleted files with their modes and /dev/null sides', () => {
    const added = renderFileDiff({
      path: 'bin/run',
      before: undefined,
      after: side('#!/bin/sh\n', '100755'),
    });
    const deleted = renderFileDiff({ path: 'old.txt', before: side('bye'), after: undefined });

    expect(added).toBe(
      'diff --git a/bin/run b/bin/run\nnew file mode 100755\nindex 0000000..0000000\n--- /dev/null\n+++ b/bin/run\n@@ -0,0 +1,1 @@\n+#!/bin/sh\n',
    );
    expect(deleted).toBe(
      'diff --git a/old.txt b/old.txt\ndeleted file mode 100644\nindex 0000000..0000000\n--- a/old.txt\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-bye\n\\ No newline at end of file\n',
    );
  });

  it('marks binary changes and skips identical files', () => {
    expect(
      renderFileDiff({
        path: 'logo.png',
        before: { text: undefined, mode: '100644', blobId: '1'.repeat(40) },
        after: { text: undefined, mode: '100644', blobId: '2'.repeat(40) },
      }),
    ).toContain('Binary files a/logo.png and b/logo.png differ');
    expect(renderFileDiff({ path: 'same', before: side('x\n'), after: side('x\n') })).toBe('');
  });

  it('splits distant changes into separate hunks and merges close ones', () => {
    const before = Array.from({ length: 30 }, (_, i) => `line ${i + 1}\n`).join('');
    const after = before
      .replace('line 2\n', 'LINE 2\n')
      .replace('line 25\n', 'LINE 25\n')
      .replace('line 27\n', 'LINE 27\n');

    const diff = renderFileDiff({ path: 'f', before: side(before), after: side(after) });

    expect(diff.match(/^@@.*$/gm)).toEqual(['@@ -1,5 +1,5 @@', '@@ -22,9 +22,9 @@']);
    expect(applyDiff(before, diff)).toBe(after);
  });

  it('round-trips arbitrary edits (property)', () => {
    const text = fc
      .array(fc.constantFrom('a\n', 'b\n', 'c\n', 'd\n', '\n', 'e'), { maxLength: 40 })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, text, (before, after) => {
        const diff = renderFileDiff({ path: 'p', before: side(before), after: side(after) });
        expect(applyDiff(before, diff)).toBe(after);
      }),
      { numRuns: 300 },
    );
  });

  it('falls back to a plain replacement for very different large files, and still applies', () => {
    const before = Array.from({ length: 3_000 }, (_, i) => `old ${i}\n`).join('');
    const after = Array.from({ length: 3_000 }, (_, i) => `new ${i}\n`).join('');

    const diff = renderFileDiff({ path: 'big', before: side(before), after: side(after) });

    expect(diff).toContain('@@ -1,3000 +1,3000 @@');
    expect(applyDiff(before, diff)).toBe(after);
  });

  it('summarises a diff as a diff stat', () => {
    const diff = renderUnifiedDiff([
      { path: 'b.txt', before: side('1\n2\n'), after: side('1\n3\n4\n') },
      { path: 'a.txt', before: undefined, after: side('new\n') },
    ]);

    const stat = summarizeDiff(diff);

    expect(stat).toEqual([
      { path: 'a.txt', added: 1, removed: 0, binary: false },
      { path: 'b.txt', added: 2, removed: 1, binary: false },
    ]);
    expect(renderDiffStat(stat)).toBe(
      ' a.txt | 1 +\n b.txt | 3 ++-\n 2 files changed, 3 insertions(+), 1 deletion(-)\n',
    );
  });
});
