import type { Database } from '../db/prisma-client';
import type { OutboxMessage } from '../shared/outgoing-message';

/**
 * Reads and settles the transactional outbox written by the vault service. Rows name a logical
 * exchange ('vault'); `exchangeName` turns it into the broker's name (the namespace is not ours).
 */
export class OutboxRepository {
  constructor(
    private readonly db: Database,
    private readonly exchangeName: (logical: string) => string,
  ) {}

  async relayBatch(
    limit: number,
    publish: (messages: OutboxMessage[]) => Promise<string[]>,
  ): Promise<number> {
    const rows = await this.db.outboxMessage.findMany({
      where: { publishedAt: null },
      orderBy: { createdAt: 'asc' },
      take: limit,
    });
    if (rows.length === 0) return 0;
    // A row naming an exchange this gateway does not know is left for an operator, not retried
    // in a way that stops the others.
    const known = rows.flatMap((row) => {
      try {
        return [{ row, exchange: this.exchangeName(row.exchange) }];
      } catch {
        return [];
      }
    });
    const published = await publish(
      known.map(({ row, exchange }) => ({
        outboxId: row.id,
        exchange,
        routingKey: row.routingKey,
        body: Buffer.from(JSON.stringify(row.payload)),
        messageId: row.id,
        type: (row.payload as { type?: string }).type ?? 'unknown',
        ...(row.correlationId === null ? {} : { correlationId: row.correlationId }),
      })),
    );
    const failed = rows.map((row) => row.id).filter((id) => !published.includes(id));
    if (published.length > 0)
      await this.db.outboxMessage.updateMany({
        where: { id: { in: published } },
        data: { publishedAt: new Date() },
      });
    if (failed.length > 0)
      await this.db.outboxMessage.updateMany({
        where: { id: { in: failed } },
        data: { attempts: { increment: 1 } },
      });
    return known.length;
  }
}
