/**
 * Condensing on a worker thread, for the processes that condense big logs as they stream past
 * (the Action's wrapped command, `fleetwright condense`).
 *
 * Why a thread: the dispatcher feeds its condensers in batches of thousands of lines (see
 * condense.ts); holding a batch across a scavenge makes V8 grow the main thread's young
 * generation to its 16 MB semi-spaces, ≈ 30 MB more peak RSS for no gain. A worker's young
 * generation can be capped (`resourceLimits`), which the main thread's cannot be from inside
 * the process. It also keeps the Action's main thread free to pass the command's output on to
 * the job log while the condensers work.
 *
 * The one module of condense/ that is not pure: it starts a thread (no file or network I/O).
 * The worker's entry is a module that calls `serveCondenseWorker()`: worker-entry.ts when
 * running from source, or a bundle of it (the Action ships action/dist/condense-worker.js).
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { FailureReport } from '../contracts/failure-report.ts';
import { createCondenseSession, selectFactories, type CondenseOptions } from './condense.ts';

/** Options that can cross to the worker (condenser factories cannot: they hold functions). */
export type WorkerCondenseOptions = Omit<CondenseOptions, 'factories'>;

/** The worker entry when running from source; a bundle passes its own (see module comment). */
export const sourceWorkerEntry = new URL('./worker-entry.ts', import.meta.url);

/**
 * The worker's young generation, in MB (8 MB semi-spaces). On the 300 MB benchmark log the whole
 * process peaks at 125–135 MB with it, against 146 MB for the same batches on an uncapped
 * thread; 12 and 48 MB took the same CPU time (48 MB: 148 MB peak).
 */
export const WORKER_YOUNG_GENERATION_MB = 24;

/** Bytes sent to the worker and not yet condensed above which `backlogged` turns true. */
const HIGH_WATER = 1024 * 1024;
/** …and below which `drained()` resolves. */
const LOW_WATER = 256 * 1024;
/**
 * The worker acknowledges condensed bytes in steps of at least this many (one message per
 * 64 KiB chunk cost ≈ 1% of the CPU). Not above LOW_WATER: what it has not acknowledged yet
 * must never keep the sender waiting.
 */
const ACK_STEP = 128 * 1024;

/** Marks the worker's `workerData`, so an entry that is also something else can tell. */
const MARK = 'fleetwright-condense-worker';

type ToWorker = { chunk: string | Uint8Array; bytes: number } | { finish: true };
type FromWorker = { ack: number } | { report: FailureReport } | { error: string };

interface WorkerData {
  readonly mark: typeof MARK;
  readonly options: WorkerCondenseOptions;
}

/** A condense session running on a worker thread. */
export interface WorkerCondenseSession {
  /**
   * Sends the next chunk: copied, so the caller may reuse its buffer — unless `give` says the
   * caller is done with it and it owns its whole ArrayBuffer (a file stream's chunks do), which
   * then moves to the worker as it is. Left behind, such buffers wait for a GC that a main
   * thread allocating little rarely runs: tens of MB of RSS.
   */
  push(chunk: string | Uint8Array, give?: boolean): void;
  /** True while more than 1 MB waits for the worker: stop reading and wait for `drained()`. */
  readonly backlogged: boolean;
  /** Resolves once the backlog is under 256 KB (at once when it is), or the session failed. */
  drained(): Promise<void>;
  /** Ends the log; resolves with the report, rejects when the worker failed. Call once. */
  finish(): Promise<FailureReport>;
}

/**
 * Starts a condense session on a worker loaded from `entry`. Throws UnknownCondenserError at
 * once for unknown `tools`, like createCondenseSession.
 */
