/**
 * Guards on test code: deleted or emptied test files, removed tests, added skip/focus markers,
 * removed or weakened assertions, changed expected values, and lower test counts.
 *
 * Counts are compared across the whole diff, not per file, so a test renamed (same body, new
 * name) or moved to another file (removed here, added there) does not fire; only a net loss does.
 */
import type { TestCounts } from '../../contracts/failure-report.ts';
import type { DiffLine } from '../diff/types.ts';
import { isTestFile } from './classify-path.ts';
import {
  changeBlocks,
  changedLines,
  codeOfLine,
  lineNumber,
  LinePool,
  normalizeLine,
  type FileView,
} from './diff-view.ts';
import { evidenceOf } from './evidence.ts';
import type { PromptPermissions } from './find-prompt-permissions.ts';
import {
  countAssertions,
  countTestDeclarations,
  findTestMarkers,
  literalShape,
  type MarkerKind,
} from './source-patterns.ts';
import type { GuardFinding } from './types.ts';

/** Share of a deleted test file's lines that must reappear elsewhere for it to count as moved. */
const MOVED_SHARE = 0.8;

export function checkTestFiles(
  views: readonly FileView[],
  permissions: PromptPermissions,
): {
  findings: GuardFinding[];
  /** Files already reported as deleted/emptied: excluded from the net counts to avoid double reports. */
  reported: Set<string>;
} {
  const findings: GuardFinding[] = [];
  const reported = new Set<string>();
  const severity = permissions.deleteTests ? 'warn' : 'block';

  for (const view of views) {
    if (!view.isTest) continue;
    const { file } = view;
    const renamedAway =
      file.status === 'renamed' &&
      file.oldPath !== undefined &&
      isTestFile(file.oldPath) &&
      file.newPath !== undefined &&
      !isTestFile(file.newPath);
    if (file.status === 'deleted' || renamedAway) {
      if (file.status === 'deleted' && (file.hunks.length === 0 || movedElsewhere(view, views))) continue;
      const { removed } = changedLines(file.hunks);
      const declarations = removed.filter(
        (l) => countTestDeclarations(codeOfLine(l, view.lang), view.lang) > 0,
      );
      // A file under a test directory with neither test nor assertion is a helper or fixture:
      // worth a look, not a block (CI already fails if tests still need it).
      const helper =
        !renamedAway &&
        declarations.length === 0 &&
        !removed.some((l) => countAssertions(codeOfLine(l, view.lang), view.lang) > 0);
      reported.add(file.path);
      findings.push({
        kind: 'test-file-deleted',
        severity: helper ? 'warn' : severity,
        file: file.oldPath ?? file.path,
        line: undefined,
        message: renamedAway
          ? `Test file ${file.oldPath} was renamed to ${file.newPath}, which the test runner will not pick up`
          : helper
            ? `Test helper ${file.path} was deleted (${removed.length} lines, no test or assertion in it)`
            : `Test file ${file.path} was deleted (${removed.length} lines, ${declarations.length} test declaration(s))`,
        evidence: evidenceOf(declarations.length > 0 ? declarations : removed),
      });
      continue;
    }
    if (file.status === 'modified' || file.status === 'renamed') {
      const emptied = emptiedEvidence(view);
      if (emptied) {
        reported.add(file.path);
        findings.push({
          kind: 'test-file-emptied',
          severity,
          file: file.path,
          line: undefined,
          message: `Test file ${file.path} no longer contains any test`,
          evidence: evidenceOf(emptied),
        });
      }
    }
  }
  return { findings, reported };
}

/** True when most of a deleted test file's lines were added back to test code elsewhere in the diff. */
function movedElsewhere(view: FileView, views: readonly FileView[]): boolean {
  const { removed } = changedLines(view.file.hunks);
  const meaningful = removed.map((l) => normalizeLine(l.content)).filter((l) => l.length > 3);
  if (meaningful.length === 0) return false;
  const pool = new LinePool();
  for (const other of views) {
    // Moved into test code only: tests pasted into a source file no longer run.
    if (other === view) continue;
    for (const line of changedLines(other.testHunks).added) pool.add(line.content);
  }
  const found = meaningful.filter((line) => pool.take(line)).length;
  return found / meaningful.length >= MOVED_SHARE;
}

