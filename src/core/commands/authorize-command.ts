/**
 * Who may run which `/migrate` command, where, and when. Pure: the caller supplies the facts it
 * fetched (permission from the collaborators API, owner-team memberships, the target read from
 * the PR marker) and gets a decision with a reason a person can read.
 *
 * The rules, in the order they are checked:
 * 1. Bots never command (`type: 'Bot'` or a `[bot]` login), the app included: ignored silently,
 *    because answering a bot can start a reply loop.
 * 2. A PR without a fleetwright target is not ours: ignored silently.
 * 3. The command must belong where it was written (PR commands on PRs, migration-wide commands on
 *    the dashboard issue); `help` works in both.
 * 4. Write, maintain or admin permission on the repository (the config repo for the dashboard),
 *    as the permission API reports it, never `author_association` alone. `help` is open to all.
 * 5. `approve` also needs a migration owner (a login in `review.owners` or a member of a team
 *    listed there; see `isMigrationOwner`).
 * 6. The target's state must allow the command (the same preconditions `step` applies, stated
 *    here so the refusal explains itself instead of the event being silently ignored).
 * 7. `retry` on a branch with human commits needs `--force`.
 */
import type { RepoPermission } from '../../ports/git-host.ts';
import { CODING, FIXABLE, WAITING, hasHumanHead } from '../target/step.ts';
import type { Target, TargetState } from '../target/target.ts';
import type { Command, CommandLocation } from './command.ts';
import { renderCommand } from './command.ts';
import { inlineCode } from '../dashboard/markdown.ts';

/** The comment's author as the webhook reports it (`comment.user`). */
export interface Commenter {
  login: string;
  /** `User`, `Bot`, `Organization`, `Mannequin`… as GitHub sends it. */
  type: string;
}

/** The facts `authorizeCommand` decides on, all fetched by the caller. */
export interface CommandContext {
  command: Command;
  commenter: Commenter;
  /** The commenter's permission on the repository the comment is in (`undefined`: not looked up). */
  permission: RepoPermission | undefined;
  /** See `isMigrationOwner`; only `approve` needs it. */
  isMigrationOwner: boolean;
  where: CommandLocation;
  /** The PR's target (from its marker); `undefined` when the PR is not managed by fleetwright. */
  target?: Target | undefined;
  /**
   * Whether the PR branch carries commits the app did not make, when the caller listed them
   * (`GitHost.listCommitsBetween`). The target's own evidence (paused for a human commit, a head
   * the app did not push) counts as well.
   */
  branchHasHumanCommits?: boolean;
  /** The migration's rollout switches, for pause/resume on the dashboard. */
  migration?: { paused: boolean };
}

/** Refusal codes, for logs and tests; `reason` is the sentence people read. */
export type RefusalCode =
  'wrong-place' | 'permission' | 'not-owner' | 'state' | 'human-commits' | 'coder-running';

/** Allow, refuse with a reply, or ignore without a trace (see the module comment). */
export type CommandDecision =
  | { type: 'allow' }
  /** Answer with 😕 and a reply carrying `reason`. */
  | { type: 'refuse'; code: RefusalCode; reason: string }
  /** Do nothing at all: no reaction, no reply (bots, PRs fleetwright does not manage). */
  | { type: 'ignore'; reason: string };

const WRITERS: ReadonlySet<RepoPermission> = new Set(['write', 'maintain', 'admin']);
const PR_ONLY = new Set<Command['name']>(['retry', 'continue', 'stop', 'fix', 'approve', 'status']);
const DASHBOARD_ONLY = new Set<Command['name']>([
  'retry-failed',
  'retry-group',
  'retry-repos',
  'pause',
  'resume',
]);
/** States with an open PR the app still works on (`/migrate stop` applies). */
const STOPPABLE: ReadonlySet<TargetState> = new Set([
  'awaiting-ci',
  'repairing',
  'judging',
  'owner-review',
  'stalled',
]);

/** True for GitHub App and other bot accounts. */
export function isBot(commenter: Commenter): boolean {
  return commenter.type.toLowerCase() === 'bot' || commenter.login.toLowerCase().endsWith('[bot]');
}

/**
 * The teams among a manifest's `review.owners` (`@org/team` → `org/team`, lowercased), which the
 * caller resolves with the team-membership API before calling `isMigrationOwner`.
 */
