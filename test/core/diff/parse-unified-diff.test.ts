import { describe, expect, it } from 'vitest';
import { parseUnifiedDiff } from '../../../src/core/diff/parse-unified-diff.ts';
import { renderDiff } from '../../../src/core/diff/render-diff.ts';
import type { DiffFile } from '../../../src/core/diff/types.ts';
import { DiffParseError } from '../../../src/shared/errors.ts';

/** Real `git diff --cached -M` output (git 2.39), with a tab after names containing spaces. */
const GIT_DIFF = [
  'diff --git a/added.md b/added.md',
  'new file mode 100644',
  'index 0000000..3e75765',
  '--- /dev/null',
  '+++ b/added.md',
  '@@ -0,0 +1 @@',
  '+new',
  'diff --git "a/caf\\303\\251.txt" "b/caf\\303\\251.txt"',
  'index 587be6b..975fbec 100644',
  '--- "a/caf\\303\\251.txt"',
  '+++ "b/caf\\303\\251.txt"',
  '@@ -1 +1 @@',
  '-x',
  '+y',
  'diff --git a/crlf.txt b/crlf.txt',
  'old mode 100644',
  'new mode 100755',
  'index 8561d5d..0eea3e2',
  '--- a/crlf.txt',
  '+++ b/crlf.txt',
  '@@ -1,2 +1,2 @@',
  ' line1\r',
  '-line2\r',
  '+LINE2\r',
  'diff --git a/gone.txt b/gone.txt',
  'deleted file mode 100644',
  'index 2fa992c..0000000',
  '--- a/gone.txt',
  '+++ /dev/null',
  '@@ -1 +0,0 @@',
  '-keep',
  'diff --git a/img.bin b/img.bin',
  'index 88768ef..3e3315e 100644',
  'Binary files a/img.bin and b/img.bin differ',
  'diff --git a/my file.txt b/my file.txt',
  'index de98044..36ef1ba 100644',
  '--- a/my file.txt\t',
  '+++ b/my file.txt\t',
  '@@ -1,3 +1,3 @@',
  ' a',
  '-b',
  '-c',
  '+B',
  '+c',
  '\\ No newline at end of file',
  'diff --git a/old-name.ts b/new-name.ts',
  'similarity index 82%',
  'rename from old-name.ts',
  'rename to new-name.ts',
  'index b566061..2019eda 100644',
  '--- a/old-name.ts',
  '+++ b/new-name.ts',
  '@@ -4,3 +4,4 @@ three',
  ' four',
  ' five',
  ' six',
  '+seven',
  '',
].join('\n');

