/**
 * The migration dashboard: the body of one issue per migration in the config repository,
 * rendered entirely from the targets (rebuilt from PR markers and the ledger, the source of
 * truth) and the planner's queue. Nothing on it is stored state, so concurrent updates can
 * never lose information: whoever renders last renders everything.
 *
 * 1. Header: migration, revision, status, progress line (merged / targeted), counts per state.
 * 2. Queue: targets waiting for admission and the limit holding them.
 * 3. Burndown: remaining targets per day (see `buildBurndown`).
 * 4. Failure groups, largest first, with the `/migrate retry --group <id>` hint.
 * 5. Repositories: state, iteration, PR, cost.
 * 6. Totals of tokens and cost; the commands that work here.
 * 7. The hidden markers, which must survive every rewrite: the migration ledger
 *    (src/core/markers/ledger.ts) and the dashboard pause (src/core/markers/dashboard-pause.ts).
 *
 * Deterministic: everything is sorted and no clock is read (`now` only bounds the burndown), so
 * unchanged targets give a byte-identical body and the caller can skip the edit. When the body
 * would exceed GitHub's 65,536-character limit, the ledger is stored compactly first (invisible,
 * lossless), then visible detail is dropped in steps and the body says what was left out; as a
 * last resort the ledger keeps only what fits and the body says how many outcomes it left out.
 * Nothing is ever cut silently.
 */
import { buildDashboardKey, renderHiddenKey } from '../markers/hidden-key.ts';
import type { DashboardPause } from '../markers/dashboard-pause.ts';
import { renderPauseMarker } from '../markers/dashboard-pause.ts';
import type { LedgerEncoding } from '../markers/ledger.ts';
import { belongsInLedger, buildLedgerEntry, fitLedger, renderLedger } from '../markers/ledger.ts';
import type { AdmissionBlock } from '../planner/admit-targets.ts';
import type { Policy } from '../target/policy.ts';
import { TargetState, type Target } from '../target/target.ts';
import type { BurndownPoint } from './build-burndown.ts';
import { buildBurndown } from './build-burndown.ts';
import type { FailureGroup, FailureGroups } from './group-failures.ts';
import { compareText, groupFailures } from './group-failures.ts';
import {
  codeBlock,
  escapeHtmlAndMentions,
  escapeText,
  formatUsd,
  groupDigits,
  inlineCode,
} from './markdown.ts';

/** GitHub rejects issue bodies longer than this many characters. */
export const MAX_ISSUE_BODY = 65_536;

/** What the dashboard needs of a migration (a `Migration` from src/core/migration.ts fits). */
export interface DashboardMigration {
  id: string;
  title: string;
  revision: string;
  dryRun: boolean;
  policy: Pick<Policy, 'enabled' | 'paused' | 'maxIterations' | 'maxCostPerRepoUsd' | 'maxTotalUsd'>;
}

/** The planner's view of the admission queue (an `Admission` from `admitTargets` fits). */
export interface DashboardQueue {
  waiting: number;
  blockedBy?: AdmissionBlock;
  /** ISO time the PRs-per-hour window frees its next slot. */
  nextSlotAt?: string;
}

/** Everything the dashboard shows; no field is read from anywhere else. */
export interface DashboardInput {
  migration: DashboardMigration;
  targets: readonly Target[];
  queue?: DashboardQueue;
  /** Daily counts; derived from the targets with `buildBurndown` when omitted. */
  history?: readonly BurndownPoint[];
  /** Ends the burndown; without it, the burndown ends at the latest target timestamp. */
  now?: Date;
  /** Set while the migration is paused from the dashboard (`/migrate pause`). */
  pause?: DashboardPause;
  /** Overrides the size budget (tests); defaults to GitHub's limit. */
  maxLength?: number;
  /**
   * GitHub's web address (`https://github.com`, a GHES host): repositories without a PR become
   * links. PRs need none: GitHub links `owner/repo#123` itself.
   */
  webUrl?: string;
}

