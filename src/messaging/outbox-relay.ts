// Publishes what was written to an outbox (the ingress's events taken while the broker was away, the
// vault's dossier.shared events) and removes it only after the broker confirmed. At-least-once: a
// crash between confirm and removal publishes it again with the same message id, and receivers
// deduplicate. Messages with the same order key (one employee) go out one after the other, oldest
// first; a failure stops that key's line for this pass, so a later message never overtakes it.
import type { Logger } from '../shared/logger';
import type { OutboxMessage } from '../shared/outgoing-message';
import { PeriodicPass } from '../shared/periodic-pass';
import type { PassResult } from '../shared/periodic-pass';
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
  private readonly loop: PeriodicPass;

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
  ) {
    this.loop = new PeriodicPass({
      intervalMs: options.intervalMs,
      pass: () => this.pass(),
      logger: options.logger,
      failureMessage: 'outbox relay pass failed; trying again later',
    });
  }

  start(): void {
    this.loop.start();
  }

  /** Stops the timer and waits for a pass under way, at most `deadlineMs` (it is safe to cut). */
  async stop(deadlineMs = 5_000): Promise<void> {
    await this.loop.stop(deadlineMs);
  }

  /** Asks for a relay pass now. */
  kick(): void {
    this.loop.kick();
  }

  private async pass(): Promise<PassResult> {
    if (!this.options.publisher.ready) return 'done';
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
    else if (seen === BATCH || published.length < seen) return 'more';
    return 'done';
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
