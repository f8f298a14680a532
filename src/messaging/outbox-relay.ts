// Publishes what was written to an outbox (the ingress's events taken while the broker was away, the
// vault's dossier.shared events) and removes it only after the broker confirmed. At-least-once: a
// crash between confirm and removal publishes it again with the same message id, and receivers
// deduplicate. Messages with the same order key (one employee) go out one after the other, oldest
// first; a failure stops that key's line for this pass, so a later message never overtakes it.
import type { Logger } from '../shared/logger';
import { errorFields } from '../shared/logger';
import type { OutboxMessage } from '../shared/outgoing-message';
import type { EventPublisher } from './publisher';

export type RelayMessage = OutboxMessage;

export interface OutboxSource {
  /**
   * Hands the oldest pending messages (at most `limit`, in outbox order) to `publish` and removes
   * the ones it reports published. Returns how many it handed over (0 also when another relay
   * holds the outbox right now; rows it cannot place are not handed over, so they never make the
   * relay go round at once).
   */
  relayBatch(
    limit: number,
    publish: (messages: RelayMessage[]) => Promise<string[]>,
  ): Promise<number>;
}

const BATCH = 200;

export class OutboxRelay {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  /** After a failed pass (the database away) the relay waits, doubling up to 30 s. */
  private failures = 0;
  private resumeAt = 0;

  constructor(
    private readonly options: {
      source: OutboxSource;
      publisher: EventPublisher;
      logger: Logger;
      intervalMs: number;
      /**
       * A pass starts no new publish after this long (default 20 s): what it published is removed
       * when it ends, so a slow broker makes passes shorter, never longer than their transaction.
       */
      passBudgetMs?: number;
    },
  ) {}

  start(): void {
    this.timer = setInterval(() => this.kick(), this.options.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a pass under way, at most `deadlineMs` (it is safe to cut). */
  async stop(deadlineMs = 5_000): Promise<void> {
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

  /** Asks for a relay pass now. */
  kick(): void {
    if (this.stopped || Date.now() < this.resumeAt) return;
    if (this.running !== null) {
      this.again = true;
      return;
    }
    this.running = this.pass()
      .then(() => {
        this.failures = 0;
        this.resumeAt = 0;
      })
      .catch((error: unknown) => {
        this.failures += 1;
        const delayMs = Math.min(30_000, 500 * 2 ** Math.min(this.failures, 6));
        this.resumeAt = Date.now() + delayMs;
        this.again = false;
        this.options.logger.warn('outbox relay pass failed; trying again later', {
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

  private async pass(): Promise<void> {
    if (!this.options.publisher.ready) return;
    let result = { published: [] as string[], refused: 0 };
    const seen = await this.options.source.relayBatch(BATCH, async (messages) => {
      result = await this.publishInOrder(messages);
      return result.published;
    });
    const { published, refused } = result;
    if (published.length > 0)
      this.options.logger.info('outbox messages published', { count: published.length });
    if (refused > 0)
      this.options.logger.warn('outbox messages refused by the broker; trying again later', {
        count: refused,
      });
    // More may wait (a full batch, or one cut short by the time budget): go on at once. After a
    // refusal the next tick tries again.
    else if (seen === BATCH || published.length < seen) this.again = true;
  }

  /**
   * Publishes each order key's messages one after the other, keys side by side. A refused publish
   * stops its line (the rest cannot overtake it); the time budget stops every line.
   */
  private async publishInOrder(
    messages: RelayMessage[],
  ): Promise<{ published: string[]; refused: number }> {
    const lines = new Map<string, RelayMessage[]>();
    for (const message of messages) {
      const key = message.orderKey ?? message.outboxId;
      const line = lines.get(key) ?? [];
      line.push(message);
      lines.set(key, line);
    }
    const published: string[] = [];
    let refused = 0;
    const deadline = Date.now() + (this.options.passBudgetMs ?? 20_000);
    await Promise.all(
      [...lines.values()].map(async (line) => {
        for (const message of line) {
          if (Date.now() > deadline) return;
          try {
            await this.options.publisher.publish([message]);
          } catch {
            refused += 1;
            return;
          }
          published.push(message.outboxId);
        }
      }),
    );
    return { published, refused };
  }
}
