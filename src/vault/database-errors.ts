import { PermanentError, TransientError } from '../shared/errors';

// Prisma codes that say the data itself cannot be stored; trying again cannot help.
const PERMANENT_PRISMA_CODES = new Set([
  'P2000',
  'P2005',
  'P2006',
  'P2007',
  'P2009',
  'P2011',
  'P2012',
  'P2013',
  'P2019',
  'P2020',
  'P2023',
]);

/** PostgreSQL SQLSTATEs of bad data (class 22 data exception, 23 integrity) except a unique race. */
function isPermanentSqlState(code: string): boolean {
  return /^(22|23)[0-9A-Z]{3}$/.test(code) && code !== '23505';
}

/**
 * Signs that the database itself cannot be used (not that one statement failed): connection
 * exceptions (SQLSTATE class 08), shutdowns (57P01–57P03), too many connections (53300), a missing
 * schema or table, a refused login, Prisma's connection and pool errors, the driver adapter's
 * connection kinds and socket errors.
 */
const UNREACHABLE = new Set([
  // Not set up for this gateway: no schema or table (not migrated), wrong login or database. Every
  // event would fail alike, so it is an outage to wait out, not a reason to dead-letter.
  '3F000',
  '42P01',
  '3D000',
  '28P01',
  '28000',
  'P1003',
  'P2021',
  'P2022',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  'P1001',
  'P1002',
  'P1017',
  'P2024',
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);

/** The pg driver's and pool's own connection failures carry no code, only these messages. */
const DRIVER_CONNECTION_MESSAGE =
  /^(Client has encountered a connection error|Client was closed and is not queryable|Connection terminated|timeout exceeded when trying to connect)/;

/** The pg client gave up waiting for an answer (its query_timeout): the database hangs or is slow. */
const DRIVER_TIMEOUT_MESSAGE = /^Query read timeout/;

function messagesOf(error: unknown): string[] {
  const messages: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 10; depth += 1) {
    messages.push(current.message);
    current = current.cause;
  }
  return messages;
}

function isUnreachable(code: string): boolean {
  return UNREACHABLE.has(code) || /^08[0-9A-Z]{3}$/.test(code);
}

/**
 * Every error code in the chain: Prisma's own (`P20xx`), and the database's SQLSTATE that Prisma's
 * driver adapter keeps in `meta.driverAdapterError.cause`, and any `cause` below.
 */
function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  const queue: unknown[] = [error];
  for (let seen = 0; queue.length > 0 && seen < 10; seen += 1) {
    const current = queue.shift();
    if (typeof current !== 'object' || current === null) continue;
    const record = current as {
      code?: unknown;
      originalCode?: unknown;
      kind?: unknown;
      cause?: unknown;
      meta?: { driverAdapterError?: unknown };
    };
    for (const code of [record.code, record.originalCode, record.kind])
      if (typeof code === 'string') codes.push(code);
    queue.push(record.cause, record.meta?.driverAdapterError);
  }
  return codes;
}

/**
 * Sorts a database failure into permanent (bad data: DATABASE_REJECTED), unreachable
 * (DATABASE_UNAVAILABLE: the consumer pauses until the database is back instead of spending
 * retries) or transient (DATABASE_BUSY: timeouts, deadlocks, serialization conflicts and races on a
 * unique key are worth a retry). Unknown database failures count as busy, so they are retried a
 * bounded number of times and then dead-lettered rather than dropped.
 */
export function classifyDatabaseError(error: unknown): TransientError | PermanentError {
  const codes = codesOf(error);
  if (messagesOf(error).some((message) => DRIVER_CONNECTION_MESSAGE.test(message)))
    return new TransientError('DATABASE_UNAVAILABLE', 'the connection to the database was lost', {
      cause: error,
    });
  if (messagesOf(error).some((message) => DRIVER_TIMEOUT_MESSAGE.test(message)))
    return new TransientError('DATABASE_BUSY', 'the database did not answer in time', {
      cause: error,
    });
  const name = error instanceof Error ? error.name : '';
  if (codes.length === 0 && !name.startsWith('Prisma') && name !== 'DriverAdapterError') {
    // Not the database at all: a bug. Retrying cannot help; support replays it after the fix.
    return new PermanentError('INTERNAL_ERROR', 'unexpected failure while applying the event', {
      cause: error,
    });
  }
  const permanent = codes.find(
    (code) => PERMANENT_PRISMA_CODES.has(code) || isPermanentSqlState(code),
  );
  if (permanent !== undefined) {
    return new PermanentError('DATABASE_REJECTED', `the database refused the data (${permanent})`, {
      cause: error,
    });
  }
  const shown = codes.find((code) => !code.startsWith('P20')) ?? codes[0];
  if (codes.some(isUnreachable)) {
    return new TransientError(
      'DATABASE_UNAVAILABLE',
      `the database cannot be reached${shown === undefined ? '' : ` (${shown})`}`,
      { cause: error },
    );
  }
  return new TransientError(
    'DATABASE_BUSY',
    `database operation failed${shown === undefined ? '' : ` (${shown})`}`,
    { cause: error },
  );
}
