/**
 * The in-process notification batcher: hand-over enqueues ready PRs, and a periodic tick calls
 * `flushDue()`, which sends each team at most one message per hour — a digest of every PR that
 * became ready in that window (pure rules in src/core/notify/batch.ts). Time comes from the
 * injected Clock. A failed delivery is logged and retried at the next due time, up to
 * `maxAttempts`, then dropped: notifying never blocks a PR.
 *
 * State lives in memory: a restart loses pending notices (the PRs themselves are unaffected).
 */
import {
  addNotice,
  DEFAULT_BATCH_POLICY,
  nextDueAt,
  noticeKey,
  takeDueBatches,
  type BatchPolicy,
  type BatchState,
} from '../core/notify/batch.ts';
import { renderReadyPrDigest } from '../core/notify/render-notification.ts';
import type { ReadyPrNotice } from '../core/notify/types.ts';
import type { Clock } from '../ports/clock.ts';
import type { NotificationTarget, Notifier, ReadyPrQueue } from '../ports/notifier.ts';

export interface BatcherLogger {
  info(meta: object, message: string): void;
  warn(meta: object, message: string): void;
}

export interface NotificationBatcherOptions {
  notifier: Notifier;
  clock: Clock;
  log: BatcherLogger;
  policy?: Partial<BatchPolicy>;
  /** Deliveries of one team's batch before it is dropped (default 3). */
  maxAttempts?: number;
}

export interface FlushResult {
  sent: Array<{ team: string; prs: string[] }>;
  failed: Array<{ team: string; prs: string[]; reason: string; dropped: boolean }>;
}

export class NotificationBatcher implements ReadyPrQueue {
  readonly #notifier: Notifier;
  readonly #clock: Clock;
  readonly #log: BatcherLogger;
  readonly #policy: BatchPolicy;
  readonly #maxAttempts: number;
  #state: BatchState = {};
  /** Latest webhook per team (the config may change between enqueue and flush). */
  readonly #webhooks = new Map<string, string>();
  readonly #attempts = new Map<string, number>();
  #flushing: Promise<FlushResult> | undefined;

  constructor(options: NotificationBatcherOptions) {
    this.#notifier = options.notifier;
    this.#clock = options.clock;
    this.#log = options.log;
    this.#policy = { ...DEFAULT_BATCH_POLICY, ...options.policy };
    this.#maxAttempts = options.maxAttempts ?? 3;
  }

  enqueue(targets: readonly NotificationTarget[], notice: ReadyPrNotice): void {
    const now = this.#clock.now().getTime();
    for (const target of targets) {
      this.#webhooks.set(target.team, target.webhookUrl);
      this.#state = addNotice(this.#state, target.team, notice, now);
    }
  }

  /** Notices waiting, per team (for logs and tests). */
  pending(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const [team, batch] of Object.entries(this.#state)) {
      if (batch.pending.length > 0) out[team] = batch.pending.map(noticeKey);
    }
    return out;
  }

  /** When `flushDue` next has something to send, or `undefined`. */
  nextDueAt(): Date | undefined {
    const at = nextDueAt(this.#state, this.#policy);
    return at === undefined ? undefined : new Date(at);
  }

  /** Sends every due batch. Concurrent calls share one flush, so nothing is sent twice. */
  flushDue(): Promise<FlushResult> {
    this.#flushing ??= this.#flush().finally(() => {
      this.#flushing = undefined;
    });
    return this.#flushing;
  }

  async #flush(): Promise<FlushResult> {
    const now = this.#clock.now().getTime();
    const { state, due } = takeDueBatches(this.#state, now, this.#policy);
    this.#state = state;
    const result: FlushResult = { sent: [], failed: [] };
    for (const { team, notices } of due) {
      const prs = notices.map(noticeKey);
      const webhookUrl = this.#webhooks.get(team);
      const outcome =
        webhookUrl === undefined
          ? ({ type: 'failed', reason: 'no webhook for the team', retryable: false } as const)
          : await this.#notifier.send({ team, webhookUrl }, renderReadyPrDigest(team, notices));
      if (outcome.type === 'sent') {
        this.#attempts.delete(team);
        result.sent.push({ team, prs });
        this.#log.info({ team, prs }, 'Ready PRs notified');
        continue;
      }
      const attempts = (this.#attempts.get(team) ?? 0) + 1;
      const dropped = !outcome.retryable || attempts >= this.#maxAttempts;
      if (dropped) {
        this.#attempts.delete(team);
      } else {
        this.#attempts.set(team, attempts);
        // Back in the queue; the failed attempt counts as this window's message, so the retry waits an interval.
        for (const notice of notices) this.#state = addNotice(this.#state, team, notice, now);
      }
      result.failed.push({ team, prs, reason: outcome.reason, dropped });
      this.#log.warn(
        { team, prs, reason: outcome.reason, attempts, dropped },
        dropped ? 'Ready-PR notification dropped' : 'Ready-PR notification failed; will retry',
      );
    }
    return result;
  }
}
