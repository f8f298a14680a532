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
// PostgreSQL SQLSTATE classes of bad data (22: data exception, 23: integrity violation).
const PERMANENT_SQLSTATE_CLASSES = ['22', '23'];

function codeOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Sorts a database failure into permanent (bad data) or transient (everything else: connection
 * loss, timeouts, deadlocks, serialization conflicts and races on a unique key are all worth a
 * retry). Unknown failures count as transient, so they are retried a bounded number of times and
 * then dead-lettered rather than dropped.
 */
export function classifyDatabaseError(error: unknown): TransientError | PermanentError {
  const code = codeOf(error);
  if (
    code !== undefined &&
    (PERMANENT_PRISMA_CODES.has(code) ||
      (/^[0-9A-Z]{5}$/.test(code) &&
        PERMANENT_SQLSTATE_CLASSES.includes(code.slice(0, 2)) &&
        code !== '23505'))
  ) {
    return new PermanentError('DATABASE_REJECTED', `the database refused the data (${code})`, {
      cause: error,
    });
  }
  return new TransientError(
    'DATABASE_UNAVAILABLE',
    `database operation failed${code === undefined ? '' : ` (${code})`}`,
    { cause: error },
  );
}
