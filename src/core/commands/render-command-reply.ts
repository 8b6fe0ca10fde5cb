/**
 * Replies to `/migrate` commands, as Markdown comments: refusals and parse errors (with the
 * reason and what to do instead), `/migrate help`, `/migrate status`, and the outcome of a
 * dashboard retry. Pure renderers; the caller posts them (`GitHost.createComment`) and reacts
 * 👀 → 🚀 / 😕. Text that comes from outside (coder summaries, CI output) is escaped so it
 * cannot ping anyone or break the hidden markers.
 */
import type { Target } from '../target/target.ts';
import { budgetUsed } from '../target/target.ts';
import type { RetrySelection } from '../dashboard/select-retry-targets.ts';
import {
  codeBlock,
  escapeHtmlAndMentions,
  escapeText,
  formatUsd,
  groupDigits,
  inlineCode,
  oneLine,
} from '../dashboard/markdown.ts';
import type { Command, CommandLocation, ParsedCommand } from './command.ts';
import { MAX_FIX_INSTRUCTION, renderCommand } from './command.ts';
import { listAvailableCommands } from './authorize-command.ts';

/** What to answer: a parse error, a refusal, help, status, or a dashboard retry's outcome. */
export type CommandReply =
  | { type: 'invalid'; parsed: Extract<ParsedCommand, { type: 'invalid' }>; where: CommandLocation }
  | { type: 'refused'; command: Command; reason: string }
  | { type: 'help'; where: CommandLocation }
  | {
      type: 'status';
      target: Target;
      /** The migration's title, for the heading. */
      migrationTitle: string;
      limits: { maxIterations: number; maxCostPerRepoUsd: number };
      branchHasHumanCommits?: boolean;
    }
  /**
   * An allowed command that still needs a word: a `fix` whose instruction was cut, or a comment
   * with more than one command. (Otherwise the 🚀 reaction is the whole answer; see `needsReply`.)
   */
  | { type: 'accepted'; command: Command }
  | { type: 'retry-selection'; selection: RetrySelection; revision: string }
  /**
   * `/migrate stop` on a PR waiting to start over (`queued` for a coder slot, or `baseline`): what
   * was cancelled, and what `continue` and `retry` do from there.
   */
  | { type: 'wait-cancelled'; before: Target; after: Target }
  /**
   * What a PR's `retry` or `fix` led to: both run the coder inside the command's job, so the
   * reply can say which commit was pushed, where the PR stands, or why nothing changed.
   */
  | {
      type: 'command-result';
      command: Extract<Command, { name: 'retry' | 'fix' }>;
      /** The target when the command was accepted, and after it ran. */
      before: Target;
      after: Target;
      /** The state machine's note on the command (`iteration 6, one beyond the budget…`). */
      note?: string;
      /** `retry --force`: the commits on the branch that fleetwright did not make. */
      discarded?: readonly CommitSummary[];
    };

/** A commit as replies show it (structurally `CommitInfo` of the GitHost port). */
export interface CommitSummary {
  sha: string;
  authorLogin: string | null;
  message: string;
}

/**
 * The Markdown reply. `ignoredCommands` (from `parseCommand`) adds a note that only the first
 * `/migrate` line of a comment runs.
 */
export function renderCommandReply(reply: CommandReply, options: { ignoredCommands?: number } = {}): string {
  const body = renderBody(reply);
  const ignored = options.ignoredCommands ?? 0;
  if (ignored <= 0) return body;
  return `${body}\n\n_Only the first \`/migrate\` line of a comment runs; ${ignored} later ${ignored === 1 ? 'one was' : 'ones were'} ignored. Send each command in its own comment._`;
}

function renderBody(reply: CommandReply): string {
  switch (reply.type) {
    case 'invalid': {
      const hint = reply.parsed.suggestion
        ? ` Did you mean ${inlineCode(
            reply.parsed.suggestion.startsWith('-')
              ? `/migrate ${reply.parsed.verb} ${reply.parsed.suggestion}`
              : `/migrate ${reply.parsed.suggestion}`,
          )}?`
        : '';
      return [`😕 ${reply.parsed.error}${hint}`, '', renderHelp(reply.where)].join('\n');
    }
    case 'refused':
      return `😕 ${inlineCode(renderCommand(reply.command), { max: 80 })} was not run. ${reply.reason}`;
    case 'help':
      return renderHelp(reply.where);
    case 'status':
      return renderStatus(reply);
    case 'accepted': {
      const written = inlineCode(renderCommand(reply.command), { max: 80 });
      return reply.command.name === 'fix' && reply.command.truncated
        ? `${written} accepted. Your instruction was longer than ${MAX_FIX_INSTRUCTION} characters; the coder gets the first ${MAX_FIX_INSTRUCTION}.`
        : `${written} accepted.`;
    }
    case 'retry-selection':
      return renderRetrySelection(reply.selection, reply.revision);
    case 'command-result':
      return reply.command.name === 'retry' ? renderRetryResult(reply) : renderFixResult(reply);
    case 'wait-cancelled':
      return renderWaitCancelled(reply);
  }
}

