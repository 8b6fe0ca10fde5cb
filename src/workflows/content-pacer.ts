/**
 * Paces content-creating GitHub requests below the secondary rate limits (≤ 80 per minute and
 * ≤ 500 per hour per installation, shared/reference/api-facts.md §3.7), across every migration
 * of the installation, and honours `retry-after`. One pacer per installation; time comes from
 * the injected Clock, so tests run on virtual time.
 */
import type { Clock } from '../ports/clock.ts';

export interface PacerLimits {
  perMinute: number;
  perHour: number;
}

/** GitHub's documented limits, with a small margin for requests made outside the app (UI actions count too). */
export const DEFAULT_PACER_LIMITS: PacerLimits = { perMinute: 75, perHour: 480 };

const MINUTE = 60_000;
const HOUR = 3_600_000;

export class ContentPacer {
  readonly #clock: Clock;
  readonly #limits: PacerLimits;
  /** Start times of granted requests within the last hour, oldest first. */
  #granted: number[] = [];
  #blockedUntil = 0;
  #waited = 0;

  constructor(clock: Clock, limits: PacerLimits = DEFAULT_PACER_LIMITS) {
    this.#clock = clock;
    this.#limits = limits;
  }

  /** Waits until one more content-creating request fits in both windows, then counts it. */
  async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const wait = this.#waitMs(this.#clock.now().getTime());
      if (wait <= 0) {
        this.#granted.push(this.#clock.now().getTime());
        return;
      }
      this.#waited += wait;
      await this.#clock.sleep(wait, signal);
    }
  }

  /** GitHub asked us to wait (`retry-after`): nobody on this installation writes before then. */
  pauseFor(seconds: number): void {
    this.#blockedUntil = Math.max(this.#blockedUntil, this.#clock.now().getTime() + seconds * 1000);
  }

  /** Requests granted in the last minute and hour, and the total time spent waiting (ms). */
  stats(): { lastMinute: number; lastHour: number; waitedMs: number } {
    const now = this.#clock.now().getTime();
    this.#prune(now);
    return {
      lastMinute: this.#granted.filter((time) => time > now - MINUTE).length,
      lastHour: this.#granted.length,
      waitedMs: this.#waited,
    };
  }

  #prune(now: number): void {
    while (this.#granted.length > 0 && (this.#granted[0] ?? 0) <= now - HOUR) this.#granted.shift();
  }

  #waitMs(now: number): number {
    this.#prune(now);
    let wait = this.#blockedUntil - now;
    if (this.#granted.length >= this.#limits.perHour) {
      const oldest = this.#granted[this.#granted.length - this.#limits.perHour] ?? now;
      wait = Math.max(wait, oldest + HOUR - now + 1);
    }
    const lastMinute = this.#granted.filter((time) => time > now - MINUTE);
    if (lastMinute.length >= this.#limits.perMinute) {
      const oldest = lastMinute[lastMinute.length - this.#limits.perMinute] ?? now;
      wait = Math.max(wait, oldest + MINUTE - now + 1);
    }
    return wait;
  }
}
