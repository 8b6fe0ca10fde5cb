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
 * Owner teams (`@org/team` in `review.owners`): a commenter not listed by login is an owner when
 * GitHub reports an *active* membership of a listed team (`GitHost.findTeamMembership`). Pending
 * invitations, 404s and errors are not memberships (fail closed); a team that could not be checked
 * is named in the refusal, with the reason.
 *
 * `retry` and `fix` start coder work inside this job (the target's job: nothing else advances the
 * target meanwhile), so their reply reports what came of it: the commit pushed, the state reached,
 * the commits a `--force` discarded, or why nothing happened.
 */
import {
  authorizeCommand,
  isMigrationOwner,
  listCommandLookups,
  listOwnerTeams,
} from '../core/commands/authorize-command.ts';
import type { RepoPermission } from '../ports/git-host.ts';
import type { Command } from '../core/commands/command.ts';
import { renderCommand, toMigrateCommand } from '../core/commands/command.ts';
import { parseCommand } from '../core/commands/parse-command.ts';
import type { CommandReply } from '../core/commands/render-command-reply.ts';
import { needsReply, renderCommandReply } from '../core/commands/render-command-reply.ts';
import type { Migration } from '../core/migration.ts';
import type { TargetEvent } from '../core/target/events.ts';
import { step } from '../core/target/step.ts';
import type { Target } from '../core/target/target.ts';
import type { CommitInfo, Reaction, RepoRef } from '../ports/git-host.ts';
import { advanceTarget } from './advance-target.ts';
import type { AdvanceResult } from './advance-target.ts';
import type { InstallationDeps, WorkflowJob } from './deps.ts';
import { toRepoRef } from './deps.ts';
import { admitAndEnqueue, admittedEvent } from './fan-out.ts';
import { loadTarget } from './load-target.ts';
import type { LoadedTarget } from './load-target.ts';
import { classifyError, listForeignCommits } from './run-effects.ts';

export type CommandJob = Extract<WorkflowJob, { type: 'command' }>;

const WRITERS: ReadonlySet<RepoPermission> = new Set(['write', 'maintain', 'admin']);

