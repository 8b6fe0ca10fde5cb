/**
 * Shapes a condensed FailureReport for publishing: records the command and its exit code,
 * makes file paths relative to the repository root, fits the JSON into a check run's
 * `output.text` (65,535 characters), and turns findings into check-run annotations.
 */
import { posix } from 'node:path';
import {
  FailureReport,
  type DroppedFindings,
  type Finding,
  type TestCounts,
} from '#src/contracts/failure-report.ts';
import { cap } from '#src/condense/finding.ts';

/** GitHub's limit for a check run's `output.summary` and `output.text`. */
export const CHECK_OUTPUT_MAX_CHARS = 65_535;

/** What ran and how it ended, recorded into the report. */
export interface CommandOutcome {
  readonly command: string;
  readonly exitCode: number;
}

/**
 * The report of one step, with the step's command and exit code. The conclusion follows the
 * exit code: the command is the judge of success, the condensers only explain a failure.
 */
export function withOutcome(report: FailureReport, outcome: CommandOutcome): FailureReport {
  return {
    ...report,
    command: outcome.command,
    exitCode: outcome.exitCode,
    conclusion: outcome.exitCode === 0 ? 'success' : 'failure',
  };
}

/**
 * Combines the reports of detect mode's steps: the first failing step's findings (the run
 * stopped there), the tools of every step, and test counts summed over all steps.
 */
export function combineStepReports(
  steps: readonly { report: FailureReport; outcome: CommandOutcome }[],
): FailureReport {
  const failing = steps.find((step) => step.outcome.exitCode !== 0);
  const base = failing ?? steps[steps.length - 1];
  if (base === undefined) throw new Error('combineStepReports needs at least one step');
  const tools = [...new Set(steps.flatMap((step) => step.report.tools))];
  let testCounts: TestCounts | undefined;
  for (const { report } of steps) {
    if (!report.testCounts) continue;
    const counts = report.testCounts;
    testCounts = testCounts
      ? {
          passed: testCounts.passed + counts.passed,
          failed: testCounts.failed + counts.failed,
          skipped: testCounts.skipped + counts.skipped,
          ...(testCounts.total !== undefined && counts.total !== undefined
            ? { total: testCounts.total + counts.total }
            : {}),
        }
      : counts;
  }
  const command = failing ? failing.outcome.command : steps.map((step) => step.outcome.command).join(' && ');
  return {
    ...withOutcome(base.report, { command, exitCode: base.outcome.exitCode }),
    tools,
    ...(testCounts ? { testCounts } : {}),
  };
}

/**
 * Maps a finding's file (as the condenser left it: relative to the working directory, or
 * absolute) to a path relative to the workspace root, or `undefined` when it lies outside.
 * `exists` disambiguates tools that print workspace-relative paths from a subdirectory.
 */
export function toWorkspacePath(
  file: string,
  workingDirectory: string,
  exists: (workspaceRelative: string) => boolean,
  workspace: string,
): string | undefined {
  const slashed = file.replace(/\\/g, '/');
  const root = workspace.replace(/\\/g, '/').replace(/\/+$/, '');
  const isAbsolute = slashed.startsWith('/') || /^[A-Za-z]:\//.test(slashed);
  if (isAbsolute) {
    const lowerRoot = root.toLowerCase();
    const windows = /^[A-Za-z]:\//.test(slashed);
    const inside = windows
      ? slashed.toLowerCase().startsWith(`${lowerRoot}/`)
      : slashed.startsWith(`${root}/`);
    return inside ? posix.normalize(slashed.slice(root.length + 1)) : undefined;
  }
  const prefix =
    workingDirectory === '.' || workingDirectory === '' ? '' : workingDirectory.replace(/\/+$/, '');
  const relative = posix.normalize(slashed);
  const inWorkingDir = posix.normalize(prefix === '' ? relative : `${prefix}/${relative}`);
  const outside = (path: string) => path === '..' || path.startsWith('../');
  if (prefix === '') return outside(inWorkingDir) ? undefined : inWorkingDir;
  if (!outside(inWorkingDir) && exists(inWorkingDir)) return inWorkingDir;
  if (!outside(relative) && exists(relative)) return relative;
  return outside(inWorkingDir) ? undefined : inWorkingDir;
}

/** Rewrites every finding's file to be workspace-relative; files outside stay as printed. */
export function relocateFindings(
  report: FailureReport,
  map: (file: string) => string | undefined,
): FailureReport {
  return {
    ...report,
    findings: report.findings.map((finding) => {
      if (finding.file === undefined) return finding;
      const mapped = map(finding.file);
      return mapped === undefined ? finding : { ...finding, file: mapped };
    }),
  };
}

/**
 * Serialises the report so that it fits `maxChars`: first long texts are shortened, then the
 * last findings move to `dropped`. Returns the (possibly reduced) report and its JSON.
 */