/** `renderDashboardReport`'s result. */
export interface RenderedDashboard {
  /** The issue body, without the hidden key line `ensureIssue` adds (its length is budgeted). */
  body: string;
  /** 0 = everything shown; higher = more summarised. */
  level: number;
  /** Human sentences for what was left out (also written into the body). */
  omitted: string[];
  /** How the ledger is stored (`compact` when the readable form did not fit). */
  ledgerEncoding: LedgerEncoding;
  /** Ledger entries left out because even the compact ledger did not fit (0 almost always). */
  ledgerDropped: number;
}

/** Lifecycle order for counts; attention order (needs a human first) for the repository table. */
/** Lifecycle order for counts: the order the states are declared in. */
const STATE_ORDER: readonly TargetState[] = TargetState.options;
const ATTENTION_ORDER: readonly TargetState[] = [
  'error',
  'exhausted',
  'stalled',
  'paused',
  'owner-review',
  'ready',
  'judging',
  'repairing',
  'awaiting-ci',
  'drafting',
  'baseline',
  'queued',
  'skipped',
  'closed',
  'not-applicable',
  'merged',
];
/** Rows the summarised repository table leaves out: done, and nothing a person must do. */
const SETTLED: ReadonlySet<TargetState> = new Set(['merged', 'closed', 'not-applicable']);

const BLOCK_TEXT: Record<AdmissionBlock, string> = {
  disabled: 'the migration being disabled',
  'dry-run': 'the dry run (`rollout.dryRun`: the plan is logged, nothing is opened)',
  paused: 'the pause',
  'migration-budget': "the migration's total budget is spent",
  'max-open-prs': 'the limit of open PRs (`rollout.maxOpenPrs`)',
  'prs-per-hour': 'the limit of PRs per hour (`rollout.prsPerHour`)',
  'max-concurrent-coders': 'the limit of concurrent coders (`rollout.maxConcurrentCoders`)',
};

interface Detail {
  repoTable: 'all' | 'attention' | 'none';
  groupMembers: number;
  maxGroups: number;
  exampleLines: number;
  listNotApplicable: boolean;
  burndownTable: boolean;
}

/** From everything to counts only; the first level that fits is used. */
const LEVELS: readonly Detail[] = [
  {
    repoTable: 'all',
    groupMembers: Infinity,
    maxGroups: Infinity,
    exampleLines: 8,
    listNotApplicable: true,
    burndownTable: true,
  },
  {
    repoTable: 'attention',
    groupMembers: 30,
    maxGroups: Infinity,
    exampleLines: 8,
    listNotApplicable: true,
    burndownTable: true,
  },
  {
    repoTable: 'attention',
    groupMembers: 10,
    maxGroups: 50,
    exampleLines: 4,
    listNotApplicable: false,
    burndownTable: true,
  },
  {
    repoTable: 'none',
    groupMembers: 10,
    maxGroups: 30,
    exampleLines: 3,
    listNotApplicable: false,
    burndownTable: true,
  },
  {
    repoTable: 'none',
    groupMembers: 0,
    maxGroups: 30,
    exampleLines: 0,
    listNotApplicable: false,
    burndownTable: false,
  },
  {
    repoTable: 'none',
    groupMembers: 0,
    maxGroups: 0,
    exampleLines: 0,
    listNotApplicable: false,
    burndownTable: false,
  },
];

/** GitHub rejects issue titles longer than this. */
const MAX_ISSUE_TITLE = 256;

/**
 * Everything `GitHost.ensureIssue(configRepo, key, { title, body })` needs for the dashboard:
 * the hidden key (`buildDashboardKey`, which `ensureIssue` writes as the body's first line and
 * finds the issue by), the title (`fleetwright: <migration title>`, as the ledger workflow names
 * it) and the body.
 */
export function renderDashboardIssue(input: DashboardInput): { key: string; title: string; body: string } {
  const title = `fleetwright: ${input.migration.title.replace(/\s+/g, ' ').trim()}`;
  return {
    key: buildDashboardKey(input.migration.id),
    title: title.length > MAX_ISSUE_TITLE ? `${title.slice(0, MAX_ISSUE_TITLE - 1)}…` : title,
    body: renderDashboard(input),
  };
}

/** The dashboard issue body. See `renderDashboardReport` for the summarisation details. */
export function renderDashboard(input: DashboardInput): string {
  return renderDashboardReport(input).body;
}

