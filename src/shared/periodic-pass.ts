// One loop for the gateway's background workers (outbox relay, e-mail delivery): a pass on a timer
// and on demand, never two at once, straight on when a pass says more is waiting, and a doubling
// pause (0.5 s … 30 s) after a pass that failed, so a database that is away is not hammered.
import type { Logger } from './logger';
import { errorFields } from './logger';

export type PassResult = 'done' | 'more';

export class PeriodicPass {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private failures = 0;
  private resumeAt = 0;

  constructor(
    private readonly options: {
      intervalMs: number;
      /** One pass; 'more' when work is left that should not wait for the next tick. */
      pass: () => Promise<PassResult>;
      logger: Logger;
      /** Logged (with the error's name and code) when a pass fails. */
      failureMessage: string;
    },
  ) {}

  get isStopped(): boolean {
    return this.stopped;
  }

  start(): void {
    this.timer = setInterval(() => this.kick(), this.options.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a pass under way, at most `deadlineMs`. */
  async stop(deadlineMs: number): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.stopped = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.running ?? Promise.resolve(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, deadlineMs);
      }),
    ]);
    clearTimeout(timer);
  }

  /** Asks for a pass now (after a pause for failures, not before it ends). */
  kick(): void {
    if (this.stopped || Date.now() < this.resumeAt) return;
    if (this.running !== null) {
      this.again = true;
      return;
    }
    this.running = this.options
      .pass()
      .then((result) => {
        this.failures = 0;
        this.resumeAt = 0;
        if (result === 'more') this.again = true;
      })
      .catch((error: unknown) => {
        this.failures += 1;
        const delayMs = Math.min(30_000, 500 * 2 ** Math.min(this.failures, 6));
        this.resumeAt = Date.now() + delayMs;
        this.again = false;
        this.options.logger.warn(this.options.failureMessage, {
          ...errorFields(error),
          nextTryMs: delayMs,
        });
      })
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }
}