/** Whether a permission lets its holder run write commands (`authorizeCommand`'s rule). */
export function isWriter(permission: RepoPermission | undefined): boolean {
  return WRITERS.has(permission ?? 'none');
}

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
  // The branch head as GitHub shows it now (the marker may not record a person's later push).
  const headSha = loaded.pr?.headSha ?? target.headSha ?? target.lastPushedSha;
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
  const ownership = lookups.ownership
    ? await resolveOwnership(deps, migration, job.commenter.login)
    : { owner: false, unchecked: [] };
  // With `--force` the commits are listed too: the reply names the ones it discards.
  const humanCommits =
    lookups.branchCommits || (command.name === 'retry' && command.force && isWriter(permission))
      ? await listHumanCommits(deps, target, headSha)
      : undefined;
  const branchHasHumanCommits = humanCommits === undefined ? undefined : humanCommits.length > 0;
  const decision = authorizeCommand({
    command,
    commenter: job.commenter,
    permission,
    isMigrationOwner: ownership.owner,
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
    const teamNote =
      decision.code === 'not-owner' && ownership.unchecked.length > 0
        ? ` Membership of ${ownership.unchecked.join(', ')} could not be checked, so it did not count.`
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
  return applyCommand(deps, job, command, ignoredCommands, { loaded, target, headSha, humanCommits });
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
  seen: {
    loaded: LoadedTarget;
    target: Target;
    headSha: string | undefined;
    humanCommits: CommitInfo[] | undefined;
  },
): Promise<CommandOutcome> {
  const ref = toRepoRef(job.repo);
  const base = toMigrateCommand(command);
  const written = `\`${renderCommand(command)}\``;
  if (!base) {
    // Dashboard commands are refused on PRs by `authorizeCommand`; this is a safety net.
    await react(deps, ref, job.commentId, 'confused');
    await replyTo(deps, job, `😕 ${written} does not apply to a PR.`);
    return 'not-applied';
  }
  // `--force` discards up to the head the commenter could see, never a commit pushed after it.
  const migrateCommand =
    base.name === 'retry' && seen.headSha !== undefined ? { ...base, headSha: seen.headSha } : base;
  // The target read at the start of this job is the one the advance steps (no second read).
  let result = await advanceTarget(
    deps,
    job.migrationId,
    job.repo,
    { type: 'command-received', command: migrateCommand, actor: job.commenter.login },
    seen.loaded,
  );
  const outcome = result.outcomes.findLast((item) => item.event === 'command-received');
  if (outcome?.outcome === 'applied' && command.name === 'retry')
    result = await startIfAdmitted(deps, job, result);
  if (outcome?.outcome === 'applied' && result.target) {
    if (command.name === 'retry' || command.name === 'fix') {
      await replyTo(
        deps,
        job,
        renderCommandReply(
          {
            type: 'command-result',
            command,
            before: seen.target,
            after: result.target,
            ...(outcome.note ? { note: outcome.note } : {}),
            ...(command.name === 'retry' && command.force && seen.humanCommits
              ? { discarded: seen.humanCommits }
              : {}),
          },
          { ignoredCommands },
        ),
      );
    } else if (
      command.name === 'stop' &&
      (seen.target.state === 'queued' || seen.target.state === 'baseline')
    ) {
      // Stopping a wait is easy to misread (was anything reset?): say what was cancelled.
      await replyTo(
        deps,
        job,
        renderCommandReply(
          { type: 'wait-cancelled', before: seen.target, after: result.target },
          { ignoredCommands },
        ),
      );
    } else if (needsReply(command, ignoredCommands)) {
      await replyTo(deps, job, renderCommandReply({ type: 'accepted', command }, { ignoredCommands }));
    }
    await react(deps, ref, job.commentId, 'rocket');
    return 'applied';
  }
  // `step` said why (its notes for commands are sentences); otherwise the PR changed under it.
  const why =
    outcome &&
    outcome.outcome !== 'applied' &&
    outcome.note &&
    (command.name === 'retry' || command.name === 'fix')
      ? `${written} was not run: ${outcome.note}.`
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

/**
 * A retried PR waits in the queue for a coder slot (admit-targets.ts). When one is free now, this
 * job (the target's own) starts it at once, so the reply can say what came of the retry;
 * otherwise the reply says it waits, and a later admission starts it on its own job.
 */
async function startIfAdmitted(
  deps: InstallationDeps,
  job: CommandJob,
  result: AdvanceResult,
): Promise<AdvanceResult> {
  const migration = deps.view.findMigration(job.migrationId);
  const queued = result.target;
  if (!migration || queued?.state !== 'queued' || queued.prNumber === undefined) return result;
  const admission = admitAndEnqueue(deps, job.migrationId, { runHere: job.repo });
  if (!admission.admit.includes(job.repo)) return result;
  const started = await advanceTarget(deps, job.migrationId, job.repo, admittedEvent(migration, queued));
  return started.target ? { ...result, target: started.target } : result;
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
 * Whether `login` owns the migration: listed in `review.owners` by login (no request), or an
 * active member of a team listed there (one request per team until one says yes). Pending
 * invitations and 404s are not memberships; a team GitHub would not answer for (403 without the
 * Members permission, 5xx) is reported in `unchecked` and does not count (fail closed).
 */
async function resolveOwnership(
  deps: InstallationDeps,
  migration: Migration,
  login: string,
): Promise<{ owner: boolean; unchecked: string[] }> {
  const owners = migration.review.owners;
  if (isMigrationOwner({ login, owners })) return { owner: true, unchecked: [] };
  const unchecked: string[] = [];
  for (const team of listOwnerTeams(owners)) {
    const [org = '', slug = ''] = team.split('/');
    try {
      const membership = await deps.host.findTeamMembership(org, slug, login);
      if (membership === 'active') {
        return { owner: isMigrationOwner({ login, owners, teamsOfLogin: [team] }), unchecked: [] };
      }
    } catch (error) {
      const classified = classifyError(error);
      deps.log.warn(
        { migration: migration.id, team, login, error: classified },
        'Could not check a team membership',
      );
      unchecked.push(
        `\`@${team}\` (GitHub answered ${classified.status ?? classified.kind}${
          classified.status === 403 ? ": the app needs the organization's Members: read permission" : ''
        })`,
      );
    }
  }
  return { owner: false, unchecked };
}

/**
 * Commits on the PR branch (base..`head`) that the app did not make, oldest first: what a
 * `retry` would discard. `head` is the branch head GitHub shows, which may be newer than the marker's.
 */
async function listHumanCommits(
  deps: InstallationDeps,
  target: Target,
  head: string | undefined,
): Promise<CommitInfo[]> {
  const base = target.baseSha;
  if (base === undefined || head === undefined) return [];
  // The reset's own rule: the app's commits recorded in the marker count as its own.
  return listForeignCommits(deps, target, base, head);
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
