import type { Database } from '../db/prisma-client';

export interface OutboxRow {
  id: string;
  exchange: string;
  routingKey: string;
  payload: unknown;
  correlationId: string | null;
}

/** Reads and settles the transactional outbox written by the vault service. */
export class OutboxRepository {
  constructor(private readonly db: Database) {}

  async pending(limit: number): Promise<OutboxRow[]> {
    return this.db.outboxMessage.findMany({
      where: { publishedAt: null },
      orderBy: { createdAt: 'asc' },
      take: limit,
      select: { id: true, exchange: true, routingKey: true, payload: true, correlationId: true },
    });
  }

  async markPublished(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.outboxMessage.updateMany({
      where: { id: { in: [...ids] } },
      data: { publishedAt: new Date() },
    });
  }

  async markFailed(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.outboxMessage.updateMany({
      where: { id: { in: [...ids] } },
      data: { attempts: { increment: 1 } },
    });
  }
}
