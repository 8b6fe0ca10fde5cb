/**
 * TEMPORARY test-only stand-in for the Condense API (src/condense/condense.ts, registry.ts,
 * src/contracts/render-failure-report.ts) until h/condense lands on main. Recognises tsc-style
 * errors and node:test summaries only. Delete once the real modules are merged.
 */
import type { FailureReport, Finding } from '../../src/contracts/failure-report.ts';

interface ShimOptions {
  tools?: 'auto' | string[];
  command?: string;
  exitCode?: number;
  repoRoot?: string;
  maxFindings?: number;
}

export function createCondenseSession(options: ShimOptions = {}) {
  const decoder = new TextDecoder();
  let partial = '';
  const findings: Finding[] = [];
  let dropped = 0;
  let pass: number | undefined;
  let fail: number | undefined;
  const max = options.maxFindings ?? 30;
  const onLine = (line: string) => {
    const tsc = /^(.+)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(line);
    if (tsc) {
      let file = tsc[1] as string;
      if (options.repoRoot && file.startsWith(`${options.repoRoot}/`))
        file = file.slice(options.repoRoot.length + 1);
      if (findings.length >= max) {
        dropped += 1;
        return;
      }
      findings.push({
        kind: 'type-error',
        tool: 'tsc',
        file,
        line: Number(tsc[2]),
        column: Number(tsc[3]),
        code: tsc[4],
        severity: 'error',
        message: tsc[5] as string,
        occurrences: 1,
      });
    }
    const count = /^# (pass|fail) (\d+)$/.exec(line);
    if (count?.[1] === 'pass') pass = Number(count[2]);
    if (count?.[1] === 'fail') fail = Number(count[2]);
  };
  return {
    push(chunk: string | Uint8Array) {
      partial += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    },
    finish(): FailureReport {
      if (partial) onLine(partial);
      return {
        schemaVersion: 1,
        conclusion: findings.length > 0 || (options.exitCode ?? 0) !== 0 ? 'failure' : 'success',
        tools: [...(findings.length > 0 ? ['tsc'] : []), ...(pass !== undefined ? ['node-test'] : [])],
        findings,
        dropped: dropped > 0 ? [{ tool: 'tsc', kind: 'type-error', count: dropped, files: 1 }] : [],
        ...(pass !== undefined ? { testCounts: { passed: pass, failed: fail ?? 0, skipped: 0 } } : {}),
        truncated: false,
      };
    },
  };
}

export const condenserFactories = [
  { tool: 'tsc', description: 'shim', create: () => undefined },
  { tool: 'node-test', description: 'shim', create: () => undefined },
];

export function renderFailureReportMarkdown(
  report: FailureReport,
  options: { maxChars?: number } = {},
): string {
  const lines = [
    `### fleetwright: ${report.conclusion}`,
    ...report.findings.map((f) => `- \`${f.file}:${f.line}\` ${f.code ?? ''} ${f.message}`),
  ];
  return lines.join('\n').slice(0, options.maxChars ?? 65_535);
}
