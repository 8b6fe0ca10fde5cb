/**
 * Runs one `/migrate` command written on a migration's dashboard issue in the config repo
 * (issue 8), inside the dashboard's job (`dashboardJobKey`), so it never overlaps a dashboard
 * write of the same migration:
 * 1. parse the comment again (the job carries the body, not a decision);
 * 2. acknowledge with 👀; the commenter's permission on the config repo comes from the API
 *    (never `author_association`); for a writer, the dashboard issue is read first if this
 *    process has not read it yet (after a restart), so the decision sees its pause;
 *    `authorizeCommand` decides (writers only; bots never reach here, the handler and
 *    `authorizeCommand` both drop them);
 * 3. `retry --failed | --group <id> | owner/repo …`: `selectRetryTargets` picks the targets,
 *    `planDashboardRetry` asks `step` which of them it would retry, and each of those gets a
 *    `command-received` retry on its own target job (one job at a time per target, so a retry
 *    never races a CI result). Retried targets go back through the queue, so rollout limits hold;
 *    the reply lists per target what happened and why;
 * 4. `pause` / `resume`: the pause is written into the dashboard issue (GitHub is the database)
 *    before 🚀; resume re-admits queued targets and continues the PRs the pause stopped;
 * 5. 🚀 when done, 😕 with a reply when refused or when nothing could be done.
 *
 * Idempotency: the handler queues one job per comment id (`dashboard-comment:<id>`) and each
 * target job per comment id and target, so the same comment delivered twice acts once; the reply
 * is keyed on the comment (`ensureComment`), so answering again edits the one reply.
 */
import { authorizeCommand, isBot } from '../core/commands/authorize-command.ts';
import type { Command } from '../core/commands/command.ts';
import { renderCommand } from '../core/commands/command.ts';
import { parseCommand } from '../core/commands/parse-command.ts';
import { renderCommandReply } from '../core/commands/render-command-reply.ts';
import { groupFailures } from '../core/dashboard/group-failures.ts';
import { escapeText, inlineCode } from '../core/dashboard/markdown.ts';
import { planDashboardRetry, selectResumeTargets } from '../core/dashboard/plan-dashboard-commands.ts';
import { selectRetryTargets } from '../core/dashboard/select-retry-targets.ts';
import type { MigrateCommand } from '../core/target/events.ts';
import type { Target } from '../core/target/target.ts';
import { GitHostError } from '../shared/errors.ts';
import { syncDashboard } from './dashboard.ts';
import type { InstallationDeps, WorkflowJob } from './deps.ts';
import { targetJobKey } from './deps.ts';
import { admitAndEnqueue } from './fan-out.ts';
import { loadLedger } from './ledger.ts';
import { commandReplyKey, isWriter, react } from './run-command.ts';
import { classifyError } from './run-effects.ts';

export type DashboardCommandJob = Extract<WorkflowJob, { type: 'dashboard-command' }>;

/** What happened to a dashboard command, for logs and tests. */
export type DashboardCommandOutcome =
  'not-a-command' | 'ignored' | 'invalid' | 'refused' | 'answered' | 'applied' | 'not-applied' | 'failed';

export async function runDashboardCommand(
  deps: InstallationDeps,
  job: DashboardCommandJob,
): Promise<DashboardCommandOutcome> {
  try {
    return await runUnguarded(deps, job);
  } catch (error) {
    // GitHub failed a look-up or the pause could not be saved: never leave 👀 and silence.
    const classified = classifyError(error);
    deps.log.warn(
      {
        migration: job.migrationId,
        issue: job.issueNumber,
        commenter: job.commenter.login,
        error: classified,
      },
      'Dashboard command failed',
    );
    await react(deps, deps.configRepo, job.commentId, 'confused');
    try {
      await reply(
        deps,
        job,
        `😕 The command could not be completed: GitHub answered with an error (${classified.kind}${
          classified.status ? ` ${classified.status}` : ''
        }). Please comment it again in a few minutes.`,
      );
    } catch {
      // GitHub is failing: the reaction (if it went through) and the log are all we can leave.
    }
    return 'failed';
  }
}

