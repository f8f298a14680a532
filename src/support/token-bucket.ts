// A token bucket for bulk replays: at most `ratePerSecond` on average, bursts of at most `burst`.
// The clock and the sleep are injectable, so a test can check the schedule without waiting.

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const REAL_CLOCK: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly burst: number;

  constructor(
    private readonly ratePerSecond: number,
    options: { burst?: number; clock?: Clock } = {},
    private readonly clock: Clock = options.clock ?? REAL_CLOCK,
  ) {
    if (!(ratePerSecond > 0)) throw new RangeError('the rate must be above 0');
    this.burst = Math.max(1, options.burst ?? 1);
    this.tokens = this.burst;
    this.last = this.clock.now();
  }

  /** Resolves when a token is free, and takes it. */
  async take(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      this.tokens = Math.min(
        this.burst,
        this.tokens + ((now - this.last) * this.ratePerSecond) / 1000,
      );
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.clock.sleep(((1 - this.tokens) * 1000) / this.ratePerSecond);
    }
  }
}
