import { describe, expect, it } from 'vitest';
import { InProcessJobs } from '../../../src/adapters/local/in-process-jobs.ts';
import type { Job } from '../../../src/ports/jobs.ts';
import type { Log } from '../../../src/ports/log.ts';

interface Payload {
  name: string;
  fail?: boolean;
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => undefined as void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

function setup(options: { concurrency?: number; coderConcurrency?: number; dedupeSize?: number } = {}) {
  const events: string[] = [];
  const gates = new Map<string, ReturnType<typeof deferred>>();
  let running = 0;
  let maxRunning = 0;
  let codersRunning = 0;
  let maxCoders = 0;
  const errors: unknown[] = [];
  const logged: string[] = [];
  const log: Log = {
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: (_meta, message) => logged.push(message),
  };
  const jobs = new InProcessJobs<Payload>({
    ...options,
    log,
    onError: (_job, error) => {
      errors.push(error);
    },
    handle: async (payload, job: Job<Payload>) => {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      if (job.kind === 'coder') {
        codersRunning += 1;
        maxCoders = Math.max(maxCoders, codersRunning);
      }
      events.push(`start ${payload.name}`);
      await (gates.get(payload.name)?.promise ?? Promise.resolve());
      await new Promise((resolve) => setImmediate(resolve));
      events.push(`end ${payload.name}`);
      running -= 1;
      if (job.kind === 'coder') codersRunning -= 1;
      if (payload.fail) throw new Error(`boom ${payload.name}`);
    },
  });
  return { jobs, events, gates, errors, logged, stats: () => ({ maxRunning, maxCoders }) };
}

describe('adapters/local/in-process-jobs', () => {
  it('runs jobs of one key one at a time, in order', async () => {
    const { jobs, events } = setup({ concurrency: 4 });

    for (const name of ['a1', 'a2', 'a3']) jobs.enqueue({ key: 'a', kind: 'default', payload: { name } });
    await jobs.drain();

    expect(events).toEqual(['start a1', 'end a1', 'start a2', 'end a2', 'start a3', 'end a3']);
  });

  it('runs different keys in parallel up to the global bound, coders up to theirs', async () => {
    const { jobs, stats } = setup({ concurrency: 3, coderConcurrency: 2 });

    for (let index = 0; index < 12; index += 1) {
      jobs.enqueue({
        key: `k${index}`,
        kind: index % 2 === 0 ? 'coder' : 'default',
        payload: { name: `j${index}` },
      });
    }
    await jobs.drain();

    expect(stats()).toEqual({ maxRunning: 3, maxCoders: 2 });
  });

  it('lets other keys pass a key blocked behind a long job', async () => {
    const { jobs, events, gates } = setup({ concurrency: 2 });
    const gate = deferred();
    gates.set('slow', gate);

    jobs.enqueue({ key: 'a', kind: 'default', payload: { name: 'slow' } });
    jobs.enqueue({ key: 'a', kind: 'default', payload: { name: 'after-slow' } });
    jobs.enqueue({ key: 'b', kind: 'default', payload: { name: 'b1' } });
    jobs.enqueue({ key: 'b', kind: 'default', payload: { name: 'b2' } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    gate.resolve();
    await jobs.drain();

    expect(events.indexOf('end b2')).toBeLessThan(events.indexOf('end slow'));
    expect(events.indexOf('start after-slow')).toBeGreaterThan(events.indexOf('end slow'));
  });

  it('drops redelivered ids and forgets the oldest beyond its bound', async () => {
    const { jobs, events } = setup({ dedupeSize: 2 });

    expect(jobs.enqueue({ key: 'a', kind: 'default', dedupeId: 'd1', payload: { name: 'x1' } })).toEqual({
      accepted: true,
    });
    expect(jobs.enqueue({ key: 'a', kind: 'default', dedupeId: 'd1', payload: { name: 'x2' } })).toEqual({
      accepted: false,
      reason: 'duplicate',
    });
    jobs.enqueue({ key: 'a', kind: 'default', dedupeId: 'd2', payload: { name: 'x3' } });
    jobs.enqueue({ key: 'a', kind: 'default', dedupeId: 'd3', payload: { name: 'x4' } });
    expect(jobs.enqueue({ key: 'a', kind: 'default', dedupeId: 'd1', payload: { name: 'x5' } })).toEqual({
      accepted: true,
    });
    await jobs.drain();

    expect(events.filter((event) => event.startsWith('start'))).toEqual([
      'start x1',
      'start x3',
      'start x4',
      'start x5',
    ]);
  });

  it('isolates failures: the queue logs, calls the hook and carries on', async () => {
    const { jobs, events, errors, logged } = setup();

    jobs.enqueue({ key: 'a', kind: 'default', payload: { name: 'bad', fail: true } });
    jobs.enqueue({ key: 'a', kind: 'default', payload: { name: 'good' } });
    await jobs.drain();

    expect(events).toContain('end good');
    expect(errors).toHaveLength(1);
    expect(logged).toEqual(['Job failed']);
  });

  it('refuses work after close, once drained', async () => {
    const { jobs } = setup();
    jobs.enqueue({ key: 'a', kind: 'default', payload: { name: 'last' } });

    await jobs.close();

    expect(jobs.enqueue({ key: 'a', kind: 'default', payload: { name: 'late' } })).toEqual({
      accepted: false,
      reason: 'closed',
    });
    expect(jobs.stats()).toEqual({ queued: 0, running: 0, runningCoders: 0 });
  });
});
