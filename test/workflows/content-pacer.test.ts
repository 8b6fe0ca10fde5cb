import { describe, expect, it } from 'vitest';
import type { GitHost } from '../../src/ports/git-host.ts';
import { silentLog } from '../../src/ports/log.ts';
import { GitHostError } from '../../src/shared/errors.ts';
import { ContentPacer } from '../../src/workflows/content-pacer.ts';
import { buildPacedGitHost, totalRequests } from '../../src/workflows/paced-git-host.ts';
import { FakeGitHost } from '../fakes/fake-git-host.ts';
import { ManualClock } from '../fakes/manual-clock.ts';

const T0 = new Date('2026-11-21T09:00:00.000Z');

describe('workflows/content-pacer', () => {
  it('never grants more than the per-minute limit in any minute', async () => {
    const clock = new ManualClock(T0);
    const pacer = new ContentPacer(clock, { perMinute: 80, perHour: 500 });
    const grants: number[] = [];

    for (let index = 0; index < 200; index += 1) {
      await pacer.acquire();
      grants.push(clock.now().getTime());
    }

    for (const time of grants)
      expect(grants.filter((other) => other > time - 60_000 && other <= time).length).toBeLessThanOrEqual(80);
    expect(clock.now().getTime() - T0.getTime()).toBeGreaterThanOrEqual(120_000);
  });

  it('never grants more than the per-hour limit in any hour', async () => {
    const clock = new ManualClock(T0);
    const pacer = new ContentPacer(clock, { perMinute: 1000, perHour: 50 });
    const grants: number[] = [];

    for (let index = 0; index < 120; index += 1) {
      await pacer.acquire();
      grants.push(clock.now().getTime());
    }

    for (const time of grants)
      expect(grants.filter((other) => other > time - 3_600_000 && other <= time).length).toBeLessThanOrEqual(
        50,
      );
    expect(pacer.stats().lastHour).toBeLessThanOrEqual(50);
  });

  it('holds every write until retry-after has passed', async () => {
    const clock = new ManualClock(T0);
    const pacer = new ContentPacer(clock);

    pacer.pauseFor(120);
    await pacer.acquire();

    expect(clock.now().getTime() - T0.getTime()).toBe(120_000);
  });
});

describe('workflows/paced-git-host', () => {
  function setup() {
    const clock = new ManualClock(T0);
    const fake = new FakeGitHost({ now: () => clock.now() });
    const { ref } = fake.addRepo({ name: 'api' });
    const pacer = new ContentPacer(clock);
    const paced = buildPacedGitHost(fake, { pacer, clock, log: silentLog, maxRetries: 2 });
    return { clock, fake, ref, pacer, ...paced };
  }

  it('retries reads and writes after a rate limit, waiting as told', async () => {
    const { clock, fake, ref, host, counts } = setup();
    fake.failNext('findBranchHead', new GitHostError('slow down', { status: 429, retryAfterSeconds: 30 }));
    fake.failNext('ensureBranch', new GitHostError('secondary', { status: 403, retryAfterSeconds: 45 }));

    const head = await host.findBranchHead(ref, 'main');
    await host.ensureBranch(ref, 'feature', head!);

    expect(fake.branchHead(ref, 'feature')).toBe(head);
    expect(counts).toEqual({ findBranchHead: 2, ensureBranch: 2 });
    expect(totalRequests(counts)).toBe(4);
    expect(clock.now().getTime() - T0.getTime()).toBe(75_000);
  });

  it('gives up after maxRetries and passes other errors straight through', async () => {
    const { fake, ref, host } = setup();
    fake.failNext('findBranchHead', new GitHostError('slow down', { status: 429 }), 3);
    fake.failNext('findFile', new GitHostError('forbidden', { status: 403 }));

    await expect(host.findBranchHead(ref, 'main')).rejects.toThrow('slow down');
    await expect(host.findFile(ref, 'README.md')).rejects.toThrow('forbidden');
    expect(fake.counts.findFile).toBe(1);
  });

  it('counts content-creating calls against the pacer only', async () => {
    const { ref, host, pacer } = setup();
    const methods: (keyof GitHost)[] = [];

    await host.findRepository(ref);
    const head = await host.findBranchHead(ref, 'main');
    await host.ensureBranch(ref, 'x', head!);
    methods.push('ensureBranch');

    expect(pacer.stats().lastMinute).toBe(methods.length);
  });
});
