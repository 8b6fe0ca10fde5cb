/**
 * The Notifier port: tells people that PRs are ready for their review. The Slack adapter
 * (src/adapters/slack/slack-webhook-notifier.ts) posts to incoming webhooks. Notifying is best
 * effort: `send` never throws, it reports a failure, and nothing waits on it to move a PR on.
 *
 * Hand-over does not call `send` directly: it enqueues into a `ReadyPrQueue` (the in-process
 * batcher, src/workflows/notification-batcher.ts), which sends one digest per team per hour.
 */
import type { NotificationMessage, ReadyPrNotice } from '../core/notify/types.ts';

/** One destination: a team (`@org/team`, lower-cased, or `default`) and its webhook. */
export interface NotificationTarget {
  team: string;
  webhookUrl: string;
}

export type NotifyResult = { type: 'sent' } | { type: 'failed'; reason: string; retryable: boolean };

export interface Notifier {
  /** Delivers one message. Never throws: failures (timeouts, HTTP errors, refused hosts) are results. */
  send(target: NotificationTarget, message: NotificationMessage): Promise<NotifyResult>;
}

/** Where hand-over announces a ready PR; delivery happens later, batched per team. */
export interface ReadyPrQueue {
  /** Queues `notice` for each target. Idempotent per PR while it is pending. Never throws. */
  enqueue(targets: readonly NotificationTarget[], notice: ReadyPrNotice): void;
}
