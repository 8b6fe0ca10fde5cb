/**
 * Builds one FailureReport from the outputs of every condenser that ran over a log:
 * paths made repo-relative, foreign stack frames dropped, duplicates merged, cascades cut to
 * their first few root causes, findings capped per tool and in total with `dropped` totals,
 * test counts summed. Pure.
 */
import type { DroppedFindings, Finding, FailureReport, TestCounts } from '../contracts/failure-report.ts';
import { addCounts } from './finding.ts';
import { normalizeRoot, relativizePath, relativizeText } from './normalize.ts';
import type { CondenserOutput } from './types.ts';

/** Default total number of findings in a report. */
export const DEFAULT_MAX_FINDINGS = 30;
/** Default number of findings one tool may contribute. */
export const DEFAULT_MAX_FINDINGS_PER_TOOL = 10;
/** Identical-message findings at different places kept before the rest count as dropped. */
const MAX_SAME_MESSAGE = 3;

/** What one condenser contributed. */
export interface ReportPart {
  readonly tool: string;
  readonly output: CondenserOutput;
  /** Findings of fallback parts count only when no other part found anything. */
  readonly fallback?: boolean;
}

export interface BuildReportOptions {
  command?: string | undefined;
  exitCode?: number | undefined;
  repoRoot?: string | undefined;
  maxFindings?: number | undefined;
  maxFindingsPerTool?: number | undefined;
  source?: FailureReport['source'] | undefined;
  /** Set when the input itself was cut (over-long lines). */
  inputTruncated?: boolean | undefined;
}

