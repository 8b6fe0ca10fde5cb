/**
 * Safe Markdown for text fleetwright does not control (CI log lines, coder summaries, signatures)
 * in the dashboard and in command replies. Such text can come from any repository's CI, so it
 * must never ping people (`@user`, `@org/team`), inject HTML, break a table, or open an HTML
 * comment that the hidden markers' parsers (ledger, state, key) would then misread.
 */

/** Zero-width space: invisible, but it breaks `<!--`/`-->` so no parser sees a comment edge. */
const ZWSP = '\u200b';

/** Breaks every HTML comment opener and closer in `text` (the hidden markers stay unambiguous). */
export function defuseComments(text: string): string {
  return text.replace(/<!--/g, `<!${ZWSP}--`).replace(/--(?=>)/g, `-${ZWSP}-`);
}

/** Collapses whitespace and caps `text` at `max` characters with an ellipsis. */
export function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, Math.max(0, max - 1))}…` : flat;
}

/**
 * A code span holding `text` on one line (no mention, link or HTML inside is rendered). The
 * backtick fence is longer than any backtick run in the text. `inTable` escapes `|`, which
 * GitHub reads as a cell separator even inside code spans.
 */
export function inlineCode(text: string, options: { max?: number; inTable?: boolean } = {}): string {
  let body = defuseComments(oneLine(text, options.max ?? 200));
  if (options.inTable) body = body.replace(/\|/g, '\\|');
  if (body === '') return '` `';
  const longestRun = Math.max(0, ...[...body.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = body.startsWith('`') || body.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}

/**
 * A fenced code block holding `text` (multi-line, each line and the total capped). The fence is
 * longer than any backtick run in the text, so the text cannot close it.
 */
export function codeBlock(text: string, options: { maxLines?: number; maxLineLength?: number } = {}): string {
  const maxLines = options.maxLines ?? 12;
  const maxLineLength = options.maxLineLength ?? 200;
  const lines = text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/\s+$/, ''));
  while (lines.length > 0 && lines[0] === '') lines.shift();
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  const shown = lines
    .slice(0, maxLines)
    .map((line) =>
      defuseComments(line.length > maxLineLength ? `${line.slice(0, maxLineLength - 1)}…` : line),
    );
  if (lines.length > maxLines) shown.push(`… ${lines.length - maxLines} more lines`);
  const longestRun = Math.max(0, ...[...shown.join('\n').matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return [`${fence}text`, ...shown, fence].join('\n');
}

/**
 * Plain text outside code (titles, logins in prose): HTML comment edges defused, Markdown and
 * HTML specials escaped, and `@` followed by a zero-width space so no mention pings anyone.
 */
export function escapeText(text: string): string {
  return defuseComments(text)
    .replace(/([\\`*_[\]<>|#~])/g, '\\$1')
    .replace(/@/g, `@${ZWSP}`);
}

/**
 * Owner-authored text (a manifest title) on one line: its Markdown is kept, but HTML is shown as
 * text (`<` becomes `&lt;`, which also rules out comments) and mentions do not ping.
 */
export function escapeHtmlAndMentions(text: string, max = 200): string {
  return oneLine(text, max).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/@/g, `@${ZWSP}`);
}

/** `$1.23` (cents), `$0.004` below one cent so small spends do not read as free. */
export function formatUsd(amount: number): string {
  if (amount > 0 && amount < 0.01) return `$${amount.toFixed(3)}`;
  return `$${amount.toFixed(2)}`;
}

/** `1.2M`, `34.5k`, `999`: token counts at a glance. */
export function formatCount(count: number): string {
  if (count >= 1_000_000) return `${(count / 1_000_000).toFixed(1)}M`;
  if (count >= 10_000) return `${(count / 1000).toFixed(1)}k`;
  return String(count);
}

/** `1,234,567` without the runtime's locale (Intl output may differ between Node builds). */
export function groupDigits(value: number): string {
  return String(Math.round(value)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