export function createWorkerCondenseSession(
  options: WorkerCondenseOptions,
  entry: URL,
): WorkerCondenseSession {
  selectFactories(options.tools);
  const data: WorkerData = { mark: MARK, options };
  const worker = new Worker(entry, {
    workerData: data,
    resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
  });
  let pending = 0;
  // A report or a failure arrived: nothing more to send or wait for.
  let settled = false;
  let waiters: (() => void)[] = [];
  const report = Promise.withResolvers<FailureReport>();
  // finish() may come after the failure; the rejection is handled there.
  report.promise.catch(() => undefined);
  const release = () => {
    const ready = waiters;
    waiters = [];
    for (const wake of ready) wake();
  };
  const settle = (outcome: { report: FailureReport } | { error: Error }) => {
    if (settled) return;
    settled = true;
    if ('report' in outcome) report.resolve(outcome.report);
    else report.reject(outcome.error);
    release();
    void worker.terminate();
  };
  worker.on('message', (message: FromWorker) => {
    if ('ack' in message) {
      pending -= message.ack;
      if (pending <= LOW_WATER) release();
    } else if ('report' in message) settle({ report: message.report });
    else settle({ error: new Error(`condense worker: ${message.error}`) });
  });
  worker.on('error', (error) => settle({ error: error instanceof Error ? error : new Error(String(error)) }));
  worker.on('exit', (code) =>
    settle({ error: new Error(`condense worker exited with code ${code} before its report`) }),
  );
  let finished = false;
  return {
    push(chunk, give = false) {
      if (finished) throw new Error('WorkerCondenseSession.push after finish');
      if (settled) return;
      // Otherwise copied into a buffer of its own, which is then moved (not copied again) to
      // the worker: a Buffer is often a view of a larger pooled one that must not be detached
      // (and a Buffer's slice() is a view, not a copy).
      const own = typeof chunk === 'string' || (give && ownsItsBuffer(chunk)) ? chunk : new Uint8Array(chunk);
      const bytes = typeof own === 'string' ? own.length : own.byteLength;
      pending += bytes;
      const message: ToWorker = { chunk: own, bytes };
      worker.postMessage(message, typeof own === 'string' ? [] : [own.buffer as ArrayBuffer]);
    },
    get backlogged() {
      return !settled && pending > HIGH_WATER;
    },
    drained() {
      if (settled || pending <= LOW_WATER) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push(resolve));
    },
    finish() {
      if (finished) throw new Error('WorkerCondenseSession.finish called twice');
      finished = true;
      if (!settled) worker.postMessage({ finish: true } satisfies ToWorker);
      return report.promise;
    },
  };
}

function ownsItsBuffer(chunk: Uint8Array): boolean {
  return (
    chunk.buffer instanceof ArrayBuffer &&
    chunk.byteOffset === 0 &&
    chunk.byteLength === chunk.buffer.byteLength &&
    chunk.byteLength > 0
  );
}

/**
 * Condenses a stream on a worker thread, reading no further ahead than the worker keeps up.
 * The stream's chunks are given to the worker: the stream must not reuse them (Node's streams
 * do not).
 */
export async function condenseStreamInWorker(
  stream: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
  options: WorkerCondenseOptions,
  entry: URL,
): Promise<FailureReport> {
  const session = createWorkerCondenseSession(options, entry);
  try {
    for await (const chunk of stream) {
      session.push(chunk, true);
      if (session.backlogged) await session.drained();
    }
  } catch (error) {
    void session.finish().catch(() => undefined);
    throw error;
  }
  return session.finish();
}

/**
 * In a worker started by createWorkerCondenseSession: serves the session and returns true.
 * Anywhere else: does nothing and returns false.
 */
export function serveCondenseWorker(): boolean {
  const data = workerData as Partial<WorkerData> | null;
  if (isMainThread || parentPort === null || data?.mark !== MARK || data.options === undefined) return false;
  const port = parentPort;
  const post = (message: FromWorker) => port.postMessage(message);
  try {
    const session = createCondenseSession(data.options);
    let unacknowledged = 0;
    port.on('message', (message: ToWorker) => {
      try {
        if ('finish' in message) {
          post({ report: session.finish() });
          port.close();
          return;
        }
        session.push(message.chunk);
        unacknowledged += message.bytes;
        if (unacknowledged >= ACK_STEP) {
          post({ ack: unacknowledged });
          unacknowledged = 0;
        }
      } catch (error) {
        post({ error: error instanceof Error ? error.message : String(error) });
        port.close();
      }
    });
  } catch (error) {
    post({ error: error instanceof Error ? error.message : String(error) });
    port.close();
  }
  return true;
}