function renderWaitCancelled(reply: Extract<CommandReply, { type: 'wait-cancelled' }>): string {
  const { before, after } = reply;
  const moved = before.regenerateOn;
  const what =
    before.pending?.command === 'retry'
      ? 'the retry'
      : moved !== undefined
        ? `the regeneration on the moved base (\`${moved.slice(0, 7)}\`)`
        : 'the restart';
  const waitingFor =
    before.state === 'baseline'
      ? "the default branch's CI"
      : 'a free coder slot (`rollout.maxConcurrentCoders`)';
  const head = (after.lastPushedSha ?? '').slice(0, 7);
  return [
    `🚀 \`/migrate stop\`: ${what} waiting for ${waitingFor} is cancelled before any coder run; the branch was not touched.`,
    `The PR stays on commit \`${head}\` and is ${describeState(after)}.`,
    moved !== undefined
      ? '`/migrate continue` carries on from that commit: while the PR still conflicts with its base, that means regenerating it there once a coder slot is free. `/migrate retry` starts over.'
      : '`/migrate continue` carries on from that commit (fleetwright reads its CI again); `/migrate retry` starts over.',
  ].join(' ');
}

type CommandResult = Extract<CommandReply, { type: 'command-result' }>;

/** `state` (reason): detail, for a PR that ended somewhere unexpected. */
function describeState(target: Target): string {
  const reason = target.reason ? ` (${target.reason})` : '';
  const detail = target.detail ? `: ${escapeText(oneLine(target.detail, 300))}` : '';
  return `\`${target.state}\`${reason}${detail}`;
}

function pushedNew(reply: CommandResult): string | undefined {
  const { before, after } = reply;
  return after.lastPushedSha !== undefined &&
    after.lastPushedSha !== before.lastPushedSha &&
    after.state === 'awaiting-ci'
    ? after.lastPushedSha
    : undefined;
}

function renderRetryResult(reply: CommandResult): string {
  const { after } = reply;
  const lines: string[] = [];
  const head = `🚀 \`/migrate retry${reply.command.name === 'retry' && reply.command.force ? ' --force' : ''}\`: started over with revision ${inlineCode(after.manifestRevision)}, with a fresh budget for this attempt.`;
  const pushed = pushedNew(reply);
  if (pushed) {
    lines.push(
      `${head} The change was regenerated on the default branch at \`${(after.baseSha ?? '').slice(0, 7)}\` as commit \`${pushed.slice(0, 7)}\`; CI is running on it.`,
    );
  } else if (after.state === 'baseline') {
    lines.push(`${head} It waits for the default branch's CI to finish, then regenerates the change.`);
  } else if (after.state === 'queued' && after.prNumber !== undefined) {
    lines.push(
      `${head} It waits for a free coder slot (\`rollout.maxConcurrentCoders\`), then regenerates the change on the default branch.`,
    );
  } else if (after.state === 'queued') {
    lines.push(`${head} It is queued and starts under the migration's rollout limits.`);
  } else if (after.state === 'skipped') {
    lines.push(
      `${head} It stopped before the coder ran: the PR is ${describeState(after)}. Comment \`/migrate retry\` again once the default branch is green.`,
    );
  } else {
    lines.push(`${head} The PR is now ${describeState(after)}.`);
  }
  const discarded = reply.discarded ?? [];
  if (discarded.length > 0) {
    const list = discarded
      .slice(0, 20)
      .map(
        (commit) =>
          `- \`${commit.sha.slice(0, 7)}\`${commit.authorLogin ? ` by ${inlineCode(commit.authorLogin, { max: 60 })}` : ''}: ${escapeText(oneLine(commit.message.split('\n')[0] ?? '', 120))}`,
      );
    if (discarded.length > 20) list.push(`- … and ${discarded.length - 20} more`);
    const intro = pushed
      ? 'As `--force` asked, these commits fleetwright did not make were discarded:'
      : after.state === 'queued' || after.state === 'baseline' || after.state === 'drafting'
        ? 'As `--force` asked, these commits fleetwright did not make will be discarded when the change is regenerated (not any pushed after this command):'
        : 'These commits fleetwright did not make were kept: the retry ended before the branch was reset.';
    lines.push('', intro, '', ...list);
  }
  return lines.join('\n');
}

