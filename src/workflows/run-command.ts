/**
 * Runs one `/migrate` command written on a migration PR (issue 8), inside the target's job so it
 * never overlaps another advance of the same target:
 * 1. parse the comment again (the job carries the body, not a decision);
 * 2. load the target from the PR marker; a PR that is not the target's is ignored silently;
 * 3. acknowledge with 👀, then make only the look-ups the command needs (`listCommandLookups`):
 *    the commenter's permission from the API (never `author_association`), ownership from the
 *    manifest's `review.owners`, the branch's commits for `retry`;
 * 4. `authorizeCommand` decides; refusals, help, status and parse errors get a reply
 *    (`renderCommandReply`), allowed state changes go to `step` as `command-received` through
 *    `advanceTarget`; 🚀 when done, 😕 with a reply when not.
 *
 * Idempotency: the queue drops a redelivered webhook (delivery id); a reaction that exists
 * already is a no-op on GitHub; the reply to a comment is keyed on that comment's id
 * (`ensureComment`), so answering it again edits the one reply instead of posting another; a
 * command whose effect already happened is refused by its state precondition (`stop` twice:
 * "already stopped"), so it never acts twice.
 *
 * Owner teams (`@org/team` in `review.owners`): the GitHost port has no team-membership call yet,
 * so members of listed teams are treated as non-owners (fail closed) and the refusal says to list
 * the login itself. Logins listed directly are recognised.
 */
import {
  authorizeCommand,
  isMigrationOwner,
  listCommandLookups,
  listOwnerTeams,
} from '../core/commands/authorize-command.ts';
import type { Command } from '../core/commands/command.ts';
import { renderCommand, toMigrateCommand } from '../core/commands/command.ts';
import { parseCommand } from '../core/commands/parse-command.ts';
import type { CommandReply } from '../core/commands/render-command-reply.ts';
import { needsReply, renderCommandReply } from '../core/commands/render-command-reply.ts';
import type { Migration } from '../core/migration.ts';
import type { TargetEvent } from '../core/target/events.ts';
import { step } from '../core/target/step.ts';
import type { Target } from '../core/target/target.ts';
import type { Reaction, RepoRef } from '../ports/git-host.ts';
import { advanceTarget } from './advance-target.ts';
import type { InstallationDeps, WorkflowJob } from './deps.ts';
import { toRepoRef } from './deps.ts';
import { loadTarget } from './load-target.ts';
import { classifyError } from './run-effects.ts';

export type CommandJob = Extract<WorkflowJob, { type: 'command' }>;

/** What happened to a command, for logs and tests. */
export type CommandOutcome =
  'not-a-command' | 'ignored' | 'invalid' | 'refused' | 'answered' | 'applied' | 'not-applied' | 'failed';

export async function runCommand(deps: InstallationDeps, job: CommandJob): Promise<CommandOutcome> {
  try {
    return await runCommandUnguarded(deps, job);
  } catch (error) {
    // GitHub failed a look-up (permission, PR): the commenter must not be left with 👀 and
    // silence. The job is not retried: running a command late, unseen, would surprise more.
    const classified = classifyError(error);
    deps.log.warn(
      { migration: job.migrationId, repo: job.repo, pr: job.prNumber, error: classified },
      'Command failed',
    );
    const ref = toRepoRef(job.repo);
    await react(deps, ref, job.commentId, 'confused');
    try {
      await replyTo(
        deps,
        job,
        `😕 The command could not be completed: GitHub answered with an error (${classified.kind}${
          classified.status ? ` ${classified.status}` : ''
        }). Please comment it again in a few minutes; \`/migrate status\` shows where the PR stands.`,
      );
    } catch {
      // GitHub is failing: the reaction (if it went through) and the log are all we can leave.
    }
    return 'failed';
  }
}

