/**
 * The draft PR's body: the manifest's body template, then a section fleetwright manages (what
 * the migration is, what changed, the current state, how to steer it), then the state marker.
 * Pure. Only the managed section and the marker are ever rewritten (`updatePrBody`), so text a
 * person adds above them survives every update.
 */
import { renderStateMarker, replaceStateMarker } from './markers/state-marker.ts';
import type { Target } from './target/target.ts';

const STATUS_START = '<!-- fleetwright:status:start -->';
const STATUS_END = '<!-- fleetwright:status:end -->';
/** GitHub rejects PR bodies over 65,536 characters; keep a margin for the marker's growth. */
export const MAX_PR_BODY = 60_000;
const MAX_TEMPLATE = 32_768;
const MAX_STAT_FILES = 50;

/** The values the manifest's `pr.title`/`pr.body` placeholders expand to. */
export interface PrTemplateValues {
  migration: { id: string; title: string; description: string };
  repo: { owner: string; name: string; defaultBranch: string };
}

/** One file's line counts. */
export interface DiffStatEntry {
  path: string;
  added: number;
  removed: number;
}

/**
 * Expands `{{migration.id}}`-style placeholders. Unknown placeholders are left as written (the
 * manifest validator reports them), so a typo shows up in the PR instead of vanishing.
 */
export function renderPrTemplate(template: string, values: PrTemplateValues): string {
  const table: Record<string, string> = {
    'migration.id': values.migration.id,
    'migration.title': values.migration.title,
    'migration.description': values.migration.description,
    'repo.owner': values.repo.owner,
    'repo.name': values.repo.name,
    'repo.fullName': `${values.repo.owner}/${values.repo.name}`,
    'repo.defaultBranch': values.repo.defaultBranch,
  };
  return template.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (whole, key: string) => table[key] ?? whole);
}

/** Per-file added/removed line counts of a unified diff (`diff --git` or plain `---`/`+++` headers). */
export function buildDiffStat(diff: string): DiffStatEntry[] {
  const entries: DiffStatEntry[] = [];
  let current: DiffStatEntry | undefined;
  let oldPath: string | undefined;
  for (const line of diff.split('\n')) {
    if (line.startsWith('diff --git ')) {
      current = undefined;
      oldPath = undefined;
      continue;
    }
    if (line.startsWith('--- ') && current === undefined) {
      oldPath = stripPrefix(line.slice(4));
      continue;
    }
    if (line.startsWith('+++ ') && current === undefined) {
      const newPath = stripPrefix(line.slice(4));
      current = { path: newPath === '/dev/null' ? (oldPath ?? newPath) : newPath, added: 0, removed: 0 };
      entries.push(current);
      continue;
    }
    if (!current) continue;
    if (line.startsWith('+')) current.added += 1;
    else if (line.startsWith('-')) current.removed += 1;
    else if (line.startsWith('@@') || line.startsWith(' ') || line === '' || line.startsWith('\\')) continue;
    else current = undefined;
  }
  return entries;
}

function stripPrefix(path: string): string {
  const clean = path.split('\t')[0] ?? path;
  return clean.startsWith('a/') || clean.startsWith('b/') ? clean.slice(2) : clean;
}

/** `git diff --stat`-like block; files beyond 50 are summarised. */
export function renderDiffStat(entries: readonly DiffStatEntry[]): string {
  if (entries.length === 0) return '_No file changes._';
  const shown = entries.slice(0, MAX_STAT_FILES);
  const width = Math.min(60, Math.max(...shown.map((entry) => entry.path.length)));
  const lines = shown.map((entry) => {
    const path = entry.path.length > width ? `…${entry.path.slice(-(width - 1))}` : entry.path.padEnd(width);
    return ` ${path} | ${String(entry.added + entry.removed).padStart(5)} ${'+'.repeat(Math.min(entry.added, 20))}${'-'.repeat(Math.min(entry.removed, 20))}`;
  });
  if (entries.length > shown.length) lines.push(` … and ${entries.length - shown.length} more files`);
  const added = entries.reduce((sum, entry) => sum + entry.added, 0);
  const removed = entries.reduce((sum, entry) => sum + entry.removed, 0);
  lines.push(
    ` ${entries.length} file${entries.length === 1 ? '' : 's'} changed, ${added} insertions(+), ${removed} deletions(-)`,
  );
  return ['```', ...lines, '```'].join('\n');
}

