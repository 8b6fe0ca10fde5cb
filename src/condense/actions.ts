/**
 * GitHub Actions' own error channels:
 * - workflow commands a tool printed, `::error file=src/a.ts,line=3,col=5,title=T::message`
 *   (precise, so a primary condenser, tool id 'actions');
 * - `##[error]` lines of a downloaded job log (a failing action, a cancelled or timed-out job),
 *   a fallback used only when no tool-specific condenser found anything (tool id 'actions-log').
 *   "Process completed with exit code N." is not a finding: the dispatcher reads the exit code from it.
 */
import { buildExcerpt, FindingCollector } from './finding.ts';
import type { Condenser, CondenserFactory, CondenserOutput, LogLine } from './types.ts';

const COMMAND = /^::(error|warning)(?: ([^:]*))?::(.*)$/;
const PROCESS_COMPLETED = /^Process completed with exit code -?\d+\.?$/;
const TIMEOUT = /exceeded the maximum execution time|has timed out|timed out after/i;

function unescapeData(value: string): string {
  return value.replace(/%0D/gi, '').replace(/%0A/gi, '\n').replace(/%25/g, '%');
}

function unescapeProperty(value: string): string {
  return unescapeData(value).replace(/%3A/gi, ':').replace(/%2C/gi, ',');
}

/** Parses `::error k=v,…::message`; undefined for other lines. Exported for sample-line tests. */
export function parseWorkflowCommand(
  text: string,
): { severity: 'error' | 'warning'; properties: Record<string, string>; message: string } | undefined {
  const m = COMMAND.exec(text.trim());
  if (!m) return undefined;
  const properties: Record<string, string> = {};
  for (const pair of (m[2] ?? '').split(',')) {
    const eq = pair.indexOf('=');
    if (eq > 0) properties[pair.slice(0, eq).trim()] = unescapeProperty(pair.slice(eq + 1));
  }
  return {
    severity: m[1] === 'warning' ? 'warning' : 'error',
    properties,
    message: unescapeData(m[3] ?? ''),
  };
}

class WorkflowCommandCondenser implements Condenser {
  readonly tool = 'actions';
  private readonly collector = new FindingCollector();
  private firstLine: number | undefined;

  push(line: LogLine): void {
    const parsed = parseWorkflowCommand(line.text);
    if (!parsed) return;
    this.firstLine ??= line.number;
    const lines = parsed.message.split('\n');
    const { file, line: ln, col, title } = parsed.properties;
    this.collector.add({
      kind: 'generic',
      tool: this.tool,
      severity: parsed.severity,
      message: title ? `${title}: ${lines[0] ?? ''}` : (lines[0] ?? ''),
      file,
      line: ln === undefined ? undefined : Number(ln),
      column: col === undefined ? undefined : Number(col),
      excerpt: lines.length > 1 ? buildExcerpt(lines.slice(1)) : undefined,
    });
  }

  finish(): CondenserOutput {
    return this.collector.output(this.tool, this.firstLine);
  }
}

class ActionsLogCondenser implements Condenser {
  readonly tool = 'actions-log';
  private readonly collector = new FindingCollector(50);
  private firstLine: number | undefined;

  push(line: LogLine): void {
    if (line.marker !== 'error') return;
    const text = line.text.trim();
    if (text === '' || PROCESS_COMPLETED.test(text)) return;
    this.firstLine ??= line.number;
    this.collector.add({
      kind: TIMEOUT.test(text) ? 'timeout' : 'generic',
      tool: this.tool,
      message: text,
    });
  }

  finish(): CondenserOutput {
    return {
      detected: this.firstLine !== undefined,
      findings: this.collector.findings,
      ...(this.firstLine !== undefined && { firstLine: this.firstLine }),
    };
  }
}

export const actionsCommandCondenser: CondenserFactory = {
  tool: 'actions',
  description: 'GitHub Actions workflow commands (::error file=…::message)',
  trigger: /^\s*::(?:error|warning)[ :]/,
  create: () => new WorkflowCommandCondenser(),
};

export const actionsLogCondenser: CondenserFactory = {
  tool: 'actions-log',
  description: 'GitHub Actions ##[error] lines (fallback)',
  fallback: true,
  // It reads `##[error]` lines only; without this it would be fed every line of the log.
  markers: ['error'],
  create: () => new ActionsLogCondenser(),
};