/**
 * A test file is emptied when its new side is empty, or when one hunk covers it from line 1 to
 * its end (fewer than 3 trailing context lines: git's default context reached the end of the
 * file), it removed test declarations, and none is left in the new version.
 */
function emptiedEvidence(view: FileView): DiffLine[] | undefined {
  const { file, lang } = view;
  if (file.hunks.length === 0) return undefined;
  const { removed } = changedLines(file.hunks);
  const removedDecl = removed.filter((l) => countTestDeclarations(codeOfLine(l, lang), lang) > 0);
  if (removedDecl.length === 0) return undefined;
  const newLinesTotal = file.hunks.reduce((sum, h) => sum + h.newLines, 0);
  if (newLinesTotal === 0) return removedDecl;
  if (file.hunks.length !== 1) return undefined;
  const hunk = file.hunks[0];
  if (hunk === undefined || hunk.oldStart > 1) return undefined;
  let trailingContext = 0;
  for (let i = hunk.lines.length - 1; i >= 0 && hunk.lines[i]?.type === 'context'; i--) trailingContext++;
  if (trailingContext >= 3) return undefined;
  const remaining = hunk.lines.filter((l) => l.type !== 'del');
  const declLeft = remaining.some((l) => countTestDeclarations(codeOfLine(l, lang), lang) > 0);
  return declLeft ? undefined : removedDecl;
}

interface Tally {
  view: FileView;
  removed: DiffLine[];
  added: DiffLine[];
  net: number;
}

/** Net change of something countable (test declarations, assertions) in the test code of each file. */
function tally(
  views: readonly FileView[],
  exclude: ReadonlySet<string>,
  count: (code: string, view: FileView) => number,
): { total: number; files: Tally[] } {
  const files: Tally[] = [];
  let total = 0;
  for (const view of views) {
    if (view.testHunks.length === 0 || exclude.has(view.file.path)) continue;
    const removed: DiffLine[] = [];
    const added: DiffLine[] = [];
    let net = 0;
    for (const hunk of view.testHunks) {
      for (const line of hunk.lines) {
        if (line.type === 'context') continue;
        const n = count(codeOfLine(line, view.lang), view);
        if (n === 0) continue;
        if (line.type === 'add') {
          added.push(line);
          net += n;
        } else {
          removed.push(line);
          net -= n;
        }
      }
    }
    total += net;
    files.push({ view, removed, added, net });
  }
  return { total, files };
}

/** Removed lines that were not simply re-added unchanged in the same file (re-indented, moved). */
function reallyRemoved(t: Tally): DiffLine[] {
  const pool = new LinePool();
  for (const line of t.added) pool.add(line.content);
  return t.removed.filter((line) => !pool.take(line.content));
}

export function checkRemovedTests(
  views: readonly FileView[],
  reported: ReadonlySet<string>,
  permissions: PromptPermissions,
): GuardFinding[] {
  const { total, files } = tally(views, reported, (code, v) => countTestDeclarations(code, v.lang));
  if (total >= 0) return [];
  return files
    .filter((t) => t.net < 0)
    .map((t) => {
      const lines = reallyRemoved(t);
      const shown = lines.length > 0 ? lines : t.removed;
      return {
        kind: 'test-removed' as const,
        severity: permissions.deleteTests ? ('warn' as const) : ('block' as const),
        file: t.view.path,
        line: shown[0] === undefined ? undefined : lineNumber(shown[0]),
        message: `${-t.net} test(s) removed from ${t.view.path} and not added back elsewhere in the diff`,
        evidence: evidenceOf(shown),
      };
    });
}