export function listOwnerTeams(owners: readonly string[]): string[] {
  return [
    ...new Set(
      owners
        .map((owner) => owner.trim().replace(/^@/, '').toLowerCase())
        .filter((owner) => owner.includes('/')),
    ),
  ].sort();
}

/**
 * Whether `login` is a migration owner: listed by login (`octocat` or `@octocat`, any case), or a
 * member of a listed team. `teamsOfLogin` holds the owner teams the caller confirmed `login` is
 * an active member of (`org/team`); teams it could not check are simply absent, so unknown
 * means "not an owner" (fail closed).
 */
export function isMigrationOwner(input: {
  login: string;
  owners: readonly string[];
  teamsOfLogin?: readonly string[];
}): boolean {
  const login = input.login.toLowerCase();
  const memberOf = new Set((input.teamsOfLogin ?? []).map((team) => team.replace(/^@/, '').toLowerCase()));
  return input.owners.some((raw) => {
    const owner = raw.trim().replace(/^@/, '').toLowerCase();
    return owner.includes('/') ? memberOf.has(owner) : owner === login;
  });
}

/** Decides whether the command runs. See the module comment for the rules and their order. */
export function authorizeCommand(context: CommandContext): CommandDecision {
  const { command, commenter, where, target } = context;
  const written = inlineCode(renderCommand(command), { max: 60 });
  if (isBot(commenter)) return { type: 'ignore', reason: `comment by bot ${commenter.login}` };
  if (where === 'pr' && target === undefined) {
    return { type: 'ignore', reason: 'not a PR fleetwright manages' };
  }

  if (where === 'pr' && DASHBOARD_ONLY.has(command.name)) {
    const hint = command.name === 'resume' ? ' On a PR, `/migrate continue` resumes this repository.' : '';
    return refuse(
      'wrong-place',
      `${written} acts on the whole migration: comment it on the migration's dashboard issue in the config repository.${hint}`,
    );
  }
  if (where === 'dashboard' && PR_ONLY.has(command.name)) {
    const hint =
      command.name === 'retry'
        ? ' Here, use `/migrate retry --failed`, `/migrate retry --group <id>` or `/migrate retry owner/repo`.'
        : command.name === 'status'
          ? ' The dashboard itself is the migration’s status.'
          : '';
    return refuse(
      'wrong-place',
      `${written} acts on one repository: comment it on that repository's PR.${hint}`,
    );
  }

  if (command.name === 'help') return { type: 'allow' };

  const permission = context.permission ?? 'none';
  if (!WRITERS.has(permission)) {
    const repoKind = where === 'dashboard' ? 'the config repository' : 'this repository';
    return refuse(
      'permission',
      `@${commenter.login} has ${permission === 'none' ? 'no' : `\`${permission}\``} access to ${repoKind}; ` +
        '`/migrate` commands need write, maintain or admin permission.',
    );
  }
  if (command.name === 'approve' && !context.isMigrationOwner) {
    return refuse(
      'not-owner',
      `\`/migrate approve\` is for the migration's owners (\`review.owners\` in the manifest); @${commenter.login} is not one of them.`,
    );
  }

  if (where === 'dashboard') return checkMigrationState(command, context.migration);
  // `where === 'pr'` and the target exists (checked above).
  return checkTargetState(command, target as Target, context.branchHasHumanCommits ?? false);
}

function checkMigrationState(command: Command, migration: { paused: boolean } | undefined): CommandDecision {
  if (command.name === 'pause' && migration?.paused) {
    return refuse('state', 'The migration is already paused; `/migrate resume` restarts it.');
  }
  if (command.name === 'resume' && migration && !migration.paused) {
    return refuse('state', 'The migration is not paused.');
  }
  return { type: 'allow' };
}