/** The dashboard body plus how much it had to be summarised to fit. */
export function renderDashboardReport(input: DashboardInput): RenderedDashboard {
  const targets = [...input.targets].sort((a, b) => compareText(a.repo, b.repo));
  const groups = groupFailures(targets);
  const history = input.history ?? buildBurndown(targets, input.now ? { now: input.now } : {});
  const entries = targets.filter(belongsInLedger).map(buildLedgerEntry);
  const pauseMarker = input.pause ? `\n${renderPauseMarker(input.pause)}` : '';
  const keyLine = `${renderHiddenKey(buildDashboardKey(input.migration.id))}\n`;
  // Room for the visible part and the ledger (the key line and the pause marker are fixed).
  const room = (input.maxLength ?? MAX_ISSUE_BODY) - keyLine.length - pauseMarker.length - 2;
  const full = renderLedger(input.migration.id, entries);
  let compact: string | undefined;

  // The invisible ledger is compacted (losslessly) before anything visible is left out.
  for (const [level, detail] of LEVELS.entries()) {
    const omitted: string[] = [];
    const visible = renderVisible(input, targets, groups, history, detail, omitted);
    if (visible.length + full.length <= room) {
      return {
        body: `${visible}\n\n${full}${pauseMarker}`,
        level,
        omitted,
        ledgerEncoding: 'full',
        ledgerDropped: 0,
      };
    }
    compact ??= renderLedger(input.migration.id, entries, { encoding: 'compact' });
    if (visible.length + compact.length <= room) {
      return {
        body: `${visible}\n\n${compact}${pauseMarker}`,
        level,
        omitted,
        ledgerEncoding: 'compact',
        ledgerDropped: 0,
      };
    }
  }
  // Not even counts fit next to the compact ledger: keep the outcomes that are most expensive to
  // learn again, and say how many were left out (they are planned again after a restart).
  const level = LEVELS.length - 1;
  const detail = LEVELS[level] as Detail;
  const probe: string[] = [];
  const reserve = 400; // the note below, with any counts
  const smallest = renderVisible(input, targets, groups, history, detail, probe);
  const fitted = fitLedger(input.migration.id, entries, Math.max(0, room - smallest.length - reserve));
  const omitted = [
    `the migration ledger holds ${fitted.kept} of ${entries.length} outcomes without a PR; ` +
      `after a restart the other ${fitted.dropped.length} repositories are checked again`,
  ];
  const visible = renderVisible(input, targets, groups, history, detail, omitted);
  return {
    body: `${visible}\n\n${fitted.text}${pauseMarker}`,
    level: LEVELS.length,
    omitted,
    ledgerEncoding: fitted.encoding,
    ledgerDropped: fitted.dropped.length,
  };
}

function renderVisible(
  input: DashboardInput,
  targets: readonly Target[],
  groups: FailureGroups,
  history: readonly BurndownPoint[],
  detail: Detail,
  omitted: string[],
): string {
  const sections = [
    renderHeader(input.migration, targets, input.pause),
    renderPause(input.migration, input.pause),
    renderQueue(input.queue),
    renderBurndown(history, detail, omitted),
    renderGroups(groups, detail, omitted, input.webUrl),
    renderRepositories(input.migration, targets, detail, omitted, input.webUrl),
    renderTotals(input.migration, targets),
    renderFooter(),
  ].filter((section) => section !== '');
  if (omitted.length > 0) {
    sections.splice(
      1,
      0,
      `> [!NOTE]\n> Summarised to fit GitHub's ${groupDigits(MAX_ISSUE_BODY)}-character issue limit: ${omitted.join('; ')}.`,
    );
  }
  return sections.join('\n\n');
}

