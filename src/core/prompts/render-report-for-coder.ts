/**
 * Renders a FailureReport as compact plain text for the coder's repair prompt.
 *
 * Why not the Markdown renderer of the check run: the model needs the facts (file, line, code,
 * message, failing test, expected/actual, a few raw lines) in as few tokens as possible, not
 * tables and headings for humans. The output is hard-capped and says when it was cut.
 */
import type { FailureReport, Finding } from '../../contracts/failure-report.ts';

const EXCERPT_MAX_LINES = 12;
const EXCERPT_MAX_CHARS = 1_500;
// A generic finding carries raw output no condenser recognised: it is the only evidence, so it
// may be longer.
const GENERIC_EXCERPT_MAX_LINES = 60;
const GENERIC_EXCERPT_MAX_CHARS = 4_000;

/**
 * Renders the report in at most `maxChars` characters (default 12,000). Never cuts a line in
 * the middle: whole findings are dropped from the end and the text says how many.
 */
export function renderReportForCoder(report: FailureReport, options: { maxChars?: number } = {}): string {
  const maxChars = options.maxChars ?? 12_000;
  const head: string[] = [];
  const command = report.command === undefined ? 'The verification' : `\`${report.command}\``;
  const exit = report.exitCode === undefined ? '' : ` (exit code ${report.exitCode})`;
  head.push(`${command} ${report.conclusion === 'failure' ? 'failed' : 'passed'}${exit}.`);
  if (report.tools.length > 0) head.push(`Tools seen in the log: ${report.tools.join(', ')}.`);
  if (report.testCounts) {
    const t = report.testCounts;
    head.push(
      `Tests: ${t.failed} failed, ${t.passed} passed, ${t.skipped} skipped${t.total === undefined ? '' : ` of ${t.total}`}.`,
    );
  }
  if (report.findings.length === 0) {
    head.push('No specific error was recognised in the output; the command exited with an error.');
  }

  const tail: string[] = [];
  for (const dropped of report.dropped) {
    tail.push(
      `(+${dropped.count} more ${dropped.tool} ${dropped.kind} findings in ${dropped.files} files not shown)`,
    );
  }
  if (report.truncated) tail.push('(the report was truncated by the condenser)');

  const findings = report.findings.map((finding, index) => renderFinding(finding, index + 1));
  let body = [...head, '', ...findings].join('\n');
  let shown = findings.length;
  const budget = maxChars - tail.join('\n').length - 80;
  while (body.length > budget && shown > 0) {
    shown -= 1;
    body = [...head, '', ...findings.slice(0, shown)].join('\n');
  }
  const omitted = findings.length - shown;
  const lines = [body.trimEnd()];
  if (omitted > 0) lines.push(`(${omitted} more findings omitted to fit the prompt)`);
  lines.push(...tail);
  const text = lines.join('\n');
  // Head lines alone can exceed a tiny cap; cut at a line boundary as a last resort.
  if (text.length <= maxChars) return text;
  const cut = text.slice(0, maxChars - 20);
  return `${cut.slice(0, Math.max(0, cut.lastIndexOf('\n')))}\n(report cut)`;
}

function renderFinding(finding: Finding, n: number): string {
  const where =
    finding.file === undefined
      ? ''
      : `${finding.file}${finding.line === undefined ? '' : `:${finding.line}`}${finding.column === undefined ? '' : `:${finding.column}`} `;
  const code = finding.code === undefined ? '' : `${finding.code} `;
  const repeat = finding.occurrences > 1 ? ` (×${finding.occurrences})` : '';
  const lines = [`${n}. [${finding.kind}, ${finding.tool}] ${where}${code}${finding.message}${repeat}`];
  if (finding.testName !== undefined) lines.push(`   test: ${finding.testName}`);
  if (finding.expected !== undefined) lines.push(`   expected: ${oneLine(finding.expected)}`);
  if (finding.actual !== undefined) lines.push(`   actual: ${oneLine(finding.actual)}`);
  if (finding.packages !== undefined && finding.packages.length > 0)
    lines.push(`   packages: ${finding.packages.join(', ')}`);
  if (finding.frames !== undefined && finding.frames.length > 0)
    lines.push(`   at: ${finding.frames.slice(0, 3).join(' < ')}`);
  if (finding.excerpt !== undefined && finding.excerpt.trim() !== '') {
    const generic = finding.kind === 'generic';
    const maxLines = generic ? GENERIC_EXCERPT_MAX_LINES : EXCERPT_MAX_LINES;
    const maxChars = generic ? GENERIC_EXCERPT_MAX_CHARS : EXCERPT_MAX_CHARS;
    let excerpt = finding.excerpt.split('\n').slice(0, maxLines).join('\n');
    if (excerpt.length > maxChars) excerpt = `${excerpt.slice(0, maxChars)}…`;
    lines.push(...excerpt.split('\n').map((line) => `   | ${line}`));
  }
  return lines.join('\n');
}

function oneLine(text: string): string {
  const flat = text.replace(/\s*\n\s*/g, ' ⏎ ');
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}
