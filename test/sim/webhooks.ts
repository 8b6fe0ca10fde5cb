/**
 * Webhook delivery for the simulator: every state change GitHub would announce becomes a
 * delivery (`x-github-delivery` GUID, `x-hub-signature-256`), sent to a target URL (the Probot
 * middleware) or handed to a function. Modes reproduce what real deliveries do to an app:
 * immediate, held until the test releases them, duplicated (same GUID twice, the second one
 * late), reordered (each burst shuffled with a seeded PRNG) and delayed.
 */
import { randomUUID } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';

export interface WebhookEvent {
  id: string;
  name: string;
  payload: Record<string, unknown>;
}

export interface DeliveryAttempt {
  at: number;
  status?: number;
  error?: string;
}

export interface DeliveryRecord {
  /** The `x-github-delivery` GUID (the same on a duplicate). */
  id: string;
  event: string;
  action: string | undefined;
  installationId: number | undefined;
  repository: string | undefined;
  payload: Record<string, unknown>;
  /** 1 for the first send, 2 for the duplicate. */
  copy: number;
  attempts: DeliveryAttempt[];
  state: 'queued' | 'held' | 'delivered' | 'failed' | 'dropped';
}

export type DeliveryTarget =
  | { type: 'url'; url: string; secret: string }
  | { type: 'function'; receive: (event: WebhookEvent) => Promise<void> | void }
  | { type: 'none' };