// Frames that are not the repo's own code, in any ecosystem the condensers cover.
const FOREIGN_FRAME =
  /node_modules\/|\bnode:internal\b|\(node:|\(internal\/|^\s*at internal\/|site-packages\/|dist-packages\/|\/usr\/lib\/|\/usr\/local\/lib\/|java\.base\/|\/rustc\/[0-9a-f]+\/|\.cargo\/registry\/|\/go\/pkg\/mod\/|\/usr\/local\/go\/src\//;

function normalizeFinding(finding: Finding, root: string): Finding {
  const out: Finding = { ...finding, message: relativizeText(finding.message, root) };
  if (finding.file !== undefined) {
    const file = relativizePath(finding.file, root);
    if (file) out.file = file;
    else delete out.file;
  }
  if (finding.frames) {
    const frames = finding.frames
      .map((frame) => relativizeText(frame.replace(/\\/g, '/'), root))
      .filter((frame) => !FOREIGN_FRAME.test(frame));
    if (frames.length > 0) out.frames = frames;
    else delete out.frames;
  }
  if (finding.excerpt !== undefined) out.excerpt = relativizeText(finding.excerpt, root);
  if (finding.testName !== undefined) out.testName = relativizeText(finding.testName, root);
  return out;
}

function identityKey(f: Finding): string {
  return [f.tool, f.kind, f.severity, f.file, f.line, f.column, f.code, f.message, f.testName].join('\u0000');
}

function cascadeKey(f: Finding): string {
  return [f.tool, f.kind, f.severity, f.code, f.message].join('\u0000');
}

interface DropTally {
  tool: string;
  kind: Finding['kind'];
  count: number;
  files: Set<string>;
  extraFiles: number;
}

/** Builds the report. `parts` in registry order; tools are ordered by their first log line. */
export function buildFailureReport(
  parts: readonly ReportPart[],
  options: BuildReportOptions = {},
): FailureReport {
  const root = normalizeRoot(options.repoRoot);
  const maxFindings = Math.max(1, Math.floor(options.maxFindings ?? DEFAULT_MAX_FINDINGS));
  const maxPerTool = Math.max(1, Math.floor(options.maxFindingsPerTool ?? DEFAULT_MAX_FINDINGS_PER_TOOL));

  const seen = parts
    .map((part, index) => ({ part, index }))
    .filter(
      ({ part: { output } }) =>
        output.detected ||
        output.findings.length > 0 ||
        output.testCounts !== undefined ||
        (output.overflow?.length ?? 0) > 0,
    )
    .sort(
      (a, b) =>
        (a.part.output.firstLine ?? Number.MAX_SAFE_INTEGER) -
          (b.part.output.firstLine ?? Number.MAX_SAFE_INTEGER) || a.index - b.index,
    )
    .map(({ part }) => part);
  const primaryHasFindings = seen.some((p) => !p.fallback && p.output.findings.length > 0);
  const used = seen.filter((p) => !p.fallback || (!primaryHasFindings && p.output.findings.length > 0));

  const tallies = new Map<string, DropTally>();
  const drop = (f: Finding): void => {
    const key = `${f.tool}\u0000${f.kind}`;
    let tally = tallies.get(key);
    if (!tally) {
      tally = { tool: f.tool, kind: f.kind, count: 0, files: new Set(), extraFiles: 0 };
      tallies.set(key, tally);
    }
    tally.count += f.occurrences;
    if (f.file) tally.files.add(f.file);
  };

  // 1. Normalise and merge identical findings, per tool in order of appearance.
  const perTool: Finding[][] = [];
  for (const part of used) {
    const byKey = new Map<string, Finding>();
    const cascades = new Map<string, number>();
    const kept: Finding[] = [];
    for (const raw of part.output.findings) {
      const finding = normalizeFinding(raw, root);
      const key = identityKey(finding);
      const existing = byKey.get(key);
      if (existing) {
        existing.occurrences += finding.occurrences;
        continue;
      }
      byKey.set(key, finding);
      // 2. A cascade (one message repeated at many places) keeps its first few places.
      if (finding.kind !== 'test-failure') {
        const ck = cascadeKey(finding);
        const n = (cascades.get(ck) ?? 0) + 1;
        cascades.set(ck, n);
        if (n > MAX_SAME_MESSAGE) {
          drop(finding);
          continue;
        }
      }
      kept.push(finding);
    }
    // Errors before warnings; otherwise the tool's own order (root causes first).
    kept.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
    perTool.push(kept);
  }

  // 3. Share the total cap fairly: round-robin one slot at a time, each tool up to its own cap.
  const quota = perTool.map(() => 0);
  let total = 0;
  for (let progress = true; progress && total < maxFindings;) {
    progress = false;
    for (let i = 0; i < perTool.length && total < maxFindings; i++) {
      const available = Math.min(perTool[i]?.length ?? 0, maxPerTool);
      if ((quota[i] ?? 0) < available) {
        quota[i] = (quota[i] ?? 0) + 1;
        total++;
        progress = true;
      }
    }
  }
  const findings: Finding[] = [];
  perTool.forEach((list, i) => {
    const q = quota[i] ?? 0;
    findings.push(...list.slice(0, q));
    for (const f of list.slice(q)) drop(f);
  });

  for (const part of used) {
    for (const o of part.output.overflow ?? []) {
      const key = `${o.tool}\u0000${o.kind}`;
      let tally = tallies.get(key);
      if (!tally) {
        tally = { tool: o.tool, kind: o.kind, count: 0, files: new Set(), extraFiles: 0 };
        tallies.set(key, tally);
      }
      tally.count += o.count;
      // Overflow only has a count of its files, which may overlap the dropped findings' files:
      // the larger of the two is a lower bound of the union, never an over-count.
      tally.extraFiles = Math.max(tally.extraFiles, o.files);
    }
  }
  const dropped: DroppedFindings[] = [...tallies.values()]
    .filter((t) => t.count > 0)
    .map((t) => ({
      tool: t.tool,
      kind: t.kind,
      count: t.count,
      files: Math.max(t.files.size, t.extraFiles),
    }));

  // 4. Test counts summed over every runner.
  let testCounts: TestCounts | undefined;
  for (const part of seen) {
    const c = part.output.testCounts;
    if (!c) continue;
    testCounts = addCounts(testCounts ?? { passed: 0, failed: 0, skipped: 0, total: 0 }, c);
  }

  // 5. Conclusion: a non-zero exit, an error from a real condenser, or a failed test. Fallback
  // findings alone do not fail a run that exited 0 (they guess from structure).
  const hasError =
    findings.some((f) => f.severity === 'error') || dropped.some((d) => !isWarningOnly(d, used));
  const fallbackOnly = used.length > 0 && used.every((p) => p.fallback);
  const failed =
    (options.exitCode !== undefined && options.exitCode !== 0) ||
    (testCounts?.failed ?? 0) > 0 ||
    (hasError && !(fallbackOnly && options.exitCode === 0));

  const command = options.command ?? seen.find((p) => p.output.command)?.output.command;
  const report: FailureReport = {
    schemaVersion: 1,
    conclusion: failed ? 'failure' : 'success',
    tools: [...new Set(seen.filter((p) => !p.fallback || used.includes(p)).map((p) => p.tool))],
    findings: failed ? findings : [],
    dropped: failed ? dropped : [],
    truncated: failed && (dropped.length > 0 || Boolean(options.inputTruncated)),
  };
  if (command) report.command = command;
  if (options.exitCode !== undefined) report.exitCode = options.exitCode;
  if (testCounts) report.testCounts = testCounts;
  if (options.source) report.source = options.source;
  return report;
}

// Dropped tallies do not keep severities; a tool whose kept findings are all warnings is
// treated as warning-only (e.g. ESLint warnings beyond the cap).
function isWarningOnly(d: DroppedFindings, parts: readonly ReportPart[]): boolean {
  const part = parts.find((p) => p.tool === d.tool);
  if (!part) return false;
  const ofKind = part.output.findings.filter((f) => f.kind === d.kind);
  return ofKind.length > 0 && ofKind.every((f) => f.severity === 'warning');
}