function renderHeader(
  migration: DashboardMigration,
  targets: readonly Target[],
  pause: DashboardPause | undefined,
): string {
  const status = !migration.policy.enabled
    ? 'disabled'
    : migration.policy.paused || pause
      ? 'paused'
      : migration.dryRun
        ? 'dry run (no PRs are opened)'
        : 'active';
  const counts = countStates(targets);
  const merged = counts.get('merged') ?? 0;
  const total = targets.length;
  const percent = total === 0 ? 0 : Math.floor((merged / total) * 100);
  const openPrs = targets.filter(
    (target) => target.prNumber !== undefined && target.state !== 'merged' && target.state !== 'closed',
  ).length;
  const rows = STATE_ORDER.filter((state) => counts.has(state)).map(
    (state) => `| ${state} | ${counts.get(state) ?? 0} |`,
  );
  return [
    `## ${escapeHtmlAndMentions(migration.title)}`,
    '',
    `Migration ${inlineCode(migration.id)} · revision ${inlineCode(migration.revision)} · **${status}**`,
    '',
    `**Progress:** ${merged} of ${total} targeted repositories merged (${percent}%) ${inlineCode(renderBar(merged, total))} · ${openPrs} PRs open`,
    '',
    '| state | repositories |',
    '| --- | ---: |',
    ...rows,
    `| **total** | **${total}** |`,
  ].join('\n');
}

/** Who paused the migration and how to undo it; `''` while it runs. */
function renderPause(migration: DashboardMigration, pause: DashboardPause | undefined): string {
  const lines: string[] = [];
  if (pause) {
    lines.push(
      `> **Paused** by ${escapeText(`@${pause.by}`)} at ${pause.at.slice(0, 16).replace('T', ' ')} UTC ` +
        '(`/migrate pause`): no repository is admitted and no coder run starts; open PRs stay as they are. ' +
        '`/migrate resume` restarts it.',
    );
  }
  if (migration.policy.paused) {
    lines.push(
      `> **Paused by the manifest** (\`rollout.paused: true\`): set it to \`false\` and push to restart${pause ? ' (and `/migrate resume` here)' : ''}.`,
    );
  }
  return lines.join('\n>\n');
}

function renderQueue(queue: DashboardQueue | undefined): string {
  if (!queue || queue.waiting === 0) return '';
  const held = queue.blockedBy ? `, held by ${BLOCK_TEXT[queue.blockedBy]}` : '';
  const next =
    queue.blockedBy === 'prs-per-hour' && queue.nextSlotAt
      ? ` until ${queue.nextSlotAt.slice(0, 16).replace('T', ' ')} UTC`
      : '';
  return `**Queue:** ${queue.waiting} ${queue.waiting === 1 ? 'repository waits' : 'repositories wait'} for admission${held}${next}.`;
}

function renderBurndown(history: readonly BurndownPoint[], detail: Detail, omitted: string[]): string {
  if (history.length === 0) return '';
  const first = history[0] as BurndownPoint;
  const last = history.at(-1) as BurndownPoint;
  const peak = Math.max(1, ...history.map((point) => point.targeted));
  const spark = history
    .map((point) => SPARKS[Math.round((point.remaining / peak) * (SPARKS.length - 1))])
    .join('');
  const lines = [
    '### Burndown',
    '',
    `Remaining ${inlineCode(spark)} from ${first.remaining} (${first.date}) to ${last.remaining} (${last.date}).`,
  ];
  if (detail.burndownTable) {
    lines.push(
      '',
      '| day | targeted | PRs opened | merged | ended otherwise | remaining |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      ...history.map(
        (point) =>
          `| ${point.date} | ${point.targeted} | ${point.prsOpened} | ${point.merged} | ${point.ended} | ${point.remaining} |`,
      ),
    );
  } else {
    omitted.push('the daily burndown table is left out');
  }
  return lines.join('\n');
}

const SPARKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

