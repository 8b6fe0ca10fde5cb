import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseUnifiedDiff } from '../../../src/core/diff/parse-unified-diff.ts';
import { renderDiff } from '../../../src/core/diff/render-diff.ts';
import type { DiffFile, DiffHunk, DiffLine } from '../../../src/core/diff/types.ts';
import { runGuards } from '../../../src/core/guards/run-guards.ts';
import { DiffParseError } from '../../../src/shared/errors.ts';

/** Path segments with spaces, quotes, backslashes, tabs and non-ASCII, as repositories have them. */
const segment = fc
  .stringMatching(/^[A-Za-z0-9 ._"\\\t\u00e9\u65e5\u{1F600}-]{1,12}$/u)
  .filter((s) => s.trim() === s && s !== '.' && s !== '..');
const path = fc
  .array(segment, { minLength: 1, maxLength: 3 })
  .map((parts) => parts.join('/'))
  .filter((p) => p !== 'dev/null');
/** Line content: anything but line terminators (a trailing CR is not representable). */
const content = fc.stringMatching(/^[^\r\n]{0,30}$/);
const lineType = fc.constantFrom('context', 'add', 'del') as fc.Arbitrary<DiffLine['type']>;

function buildHunks(
  specs: { type: DiffLine['type']; content: string }[][],
  onlyType?: 'add' | 'del',
  noNewlineAtEof = false,
): DiffHunk[] {
  const hunks: DiffHunk[] = [];
  let oldLine = 1;
  let newLine = 1;
  for (const spec of specs) {
    const lines = spec.map((l) => ({ ...l, type: onlyType ?? l.type }));
    if (lines.length === 0) continue;
    const oldStart = onlyType === 'add' ? 0 : oldLine;
    const newStart = onlyType === 'del' ? 0 : newLine;
    const hunk: DiffHunk = { oldStart, oldLines: 0, newStart, newLines: 0, heading: '', lines: [] };
    for (const l of lines) {
      const line: DiffLine = {
        type: l.type,
        content: l.content,
        oldLine: l.type === 'add' ? undefined : oldLine,
        newLine: l.type === 'del' ? undefined : newLine,
        noNewlineAtEof: false,
      };
      if (l.type !== 'add') {
        oldLine++;
        hunk.oldLines++;
      }
      if (l.type !== 'del') {
        newLine++;
        hunk.newLines++;
      }
      hunk.lines.push(line);
    }
    // Parsers number a hunk from its start; keep a gap between hunks like real diffs have.
    oldLine += 5;
    newLine += 5;
    hunks.push(hunk);
  }
  // The hunk header of a count-1 side is printed without the count; starts must match.
  for (const hunk of hunks) {
    if (onlyType === 'add') hunk.oldStart = 0;
    if (onlyType === 'del') hunk.newStart = 0;
  }
  const last = hunks.at(-1)?.lines.at(-1);
  if (last && noNewlineAtEof) last.noNewlineAtEof = true;
  return hunks;
}

const hunkSpecs = fc.array(fc.array(fc.record({ type: lineType, content }), { minLength: 1, maxLength: 8 }), {
  minLength: 1,
  maxLength: 3,
});

const diffFile: fc.Arbitrary<DiffFile> = fc
  .record({
    kind: fc.constantFrom('modified', 'added', 'deleted', 'renamed', 'binary'),
    oldPath: path,
    newPath: path,
    specs: hunkSpecs,
    similarity: fc.integer({ min: 50, max: 100 }),
    noNewline: fc.boolean(),
  })
  .filter((r) => r.kind !== 'renamed' || r.oldPath !== r.newPath)
  .map(({ kind, oldPath, newPath, specs, similarity, noNewline }): DiffFile => {
    const base = { oldMode: undefined, newMode: undefined, similarity: undefined, binary: false } as const;
    const withCounts = (file: Omit<DiffFile, 'additions' | 'deletions'>): DiffFile => {
      const lines = file.hunks.flatMap((h) => h.lines);
      return {
        ...file,
        additions: lines.filter((l) => l.type === 'add').length,
        deletions: lines.filter((l) => l.type === 'del').length,
      };
    };
    switch (kind) {
      case 'added':
        return withCounts({
          ...base,
          oldPath: undefined,
          newPath,
          path: newPath,
          status: 'added',
          newMode: '100644',
          hunks: buildHunks(specs.slice(0, 1), 'add', noNewline),
        });
      case 'deleted':
        return withCounts({
          ...base,
          oldPath,
          newPath: undefined,
          path: oldPath,
          status: 'deleted',
          oldMode: '100644',
          hunks: buildHunks(specs.slice(0, 1), 'del', noNewline),
        });
      case 'renamed':
        return withCounts({
          ...base,
          oldPath,
          newPath,
          path: newPath,
          status: 'renamed',
          similarity,
          hunks: buildHunks(specs, undefined, noNewline),
        });
      case 'binary':
        return withCounts({
          ...base,
          oldPath,
          newPath: oldPath,
          path: oldPath,
          status: 'modified',
          binary: true,
          hunks: [],
        });
      default:
        return withCounts({
          ...base,
          oldPath,
          newPath: oldPath,
          path: oldPath,
          status: 'modified',
          hunks: buildHunks(specs, undefined, noNewline),
        });
    }
  });

describe('core/diff properties', () => {
  it('parse(render(files)) returns the same files', () => {
    fc.assert(
      fc.property(fc.array(diffFile, { maxLength: 4 }), (files) => {
        expect(parseUnifiedDiff(renderDiff(files))).toEqual(files);
      }),
      { numRuns: 300 },
    );
  });

  it('never fails with anything but a DiffParseError on arbitrary text', () => {
    const noise = fc.array(
      fc.oneof(
        fc.constantFrom(
          'diff --git a/x b/x',
          '--- a/x',
          '+++ b/x',
          '@@ -1,2 +1,2 @@',
          '@@ -1 +1 @@',
          ' ctx',
          '-old',
          '+new',
          '\\ No newline at end of file',
          'GIT binary patch',
          'rename from "x',
          'similarity index 90%',
          '',
        ),
        fc.string({ maxLength: 20 }),
      ),
      { maxLength: 30 },
    );
    fc.assert(
      fc.property(noise, (lines) => {
        try {
          parseUnifiedDiff(lines.join('\n'));
        } catch (error) {
          expect(error).toBeInstanceOf(DiffParseError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('runGuards never throws and is deterministic on any parsed diff', () => {
    fc.assert(
      fc.property(fc.array(diffFile, { maxLength: 5 }), fc.string({ maxLength: 60 }), (files, prompt) => {
        const first = runGuards({ files, migrationPrompt: prompt, allowedPaths: ['src/**'] });

        expect(runGuards({ files, migrationPrompt: prompt, allowedPaths: ['src/**'] })).toEqual(first);
        for (const finding of first) expect(['block', 'warn']).toContain(finding.severity);
      }),
      { numRuns: 200 },
    );
  });
});
