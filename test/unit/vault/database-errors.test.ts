// Error shapes as Prisma 7 with @prisma/adapter-pg really produces them (captured against the local
// PostgreSQL: a closed port, pg_terminate_backend inside a transaction, a unique race, bad data).
import { expect } from 'chai';

import { classifyDatabaseError } from '../../../src/vault/database-errors';

function prismaError(cause: Record<string, unknown>, code = 'P2010'): Error {
  const error = new Error('Raw query failed.') as Error & { code: string; meta: unknown };
  error.name = 'PrismaClientKnownRequestError';
  error.code = code;
  error.meta = { driverAdapterError: { name: 'DriverAdapterError', cause } };
  return error;
}

describe('database error classification', () => {
  it('a database that cannot be reached is DATABASE_UNAVAILABLE (the consumer pauses on it)', () => {
    for (const cause of [
      { kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 5499 },
      { kind: 'postgres', code: '57P01', originalCode: '57P01', severity: 'FATAL' },
      { kind: 'postgres', code: '08006', originalCode: '08006' },
      { kind: 'ConnectionClosed' },
      { kind: 'TooManyConnections' },
      // A schema that was never migrated, or a refused login: every event would fail alike.
      { kind: 'postgres', code: '42P01', originalCode: '42P01' },
      { kind: 'postgres', code: '3F000', originalCode: '3F000' },
      { kind: 'postgres', code: '28P01', originalCode: '28P01' },
    ]) {
      const classified = classifyDatabaseError(prismaError(cause));
      expect(classified.code, JSON.stringify(cause)).to.equal('DATABASE_UNAVAILABLE');
      expect(classified.retryable).to.equal(true);
    }
    expect(classifyDatabaseError(prismaError({}, 'P2024')).code).to.equal('DATABASE_UNAVAILABLE');
  });

  it("the pg driver's own connection errors (no code at all) are DATABASE_UNAVAILABLE, not a bug", () => {
    // Seen in the fault suite: pg_terminate_backend while a transaction is open.
    for (const message of [
      'Client has encountered a connection error and is not queryable',
      'Connection terminated unexpectedly',
      'Connection terminated due to connection timeout',
      'timeout exceeded when trying to connect',
    ]) {
      const classified = classifyDatabaseError(new Error(message));
      expect(classified.code, message).to.equal('DATABASE_UNAVAILABLE');
      expect(classified.retryable).to.equal(true);
    }
  });

  it('a deadlock, a serialization conflict or a unique race is DATABASE_BUSY (retried later)', () => {
    for (const code of ['40P01', '40001', '23505', '57014']) {
      const classified = classifyDatabaseError(
        prismaError({ kind: 'postgres', code, originalCode: code }),
      );
      expect(classified.code, code).to.equal('DATABASE_BUSY');
      expect(classified.retryable).to.equal(true);
      expect(classified.message).to.contain(code);
    }
  });

  it("the pg client's own query timeout (a hanging answer, no code) is DATABASE_BUSY, not a bug", () => {
    for (const error of [
      new Error('Query read timeout'),
      new Error('wrapped', { cause: new Error('Query read timeout') }),
    ]) {
      const classified = classifyDatabaseError(error);
      expect(classified.code).to.equal('DATABASE_BUSY');
      expect(classified.retryable).to.equal(true);
    }
  });

  it('data the database refuses is DATABASE_REJECTED, permanent', () => {
    const classified = classifyDatabaseError(
      prismaError({ kind: 'postgres', code: '22P02', originalCode: '22P02' }),
    );
    expect(classified.code).to.equal('DATABASE_REJECTED');
    expect(classified.retryable).to.equal(false);
  });

  it('an error that is not from the database at all is a bug: INTERNAL_ERROR, permanent', () => {
    const classified = classifyDatabaseError(new TypeError('x is undefined'));
    expect(classified.code).to.equal('INTERNAL_ERROR');
    expect(classified.retryable).to.equal(false);
  });
});