async function runUnguarded(
  deps: InstallationDeps,
  job: DashboardCommandJob,
): Promise<DashboardCommandOutcome> {
  const log = { migration: job.migrationId, issue: job.issueNumber, commenter: job.commenter.login };
  const parsed = parseCommand(job.body);
  if (parsed.type === 'none') return 'not-a-command';
  if (isBot(job.commenter)) return 'ignored';
  const migration = deps.view.findMigration(job.migrationId);
  if (!migration) {
    deps.log.debug(log, 'Dashboard command for an unknown migration, ignoring');
    return 'ignored';
  }
  const ignoredCommands = parsed.ignoredCommands;
  if (parsed.type === 'invalid') {
    await react(deps, deps.configRepo, job.commentId, 'confused');
    await reply(
      deps,
      job,
      renderCommandReply({ type: 'invalid', parsed, where: 'dashboard' }, { ignoredCommands }),
    );
    return 'invalid';
  }
  const command = parsed.command;
  await react(deps, deps.configRepo, job.commentId, 'eyes');
  const permission =
    command.name === 'help' ? undefined : await deps.host.getPermission(deps.configRepo, job.commenter.login);
  if (isWriter(permission) && !deps.view.isLedgerLoaded(job.migrationId)) {
    // The pause and the ledger live in the dashboard issue: decide on what it says now.
    await loadLedger(deps, migration);
    if (!deps.view.isLedgerLoaded(job.migrationId)) {
      throw new GitHostError('The dashboard issue could not be read', { status: 502 });
    }
  }

  const decision = authorizeCommand({
    command,
    commenter: job.commenter,
    permission,
    isMigrationOwner: false,
    where: 'dashboard',
    migration: { paused: deps.view.findPause(job.migrationId) !== undefined },
  });
  if (decision.type === 'ignore') {
    deps.log.info({ ...log, reason: decision.reason }, 'Dashboard command ignored');
    return 'ignored';
  }
  if (decision.type === 'refuse') {
    deps.log.info({ ...log, command: command.name, code: decision.code }, 'Dashboard command refused');
    // Resuming what only the manifest pauses: say where the switch is.
    const reason =
      decision.code === 'state' && command.name === 'resume' && migration.policy.paused
        ? 'The migration is paused by its manifest (`rollout.paused: true`), not from this dashboard: set it to `false` and push.'
        : decision.reason;
    await react(deps, deps.configRepo, job.commentId, 'confused');
    await reply(deps, job, renderCommandReply({ type: 'refused', command, reason }, { ignoredCommands }));
    return 'refused';
  }

  let outcome: { ok: boolean; body: string };
  switch (command.name) {
    case 'help':
      outcome = { ok: true, body: renderCommandReply({ type: 'help', where: 'dashboard' }) };
      break;
    case 'retry-failed':
    case 'retry-group':
    case 'retry-repos':
      outcome = retry(deps, job, command);
      break;
    case 'pause':
      outcome = await pause(deps, job);
      break;
    case 'resume':
      outcome = await resume(deps, job);
      break;
    default:
      // PR commands are refused here by `authorizeCommand`; this is a safety net.
      outcome = {
        ok: false,
        body: `😕 ${inlineCode(renderCommand(command))} does not apply to the dashboard.`,
      };
  }
  await reply(deps, job, outcome.body + ignoredNote(ignoredCommands));
  await react(deps, deps.configRepo, job.commentId, outcome.ok ? 'rocket' : 'confused');
  deps.log.info({ ...log, command: command.name, ok: outcome.ok }, 'Dashboard command run');
  if (command.name === 'help') return 'answered';
  return outcome.ok ? 'applied' : 'not-applied';
}

/** Retries the selected targets, each on its own target job; the reply says what became of each. */
function retry(
  deps: InstallationDeps,
  job: DashboardCommandJob,
  command: Extract<Command, { name: 'retry-failed' | 'retry-group' | 'retry-repos' }>,
): { ok: boolean; body: string } {
  const migration = deps.view.findMigration(job.migrationId);
  const policy = deps.view.policyFor(job.migrationId);
  if (!migration || !policy) return { ok: false, body: '😕 The migration is no longer known.' };
  const targets = deps.view.targets(job.migrationId);
  const selection = planDashboardRetry(
    selectRetryTargets(command, targets, groupFailures(targets)),
    policy,
    deps.clock.now(),
    job.commenter.login,
  );
  const queued = dispatch(deps, job, selection.targets, { name: 'retry', force: false });
  const body = renderCommandReply({ type: 'retry-selection', selection, revision: migration.revision });
  const waiting = policy.paused
    ? '\n\nThe migration is paused: retried repositories wait in the queue until `/migrate resume`.'
    : '';
  return { ok: selection.error === undefined && queued > 0, body: body + waiting };
}

