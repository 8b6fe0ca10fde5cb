/**
 * Renders a FailureReport as compact Markdown: the prompt the coder reads and the summary a
 * human sees on the check run. Findings are grouped by tool in report order (root causes
 * first); each shows its location, code, message, test name, expected/received values, the
 * repo's own stack frames and a short excerpt. The output never exceeds `maxChars`: whole
 * findings are left out from the end, and a closing note says how many and that the JSON has
 * them all.
 */
import type { DroppedFindings, FailureReport, Finding, FindingKind } from './failure-report.ts';

/** Default hard cap, in characters: about 2,000 tokens, far under the check-run limit. */
export const DEFAULT_MARKDOWN_MAX_CHARS = 8000;
const EXCERPT_LINES = 8;

const KIND_PLURAL: Record<FindingKind, string> = {
  'compile-error': 'compile errors',
  'type-error': 'type errors',
  'lint-error': 'lint problems',
  'format-error': 'format problems',
  'test-failure': 'failing tests',
  'dependency-error': 'dependency errors',
  'build-error': 'build errors',
  'runtime-error': 'runtime errors',
  timeout: 'timeouts',
  generic: 'errors',
};

/** An inline code span that survives backticks inside the text. */
function code(text: string): string {
  const oneLine = text.replace(/\s*\n\s*/g, ' ');
  let longest = 0;
  for (const run of oneLine.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(longest + 1);
  const pad = oneLine.startsWith('`') || oneLine.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${oneLine}${pad}${fence}`;
}

function fenced(text: string, indent: string): string[] {
  let longest = 2;
  for (const run of text.match(/`{3,}/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(longest + 1);
  let lines = text.split('\n');
  if (lines.length > EXCERPT_LINES) lines = [...lines.slice(0, EXCERPT_LINES), '…'];
  return [`${indent}${fence}`, ...lines.map((l) => `${indent}${l}`), `${indent}${fence}`];
}

function location(f: Finding): string | undefined {
  if (!f.file) return undefined;
  let loc = f.file;
  if (f.line !== undefined) loc += `:${f.line}`;
  if (f.line !== undefined && f.column !== undefined) loc += `:${f.column}`;
  return loc;
}

function renderFinding(f: Finding): string[] {
  const loc = location(f);
  const head: string[] = ['-'];
  if (f.severity === 'warning') head.push('warning');
  if (f.testName !== undefined) {
    head.push(`FAIL ${code(f.testName)}`);
    if (loc) head.push(`at ${code(loc)}`);
  } else if (loc) head.push(code(loc));
  if (f.code) head.push(`**${f.code}**`);
  const lines: string[] = [];
  if (f.testName !== undefined) {
    lines.push(head.join(' '), `  ${code(f.message)}`);
  } else {
    lines.push(`${head.join(' ')} ${code(f.message)}`);
  }
  if (f.occurrences > 1) lines[0] += ` (×${f.occurrences})`;
  if (f.expected !== undefined) lines.push(`  - Expected: ${code(f.expected)}`);
  if (f.actual !== undefined) lines.push(`  - Received: ${code(f.actual)}`);
  if (f.packages && f.packages.length > 0) lines.push(`  - Packages: ${f.packages.map(code).join(', ')}`);
  (f.frames ?? []).forEach((frame, i) => {
    // The first frame usually is the location shown above; do not spend tokens on it twice.
    if (i === 0 && loc !== undefined && frame.trim().replace(/[()]/g, '').endsWith(loc)) return;
    lines.push(`  - ${code(frame.trim())}`);
  });
  if (f.excerpt) lines.push(...fenced(f.excerpt, '  '));
  return lines;
}

function renderDropped(d: DroppedFindings): string {
  const files = d.files > 0 ? ` in ${d.files} file${d.files === 1 ? '' : 's'}` : '';
  return `- +${d.count} more ${d.tool} ${KIND_PLURAL[d.kind]}${files}`;
}

function renderCounts(report: FailureReport): string | undefined {
  const c = report.testCounts;
  if (!c) return undefined;
  const parts = [`${c.failed} failed`, `${c.passed} passed`];
  if (c.skipped > 0) parts.push(`${c.skipped} skipped`);
  return `Tests: ${parts.join(', ')}${c.total !== undefined ? ` (${c.total} total)` : ''}`;
}

/** Cuts one line to `max` characters with a visible marker, never silently. */
function cutLine(line: string, max: number): string {
  return line.length <= max ? line : `${line.slice(0, Math.max(0, max - 12))} …[cut]`;
}

/**
 * Renders the report. `maxChars` (default 8,000, minimum 200) is a hard limit on the returned
 * string's length. A passing report renders as one short line.
 */
export function renderFailureReportMarkdown(
  report: FailureReport,
  options: { maxChars?: number } = {},
): string {
  const maxChars = Math.max(200, Math.floor(options.maxChars ?? DEFAULT_MARKDOWN_MAX_CHARS));
  const exit = report.exitCode !== undefined ? ` (exit code ${report.exitCode})` : '';
  const counts = renderCounts(report);

  if (report.conclusion === 'success') {
    const tests = report.testCounts
      ? ` · ${report.testCounts.passed} tests passed${report.testCounts.skipped > 0 ? `, ${report.testCounts.skipped} skipped` : ''}`
      : '';
    return cutLine(`**CI passed**${exit}${tests}\n`, maxChars);
  }

  const header: string[] = [];
  const title = [`**CI failed**${exit}`];
  if (report.command) title.push(code(report.command));
  if (report.tools.length > 0) title.push(`tools: ${report.tools.join(', ')}`);
  header.push(title.join(' · '));
  if (counts) header.push(counts);

  // Blocks in order: per tool, its findings then its dropped totals; then dropped totals of
  // tools with no kept finding.
  const blocks: { lines: string[]; isFinding: boolean }[] = [];
  const byTool = new Map<string, Finding[]>();
  for (const f of report.findings) {
    const list = byTool.get(f.tool) ?? [];
    list.push(f);
    byTool.set(f.tool, list);
  }
  const tools = [...byTool.keys()];
  for (const d of report.dropped) if (!tools.includes(d.tool)) tools.push(d.tool);
  for (const tool of tools) {
    blocks.push({ lines: ['', `#### ${tool}`], isFinding: false });
    for (const f of byTool.get(tool) ?? []) blocks.push({ lines: renderFinding(f), isFinding: true });
    for (const d of report.dropped.filter((x) => x.tool === tool)) {
      blocks.push({ lines: [renderDropped(d)], isFinding: false });
    }
  }
  if (report.findings.length === 0 && report.dropped.length === 0) {
    blocks.push({
      lines: ['', 'No specific error was recognised in the log; see the full CI log.'],
      isFinding: false,
    });
  }

  // Hard cap: keep whole blocks while they fit with room for the closing note.
  const reserve = 120;
  const out: string[] = header.map((l) => cutLine(l, maxChars - reserve));
  let size = out.reduce((n, l) => n + l.length + 1, 0);
  let shown = 0;
  let cutAt = -1;
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i];
    if (!block) continue;
    const lines = block.lines.map((l) => cutLine(l, maxChars - reserve));
    const blockSize = lines.reduce((n, l) => n + l.length + 1, 0);
    if (size + blockSize > maxChars - reserve) {
      cutAt = i;
      break;
    }
    out.push(...lines);
    size += blockSize;
    if (block.isFinding) shown++;
  }
  if (cutAt !== -1) {
    const hidden = report.findings.length - shown;
    out.push(
      '',
      `_Report cut to ${maxChars} characters: ${hidden} more finding${hidden === 1 ? '' : 's'} not shown; the JSON report has them all._`,
    );
  } else if (report.truncated) {
    out.push('', '_Some findings were left out to keep this short (counts above)._');
  }
  const text = `${out.join('\n')}\n`;
  return text.length <= maxChars ? text : `${text.slice(0, maxChars - 8)}\n…[cut]\n`;
}
