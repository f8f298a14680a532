// Runs the nightly processing in the worker at NIGHTLY_AT (Europe/Amsterdam). Every replica keeps a
// timer; the first to claim the day's slot (a nightly_runs row per local date, unique) runs it, the
// others see the claim and wait for the next night.
//
// A missed slot is not made up for: a worker that was down at NIGHTLY_AT and starts later that day
// waits for the next night. Catching up would run the placement at an arbitrary moment of the
// working day after every deploy or restart; the nightly is idempotent, so the next run places all
// that this one would have, and `datakluis nightly` runs it now when that cannot wait.
import type { GatewayConfig } from '../config/env';
import type { Database } from '../db/prisma-client';
import type { Logger } from '../shared/logger';
import { errorFields } from '../shared/logger';
import { NIGHTLY_TIME_ZONE, nextNightlySlot } from '../vault/nightly-schedule';
import type { NightlySlot } from '../vault/nightly-schedule';
import { NightlyProcessing } from '../vault/nightly.service';

export interface NightlyScheduler {
  /** Stops the timer; a run in progress stops after its current employer (FAILED, INTERRUPTED). */
  stop(): Promise<void>;
}

export interface NightlySchedulerOptions {
  /** The wall clock (tests move it). */
  now?: () => Date;
  /** The clock is looked at again at least this often, so a jump of the system clock is followed. */
  maxSleepMs?: number;
  /** After a run that could not start (database away), try again this much later... */
  retryMs?: number;
  /** ...as long as it is within this long after the slot. */
  retryWindowMs?: number;
}

interface Due extends NightlySlot {
  /** When the slot was, before any retry moved `at`. */
  slotAt: Date;
}

/** One timer per process; `tick` runs the slot when it is due. */
class NightlyTimer implements NightlyScheduler {
  private readonly now: () => Date;
  private readonly maxSleepMs: number;
  private readonly retryMs: number;
  private readonly retryWindowMs: number;
  private readonly processing: NightlyProcessing;
  private readonly abort = new AbortController();
  private due: Due;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly nightlyAt: string,
    private readonly log: Logger,
    db: Database,
    options: NightlySchedulerOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    this.maxSleepMs = options.maxSleepMs ?? 3_600_000;
    this.retryMs = options.retryMs ?? 60_000;
    this.retryWindowMs = options.retryWindowMs ?? 3_600_000;
    this.processing = new NightlyProcessing(db, { logger: log });
    this.due = this.slotAfter(this.now());
  }

  start(): void {
    this.log.info('nightly processing scheduled', {
      nightlyAt: this.nightlyAt,
      timeZone: NIGHTLY_TIME_ZONE,
      at: this.due.at.toISOString(),
    });
    this.arm();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.abort.abort();
    await this.running;
  }

  /** The first slot after `instant`, and never one that has passed already. */
  private slotAfter(instant: Date): Due {
    const from = Math.max(instant.getTime(), this.now().getTime());
    const slot = nextNightlySlot(new Date(from), this.nightlyAt);
    return { ...slot, slotAt: slot.at };
  }

  private arm(): void {
    if (this.stopped) return;
    const wait = this.due.at.getTime() - this.now().getTime();
    this.timer = setTimeout(() => this.tick(), Math.min(Math.max(0, wait), this.maxSleepMs));
    // The worker stays up for its consumers; this timer alone must not keep a process alive.
    this.timer.unref();
  }

  private tick(): void {
    if (this.stopped) return;
    const due = this.due;
    const now = this.now().getTime();
    if (now < due.at.getTime()) {
      this.arm();
      return;
    }
    if (now - due.slotAt.getTime() > this.retryWindowMs) {
      // The timer fired far too late (the machine slept): a missed slot is not made up for.
      this.log.warn('nightly slot missed', { scheduledFor: due.localDate });
      this.due = this.slotAfter(due.slotAt);
      this.arm();
      return;
    }
    this.running = this.runSlot(due).finally(() => {
      this.running = null;
      if (!this.stopped) this.log.info('next nightly run', { at: this.due.at.toISOString() });
      this.arm();
    });
  }

  private async runSlot(due: Due): Promise<void> {
    try {
      const summary = await this.processing.run({
        trigger: 'schedule',
        dryRun: false,
        scheduledFor: due.localDate,
        signal: this.abort.signal,
      });
      if (summary === null)
        this.log.info('nightly slot taken by another process', { scheduledFor: due.localDate });
      this.due = this.slotAfter(due.slotAt);
    } catch (error) {
      // The run could not be claimed or closed (the database is away). A claimed run stays claimed,
      // so a retry runs only when the failed attempt never got as far as its claim.
      const retryAt = this.now().getTime() + this.retryMs;
      const retrying = retryAt - due.slotAt.getTime() <= this.retryWindowMs;
      this.log.error('nightly run could not run', {
        scheduledFor: due.localDate,
        retrying,
        ...errorFields(error),
      });
      this.due = retrying ? { ...due, at: new Date(retryAt) } : this.slotAfter(due.slotAt);
    }
  }
}

/**
 * Starts the nightly timer of this process (nothing when NIGHTLY_ENABLED is false). `stop` before
 * closing the database.
 */
export function startNightlyScheduler(
  config: GatewayConfig,
  logger: Logger,
  db: Database,
  options: NightlySchedulerOptions = {},
): NightlyScheduler {
  const log = logger.child({ component: 'nightly' });
  if (!config.nightlyEnabled) {
    log.info('nightly processing is not scheduled here (NIGHTLY_ENABLED=false)');
    return { stop: () => Promise.resolve() };
  }
  const timer = new NightlyTimer(config.nightlyAt, log, db, options);
  timer.start();
  return timer;
}
