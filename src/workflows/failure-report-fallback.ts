/**
 * The failure report when a repository's CI lacks the companion Action (shared/DESIGN.md §3.4):
 * 1. the failed jobs' logs (Actions API), condensed with the same condensers as the Action;
 * 2. otherwise, for third-party CI without logs, the failed check runs' output and the failing
 *    statuses' descriptions, one generic finding each.
 * Reports from several jobs are merged and capped, so the coder always gets a bounded input.
 */
import { condenseText } from '../condense/condense.ts';
import type { Finding, FailureReport } from '../contracts/failure-report.ts';
import type { CiSnapshot, GitHost, RepoRef } from '../ports/git-host.ts';

/** Findings kept in a merged report (the Action's own default cap). */
export const MAX_MERGED_FINDINGS = 30;
const MAX_MESSAGE = 500;

/** Merges per-job reports: findings in job order up to the cap, the rest counted in `dropped`. */
export function mergeFailureReports(
  reports: readonly FailureReport[],
  source: FailureReport['source'],
): FailureReport {
  const findings: Finding[] = [];
  const dropped = new Map<
    string,
    { tool: string; kind: Finding['kind']; count: number; files: Set<string> }
  >();
  for (const report of reports) {
    for (const finding of report.findings) {
      if (findings.length < MAX_MERGED_FINDINGS) {
        findings.push(finding);
        continue;
      }
      const key = `${finding.tool}\u0000${finding.kind}`;
      const entry = dropped.get(key) ?? {
        tool: finding.tool,
        kind: finding.kind,
        count: 0,
        files: new Set<string>(),
      };
      entry.count += finding.occurrences;
      if (finding.file) entry.files.add(finding.file);
      dropped.set(key, entry);
    }
  }
  const tools = [...new Set(reports.flatMap((report) => report.tools))];
  const counted = reports.flatMap((report) => (report.testCounts ? [report.testCounts] : []));
  const testCounts =
    counted.length === 0
      ? undefined
      : counted.reduce((sum, counts) => ({
          passed: sum.passed + counts.passed,
          failed: sum.failed + counts.failed,
          skipped: sum.skipped + counts.skipped,
        }));
  return {
    schemaVersion: 1,
    conclusion: 'failure',
    tools,
    findings,
    dropped: [
      ...reports.flatMap((report) => report.dropped),
      ...[...dropped.values()].map((entry) => ({
        tool: entry.tool,
        kind: entry.kind,
        count: entry.count,
        files: entry.files.size,
      })),
    ],
    ...(testCounts ? { testCounts } : {}),
    truncated: dropped.size > 0 || reports.some((report) => report.truncated),
    ...(source ? { source } : {}),
  };
}

/** Findings from failed check runs' output and failing statuses (third-party CI without logs). */
export function buildReportFromChecks(snapshot: CiSnapshot, failing: readonly string[]): FailureReport {
  const names = new Set(failing);
  const findings: Finding[] = [];
  for (const run of snapshot.checkRuns) {
    if (!names.has(run.name)) continue;
    const text = [run.output.title, run.output.summary, run.output.text].find(
      (part) => part && part.trim() !== '',
    );
    findings.push(
      genericFinding(
        run.name,
        text ?? `check run ${run.name} concluded ${run.conclusion ?? 'without a conclusion'}`,
      ),
    );
  }
  for (const status of snapshot.statuses) {
    if (!names.has(status.context) || findings.some((finding) => finding.tool === status.context)) continue;
    findings.push(
      genericFinding(status.context, status.description ?? `status ${status.context} is ${status.state}`),
    );
  }
  return mergeFailureReports(
    [{ schemaVersion: 1, conclusion: 'failure', tools: [], findings, dropped: [], truncated: false }],
    { producer: 'app-check-output' },
  );
}

function genericFinding(tool: string, text: string): Finding {
  const message =
    text
      .split(/\r?\n/)
      .find((line) => line.trim() !== '')
      ?.trim() ?? text;
  return {
    kind: 'generic',
    tool,
    severity: 'error',
    message: message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 1)}…` : message,
    occurrences: 1,
  };
}

/**
 * The report for a red head without a `fleetwright/report`: condensed job logs when the Actions
 * API has them, else the checks' own output. Never `undefined`: the coder always gets something.
 */
export async function buildFallbackReport(
  host: Pick<GitHost, 'listFailedJobLogs'>,
  ref: RepoRef,
  snapshot: CiSnapshot,
  failing: readonly string[],
): Promise<FailureReport> {
  const logs = await host.listFailedJobLogs(ref, snapshot.sha);
  const reports = logs.map((job) =>
    condenseText(job.log, { source: { producer: 'app-log-fallback', job: job.jobName, runUrl: job.url } }),
  );
  const merged = mergeFailureReports(reports, { producer: 'app-log-fallback' });
  if (merged.findings.length > 0) return merged;
  return buildReportFromChecks(snapshot, failing);
}