async function runCommandUnguarded(deps: InstallationDeps, job: CommandJob): Promise<CommandOutcome> {
  const log = {
    migration: job.migrationId,
    repo: job.repo,
    pr: job.prNumber,
    commenter: job.commenter.login,
  };
  const parsed = parseCommand(job.body);
  if (parsed.type === 'none') return 'not-a-command';
  const migration = deps.view.findMigration(job.migrationId);
  if (!migration) {
    deps.log.debug(log, 'Command for an unknown migration, ignoring');
    return 'ignored';
  }
  const ref = toRepoRef(job.repo);
  const loaded = await loadTarget(deps, migration, job.repo);
  // The comment is on a PR of our branch, but not the one the target lives on (an older, closed
  // PR) or one whose marker we cannot read: not ours to command.
  if (loaded.status !== 'ok' || loaded.target.prNumber !== job.prNumber) {
    deps.log.info(log, 'Command on a PR fleetwright does not manage, ignoring');
    return 'ignored';
  }
  // Decide on the target as the advance will see it: what GitHub shows that the marker does not
  // know yet (a person's push, a merge) is stepped first, purely, without running any effect.
  const target = observe(deps, job.migrationId, loaded.target, loaded.observations);
  const reply = (body: string) => replyTo(deps, job, body);
  const ignoredCommands = parsed.ignoredCommands;

  if (parsed.type === 'invalid') {
    await react(deps, ref, job.commentId, 'confused');
    await reply(renderCommandReply({ type: 'invalid', parsed, where: 'pr' }, { ignoredCommands }));
    return 'invalid';
  }
  const command = parsed.command;
  await react(deps, ref, job.commentId, 'eyes');

  const lookups = listCommandLookups(command, 'pr');
  const permission = lookups.permission ? await deps.host.getPermission(ref, job.commenter.login) : undefined;
  const owner = lookups.ownership ? isOwner(migration, job.commenter.login) : false;
  const branchHasHumanCommits = lookups.branchCommits ? await hasHumanCommits(deps, ref, target) : undefined;
  const decision = authorizeCommand({
    command,
    commenter: job.commenter,
    permission,
    isMigrationOwner: owner,
    where: 'pr',
    target,
    ...(branchHasHumanCommits === undefined ? {} : { branchHasHumanCommits }),
  });
  if (decision.type === 'ignore') {
    deps.log.info({ ...log, reason: decision.reason }, 'Command ignored');
    return 'ignored';
  }
  if (decision.type === 'refuse') {
    deps.log.info({ ...log, command: command.name, code: decision.code }, 'Command refused');
    const teams = decision.code === 'not-owner' ? listOwnerTeams(migration.review.owners) : [];
    const teamNote =
      teams.length > 0
        ? ' Membership of owner teams cannot be checked by fleetwright yet; list the login itself in `review.owners`.'
        : '';
    await react(deps, ref, job.commentId, 'confused');
    await reply(
      renderCommandReply(
        { type: 'refused', command, reason: `${decision.reason}${teamNote}` },
        { ignoredCommands },
      ),
    );
    return 'refused';
  }

  const direct = directReply(command, migration, target, branchHasHumanCommits);
  if (direct) {
    await reply(renderCommandReply(direct, { ignoredCommands }));
    await react(deps, ref, job.commentId, 'rocket');
    return 'answered';
  }
  return applyCommand(deps, job, command, ignoredCommands);
}

/** `help` and `status` are answered here; every other PR command goes to `step`. */
function directReply(
  command: Command,
  migration: Migration,
  target: Target,
  branchHasHumanCommits: boolean | undefined,
): CommandReply | undefined {
  if (command.name === 'help') return { type: 'help', where: 'pr' };
  if (command.name !== 'status') return undefined;
  return {
    type: 'status',
    target,
    migrationTitle: migration.title,
    limits: {
      maxIterations: migration.policy.maxIterations,
      maxCostPerRepoUsd: migration.policy.maxCostPerRepoUsd,
    },
    ...(branchHasHumanCommits === undefined ? {} : { branchHasHumanCommits }),
  };
}