function renderGroups(
  groups: FailureGroups,
  detail: Detail,
  omitted: string[],
  webUrl: string | undefined,
): string {
  const failing = groups.failures.reduce((sum, group) => sum + group.count, 0);
  const lines = ['### Failure groups', ''];
  if (groups.failures.length === 0) {
    lines.push('No failures so far.');
  } else {
    lines.push(
      `${failing} ${failing === 1 ? 'repository' : 'repositories'} in ${groups.failures.length} ${groups.failures.length === 1 ? 'group' : 'groups'}. ` +
        'Improve the prompt, push the manifest, then comment `/migrate retry --group <id>` here to rerun one group ' +
        '(or `/migrate retry --failed` for all).',
    );
    const shown = groups.failures.slice(0, detail.maxGroups);
    for (const group of shown) lines.push('', renderGroup(group, detail, webUrl));
    if (shown.length < groups.failures.length) {
      const rest = groups.failures.slice(shown.length);
      const restCount = rest.reduce((sum, group) => sum + group.count, 0);
      if (shown.length === 0) {
        omitted.push(`failure groups are counted, not listed`);
      } else {
        lines.push('', `… and ${rest.length} smaller groups (${restCount} repositories).`);
        omitted.push(
          `only the ${shown.length} largest of ${groups.failures.length} failure groups are shown`,
        );
      }
    }
    if (detail.groupMembers !== Infinity && shown.some((group) => group.count > detail.groupMembers)) {
      omitted.push(
        detail.groupMembers === 0
          ? 'failure groups do not list their repositories'
          : `failure groups list at most ${detail.groupMembers} repositories each`,
      );
    }
    if (detail.exampleLines === 0 && shown.length > 0) omitted.push('failure examples are left out');
  }
  if (groups.notApplicable.length > 0) {
    const count = groups.notApplicable.reduce((sum, group) => sum + group.count, 0);
    const summary = `Not applicable: ${count} ${count === 1 ? 'repository' : 'repositories'} in ${groups.notApplicable.length} ${groups.notApplicable.length === 1 ? 'group' : 'groups'}`;
    if (detail.listNotApplicable) {
      lines.push(
        '',
        `<details><summary>${summary}</summary>`,
        '',
        'The coder found nothing to change in these. If the prompt should have covered them, widen it, push, and rerun a group with `/migrate retry --group <id>`.',
        '',
        ...groups.notApplicable.map(
          (group) =>
            `- ${inlineCode(group.id)} · ${group.count} · ${inlineCode(group.signature, { max: 160 })}: ${renderMembers(group, detail.groupMembers, webUrl)}`,
        ),
        '',
        '</details>',
      );
    } else {
      lines.push('', `${summary}.`);
      omitted.push('not-applicable groups are counted, not listed');
    }
  }
  return lines.join('\n');
}

function renderGroup(group: FailureGroup, detail: Detail, webUrl: string | undefined): string {
  const states = countBy(group.members.map((member) => member.state));
  const lines = [
    `#### ${inlineCode(group.id)} · ${group.class} · ${group.count} ${group.count === 1 ? 'repository' : 'repositories'} (${states})`,
    '',
    `Signature: ${inlineCode(group.signature, { max: 300 })}`,
  ];
  if (group.example && detail.exampleLines > 0) {
    lines.push(
      '',
      `Example from ${group.example.repo}:`,
      '',
      codeBlock(group.example.text, { maxLines: detail.exampleLines, maxLineLength: 300 }),
    );
  }
  if (detail.groupMembers > 0)
    lines.push('', `Repositories: ${renderMembers(group, detail.groupMembers, webUrl)}`);
  // Ineligible repositories (archived, forks, excluded) do not change with a better prompt.
  if (group.class !== 'ineligible') lines.push('', `Rerun: \`/migrate retry --group ${group.id}\``);
  return lines.join('\n');
}

function renderMembers(group: FailureGroup, max: number, webUrl: string | undefined): string {
  const shown = group.members
    .slice(0, max)
    .map((member) => renderRepoRef(member.repo, member.prNumber, webUrl));
  const rest = group.members.length - shown.length;
  return rest > 0 ? `${shown.join(', ')} and ${rest} more` : shown.join(', ');
}

/**
 * `owner/repo#12` for a PR (GitHub links it in issue bodies), else a link to the repository when
 * GitHub's web address is known (names are `[A-Za-z0-9._-]`, safe in link text and URL).
 */
function renderRepoRef(repo: string, prNumber: number | undefined, webUrl: string | undefined): string {
  if (prNumber !== undefined) return `${repo}#${prNumber}`;
  return webUrl ? `[${repo}](${webUrl.replace(/\/+$/, '')}/${repo})` : repo;
}

