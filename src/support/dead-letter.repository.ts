// The dead-letter store in PostgreSQL: the only module that reads or writes `dead_letters`. Every
// read for a person takes a scope (the employers they serve, and whether they may see dead letters
// without an employer) and puts it into the query itself.
import { randomUUID } from 'node:crypto';

import type { Database } from '../db/prisma-client';
import type { DeadLetterRecord } from '../shared/dead-letter-record';
import type { DeadLetter, Prisma } from '../generated/prisma/client';
import type { DeadLetterFilter, DeadLetterStatus } from './dead-letter.types';

export type Tx = Prisma.TransactionClient;
export type DeadLetterRow = DeadLetter;
/** A dead letter with the ids of its edited copies. */
export type DeadLetterWithCopies = DeadLetter & { copies: { id: string }[] };

/** A dead letter as the mover hands it over. */
export type DeadLetterInput = DeadLetterRecord;

/** Whose dead letters a caller may see. */
export interface DeadLetterScope {
  employers: readonly string[];
  /** Dead letters that name no employer (elevated support staff only). */
  withoutEmployer: boolean;
}

export interface Cursor {
  lastFailedAt: Date;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function scopeWhere(scope: DeadLetterScope): Prisma.DeadLetterWhereInput {
  return {
    OR: [
      { employerId: { in: [...scope.employers] } },
      ...(scope.withoutEmployer ? [{ employerId: null }] : []),
    ],
  };
}

function filterWhere(
  scope: DeadLetterScope,
  filter: DeadLetterFilter,
): Prisma.DeadLetterWhereInput {
  const lastFailedAt: Prisma.DateTimeFilter = {};
  if (filter.from !== undefined) lastFailedAt.gte = filter.from;
  if (filter.to !== undefined) lastFailedAt.lt = filter.to;
  return {
    AND: [
      scopeWhere(scope),
      {
        status: filter.status ?? 'OPEN',
        ...(filter.employerId === undefined ? {} : { employerId: filter.employerId }),
        ...(filter.connectorId === undefined ? {} : { connectorId: filter.connectorId }),
        ...(filter.errorCode === undefined ? {} : { errorCode: filter.errorCode }),
        ...(filter.eventType === undefined ? {} : { eventType: filter.eventType }),
        ...(Object.keys(lastFailedAt).length === 0 ? {} : { lastFailedAt }),
      },
    ],
  };
}

/** Still has its payload: what a replay needs. */
const REPLAYABLE: Prisma.DeadLetterWhereInput = { payloadPurgedAt: null };

export class DeadLetterRepository {
  constructor(private readonly db: Database) {}

  transaction<T>(work: (tx: Tx) => Promise<T>, options: { timeout?: number } = {}): Promise<T> {
    return this.db.$transaction(work, options);
  }

  /**
   * Stores a dead letter: a new row, or — the same message dead-lettered again — its failure added
   * to the row's history, the error fields and payload updated and the row OPEN again (replay
   * history kept). A failure already in the history (a redelivery of the same copy) changes
   * nothing, so storing twice is harmless. One statement, atomic under concurrent movers.
   */
  async store(input: DeadLetterInput): Promise<{ id: string; inserted: boolean }> {
    const failure = JSON.stringify([
      {
        code: input.errorCode,
        message: input.errorMessage,
        attempts: input.attempts,
        at: input.lastFailedAt.toISOString(),
      },
    ]);
    const canonical =
      input.payload.kind === 'canonical' ? JSON.stringify(input.payload.event) : null;
    const raw = input.payload.kind === 'raw' ? input.payload.bytes.toString('base64') : null;
    const contentType = input.payload.kind === 'raw' ? input.payload.contentType : null;
    const rows = await this.db.$queryRaw<{ id: string; inserted: boolean }[]>`
      INSERT INTO dead_letters (id, message_id, original_exchange, original_routing_key,
        connector_id, employer_id, event_type, error_code, error_message, attempts,
        first_failed_at, last_failed_at, failures, canonical, raw, raw_content_type)
      VALUES (${randomUUID()}::uuid, ${input.messageId}, ${input.originalExchange},
        ${input.originalRoutingKey}, ${input.connectorId}, ${input.employerId}, ${input.eventType},
        ${input.errorCode}, ${input.errorMessage}, ${input.attempts}, ${input.firstFailedAt},
        ${input.lastFailedAt}, ${failure}::jsonb, ${canonical}::jsonb,
        decode(${raw}, 'base64'), ${contentType})
      ON CONFLICT (message_id) DO UPDATE SET
        error_code = EXCLUDED.error_code,
        error_message = EXCLUDED.error_message,
        attempts = EXCLUDED.attempts,
        first_failed_at = LEAST(dead_letters.first_failed_at, EXCLUDED.first_failed_at),
        last_failed_at = GREATEST(dead_letters.last_failed_at, EXCLUDED.last_failed_at),
        connector_id = COALESCE(EXCLUDED.connector_id, dead_letters.connector_id),
        event_type = COALESCE(EXCLUDED.event_type, dead_letters.event_type),
        canonical = EXCLUDED.canonical,
        raw = EXCLUDED.raw,
        raw_content_type = EXCLUDED.raw_content_type,
        payload_purged_at = NULL,
        status = CASE WHEN dead_letters.failures @> EXCLUDED.failures
          THEN dead_letters.status ELSE 'OPEN'::"DeadLetterStatus" END,
        failures = CASE WHEN dead_letters.failures @> EXCLUDED.failures
          THEN dead_letters.failures ELSE dead_letters.failures || EXCLUDED.failures END,
        updated_at = now()
      -- A message id is one employer's: another employer's message under the same id (forged or
      -- reused, never from our ingress) must not take over or read this row's history.
      WHERE dead_letters.employer_id IS NOT DISTINCT FROM EXCLUDED.employer_id
      RETURNING id::text AS id, (xmax = 0) AS inserted`;
    const row = rows[0];
    if (row !== undefined) return row;
    if (input.messageId.includes('#employer:')) throw new Error('the dead letter was not stored');
    // Kept as a row of its own, under the id and its employer, so nothing is lost or merged.
    return this.store({
      ...input,
      messageId: `${input.messageId}#employer:${input.employerId ?? 'none'}`,
    });
  }

