// Publishes what the vault wrote to its outbox (dossier.shared events) and marks it sent only after
// the broker confirmed. At-least-once: a crash between confirm and mark publishes it again, with the
// same message id, so receivers deduplicate.
import type { Logger } from '../shared/logger';
import { errorFields } from '../shared/logger';
import type { EventPublisher } from './publisher';
import type { Topology } from './topology';

export interface OutboxStore {
  pending(limit: number): Promise<
    {
      id: string;
      exchange: string;
      routingKey: string;
      payload: unknown;
      correlationId: string | null;
    }[]
  >;
  markPublished(ids: readonly string[]): Promise<void>;
  markFailed(ids: readonly string[]): Promise<void>;
}

export class OutboxRelay {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly options: {
      store: OutboxStore;
      publisher: EventPublisher;
      topology: Topology;
      logger: Logger;
      intervalMs: number;
    },
  ) {}

  start(): void {
    this.timer = setInterval(() => this.kick(), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    return this.running ?? Promise.resolve();
  }

  /** Asks for a relay pass now (after a commit that wrote to the outbox). */
  kick(): void {
    if (this.running !== null) {
      this.again = true;
      return;
    }
    this.running = this.pass()
      .catch((error: unknown) => {
        this.options.logger.warn('outbox relay pass failed', errorFields(error));
      })
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private exchangeName(logical: string): string {
    const exchanges = this.options.topology.exchanges as Record<
      string,
      { name: string } | undefined
    >;
    const exchange = exchanges[logical];
    if (exchange === undefined) throw new Error(`outbox names an unknown exchange: ${logical}`);
    return exchange.name;
  }

  private async pass(): Promise<void> {
    if (!this.options.publisher.ready) return;
    const rows = await this.options.store.pending(100);
    if (rows.length === 0) return;
    const results = await Promise.allSettled(
      rows.map((row) =>
        this.options.publisher.publish([
          {
            exchange: this.exchangeName(row.exchange),
            routingKey: row.routingKey,
            body: Buffer.from(JSON.stringify(row.payload)),
            messageId: row.id,
            type: (row.payload as { type?: string }).type ?? 'unknown',
            ...(row.correlationId === null ? {} : { correlationId: row.correlationId }),
          },
        ]),
      ),
    );
    const published = rows
      .filter((_, i) => results[i]?.status === 'fulfilled')
      .map((row) => row.id);
    const failed = rows.filter((_, i) => results[i]?.status === 'rejected').map((row) => row.id);
    await this.options.store.markPublished(published);
    await this.options.store.markFailed(failed);
    if (failed.length > 0)
      this.options.logger.warn('outbox messages not published yet', { count: failed.length });
    if (rows.length === 100) this.again = true;
  }
}