function renderFixResult(reply: CommandResult): string {
  const { after } = reply;
  const granted = reply.note?.includes('beyond the budget')
    ? `, ${escapeText(reply.note.replace(/^iteration \d+, /, ''))}`
    : '';
  const pushed = pushedNew(reply);
  const lines: string[] = [];
  if (pushed) {
    lines.push(
      `🚀 The coder applied your instruction in commit \`${pushed.slice(0, 7)}\` (iteration ${after.iteration}${granted}); CI is running on it.`,
    );
  } else if (after.detail?.startsWith('/migrate fix by ')) {
    const why = after.detail.replace(/^\/migrate fix by @\S+ made no change: /, '');
    lines.push(
      `The coder made no change for your instruction: ${escapeText(oneLine(why, 300))}. The PR is \`${after.state}\` again.`,
    );
  } else {
    lines.push(
      `The fix iteration ran (iteration ${after.iteration}${granted}); the PR is now ${describeState(after)}.`,
    );
  }
  if (reply.command.name === 'fix' && reply.command.truncated) {
    lines.push(
      '',
      `Your instruction was longer than ${MAX_FIX_INSTRUCTION} characters; the coder got the first ${MAX_FIX_INSTRUCTION}.`,
    );
  }
  return lines.join('\n');
}

/**
 * Whether an allowed command deserves an `accepted` reply: only when something the commenter
 * wrote was not used (a cut `fix` instruction, extra commands); otherwise reactions suffice.
 */
export function needsReply(command: Command, ignoredCommands: number): boolean {
  return ignoredCommands > 0 || (command.name === 'fix' && command.truncated);
}

/** `/migrate help` for a PR or for the dashboard issue. */
export function renderHelp(where: CommandLocation): string {
  const lines =
    where === 'pr'
      ? [
          '**fleetwright commands on this PR** (write access required; one command per comment, at the start of a line):',
          '',
          '- `/migrate status`: state, iteration, last CI failure and cost so far.',
          '- `/migrate stop`: stop iterating (or cancel a retry still waiting to start); the PR stays for people to finish.',
          '- `/migrate continue`: resume a paused or stalled PR (after your own commit, fleetwright builds on it).',
          '- `/migrate fix <instructions>`: one more repair iteration with your instructions (several lines are fine).',
          "- `/migrate retry`: start over from the default branch with the manifest's current revision. " +
            'If someone committed to the branch, `/migrate retry --force` is needed, and discards those commits.',
          "- `/migrate approve`: migration owners only; moves a PR waiting for the owners' review to ready for review.",
          '- `/migrate help`: this list.',
        ]
      : [
          '**fleetwright commands on the migration dashboard** (write access to this repository required):',
          '',
          '- `/migrate retry --failed`: rerun every failed repository (ineligible and not-applicable ones excepted).',
          '- `/migrate retry --group <id>`: rerun one failure group; the ids are on the dashboard.',
          '- `/migrate retry owner/repo …`: rerun the named repositories.',
          '- `/migrate pause`: admit no new repositories and start no coder runs; open PRs stay.',
          '- `/migrate resume`: undo `/migrate pause`.',
          '- `/migrate help`: this list.',
          '',
          "Retries use the manifest's latest revision: improve the prompt, push it, then retry.",
        ];
  return lines.join('\n');
}