export interface DeliveryOptions {
  mode: 'immediate' | 'held' | 'reordered' | 'delayed';
  /** Send every delivery twice (the copy goes to the back of the queue). */
  duplicate: boolean;
  /** For `delayed`: milliseconds before each delivery is queued. */
  delayMs: number;
  /** Seed for `reordered` shuffling. */
  seed: number;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class WebhookDispatcher {
  readonly deliveries: DeliveryRecord[] = [];
  target: DeliveryTarget = { type: 'none' };
  options: DeliveryOptions = { mode: 'immediate', duplicate: false, delayMs: 0, seed: 1 };
  private queue: DeliveryRecord[] = [];
  private held: DeliveryRecord[] = [];
  private pumping: Promise<void> | undefined;
  private timers = new Set<NodeJS.Timeout>();
  private random = mulberry32(1);
  private idleWaiters: (() => void)[] = [];
  private readonly onError: (error: unknown) => void;

  constructor(onError: (error: unknown) => void = () => {}) {
    this.onError = onError;
  }

  configure(options: Partial<DeliveryOptions>): void {
    this.options = { ...this.options, ...options };
    if (options.seed !== undefined) this.random = mulberry32(options.seed);
  }

  /** Records one event GitHub would send and schedules it per the delivery mode. */
  emit(name: string, payload: Record<string, unknown>): DeliveryRecord {
    const installation = payload.installation as { id?: number } | undefined;
    const repository = payload.repository as { full_name?: string } | undefined;
    const record: DeliveryRecord = {
      id: randomUUID(),
      event: name,
      action: typeof payload.action === 'string' ? payload.action : undefined,
      installationId: installation?.id,
      repository: repository?.full_name,
      payload,
      copy: 1,
      attempts: [],
      state: 'queued',
    };
    this.deliveries.push(record);
    if (this.target.type === 'none') {
      record.state = 'dropped';
      return record;
    }
    const copies = [record];
    if (this.options.duplicate) {
      const copy: DeliveryRecord = { ...record, copy: 2, attempts: [] };
      this.deliveries.push(copy);
      copies.push(copy);
    }
    for (const item of copies) this.schedule(item);
    return record;
  }

  private schedule(record: DeliveryRecord): void {
    switch (this.options.mode) {
      case 'held':
        record.state = 'held';
        this.held.push(record);
        return;
      case 'delayed': {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          this.enqueue(record);
        }, this.options.delayMs);
        this.timers.add(timer);
        return;
      }
      default:
        this.enqueue(record);
    }
  }

  private enqueue(record: DeliveryRecord): void {
    // A duplicate goes to the back, so it arrives after whatever the first copy caused.
    this.queue.push(record);
    this.pumping ??= this.pump().finally(() => {
      this.pumping = undefined;
      this.notifyIdle();
    });
  }

  private async pump(): Promise<void> {
    // Let the request that caused the event finish first, as GitHub delivers asynchronously.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.queue.length > 0) {
      if (this.options.mode === 'reordered' && this.queue.length > 1) {
        for (let i = this.queue.length - 1; i > 0; i--) {
          const j = Math.floor(this.random() * (i + 1));
          [this.queue[i], this.queue[j]] = [this.queue[j]!, this.queue[i]!];
        }
      }
      const next = this.queue.shift()!;
      await this.deliver(next);
    }
  }

  private async deliver(record: DeliveryRecord): Promise<void> {
    const attempt: DeliveryAttempt = { at: Date.now() };
    record.attempts.push(attempt);
    const target = this.target;
    try {
      if (target.type === 'function') {
        await target.receive({ id: record.id, name: record.event, payload: record.payload });
        attempt.status = 200;
      } else if (target.type === 'url') {
        const body = JSON.stringify(record.payload);
        const response = await fetch(target.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'GitHub-Hookshot/sim',
            'x-github-event': record.event,
            'x-github-delivery': record.id,
            'x-github-hook-id': '1',
            'x-github-hook-installation-target-type': 'integration',
            'x-github-hook-installation-target-id': '1',
            'x-hub-signature-256': await sign(target.secret, body),
          },
          body,
        });
        await response.arrayBuffer();
        attempt.status = response.status;
      }
      record.state = attempt.status !== undefined && attempt.status < 300 ? 'delivered' : 'failed';
    } catch (error) {
      attempt.error = error instanceof Error ? error.message : String(error);
      record.state = 'failed';
      this.onError(error);
    }
  }

  /** Releases held deliveries (all, or those matching `filter`) in the given order. */
  release(
    options: { order?: 'fifo' | 'reverse' | 'shuffle'; filter?: (d: DeliveryRecord) => boolean } = {},
  ): number {
    const chosen = this.held.filter(options.filter ?? (() => true));
    this.held = this.held.filter((d) => !chosen.includes(d));
    if (options.order === 'reverse') chosen.reverse();
    if (options.order === 'shuffle') {
      for (let i = chosen.length - 1; i > 0; i--) {
        const j = Math.floor(this.random() * (i + 1));
        [chosen[i], chosen[j]] = [chosen[j]!, chosen[i]!];
      }
    }
    for (const record of chosen) {
      record.state = 'queued';
      this.enqueue(record);
    }
    return chosen.length;
  }

  /** Drops held deliveries (GitHub lost them). */
  drop(filter: (d: DeliveryRecord) => boolean = () => true): number {
    const chosen = this.held.filter(filter);
    this.held = this.held.filter((d) => !chosen.includes(d));
    for (const record of chosen) record.state = 'dropped';
    return chosen.length;
  }

  /** Re-sends a past delivery with the same GUID (what "Redeliver" does on GitHub). */
  redeliver(id: string): void {
    const original = this.deliveries.find((d) => d.id === id);
    if (!original) throw new Error(`no delivery ${id}`);
    const copy: DeliveryRecord = { ...original, copy: original.copy + 1, attempts: [], state: 'queued' };
    this.deliveries.push(copy);
    this.enqueue(copy);
  }

  heldCount(): number {
    return this.held.length;
  }

  busy(): boolean {
    return this.queue.length > 0 || this.pumping !== undefined || this.timers.size > 0;
  }

  /** Resolves when nothing is queued, in flight or waiting on a delay timer. */
  async idle(): Promise<void> {
    while (this.busy()) {
      if (this.pumping) await this.pumping;
      else await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
  }

  private notifyIdle(): void {
    if (this.busy()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.notifyIdle();
  }
}
