/**
 * The Jobs port: a keyed work queue. Webhook handlers enqueue and return at once (GitHub gives a
 * delivery 10 s); the queue runs the work later.
 *
 * Contract (any backend, in-process or distributed, must keep it):
 * - Jobs with the same `key` (repo + migration) run one at a time, in enqueue order.
 * - At most `concurrency` jobs run at once, and at most `coderConcurrency` jobs of kind `coder`.
 * - A job whose `dedupeId` (the `X-GitHub-Delivery` GUID plus a suffix) was seen recently is
 *   dropped, so a redelivered webhook does nothing twice.
 * - A failing job never stops the queue: the error is logged and handed to `onError`.
 * - Payloads are plain JSON data (no closures), so a distributed backend can serialise them; the
 *   worker side dispatches them to one handler given at construction.
 */

export type JobKind = 'coder' | 'default';

export interface Job<Payload> {
  /** Serialisation key: `owner/repo#migration-id` for target work. */
  key: string;
  /** `coder` jobs may run an LLM coder and count against the coder bound. */
  kind: JobKind;
  /** Idempotency key; omitted for internal jobs that must always run (ticks). */
  dedupeId?: string;
  payload: Payload;
}

export type EnqueueResult = { accepted: true } | { accepted: false; reason: 'duplicate' | 'closed' };

export interface Jobs<Payload> {
  /** Queues a job; never throws and never waits for it to run. */
  enqueue(job: Job<Payload>): EnqueueResult;
  /** Resolves when nothing is queued or running (tests, shutdown). */
  drain(): Promise<void>;
  /** Stops accepting jobs, then drains. */
  close(): Promise<void>;
}

/** Handles one job's payload; thrown errors are the queue's to isolate. */
export type JobHandler<Payload> = (payload: Payload, job: Job<Payload>) => Promise<void>;