function renderRepositories(
  migration: DashboardMigration,
  targets: readonly Target[],
  detail: Detail,
  omitted: string[],
  webUrl: string | undefined,
): string {
  if (targets.length === 0) return '';
  if (detail.repoTable === 'none') {
    omitted.push(`the table of ${targets.length} repositories is left out`);
    return '';
  }
  const rows = [...targets]
    .filter((target) => detail.repoTable === 'all' || !SETTLED.has(target.state))
    .sort(
      (a, b) =>
        ATTENTION_ORDER.indexOf(a.state) - ATTENTION_ORDER.indexOf(b.state) || compareText(a.repo, b.repo),
    );
  if (rows.length < targets.length) {
    omitted.push(
      `the repository table lists the ${rows.length} repositories still in progress or failed, not the ${targets.length - rows.length} merged, closed or not applicable`,
    );
  }
  const max = migration.policy.maxIterations;
  return [
    '### Repositories',
    '',
    '| repository | state | iteration | PR | cost |',
    '| --- | --- | ---: | --- | ---: |',
    ...rows.map((target) => {
      const state = target.reason ? `${target.state} (${target.reason})` : target.state;
      const older = target.manifestRevision === migration.revision ? '' : ' ↺';
      const pr = target.prNumber === undefined ? '' : `${target.repo}#${target.prNumber}`;
      const repo =
        target.prNumber === undefined ? renderRepoRef(target.repo, undefined, webUrl) : target.repo;
      return `| ${repo}${older} | ${state} | ${target.iteration}/${max} | ${pr} | ${formatUsd(target.usage.costUsd)} |`;
    }),
    ...(targets.some((target) => target.manifestRevision !== migration.revision)
      ? ['', '↺ ran on an older revision of the manifest; retry it to apply the current prompt.']
      : []),
  ].join('\n');
}

function renderTotals(migration: DashboardMigration, targets: readonly Target[]): string {
  const sum = { input: 0, output: 0, cacheWrite: 0, cacheRead: 0, cost: 0 };
  for (const target of targets) {
    sum.input += target.usage.inputTokens;
    sum.output += target.usage.outputTokens;
    sum.cacheWrite += target.usage.cacheWriteTokens;
    sum.cacheRead += target.usage.cacheReadTokens;
    sum.cost += target.usage.costUsd;
  }
  const cost = Math.round(sum.cost * 100) / 100;
  const budget = migration.policy.maxTotalUsd;
  const merged = targets.filter((target) => target.state === 'merged').length;
  const older = targets.filter((target) => target.manifestRevision !== migration.revision).length;
  return [
    '### Totals',
    '',
    '| | |',
    '| --- | --- |',
    `| tokens | ${groupDigits(sum.input)} input · ${groupDigits(sum.output)} output · ${groupDigits(sum.cacheWrite)} cache write · ${groupDigits(sum.cacheRead)} cache read |`,
    `| model cost | ${formatUsd(cost)} of ${formatUsd(budget)} (${budget > 0 ? Math.floor((cost / budget) * 100) : 0}%) |`,
    ...(merged > 0 ? [`| spend per merged PR (all spend / merged) | ${formatUsd(cost / merged)} |`] : []),
    ...(older > 0
      ? [`| on an older revision | ${older} ${older === 1 ? 'repository' : 'repositories'} |`]
      : []),
  ].join('\n');
}

function renderFooter(): string {
  return (
    '<sub>Commands on this issue (write access to this repository): `/migrate retry --failed` · ' +
    '`/migrate retry --group <id>` · `/migrate retry owner/repo …` · `/migrate pause` · `/migrate resume` · ' +
    '`/migrate help`. fleetwright rewrites this issue from the PRs’ state; edits to it are lost.</sub>'
  );
}

function countStates(targets: readonly Target[]): Map<TargetState, number> {
  const counts = new Map<TargetState, number>();
  for (const target of targets) counts.set(target.state, (counts.get(target.state) ?? 0) + 1);
  return counts;
}

function countBy(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts]
    .sort(([a], [b]) => compareText(a, b))
    .map(([value, count]) => `${count} ${value}`)
    .join(', ');
}

function renderBar(done: number, total: number, width = 20): string {
  const filled = total === 0 ? 0 : Math.round((done / total) * width);
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
}