async function pause(
  deps: InstallationDeps,
  job: DashboardCommandJob,
): Promise<{ ok: boolean; body: string }> {
  const at = deps.clock.now().toISOString();
  deps.view.setPause(job.migrationId, { by: job.commenter.login, at });
  try {
    await syncDashboard(deps, job.migrationId, { force: true });
  } catch (error) {
    // Not on GitHub, so it would not survive a restart: undo it here too, and say so.
    deps.view.setPause(job.migrationId, undefined);
    throw error;
  }
  const targets = deps.view.targets(job.migrationId);
  const queued = targets.filter((target) => target.state === 'queued').length;
  const running = targets.filter(
    (target) => target.state === 'drafting' || target.state === 'repairing',
  ).length;
  return {
    ok: true,
    body:
      `⏸ Paused by ${escapeText(`@${job.commenter.login}`)}: no repository is admitted and no coder run starts` +
      ` (${queued} queued ${queued === 1 ? 'waits' : 'wait'}; ${running} coder ${running === 1 ? 'run' : 'runs'} under way ${running === 1 ? 'finishes' : 'finish'}). ` +
      'Open PRs stay as they are; a PR whose CI fails waits for the resume. `/migrate resume` restarts the migration.',
  };
}

async function resume(
  deps: InstallationDeps,
  job: DashboardCommandJob,
): Promise<{ ok: boolean; body: string }> {
  const previous = deps.view.findPause(job.migrationId);
  deps.view.setPause(job.migrationId, undefined);
  try {
    await syncDashboard(deps, job.migrationId, { force: true });
  } catch (error) {
    if (previous) deps.view.setPause(job.migrationId, previous);
    throw error;
  }
  const migration = deps.view.findMigration(job.migrationId);
  if (migration?.policy.paused) {
    return {
      ok: true,
      body: '▶ The dashboard pause is lifted, but the manifest still pauses the migration (`rollout.paused: true`): set it to `false` and push to restart.',
    };
  }
  const admission = admitAndEnqueue(deps, job.migrationId);
  const stopped = selectResumeTargets(deps.view.targets(job.migrationId));
  const continued = dispatch(deps, job, stopped, { name: 'continue' });
  const waiting = admission.waiting > 0 ? `; ${admission.waiting} more wait for rollout slots` : '';
  return {
    ok: true,
    body:
      `▶ Resumed by ${escapeText(`@${job.commenter.login}`)}: ${admission.admit.length} ${admission.admit.length === 1 ? 'repository' : 'repositories'} admitted${waiting}` +
      (continued > 0 ? `; ${continued} PRs the pause had stopped continue.` : '.'),
  };
}

/**
 * Queues `command` on each target's own job. The dedupe id is per comment and target: the same
 * comment, delivered again, queues nothing new.
 */
function dispatch(
  deps: InstallationDeps,
  job: DashboardCommandJob,
  targets: readonly Target[],
  command: MigrateCommand,
): number {
  let queued = 0;
  for (const target of targets) {
    const key = targetJobKey(target.repo, job.migrationId);
    const result = deps.jobs.enqueue({
      key,
      kind: 'coder',
      dedupeId: `dashboard-comment:${job.commentId}:${key}`,
      payload: {
        type: 'advance',
        installationId: deps.installationId,
        migrationId: job.migrationId,
        repo: target.repo,
        event: { type: 'command-received', command, actor: job.commenter.login },
      },
    });
    if (result.accepted) queued += 1;
  }
  return queued;
}

function ignoredNote(ignored: number): string {
  return ignored > 0
    ? `\n\n_Only the first \`/migrate\` line of a comment runs; ${ignored} later ${ignored === 1 ? 'one was' : 'ones were'} ignored. Send each command in its own comment._`
    : '';
}

/** One reply per command comment on the dashboard issue, however often it is answered. */
async function reply(deps: InstallationDeps, job: DashboardCommandJob, body: string): Promise<void> {
  await deps.host.ensureComment(deps.configRepo, job.issueNumber, commandReplyKey(job.commentId), body);
}