/** The managed status section (between hidden start/end markers). */
export function renderStatusSection(target: Target, values: PrTemplateValues, stat?: string): string {
  const cost = `$${target.usage.costUsd.toFixed(2)}`;
  const reason = target.reason ? ` (${target.reason}${target.detail ? `: ${target.detail}` : ''})` : '';
  return [
    STATUS_START,
    '---',
    '',
    `### fleetwright: ${values.migration.title}`,
    '',
    `This draft PR was opened by fleetwright for the migration \`${values.migration.id}\`. ` +
      "An LLM coder made the change; this repository's own CI verifies it, and fleetwright repairs failures " +
      'until CI is green or its budget is spent. Code owners are asked to review only after CI is green and ' +
      'an automated review approved the diff.',
    '',
    `**State:** \`${target.state}\`${reason} · **iteration** ${target.iteration} · **model cost** ${cost}`,
    ...(stat ? ['', '<details><summary>What changed</summary>', '', stat, '', '</details>'] : []),
    '',
    '<details><summary>How to steer this PR</summary>',
    '',
    'Comment on this PR (write access required):',
    '',
    '- `/migrate stop`: stop iterating; the PR stays for humans.',
    '- `/migrate continue`: resume after a pause or a stall.',
    '- `/migrate fix <instructions>`: one more repair with your instructions.',
    '- `/migrate retry`: start over from the current default branch.',
    '- `/migrate status`: state, iteration, last failure and cost.',
    '',
    'Pushing your own commit pauses fleetwright: it never overwrites human work.',
    '',
    '</details>',
    STATUS_END,
  ].join('\n');
}

/** The full body of a new draft PR. `stat` is a rendered diff stat (see `renderDiffStat`). */
export function renderPrBody(input: {
  template: string;
  values: PrTemplateValues;
  target: Target;
  stat?: string;
}): string {
  let intro = renderPrTemplate(input.template, input.values).trim();
  if (intro.length > MAX_TEMPLATE) intro = `${intro.slice(0, MAX_TEMPLATE)}\n\n_(description truncated)_`;
  const status = renderStatusSection(input.target, input.values, input.stat);
  const marker = renderStateMarker(input.target);
  const body = [intro, status, marker].filter((part) => part !== '').join('\n\n');
  if (body.length <= MAX_PR_BODY) return body;
  // Only a huge stat can push us over: drop it rather than cut the marker.
  return [intro, renderStatusSection(input.target, input.values), marker]
    .filter((part) => part !== '')
    .join('\n\n');
}

/**
 * The body with its status section and marker brought up to date, or `undefined` when the body
 * has no readable marker (the caller must then not write: never clobber what we cannot read).
 * The diff stat inside the existing section is kept unless `stat` replaces it.
 */
export function updatePrBody(
  body: string,
  target: Target,
  values: PrTemplateValues,
  stat?: string,
): string | undefined {
  const withMarker = replaceStateMarker(body, target);
  if (withMarker === undefined) return undefined;
  const start = withMarker.indexOf(STATUS_START);
  const end = withMarker.indexOf(STATUS_END);
  if (start === -1 || end < start) return withMarker;
  const existing = withMarker.slice(start, end);
  const keptStat =
    stat ?? /<summary>What changed<\/summary>\n\n([\s\S]*?)\n\n<\/details>/.exec(existing)?.[1];
  return (
    withMarker.slice(0, start) +
    renderStatusSection(target, values, keptStat) +
    withMarker.slice(end + STATUS_END.length)
  );
}
