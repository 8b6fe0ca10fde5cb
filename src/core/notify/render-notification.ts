/**
 * Renders ready-PR notifications as Slack messages (pure, deterministic): one pre-filled entry per
 * PR — repository, migration, link, what changed, what to check — and a digest when several PRs
 * became ready for the same team in one batching window. Text from manifests and PR titles is
 * escaped for Slack mrkdwn, so a title cannot inject `<!channel>` or a disguised link.
 */
import type { NotificationMessage, ReadyPrNotice } from './types.ts';

/** Slack rejects a message with more than 50 blocks; a section's text is capped at 3,000 characters. */
const MAX_PRS_PER_DIGEST = 40;
const MAX_SECTION_CHARS = 2900;
const MAX_CHECKLIST_ITEMS = 5;
const MAX_ITEM_CHARS = 200;

/** Escapes the three characters Slack mrkdwn treats as control characters. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function link(url: string, label: string): string {
  // `|` and `>` end a Slack link; a URL from GitHub never contains them, but be strict anyway.
  return `<${url.replace(/[|<>\s]/g, encodeURIComponent)}|${escapeSlack(label).replace(/\|/g, '¦')}>`;
}

/** "3 files changed, +40 −12". */
export function renderDiffStat(stat: ReadyPrNotice['diffStat']): string {
  return `${stat.files} file${stat.files === 1 ? '' : 's'} changed, +${stat.additions} −${stat.deletions}`;
}

/** The mrkdwn entry for one PR. */
export function renderReadyPrEntry(notice: ReadyPrNotice): string {
  const lines = [
    `*${link(notice.url, `${notice.repo}#${notice.number}`)}* — ${escapeSlack(clip(notice.title, MAX_ITEM_CHARS))}`,
    `Migration: ${escapeSlack(clip(notice.migrationTitle, MAX_ITEM_CHARS))} (\`${escapeSlack(notice.migrationId)}\`)`,
    `What changed: ${renderDiffStat(notice.diffStat)}`,
  ];
  const checks = notice.checklist.filter((c) => c.trim() !== '');
  if (checks.length > 0) {
    lines.push('Please check:');
    for (const item of checks.slice(0, MAX_CHECKLIST_ITEMS)) {
      lines.push(`• ${escapeSlack(clip(item, MAX_ITEM_CHARS))}`);
    }
    if (checks.length > MAX_CHECKLIST_ITEMS) {
      lines.push(`• …and ${checks.length - MAX_CHECKLIST_ITEMS} more in the PR description`);
    }
  }
  const text = lines.join('\n');
  return text.length > MAX_SECTION_CHARS ? `${text.slice(0, MAX_SECTION_CHARS - 1)}…` : text;
}

/**
 * One message for a team: the single PR, or a digest of every PR that became ready in the window,
 * ordered by readiness time then repository and number (the same input always renders the same).
 */
export function renderReadyPrDigest(team: string, notices: readonly ReadyPrNotice[]): NotificationMessage {
  const ordered = [...notices].sort(
    (a, b) => compare(a.readyAt, b.readyAt) || compare(a.repo, b.repo) || a.number - b.number,
  );
  const shown = ordered.slice(0, MAX_PRS_PER_DIGEST);
  const hidden = ordered.length - shown.length;
  const who = escapeSlack(team);
  const headline =
    ordered.length === 1
      ? `A fleetwright PR is ready for review by ${who}`
      : `${ordered.length} fleetwright PRs are ready for review by ${who}`;
  const blocks: Array<Record<string, unknown>> = [
    { type: 'section', text: { type: 'mrkdwn', text: `*${headline}*` } },
  ];
  for (const notice of shown) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: renderReadyPrEntry(notice) } });
  }
  if (hidden > 0) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `…and ${hidden} more; see the migration dashboard.` }],
    });
  }
  const fallback =
    ordered.length === 1 && shown[0] !== undefined
      ? `${headline}: ${escapeSlack(shown[0].repo)}#${shown[0].number}`
      : `${headline}: ${ordered
          .map((n) => `${escapeSlack(n.repo)}#${n.number}`)
          .slice(0, 10)
          .join(', ')}${ordered.length > 10 ? ', …' : ''}`;
  return { text: fallback, blocks };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
