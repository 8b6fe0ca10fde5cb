/** Notifications about PRs handed over to humans: what one ready PR says, and what is sent. */

/** Size of a PR's change, for the message ("3 files, +40 −12"). */
export interface DiffStat {
  files: number;
  additions: number;
  deletions: number;
}

/** One PR that became ready for review. Everything a reviewer needs to decide to open it. */
export interface ReadyPrNotice {
  /** `owner/name`. */
  repo: string;
  number: number;
  title: string;
  url: string;
  migrationId: string;
  migrationTitle: string;
  diffStat: DiffStat;
  /** What the reviewer should check (the migration's judge criteria, guard warnings…), one line each. */
  checklist: string[];
  /** When it became ready (ISO 8601), for ordering in a digest. */
  readyAt: string;
}

/** A message for a Slack incoming webhook: `text` is the notification fallback, `blocks` the layout. */
export interface NotificationMessage {
  text: string;
  blocks: Array<Record<string, unknown>>;
}
