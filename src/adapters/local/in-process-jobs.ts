/**
 * The embedded `Jobs` backend: an in-memory keyed queue. One job at a time per key, a global
 * concurrency bound and a separate bound for coder jobs, dedupe on delivery ids with a bounded
 * LRU, error isolation. State is lost on restart by design: start-up reconciliation rebuilds the
 * work from GitHub (shared/DESIGN.md §3.1).
 */
import type { EnqueueResult, Job, JobHandler, Jobs } from '../../ports/jobs.ts';
import type { Log } from '../../ports/log.ts';

export interface InProcessJobsOptions<Payload> {
  handle: JobHandler<Payload>;
  /** Jobs running at once (default 4). */
  concurrency?: number;
  /** Coder jobs running at once (default 2); never above `concurrency`. */
  coderConcurrency?: number;
  /** Delivery ids remembered for dedupe (default 10,000). */
  dedupeSize?: number;
  log: Log;
  /** Called after a job threw (after logging); its own errors are swallowed. */
  onError?: (job: Job<Payload>, error: unknown) => Promise<void> | void;
}

interface Entry<Payload> {
  job: Job<Payload>;
  seq: number;
}

export class InProcessJobs<Payload> implements Jobs<Payload> {
  readonly #options: Required<Omit<InProcessJobsOptions<Payload>, 'onError'>> &
    Pick<InProcessJobsOptions<Payload>, 'onError'>;
  /** Pending jobs per key, in order. */
  readonly #queues = new Map<string, Entry<Payload>[]>();
  readonly #runningKeys = new Set<string>();
  readonly #seen = new Map<string, true>();
  #running = 0;
  #runningCoders = 0;
  #seq = 0;
  #closed = false;
  #idleWaiters: (() => void)[] = [];

  constructor(options: InProcessJobsOptions<Payload>) {
    const concurrency = Math.max(1, options.concurrency ?? 4);
    this.#options = {
      ...options,
      concurrency,
      coderConcurrency: Math.max(1, Math.min(concurrency, options.coderConcurrency ?? 2)),
      dedupeSize: Math.max(1, options.dedupeSize ?? 10_000),
    };
  }

  enqueue(job: Job<Payload>): EnqueueResult {
    if (this.#closed) return { accepted: false, reason: 'closed' };
    if (job.dedupeId !== undefined) {
      if (this.#seen.has(job.dedupeId)) {
        // Refresh its LRU position: a redelivery storm keeps the id alive.
        this.#seen.delete(job.dedupeId);
        this.#seen.set(job.dedupeId, true);
        return { accepted: false, reason: 'duplicate' };
      }
      this.#seen.set(job.dedupeId, true);
      if (this.#seen.size > this.#options.dedupeSize) {
        const oldest = this.#seen.keys().next().value;
        if (oldest !== undefined) this.#seen.delete(oldest);
      }
    }
    const queue = this.#queues.get(job.key) ?? [];
    queue.push({ job, seq: this.#seq++ });
    this.#queues.set(job.key, queue);
    this.#pump();
    return { accepted: true };
  }

  drain(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.drain();
  }

  /** Queued and running counts (logs, tests). */
  stats(): { queued: number; running: number; runningCoders: number } {
    let queued = 0;
    for (const queue of this.#queues.values()) queued += queue.length;
    return { queued, running: this.#running, runningCoders: this.#runningCoders };
  }

  #isIdle(): boolean {
    return this.#running === 0 && this.#queues.size === 0;
  }

  /** Starts every job that may run now, oldest first across keys. */
  #pump(): void {
    while (this.#running < this.#options.concurrency) {
      const next = this.#pickNext();
      if (!next) break;
      this.#start(next);
    }
    if (this.#isIdle()) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  #pickNext(): Entry<Payload> | undefined {
    let best: Entry<Payload> | undefined;
    for (const [key, queue] of this.#queues) {
      if (this.#runningKeys.has(key)) continue;
      const head = queue[0];
      if (!head) continue;
      if (head.job.kind === 'coder' && this.#runningCoders >= this.#options.coderConcurrency) continue;
      if (!best || head.seq < best.seq) best = head;
    }
    if (!best) return undefined;
    const queue = this.#queues.get(best.job.key);
    queue?.shift();
    if (queue && queue.length === 0) this.#queues.delete(best.job.key);
    return best;
  }

  #start(entry: Entry<Payload>): void {
    const { job } = entry;
    this.#running += 1;
    if (job.kind === 'coder') this.#runningCoders += 1;
    this.#runningKeys.add(job.key);
    void this.#run(job).finally(() => {
      this.#running -= 1;
      if (job.kind === 'coder') this.#runningCoders -= 1;
      this.#runningKeys.delete(job.key);
      this.#pump();
    });
  }

  async #run(job: Job<Payload>): Promise<void> {
    try {
      await this.#options.handle(job.payload, job);
    } catch (error) {
      this.#options.log.error({ key: job.key, dedupeId: job.dedupeId, err: error }, 'Job failed');
      try {
        await this.#options.onError?.(job, error);
      } catch (hookError) {
        this.#options.log.error({ key: job.key, err: hookError }, 'Job error hook failed');
      }
    }
  }
}