export function checkAssertions(views: readonly FileView[], reported: ReadonlySet<string>): GuardFinding[] {
  const { total, files } = tally(views, reported, (code, v) => countAssertions(code, v.lang));
  if (total >= 0) return [];
  return files
    .filter((t) => t.net < 0)
    .map((t) => {
      const lines = reallyRemoved(t);
      const shown = lines.length > 0 ? lines : t.removed;
      // Pure removal blocks; a rewrite that ends with fewer assertions is a weakening the judge weighs.
      const rewritten = t.added.length > 0;
      return {
        kind: 'assertions-removed' as const,
        severity: rewritten ? ('warn' as const) : ('block' as const),
        file: t.view.path,
        line: shown[0] === undefined ? undefined : lineNumber(shown[0]),
        message: rewritten
          ? `${t.view.path} has ${-t.net} fewer assertion(s) after the change (assertions rewritten, fewer remain)`
          : `${-t.net} assertion(s) removed from ${t.view.path} and not added back elsewhere in the diff`,
        evidence: evidenceOf(shown),
      };
    });
}

/** Snapshot and golden files: recorded expected output that a test compares against. */
function isGoldenFile(path: string): boolean {
  return (
    /(?:^|\/)__snapshots__\/.+\.snap$/.test(path) ||
    /(?:^|\/)testdata\/.+\.golden$/.test(path) ||
    /\.golden(?:\.\w+)?$/.test(path) ||
    /\.approved\.\w+$/.test(path) ||
    /(?:^|\/)snapshots\/.+\.snap(?:\.new)?$/.test(path)
  );
}

const EXPECTED_NAME = /\b(?:want|wanted|expected|expect|exp|golden|snapshot)\w*\s*(?::=|=|:)/i;

/**
 * An assertion whose structure is unchanged but whose literal values changed: the classic
 * "update the expected value to match the new output". Warn only: migrations sometimes must.
 */
export function checkExpectedValues(views: readonly FileView[]): GuardFinding[] {
  const findings: GuardFinding[] = [];
  for (const view of views) {
    if (isGoldenFile(view.path) && view.file.status !== 'added' && view.file.deletions > 0) {
      const { removed, added } = changedLines(view.file.hunks);
      findings.push({
        kind: 'expected-value-changed',
        severity: 'warn',
        file: view.path,
        line: removed[0] === undefined ? undefined : lineNumber(removed[0]),
        message: `Recorded expected output (snapshot/golden file) ${view.path} was updated: check that the new output is right`,
        evidence: evidenceOf([...removed.slice(0, 2), ...added.slice(0, 2)]),
      });
      continue;
    }
    for (const hunk of view.testHunks) {
      for (const block of changeBlocks(hunk)) {
        for (const [removed, added] of pairByShape(block.removed, block.added)) {
          const code = codeOfLine(removed, view.lang);
          if (countAssertions(code, view.lang) === 0 && !EXPECTED_NAME.test(removed.content)) continue;
          findings.push({
            kind: 'expected-value-changed',
            severity: 'warn',
            file: view.path,
            line: lineNumber(added),
            message: `An expected value changed in an otherwise unchanged assertion in ${view.path}`,
            evidence: evidenceOf([removed, added]),
          });
        }
      }
    }
  }
  return findings;
}

/** Pairs removed/added lines with the same literal shape but different literals. */
function pairByShape(removed: readonly DiffLine[], added: readonly DiffLine[]): [DiffLine, DiffLine][] {
  const pairs: [DiffLine, DiffLine][] = [];
  const used = new Set<number>();
  const addedShapes = added.map((a) => literalShape(a.content));
  for (const r of removed) {
    const rs = literalShape(r.content);
    if (rs.literals.length === 0) continue;
    const index = addedShapes.findIndex(
      (as, i) =>
        !used.has(i) && as.shape === rs.shape && as.literals.join('\u0000') !== rs.literals.join('\u0000'),
    );
    if (index < 0) continue;
    used.add(index);
    pairs.push([r, added[index] as DiffLine]);
  }
  return pairs;
}

