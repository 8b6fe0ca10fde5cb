/** Formatting of guard evidence: the offending lines, trimmed and capped so findings stay readable. */
import type { DiffLine } from '../diff/types.ts';

const MAX_LINES = 5;
const MAX_LINE_CHARS = 200;

/** Renders lines as evidence: `+ added`, `- removed`, at most 5 (then "… and N more"), each ≤ 200 chars. */
export function evidenceOf(lines: readonly DiffLine[]): string {
  const shown = lines.slice(0, MAX_LINES).map((line) => {
    const marker = line.type === 'add' ? '+' : line.type === 'del' ? '-' : ' ';
    return `${marker} ${capLine(line.content.trim())}`;
  });
  if (lines.length > MAX_LINES) shown.push(`… and ${lines.length - MAX_LINES} more`);
  return shown.join('\n');
}

/** Caps one line of text to 200 characters with an ellipsis. */
export function capLine(text: string): string {
  return text.length <= MAX_LINE_CHARS ? text : `${text.slice(0, MAX_LINE_CHARS - 1)}…`;
}