  /**
   * Employers named by dead letters that the gateway does not know (EMPLOYER_UNKNOWN): nobody
   * serves them, so elevated support staff see those dead letters with the ones without employer.
   */
  async unregisteredEmployers(): Promise<string[]> {
    const rows = await this.db.$queryRaw<{ employer_id: string }[]>`
      SELECT DISTINCT d.employer_id FROM dead_letters d
      WHERE d.employer_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM employers e WHERE e.id = d.employer_id)`;
    return rows.map((row) => row.employer_id);
  }

  /** One page (newest failure first), the total and the counts per error code: one query each. */
  async list(
    scope: DeadLetterScope,
    filter: DeadLetterFilter,
    page: { limit: number; after?: Cursor },
  ): Promise<{
    rows: DeadLetterRow[];
    more: boolean;
    total: number;
    groups: { errorCode: string; count: number; oldestFailedAt: Date }[];
  }> {
    const where = filterWhere(scope, filter);
    const after = page.after;
    const pageWhere: Prisma.DeadLetterWhereInput =
      after === undefined
        ? where
        : {
            AND: [
              where,
              {
                OR: [
                  { lastFailedAt: { lt: after.lastFailedAt } },
                  { lastFailedAt: after.lastFailedAt, id: { lt: after.id } },
                ],
              },
            ],
          };
    const [rows, total, grouped] = await Promise.all([
      this.db.deadLetter.findMany({
        where: pageWhere,
        orderBy: [{ lastFailedAt: 'desc' }, { id: 'desc' }],
        take: page.limit + 1,
      }),
      this.db.deadLetter.count({ where }),
      this.db.deadLetter.groupBy({
        by: ['errorCode'],
        where,
        _count: { _all: true },
        _min: { lastFailedAt: true },
        orderBy: { errorCode: 'asc' },
      }),
    ]);
    return {
      rows: rows.slice(0, page.limit),
      more: rows.length > page.limit,
      total,
      groups: grouped.map((group) => ({
        errorCode: group.errorCode,
        count: group._count._all,
        oldestFailedAt: group._min.lastFailedAt ?? new Date(0),
      })),
    };
  }

  /** One dead letter in the caller's scope, or null (also for an id that is not a UUID). */
  async find(
    scope: DeadLetterScope,
    id: string,
    tx: Tx | Database = this.db,
  ): Promise<DeadLetterWithCopies | null> {
    if (!UUID.test(id)) return null;
    return tx.deadLetter.findFirst({
      where: { AND: [{ id }, scopeWhere(scope)] },
      include: { copies: { select: { id: true }, orderBy: { receivedAt: 'asc' } } },
    });
  }

  /** The message id of a dead letter (the original of an edited copy; not for showing). */
  async messageIdOf(id: string): Promise<string | null> {
    const row = await this.db.deadLetter.findUnique({ where: { id }, select: { messageId: true } });
    return row?.messageId ?? null;
  }

  /** Locks one dead letter in the caller's scope for a change (FOR UPDATE), or null. */
  async lock(tx: Tx, scope: DeadLetterScope, id: string): Promise<DeadLetterWithCopies | null> {
    if (!UUID.test(id)) return null;
    await tx.$queryRaw`SELECT id FROM dead_letters WHERE id = ${id}::uuid FOR UPDATE`;
    return this.find(scope, id, tx);
  }