describe('core/diff/parseUnifiedDiff', () => {
  it('parses every kind of file in a real git diff', () => {
    const files = parseUnifiedDiff(GIT_DIFF);

    expect(files.map((f) => [f.path, f.status, f.oldPath, f.newPath, f.additions, f.deletions])).toEqual([
      ['added.md', 'added', undefined, 'added.md', 1, 0],
      ['café.txt', 'modified', 'café.txt', 'café.txt', 1, 1],
      ['crlf.txt', 'modified', 'crlf.txt', 'crlf.txt', 1, 1],
      ['gone.txt', 'deleted', 'gone.txt', undefined, 0, 1],
      ['img.bin', 'modified', 'img.bin', 'img.bin', 0, 0],
      ['my file.txt', 'modified', 'my file.txt', 'my file.txt', 2, 2],
      ['new-name.ts', 'renamed', 'old-name.ts', 'new-name.ts', 1, 0],
    ]);
    expect(files[4]?.binary).toBe(true);
    expect(files[2]).toMatchObject({ oldMode: '100644', newMode: '100755' });
    expect(files[0]).toMatchObject({ newMode: '100644' });
    expect(files[6]).toMatchObject({ similarity: 82, oldMode: '100644', newMode: '100644' });
  });

  it('numbers lines on both sides and keeps the hunk heading', () => {
    const renamed = parseUnifiedDiff(GIT_DIFF)[6];

    expect(renamed?.hunks[0]).toMatchObject({
      oldStart: 4,
      oldLines: 3,
      newStart: 4,
      newLines: 4,
      heading: 'three',
    });
    expect(renamed?.hunks[0]?.lines).toEqual([
      { type: 'context', content: 'four', oldLine: 4, newLine: 4, noNewlineAtEof: false },
      { type: 'context', content: 'five', oldLine: 5, newLine: 5, noNewlineAtEof: false },
      { type: 'context', content: 'six', oldLine: 6, newLine: 6, noNewlineAtEof: false },
      { type: 'add', content: 'seven', oldLine: undefined, newLine: 7, noNewlineAtEof: false },
    ]);
  });

  it('drops CRs of CRLF lines and marks a missing final newline', () => {
    const files = parseUnifiedDiff(GIT_DIFF);

    expect(files[2]?.hunks[0]?.lines.map((l) => l.content)).toEqual(['line1', 'line2', 'LINE2']);
    const last = files[5]?.hunks[0]?.lines.at(-1);
    expect(last).toMatchObject({ type: 'add', content: 'c', newLine: 3, noNewlineAtEof: true });
  });

  it('parses a diff whose every line ends in CRLF (transported through Windows)', () => {
    const crlf = GIT_DIFF.replace(/\r?\n/g, '\r\n');

    const files = parseUnifiedDiff(crlf);

    expect(files.map((f) => f.path)).toEqual(parseUnifiedDiff(GIT_DIFF).map((f) => f.path));
    expect(files[5]?.hunks[0]?.lines.map((l) => l.content)).toEqual(['a', 'b', 'c', 'B', 'c']);
  });

  it.each([
    {
      name: 'pure rename with spaces (no hunks)',
      diff: 'diff --git a/my file.txt b/your file.txt\nsimilarity index 100%\nrename from my file.txt\nrename to your file.txt\n',
      expected: { oldPath: 'my file.txt', newPath: 'your file.txt', status: 'renamed', similarity: 100 },
    },
    {
      name: 'copy',
      diff: 'diff --git a/a.txt b/b.txt\nsimilarity index 90%\ncopy from a.txt\ncopy to b.txt\n',
      expected: { oldPath: 'a.txt', newPath: 'b.txt', status: 'copied' },
    },
    {
      name: 'mode change only',
      diff: 'diff --git a/run.sh b/run.sh\nold mode 100644\nnew mode 100755\n',
      expected: { path: 'run.sh', status: 'modified', oldMode: '100644', newMode: '100755', hunks: [] },
    },
    {
      name: 'empty file added',
      diff: 'diff --git a/empty b/empty\nnew file mode 100644\nindex 0000000..e69de29\n',
      expected: { path: 'empty', status: 'added', oldPath: undefined, hunks: [] },
    },
    {
      name: 'GIT binary patch (--binary)',
      diff: [
        'diff --git a/img.bin b/img.bin',
        'index 3e3315e1b02129d197721a8a0b56dd88862f454d..cfd533bc0dd4437e51ffdb2febf6303b581c0762 100644',
        'GIT binary patch',
        'literal 5',
        'McmZQzPRh&!00MUbJpcdz',
        '',
        'literal 5',
        'McmZQzO3KUw00MIXJOBUy',
        '',
      ].join('\n'),
      expected: { path: 'img.bin', binary: true, status: 'modified', hunks: [] },
    },
    {
      name: 'binary file deleted',
      diff: 'diff --git a/logo.png b/logo.png\ndeleted file mode 100644\nindex 1234567..0000000\nBinary files a/logo.png and /dev/null differ\n',
      expected: { oldPath: 'logo.png', newPath: undefined, status: 'deleted', binary: true },
    },
    {
      name: 'quoted path with an escaped quote and a tab',
      diff: 'diff --git "a/say \\"hi\\"\\t.txt" "b/say \\"hi\\"\\t.txt"\nnew file mode 100644\n--- /dev/null\n+++ "b/say \\"hi\\"\\t.txt"\n@@ -0,0 +1 @@\n+hi\n',
      expected: { path: 'say "hi"\t.txt', status: 'added' },
    },
    {
      name: 'unicode path written verbatim (core.quotePath=false)',
      diff: 'diff --git a/docs/日本語 メモ.md b/docs/日本語 メモ.md\n--- a/docs/日本語 メモ.md\t\n+++ b/docs/日本語 メモ.md\t\n@@ -1 +1 @@\n-a\n+b\n',
      expected: { path: 'docs/日本語 メモ.md', status: 'modified' },
    },
    {
      name: 'old git "rename old/new" headers',
      diff: 'diff --git a/x b/y\nrename old x\nrename new y\n',
      expected: { oldPath: 'x', newPath: 'y', status: 'renamed' },
    },
  ])('parses $name', ({ diff, expected }) => {
    const files = parseUnifiedDiff(diff);

    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject(expected);
  });

  it('parses plain `diff -u` output with timestamps and several files', () => {
    const diff = [
      '--- lib/old.py\t2024-01-01 10:00:00.000000000 +0000',
      '+++ lib/old.py\t2024-01-02 10:00:00.000000000 +0000',
      '@@ -1,2 +1,2 @@',
      ' import os',
      '-x = 1',
      '+x = 2',
      '--- /dev/null\t1970-01-01 00:00:00.000000000 +0000',
      '+++ lib/new.py\t2024-01-02 10:00:00.000000000 +0000',
      '@@ -0,0 +1 @@',
      '+print("hi")',
    ].join('\n');

    const files = parseUnifiedDiff(diff);

    expect(files.map((f) => [f.path, f.status, f.additions, f.deletions])).toEqual([
      ['lib/old.py', 'modified', 1, 1],
      ['lib/new.py', 'added', 1, 0],
    ]);
  });

  it('ignores a format-patch preamble and signature, and content lines that look like headers', () => {
    const patch = [
      'From 1234 Mon Sep 17 00:00:00 2001',
      'Subject: [PATCH] tweak',
      '',
      '---',
      ' a.md | 2 +-',
      '',
      'diff --git a/a.md b/a.md',
      'index 1..2 100644',
      '--- a/a.md',
      '+++ b/a.md',
      '@@ -1,2 +1,2 @@',
      '--- not a header, a removed "-- " line',
      '+++ not a header, an added "++ " line',
      ' ',
      '-- ',
      '2.43.0',
      '',
    ].join('\n');

    const files = parseUnifiedDiff(patch);

    expect(files).toHaveLength(1);
    expect(files[0]?.hunks[0]?.lines.map((l) => [l.type, l.content])).toEqual([
      ['del', '-- not a header, a removed "-- " line'],
      ['add', '++ not a header, an added "++ " line'],
      ['context', ''],
    ]);
  });

  it('accepts a context line whose leading space was stripped', () => {
    const diff = 'diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1,3 +1,3 @@\n x\n\n-y\n+z\n';

    const lines = parseUnifiedDiff(diff)[0]?.hunks[0]?.lines;

    expect(lines?.map((l) => [l.type, l.content, l.oldLine, l.newLine])).toEqual([
      ['context', 'x', 1, 1],
      ['context', '', 2, 2],
      ['del', 'y', 3, undefined],
      ['add', 'z', undefined, 3],
    ]);
  });

  it('returns no files for empty input', () => {
    expect(parseUnifiedDiff('')).toEqual([]);
    expect(parseUnifiedDiff('just a commit message\n')).toEqual([]);
  });

  it.each([
    {
      name: 'a truncated hunk',
      diff: 'diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1,3 +1,3 @@\n x\n-y\ndiff --git a/b b/b\n',
      message: /incomplete: expected 1 more old and 2 more new line\(s\) \(diff line 7\)/,
      line: 7,
    },
    {
      name: 'a malformed hunk header',
      diff: 'diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -x +1 @@\n+y\n',
      message: /Malformed hunk header "@@ -x \+1 @@" \(diff line 4\)/,
      line: 4,
    },
    {
      name: 'an unterminated quoted path',
      diff: 'diff --git "a/x b/x\n',
      message: /Unterminated quoted path \(diff line 1\)/,
      line: 1,
    },
    {
      name: 'a combined merge diff',
      diff: 'diff --cc file.txt\nindex 1,2..3\n',
      message: /Combined diffs/,
      line: 1,
    },
  ])('throws a located DiffParseError for $name', ({ diff, message, line }) => {
    const act = () => parseUnifiedDiff(diff);

    expect(act).toThrow(DiffParseError);
    expect(act).toThrow(message);
    try {
      act();
    } catch (error) {
      expect((error as DiffParseError).line).toBe(line);
    }
  });

  it('round-trips through renderDiff (index lines, hence unchanged modes, are not rendered)', () => {
    const files = parseUnifiedDiff(GIT_DIFF);
    const withoutUnchangedModes = (f: DiffFile) =>
      f.oldMode === f.newMode && (f.status === 'modified' || f.status === 'renamed')
        ? { ...f, oldMode: undefined, newMode: undefined }
        : f;

    const again = parseUnifiedDiff(renderDiff(files));

    expect(again.map(withoutUnchangedModes)).toEqual(files.map(withoutUnchangedModes));
  });
});