function renderStatus(reply: Extract<CommandReply, { type: 'status' }>): string {
  const { target, limits } = reply;
  const reason = target.reason ? ` (${target.reason})` : '';
  const usage = target.usage;
  const used = budgetUsed(target);
  const rows = [
    `| state | \`${target.state}\`${reason} since ${target.stateSince.slice(0, 16).replace('T', ' ')} UTC |`,
    ...(target.detail ? [`| detail | ${escapeText(oneLine(target.detail, 300))} |`] : []),
    ...(target.budgetStart === undefined
      ? [
          `| iteration | ${target.iteration} of ${limits.maxIterations} |`,
          `| cost so far | ${formatUsd(usage.costUsd)} of ${formatUsd(limits.maxCostPerRepoUsd)} |`,
        ]
      : [
          // After a retry the budgets count per attempt; the totals stay visible.
          `| iteration | ${used.iterations} of ${limits.maxIterations} since the last retry (${target.iteration} in total, ${target.retries ?? 1} ${target.retries === 1 ? 'retry' : 'retries'}) |`,
          `| cost so far | ${formatUsd(used.costUsd)} of ${formatUsd(limits.maxCostPerRepoUsd)} since the last retry (${formatUsd(usage.costUsd)} in total) |`,
        ]),
    `| tokens | ${groupDigits(usage.inputTokens)} input · ${groupDigits(usage.outputTokens)} output · ${groupDigits(usage.cacheWriteTokens)} cache write · ${groupDigits(usage.cacheReadTokens)} cache read |`,
    `| revision | ${inlineCode(target.manifestRevision, { inTable: true })} |`,
  ];
  const lines = [
    `**fleetwright status** for ${target.repo} · ${escapeHtmlAndMentions(reply.migrationTitle, 120)}`,
    '',
    '| | |',
    '| --- | --- |',
    ...rows,
  ];
  const last = target.history.at(-1);
  if (last) {
    lines.push(
      '',
      `**Last attempt** (iteration ${last.iteration}, ${last.mode}, ${last.outcome}${last.sha ? `, ${last.sha.slice(0, 7)}` : ''}): ${escapeText(oneLine(last.summary, 400))}`,
    );
    if (last.result) lines.push('', `**Result:** ${inlineCode(last.result, { max: 300 })}`);
  }
  if (target.failure) {
    lines.push(
      '',
      `**Last failure** (${target.failure.class}): ${inlineCode(target.failure.signature, { max: 300 })}`,
    );
    if (target.failure.example && target.failure.example !== target.failure.signature) {
      lines.push('', codeBlock(target.failure.example, { maxLines: 6, maxLineLength: 300 }));
    }
  }
  const available = listAvailableCommands(target, reply.branchHasHumanCommits ?? false);
  lines.push(
    '',
    available.length > 0
      ? `Commands that apply now: ${available.map((command) => `\`${command}\``).join(' · ')}`
      : 'No command changes this PR now.',
  );
  return lines.join('\n');
}

/** What a retry does, in the words that apply to these targets (with and without a PR). */
function retryHow(targets: readonly Target[]): string {
  const withPr = targets.filter((target) => target.prNumber !== undefined).length;
  const withoutPr = targets.length - withPr;
  const parts = [
    ...(withPr > 0
      ? [
          `${withPr === targets.length ? 'Their PRs start' : `${withPr} with a PR start`} over from the default branch as coder slots free up (\`rollout.maxConcurrentCoders\`)`,
        ]
      : []),
    ...(withoutPr > 0
      ? [
          `${withoutPr === targets.length ? 'they go' : `${withoutPr} without a PR go`} back to the queue and are admitted under the rollout limits`,
        ]
      : []),
  ];
  const sentence = parts.join('; ');
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`;
}

function renderRetrySelection(selection: RetrySelection, revision: string): string {
  if (selection.error) return `😕 ${selection.error}`;
  const lines: string[] = [];
  const count = selection.targets.length;
  if (count === 0) {
    lines.push('Nothing to retry.');
  } else {
    const list = selection.targets.map((target) => target.repo);
    const shown = list.slice(0, 50).join(', ');
    const considered = count + selection.excluded.length;
    const of = considered > count ? ` of ${considered}` : '';
    lines.push(
      `🚀 Retrying ${count}${of} ${considered === 1 ? 'repository' : 'repositories'}${selection.group ? ` of group \`${selection.group.id}\`` : ''} ` +
        `with revision ${inlineCode(revision)}: ${shown}${list.length > 50 ? ` and ${list.length - 50} more` : ''}. ` +
        retryHow(selection.targets),
    );
  }
  if (selection.excluded.length > 0) {
    lines.push(
      '',
      'Left alone:',
      '',
      ...selection.excluded.slice(0, 50).map((item) => `- ${item.repo} (\`${item.state}\`): ${item.why}`),
      ...(selection.excluded.length > 50 ? [`- … and ${selection.excluded.length - 50} more`] : []),
    );
  }
  if (selection.unknownRepos.length > 0) {
    lines.push(
      '',
      `Not targets of this migration: ${selection.unknownRepos.map((repo) => inlineCode(repo, { max: 100 })).join(', ')}.`,
    );
  }
  return lines.join('\n');
}
