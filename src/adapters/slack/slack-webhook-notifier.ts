/**
 * `SlackWebhookNotifier`: posts notification messages to Slack incoming webhooks with `fetch`.
 * Every call is bounded by a timeout, failures are logged and returned (never thrown), and only
 * https URLs on the allowed hosts are contacted: the webhook URLs come from the config repo, and
 * a repo edit must not make the app POST to arbitrary (internal) addresses.
 */
import type { NotificationMessage } from '../../core/notify/types.ts';
import type { NotificationTarget, Notifier, NotifyResult } from '../../ports/notifier.ts';

/** Slack's incoming-webhook hosts (commercial and GovSlack). */
export const DEFAULT_SLACK_WEBHOOK_HOSTS: readonly string[] = ['hooks.slack.com', 'hooks.slack-gov.com'];

export interface SlackWebhookNotifierOptions {
  /** Per-request timeout in ms (default 10,000). */
  timeoutMs?: number;
  /** Hosts the notifier may POST to (default: Slack's). */
  allowedHosts?: readonly string[];
  /** Injected for tests; defaults to the global `fetch`. */
  fetch?: typeof fetch;
}

export interface NotifierLogger {
  debug(meta: object, message: string): void;
  warn(meta: object, message: string): void;
}

export class SlackWebhookNotifier implements Notifier {
  readonly #log: NotifierLogger;
  readonly #timeoutMs: number;
  readonly #allowedHosts: ReadonlySet<string>;
  readonly #fetch: typeof fetch;

  constructor(log: NotifierLogger, options: SlackWebhookNotifierOptions = {}) {
    this.#log = log;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#allowedHosts = new Set(
      (options.allowedHosts ?? DEFAULT_SLACK_WEBHOOK_HOSTS).map((h) => h.toLowerCase()),
    );
    this.#fetch = options.fetch ?? fetch;
  }

  async send(target: NotificationTarget, message: NotificationMessage): Promise<NotifyResult> {
    const result = await this.#post(target, message);
    if (result.type === 'failed') {
      // The URL is a secret: log the team and host only.
      this.#log.warn(
        { team: target.team, host: safeHost(target.webhookUrl), reason: result.reason },
        'Slack notification failed',
      );
    } else {
      this.#log.debug({ team: target.team }, 'Slack notification sent');
    }
    return result;
  }

  async #post(target: NotificationTarget, message: NotificationMessage): Promise<NotifyResult> {
    let url: URL;
    try {
      url = new URL(target.webhookUrl);
    } catch {
      return { type: 'failed', reason: 'the webhook URL is not a URL', retryable: false };
    }
    if (url.protocol !== 'https:' || !this.#allowedHosts.has(url.hostname.toLowerCase())) {
      return {
        type: 'failed',
        reason: `refusing to post to ${url.protocol}//${url.hostname}: not an allowed Slack webhook host`,
        retryable: false,
      };
    }
    let response: Response;
    try {
      response = await this.#fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: message.text, blocks: message.blocks }),
        redirect: 'error',
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      const timedOut =
        error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      return {
        type: 'failed',
        reason: timedOut
          ? `no answer within ${this.#timeoutMs} ms`
          : `request failed: ${error instanceof Error ? error.message : String(error)}`,
        retryable: true,
      };
    }
    // Slack answers `ok` (200) or a short error code (`invalid_payload`, `no_service`, …); read a bounded amount.
    const body = (await response.text().catch(() => '')).slice(0, 200);
    if (response.ok) return { type: 'sent' };
    return {
      type: 'failed',
      reason: `HTTP ${response.status}${body === '' ? '' : `: ${body}`}`,
      retryable: response.status === 429 || response.status >= 500,
    };
  }
}

function safeHost(webhookUrl: string): string {
  try {
    return new URL(webhookUrl).hostname;
  } catch {
    return '(invalid)';
  }
}