export function fitReportJson(
  report: FailureReport,
  maxChars = CHECK_OUTPUT_MAX_CHARS,
): { report: FailureReport; json: string } {
  let current = FailureReport.parse(report);
  let json = JSON.stringify(current);
  if (json.length <= maxChars) return { report: current, json };

  current = {
    ...current,
    truncated: true,
    ...(current.command !== undefined ? { command: cap(current.command, 2000) } : {}),
    findings: current.findings.map((finding) => shortenFinding(finding)),
  };
  json = JSON.stringify(current);
  if (json.length <= maxChars) return { report: current, json };

  // Keep the longest prefix of findings that fits (binary search: each probe is one stringify).
  const shortened = current;
  const withFirst = (count: number): FailureReport => {
    const kept = shortened.findings.slice(0, count);
    return {
      ...shortened,
      findings: kept,
      dropped: addDropped(shortened.dropped, shortened.findings.slice(count)),
    };
  };
  let low = 0;
  let high = shortened.findings.length - 1;
  let best = withFirst(0);
  let bestJson: string | undefined;
  while (low <= high) {
    const middle = Math.floor((low + high) / 2);
    const candidate = withFirst(middle);
    const candidateJson = JSON.stringify(candidate);
    if (candidateJson.length <= maxChars) {
      best = candidate;
      bestJson = candidateJson;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return { report: best, json: bestJson ?? JSON.stringify(best) };
}

function shortenFinding(finding: Finding): Finding {
  const shortened: Finding = { ...finding, message: cap(finding.message, 1000) };
  for (const key of ['excerpt', 'expected', 'actual'] as const) {
    const value = finding[key];
    if (value !== undefined) shortened[key] = cap(value, 1000);
  }
  if (finding.frames) shortened.frames = finding.frames.slice(0, 5).map((frame) => cap(frame, 300));
  if (finding.packages) shortened.packages = finding.packages.slice(0, 20).map((name) => cap(name, 200));
  return shortened;
}

/** Counts `removed` findings into `dropped`, per tool and kind, with their distinct files. */
function addDropped(dropped: readonly DroppedFindings[], removed: readonly Finding[]): DroppedFindings[] {
  const result = dropped.map((entry) => ({ ...entry }));
  const files = new Map<DroppedFindings, Set<string>>();
  for (const finding of removed) {
    let entry = result.find(
      (candidate) => candidate.tool === finding.tool && candidate.kind === finding.kind,
    );
    if (entry === undefined) {
      entry = { tool: finding.tool, kind: finding.kind, count: 0, files: 0 };
      result.push(entry);
    }
    entry.count += 1;
    if (finding.file === undefined) continue;
    const seen = files.get(entry) ?? new Set<string>();
    files.set(entry, seen);
    if (!seen.has(finding.file)) {
      seen.add(finding.file);
      // Files of earlier drops are unknown, so an existing entry's count can only grow.
      entry.files += 1;
    }
  }
  return result;
}

/** A check-run annotation (REST `output.annotations[]`). */
export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: 'failure' | 'warning' | 'notice';
  title?: string;
  message: string;
  raw_details?: string;
}

/** GitHub caps annotation messages and raw details at 64 KB; a few KB is plenty for a reader. */
const ANNOTATION_TEXT_MAX = 4000;
/** Upper bound on annotations per check run, whatever `max-findings` says. */
export const MAX_ANNOTATIONS = 500;

/**
 * One annotation per located finding, deduplicated on path, line, column and message, in
 * report order. Findings without a file or line, or outside the repository, get none.
 */
export function buildAnnotations(findings: readonly Finding[]): Annotation[] {
  const seen = new Set<string>();
  const annotations: Annotation[] = [];
  for (const finding of findings) {
    if (finding.file === undefined || finding.line === undefined) continue;
    if (finding.file.startsWith('/') || finding.file.startsWith('../') || /^[A-Za-z]:/.test(finding.file))
      continue;
    const key = [finding.file, finding.line, finding.column ?? '', finding.message].join('\u0000');
    if (seen.has(key)) continue;
    seen.add(key);
    const title = [finding.tool, finding.code, finding.testName].filter(Boolean).join(' ');
    const details = [
      finding.expected !== undefined ? `Expected: ${finding.expected}` : undefined,
      finding.actual !== undefined ? `Actual: ${finding.actual}` : undefined,
      finding.frames?.length ? finding.frames.join('\n') : undefined,
      finding.excerpt,
    ]
      .filter((part): part is string => part !== undefined && part !== '')
      .join('\n\n');
    annotations.push({
      path: finding.file,
      start_line: finding.line,
      end_line: finding.line,
      // Columns are only allowed when the annotation spans one line, which ours always do.
      ...(finding.column !== undefined ? { start_column: finding.column, end_column: finding.column } : {}),
      annotation_level: finding.severity === 'warning' ? 'warning' : 'failure',
      ...(title !== '' ? { title: cap(title, 255) } : {}),
      message:
        cap(finding.message, ANNOTATION_TEXT_MAX) +
        (finding.occurrences > 1 ? ` (×${finding.occurrences})` : ''),
      ...(details !== '' ? { raw_details: cap(details, ANNOTATION_TEXT_MAX) } : {}),
    });
    if (annotations.length >= MAX_ANNOTATIONS) break;
  }
  return annotations;
}

/** The check run's title: what failed, or the test counts of a green run. */
export function renderCheckRunTitle(report: FailureReport): string {
  const tests = report.testCounts;
  const testText = tests
    ? `${tests.passed} passed, ${tests.failed} failed${tests.skipped > 0 ? `, ${tests.skipped} skipped` : ''}`
    : undefined;
  if (report.conclusion === 'success') return testText ? `Passed: ${testText}` : 'Passed';
  const findings = report.findings.length + report.dropped.reduce((sum, entry) => sum + entry.count, 0);
  const head = `Failed${report.exitCode !== undefined ? ` (exit code ${report.exitCode})` : ''}`;
  const what =
    findings > 0
      ? `${findings} finding${findings === 1 ? '' : 's'}${report.tools.length > 0 ? ` from ${report.tools.join(', ')}` : ''}`
      : 'no specific errors recognised';
  return cap(`${head}: ${what}${testText ? `; tests ${testText}` : ''}`, 255);
}
