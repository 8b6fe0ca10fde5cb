/**
 * Virtual time: `now()` only moves when the test says so, or when someone sleeps (the sleeper
 * "waits" by moving time forward), so pacing and rollout windows run instantly in tests.
 */
import type { Clock } from '../../src/ports/clock.ts';

export class ManualClock implements Clock {
  #now: number;
  slept = 0;

  constructor(start: Date) {
    this.#now = start.getTime();
  }

  now(): Date {
    return new Date(this.#now);
  }

  async sleep(ms: number): Promise<void> {
    this.slept += ms;
    this.#now += Math.max(0, ms);
  }

  advance(ms: number): void {
    this.#now += ms;
  }
}