/**
 * Skip and focus markers ADDED by the diff (a context line is never added; a marker removed in
 * one place and added in another — a moved or renamed test — cancels out).
 */
export function checkMarkers(views: readonly FileView[], permissions: PromptPermissions): GuardFinding[] {
  interface Hit {
    view: FileView;
    line: DiffLine;
    kind: MarkerKind;
  }
  const added = new Map<string, Hit[]>();
  const removedCount = new Map<string, number>();
  const removedPool = new LinePool();
  for (const view of views) {
    // Rust's #[ignore] is unambiguous anywhere; other markers only mean "skip" in test code.
    const hunks = view.isTest ? view.file.hunks : view.lang === 'rust' ? view.file.hunks : [];
    for (const hunk of hunks) {
      for (const line of hunk.lines) {
        if (line.type === 'context') continue;
        for (const marker of findTestMarkers(codeOfLine(line, view.lang), view.lang)) {
          if (line.type === 'del') {
            removedCount.set(marker.id, (removedCount.get(marker.id) ?? 0) + 1);
            removedPool.add(line.content);
          } else {
            const hits = added.get(marker.id) ?? [];
            hits.push({ view, line, kind: marker.kind });
            added.set(marker.id, hits);
          }
        }
      }
    }
  }
  const findings: GuardFinding[] = [];
  for (const [id, hits] of added) {
    const excess = hits.length - (removedCount.get(id) ?? 0);
    if (excess <= 0) continue;
    // Prefer reporting lines that have no identical removed counterpart (those are the new ones).
    const fresh = hits.filter((h) => !removedPool.has(h.line.content));
    const chosen = [...fresh, ...hits.filter((h) => !fresh.includes(h))].slice(0, excess);
    for (const hit of chosen) {
      const focus = hit.kind === 'focus';
      findings.push({
        kind: focus ? 'test-focused' : 'test-skipped',
        severity: focus || !permissions.skipTests ? 'block' : 'warn',
        file: hit.view.path,
        line: lineNumber(hit.line),
        message: focus
          ? `A focus marker was added in ${hit.view.path}: only the focused tests will run`
          : `A test was skipped or disabled in ${hit.view.path}`,
        evidence: evidenceOf([hit.line]),
      });
    }
  }
  return findings;
}

/** Fewer tests run on the head than on the base, or more skipped (from the reports' test counts). */
export function checkTestCounts(
  counts: { base?: TestCounts; head?: TestCounts } | undefined,
  permissions: PromptPermissions,
): GuardFinding[] {
  const base = counts?.base;
  const head = counts?.head;
  if (base === undefined || head === undefined) return [];
  const findings: GuardFinding[] = [];
  const ran = (c: TestCounts) => c.passed + c.failed;
  const describe = (c: TestCounts) =>
    `${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped${c.total === undefined ? '' : `, ${c.total} total`}`;
  const evidence = `base: ${describe(base)}\nhead: ${describe(head)}`;
  const totalDropped = base.total !== undefined && head.total !== undefined && head.total < base.total;
  if (ran(head) < ran(base) || totalDropped) {
    findings.push({
      kind: 'test-count-dropped',
      severity: permissions.deleteTests || permissions.skipTests ? 'warn' : 'block',
      file: undefined,
      line: undefined,
      message:
        ran(head) < ran(base)
          ? `${ran(base) - ran(head)} fewer test(s) ran on the PR than on its base (${ran(head)} vs ${ran(base)})`
          : `The PR's test suite is smaller than its base's (${head.total} vs ${base.total} tests)`,
      evidence,
    });
  }
  if (head.skipped > base.skipped) {
    findings.push({
      kind: 'skipped-count-rose',
      severity: permissions.skipTests ? 'warn' : 'block',
      file: undefined,
      line: undefined,
      message: `${head.skipped - base.skipped} more test(s) skipped on the PR than on its base`,
      evidence,
    });
  }
  return findings;
}