/** The state preconditions of PR commands, mirroring `step`'s (src/core/target/step.ts). */
function checkTargetState(command: Command, target: Target, branchHasHumanCommits: boolean): CommandDecision {
  const state = target.state;
  const where = `This PR is \`${state}\`${target.reason ? ` (${target.reason})` : ''}`;
  switch (command.name) {
    case 'status':
      return { type: 'allow' };
    case 'continue':
      if (state === 'paused' || state === 'stalled') return { type: 'allow' };
      return refuse('state', `${where}; \`/migrate continue\` resumes only a paused or stalled PR.`);
    case 'stop':
      if (state === 'paused') return refuse('state', `${where}: it is already stopped.`);
      if (state === 'drafting')
        return refuse('coder-running', `${where}: wait for the coder to finish, then stop it.`);
      if (STOPPABLE.has(state) && target.prNumber !== undefined) return { type: 'allow' };
      // A retry (or a moved-base regenerate) waiting to start: stopping cancels the wait.
      if (WAITING.has(state) && target.prNumber !== undefined && target.lastPushedSha !== undefined)
        return { type: 'allow' };
      return refuse('state', `${where}; there is nothing running to stop.`);
    case 'approve':
      if (state === 'owner-review') return { type: 'allow' };
      if (state === 'ready') return refuse('state', `${where}: it is already ready for review.`);
      return refuse(
        'state',
        `${where}; \`/migrate approve\` applies only while it waits for an owner's review (\`owner-review\`).`,
      );
    case 'fix':
      if (CODING.has(state)) {
        return refuse(
          'coder-running',
          `${where}: the coder is running; send your instruction once it has pushed.`,
        );
      }
      if (FIXABLE.has(state) && target.prNumber !== undefined) return { type: 'allow' };
      if (WAITING.has(state)) {
        return refuse('state', `${where}: it is starting over; send your instruction once it has pushed.`);
      }
      return refuse('state', `${where}, a final state; \`/migrate fix\` cannot change it.`);
    case 'retry': {
      if (CODING.has(state)) {
        return refuse(
          'coder-running',
          `${where}: the coder is running; retry once it has pushed, or \`/migrate stop\` first.`,
        );
      }
      if (state === 'merged') return refuse('state', `${where}: there is nothing to retry.`);
      if (state === 'closed') {
        return refuse(
          'state',
          `${where}: a person closed it. Reopen the PR first if the migration should try again.`,
        );
      }
      if (WAITING.has(state) && target.pending?.command === 'retry') {
        return refuse('state', `${where}: a retry is already under way.`);
      }
      // A regenerate on a moved base waiting for a coder slot may become a retry.
      if (WAITING.has(state) && target.regenerateOn === undefined) {
        return refuse('state', `${where}: it has not started yet.`);
      }
      if (!command.force && (branchHasHumanCommits || hasHumanHead(target))) {
        return refuse(
          'human-commits',
          'The branch has commits fleetwright did not make; a retry resets the branch and would discard them. ' +
            'If that is what you want, comment `/migrate retry --force`.',
        );
      }
      return { type: 'allow' };
    }
    default:
      return { type: 'allow' };
  }
}

function refuse(code: RefusalCode, reason: string): CommandDecision {
  return { type: 'refuse', code, reason };
}

/**
 * The PR commands the target's state allows now, as written (`/migrate continue`,
 * `/migrate retry --force`…), for `/migrate status`. Permissions are not considered.
 */
export function listAvailableCommands(target: Target, branchHasHumanCommits = false): string[] {
  const candidates: Command[] = [
    { name: 'continue' },
    { name: 'stop' },
    { name: 'fix', instruction: '…', truncated: false },
    { name: 'approve' },
    { name: 'retry', force: false },
  ];
  const available: string[] = [];
  for (const command of candidates) {
    const decision = checkTargetState(command, target, branchHasHumanCommits);
    if (decision.type === 'allow') {
      available.push(command.name === 'fix' ? '/migrate fix <instructions>' : renderCommand(command));
    } else if (decision.type === 'refuse' && decision.code === 'human-commits') {
      available.push(renderCommand({ name: 'retry', force: true }));
    }
  }
  return available;
}

/** The API look-ups `authorizeCommand` needs for a command, so the caller makes no others. */
export interface CommandLookups {
  /** `GitHost.getPermission` for the commenter. */
  permission: boolean;
  /** Team memberships for the owner teams (`listOwnerTeams`), unless the login is listed itself. */
  ownership: boolean;
  /** `GitHost.listCommitsBetween(base, head)` to find commits the app did not make. */
  branchCommits: boolean;
}

/**
 * Which look-ups to make before `authorizeCommand`, cheapest path first: none for bots (call
 * `isBot` before anything else) or `help`; ownership only for `approve`; the branch's commits
 * only for a `retry` without `--force` on a PR (with `--force` they are discarded by consent).
 */
export function listCommandLookups(command: Command, where: CommandLocation): CommandLookups {
  return {
    permission: command.name !== 'help',
    ownership: command.name === 'approve' && where === 'pr',
    branchCommits: command.name === 'retry' && !command.force && where === 'pr',
  };
}