async function applyCommand(
  deps: InstallationDeps,
  job: CommandJob,
  command: Command,
  ignoredCommands: number,
): Promise<CommandOutcome> {
  const ref = toRepoRef(job.repo);
  const migrateCommand = toMigrateCommand(command);
  const written = `\`${renderCommand(command)}\``;
  if (!migrateCommand) {
    // Dashboard commands are refused on PRs by `authorizeCommand`; this is a safety net.
    await react(deps, ref, job.commentId, 'confused');
    await replyTo(deps, job, `😕 ${written} does not apply to a PR.`);
    return 'not-applied';
  }
  const result = await advanceTarget(deps, job.migrationId, job.repo, {
    type: 'command-received',
    command: migrateCommand,
    actor: job.commenter.login,
  });
  const outcome = result.outcomes.findLast((item) => item.event === 'command-received');
  if (outcome?.outcome === 'applied') {
    if (needsReply(command, ignoredCommands)) {
      await replyTo(deps, job, renderCommandReply({ type: 'accepted', command }, { ignoredCommands }));
    }
    await react(deps, ref, job.commentId, 'rocket');
    return 'applied';
  }
  // Said plainly rather than pretending: `retry` and `fix` are parsed and authorised, but the
  // state machine does not run them yet; anything else means the PR changed under the command.
  const why =
    outcome?.outcome === 'ignored-unsupported'
      ? `${written} is not available yet: this fleetwright version understands it but cannot run it. ` +
        'Use `/migrate stop` and finish the PR by hand, or wait for the release that adds it.'
      : result.target
        ? `${written} no longer applies: the PR is now \`${result.target.state}\`. \`/migrate status\` shows what applies.`
        : `${written} was not run: the PR could not be read.`;
  deps.log.info(
    { migration: job.migrationId, repo: job.repo, command: command.name, outcome: outcome?.outcome },
    'Command not applied',
  );
  await react(deps, ref, job.commentId, 'confused');
  await replyTo(deps, job, `😕 ${why}`);
  return 'not-applied';
}

function observe(
  deps: InstallationDeps,
  migrationId: string,
  loaded: Target,
  observations: readonly TargetEvent[],
): Target {
  const policy = deps.view.policyFor(migrationId);
  if (!policy) return loaded;
  let target = loaded;
  for (const event of observations) {
    const transition = step(target, event, policy, deps.clock.now());
    if (transition.outcome === 'applied') target = transition.target;
  }
  return target;
}

/**
 * Logins listed in `review.owners`. Teams listed there cannot be resolved through the GitHost
 * port, so their members are not owners (fail closed; see the module comment).
 */
function isOwner(migration: Migration, login: string): boolean {
  return isMigrationOwner({ login, owners: migration.review.owners, teamsOfLogin: [] });
}

/** Whether the PR branch has commits the app did not make (for `retry` without `--force`). */
async function hasHumanCommits(deps: InstallationDeps, ref: RepoRef, target: Target): Promise<boolean> {
  const base = target.baseSha;
  const head = target.headSha ?? target.lastPushedSha;
  if (base === undefined || head === undefined) return false;
  const commits = await deps.host.listCommitsBetween(ref, base, head);
  return commits.some((commit) => commit.authorLogin !== deps.botLogin);
}

/** The hidden key of the app's reply to one command comment. */
export function commandReplyKey(commentId: number): string {
  return `fleetwright:command-reply:${commentId}`;
}

/** One reply per command comment, whatever the number of deliveries (see the module comment). */
async function replyTo(deps: InstallationDeps, job: CommandJob, body: string): Promise<void> {
  await deps.host.ensureComment(toRepoRef(job.repo), job.prNumber, commandReplyKey(job.commentId), body);
}

/** Reactions are acknowledgements: a failure to add one is logged, never fatal to the command. */
export async function react(
  deps: InstallationDeps,
  ref: RepoRef,
  commentId: number,
  reaction: Reaction,
): Promise<void> {
  try {
    await deps.host.addReaction(ref, commentId, reaction);
  } catch (error) {
    deps.log.warn(
      { repo: `${ref.owner}/${ref.repo}`, commentId, reaction, error: classifyError(error) },
      'Could not add a reaction',
    );
  }
}