  /** How many OPEN dead letters with a payload match (what a bulk replay replays). */
  countReplayable(scope: DeadLetterScope, filter: DeadLetterFilter): Promise<number> {
    return this.db.deadLetter.count({
      where: { AND: [filterWhere(scope, { ...filter, status: 'OPEN' }), REPLAYABLE] },
    });
  }

  /** The ids of every OPEN dead letter with a payload that matches, oldest failure first. */
  async replayableIds(scope: DeadLetterScope, filter: DeadLetterFilter): Promise<string[]> {
    const rows = await this.db.deadLetter.findMany({
      where: { AND: [filterWhere(scope, { ...filter, status: 'OPEN' }), REPLAYABLE] },
      orderBy: [{ lastFailedAt: 'asc' }, { id: 'asc' }],
      select: { id: true },
    });
    return rows.map((row) => row.id);
  }

  /**
   * Records a replay. The row becomes REPLAYED only if no new failure arrived since `seenLastFailedAt`
   * (a replay that failed again at once has reopened it meanwhile, and stays OPEN).
   */
  async markReplayed(tx: Tx, id: string, userId: string, seenLastFailedAt: Date): Promise<void> {
    await tx.$executeRaw`
      UPDATE dead_letters SET
        status = CASE WHEN status = 'OPEN' AND last_failed_at = ${seenLastFailedAt}
          THEN 'REPLAYED'::"DeadLetterStatus" ELSE status END,
        replay_count = replay_count + 1, replayed_at = now(), replayed_by = ${userId},
        updated_at = now()
      WHERE id = ${id}::uuid`;
  }

  /**
   * An edited copy of `original`: a row of its own (message id `<original message id>#edit-<n>`,
   * since message ids are unique here), linked by `edited_from`, with the new event as payload.
   */
  async createEditedCopy(tx: Tx, original: DeadLetterRow, event: unknown): Promise<string> {
    const copies = await tx.deadLetter.count({ where: { editedFrom: original.id } });
    const id = randomUUID();
    await tx.deadLetter.create({
      data: {
        id,
        messageId: `${original.messageId}#edit-${copies + 1}`,
        originalExchange: original.originalExchange,
        originalRoutingKey: original.originalRoutingKey,
        connectorId: original.connectorId,
        employerId: original.employerId,
        eventType: (event as { type?: string }).type ?? original.eventType,
        errorCode: original.errorCode,
        errorMessage: original.errorMessage,
        attempts: original.attempts,
        firstFailedAt: original.firstFailedAt,
        lastFailedAt: original.lastFailedAt,
        failures: [],
        canonical: event as Prisma.InputJsonValue,
        status: 'OPEN',
        editedFrom: original.id,
      },
    });
    return id;
  }

  async setStatus(
    tx: Tx,
    id: string,
    status: DeadLetterStatus,
    change: { discardedBy?: string; discardReason?: string } = {},
  ): Promise<void> {
    await tx.deadLetter.update({
      where: { id },
      data: {
        status,
        updatedAt: new Date(),
        ...(status === 'DISCARDED'
          ? {
              discardedAt: new Date(),
              discardedBy: change.discardedBy ?? null,
              discardReason: change.discardReason ?? null,
            }
          : {}),
      },
    });
  }

  /**
   * Removes the payloads of dead letters whose last failure is older than `days` (any status);
   * metadata and failure history stay. Returns how many were purged.
   */
  purgePayloads(days: number, now: Date = new Date()): Promise<number> {
    const before = new Date(now.getTime() - days * 86_400_000);
    return this.db.$executeRaw`
      UPDATE dead_letters SET canonical = NULL, raw = NULL, payload_purged_at = ${now},
        updated_at = ${now}
      WHERE payload_purged_at IS NULL AND last_failed_at < ${before}
        AND (canonical IS NOT NULL OR raw IS NOT NULL)`;
  }

  /** OPEN dead letters per error code with the oldest last failure, in the caller's scope. */
  async openByErrorCode(
    scope: DeadLetterScope,
  ): Promise<{ errorCode: string; count: number; oldestFailedAt: Date }[]> {
    const grouped = await this.db.deadLetter.groupBy({
      by: ['errorCode'],
      where: { AND: [scopeWhere(scope), { status: 'OPEN' }] },
      _count: { _all: true },
      _min: { lastFailedAt: true },
      orderBy: { errorCode: 'asc' },
    });
    return grouped.map((group) => ({
      errorCode: group.errorCode,
      count: group._count._all,
      oldestFailedAt: group._min.lastFailedAt ?? new Date(0),
    }));
  }
}
