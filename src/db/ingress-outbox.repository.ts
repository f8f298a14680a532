// The ingress outbox (see the migration 20261203160000_ingress_outbox): where accepted events wait
// while the broker cannot confirm them. One relay at a time works on it (a transaction-scoped
// advisory lock), so events of one employee leave in the order they came in, whichever ingress
// process took them.
import type { OutboxMessage, OutgoingMessage } from '../shared/outgoing-message';
import type { Database } from './prisma-client';

/** How long one relay pass may hold its transaction (publishing up to a batch with confirms). */
const RELAY_TRANSACTION_MS = 120_000;

export class IngressOutboxRepository {
  /**
   * Rows keep the exchange's logical name ('absence'), so a row written before a change of
   * namespace or vhost is published to today's exchange instead of failing on a gone one forever.
   */
  constructor(
    private readonly db: Database,
    private readonly names: {
      logical: (exchange: string) => string;
      actual: (logical: string) => string;
    },
  ) {}

  /** Stores every message of one HTTP request in one statement: all of them or none. */
  async store(messages: readonly OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.db.ingressOutboxMessage.createMany({
      data: messages.map((message) => ({
        messageId: message.messageId,
        exchange: this.names.logical(message.exchange),
        routingKey: message.routingKey,
        type: message.type,
        body: new Uint8Array(message.body),
        headers: message.headers ?? {},
        correlationId: message.correlationId ?? null,
        orderKey: message.orderKey ?? message.messageId,
      })),
    });
  }

  async pendingCount(): Promise<number> {
    return this.db.ingressOutboxMessage.count();
  }

  /** Whether any message with one of these order keys waits here (index on order_key). */
  async waiting(orderKeys: readonly string[]): Promise<boolean> {
    const row = await this.db.ingressOutboxMessage.findFirst({
      where: { orderKey: { in: [...orderKeys] } },
      select: { seq: true },
    });
    return row !== null;
  }

  /**
   * The rows with an exchange this gateway knows. A row naming another (written by a different
   * version) is left with its employee's later rows, so they cannot overtake it; others go on.
   */
  private publishable<T extends { exchange: string; orderKey: string }>(
    rows: readonly T[],
  ): { row: T; exchange: string }[] {
    const held = new Set<string>();
    const result: { row: T; exchange: string }[] = [];
    for (const row of rows) {
      if (held.has(row.orderKey)) continue;
      try {
        result.push({ row, exchange: this.names.actual(row.exchange) });
      } catch {
        held.add(row.orderKey);
      }
    }
    return result;
  }

  async relayBatch(
    limit: number,
    publish: (messages: OutboxMessage[]) => Promise<string[]>,
  ): Promise<number> {
    return this.db.$transaction(
      async (tx) => {
        // Keyed by schema: gateways in other schemas of the same database have outboxes of their own.
        const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`
          SELECT pg_try_advisory_xact_lock(hashtext(current_schema() || '.ingress_outbox')) AS locked`;
        if (lock?.locked !== true) return 0;
        const rows = await tx.ingressOutboxMessage.findMany({
          orderBy: { seq: 'asc' },
          take: limit,
        });
        if (rows.length === 0) return 0;
        const handed = this.publishable(rows);
        const published = new Set(
          await publish(
            handed.map(({ row, exchange }) => ({
              outboxId: row.seq.toString(),
              messageId: row.messageId,
              exchange,
              routingKey: row.routingKey,
              type: row.type,
              body: Buffer.from(row.body),
              headers: row.headers as Record<string, string | number>,
              orderKey: row.orderKey,
              ...(row.correlationId === null ? {} : { correlationId: row.correlationId }),
            })),
          ),
        );
        const seqs = (done: boolean): bigint[] =>
          rows.filter((row) => published.has(row.seq.toString()) === done).map((row) => row.seq);
        await tx.ingressOutboxMessage.deleteMany({ where: { seq: { in: seqs(true) } } });
        await tx.ingressOutboxMessage.updateMany({
          where: { seq: { in: seqs(false) } },
          data: { attempts: { increment: 1 }, lastError: 'not confirmed by the broker' },
        });
        return handed.length;
      },
      { timeout: RELAY_TRANSACTION_MS, maxWait: 5000 },
    );
  }
}
