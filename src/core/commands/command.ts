/**
 * `/migrate …` commands as typed data (issue 8). Parsed from comment bodies by `parseCommand`,
 * checked by `authorizeCommand`, answered by `renderCommandReply`. PR commands become the state
 * machine's `MigrateCommand` through `toMigrateCommand`; dashboard commands act on many targets
 * (see `selectRetryTargets`) or on the migration itself (pause/resume).
 */
import type { MigrateCommand } from '../target/events.ts';

/** Where a command was written: a migration PR, or the migration's dashboard issue. */
export type CommandLocation = 'pr' | 'dashboard';

/** The longest `/migrate fix` instruction kept; longer text is cut (and the reply says so). */
export const MAX_FIX_INSTRUCTION = 4000;
/** The most repositories one `/migrate retry owner/repo …` may name. */
export const MAX_RETRY_REPOS = 100;

/** A parsed, well-formed command; `authorizeCommand` decides whether it may run. */
export type Command =
  /** PR: start over from the manifest's latest revision; `force` discards human commits. */
  | { name: 'retry'; force: boolean }
  /** Dashboard: retry every target in a failure group (exhausted, stalled, error, skipped). */
  | { name: 'retry-failed' }
  /** Dashboard: retry the targets of one failure group, by its short id. */
  | { name: 'retry-group'; groupId: string }
  /** Dashboard: retry the named repositories (`owner/repo`, deduplicated, as written). */
  | { name: 'retry-repos'; repos: string[] }
  | { name: 'continue' }
  | { name: 'stop' }
  /** PR: one repair iteration with the maintainer's instruction; `truncated` when it was cut. */
  | { name: 'fix'; instruction: string; truncated: boolean }
  | { name: 'approve' }
  | { name: 'status' }
  | { name: 'help' }
  /** Dashboard: stop admitting new targets and starting coder runs. */
  | { name: 'pause' }
  /** Dashboard: undo `pause`. */
  | { name: 'resume' };

/** `retry`, `retry-group`, `fix`…: the discriminant of `Command`. */
export type CommandName = Command['name'];

/** The result of reading one comment. */
export type ParsedCommand =
  /** No `/migrate` line outside quotes and code: not a command comment; do nothing. */
  | { type: 'none' }
  | {
      type: 'command';
      command: Command;
      /** 1-based line of the command in the comment. */
      line: number;
      /** Further `/migrate` lines after the first, which were not run. */
      ignoredCommands: number;
    }
  | {
      type: 'invalid';
      /** The verb as written (lowercased), `''` when missing. */
      verb: string;
      line: number;
      /** What is wrong, one sentence, Markdown-safe (verbs and flags in code spans). */
      error: string;
      /** The closest valid word for a typo (`retry` for `retyr`, `--force` for `--froce`). */
      suggestion?: string;
      ignoredCommands: number;
    };

/** The written form of a command, for replies and logs (`/migrate retry --group 3fa2c1`). */
export function renderCommand(command: Command): string {
  switch (command.name) {
    case 'retry':
      return command.force ? '/migrate retry --force' : '/migrate retry';
    case 'retry-failed':
      return '/migrate retry --failed';
    case 'retry-group':
      return `/migrate retry --group ${command.groupId}`;
    case 'retry-repos':
      return `/migrate retry ${command.repos.join(' ')}`;
    default:
      return `/migrate ${command.name}`;
  }
}

/**
 * The state machine's event payload for a PR command, or `undefined` for commands `step` does
 * not handle (status and help are answered directly; dashboard commands act on the migration).
 */
export function toMigrateCommand(command: Command): MigrateCommand | undefined {
  switch (command.name) {
    case 'retry':
      return { name: 'retry', force: command.force };
    case 'continue':
    case 'stop':
    case 'approve':
      return { name: command.name };
    case 'fix':
      return { name: 'fix', instruction: command.instruction };
    default:
      return undefined;
  }
}
