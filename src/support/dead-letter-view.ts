// What support staff get to see of a stored dead letter: metadata and failures as they are, the
// payload with personal data redacted (schema annotations) unless revealed, raw bytes only as their
// size. And the changed paths of an edit, never its values.
import { redactPersonalData } from '../canonical/personal-data';
import type { DeadLetterRow, DeadLetterWithCopies } from './dead-letter.repository';
import type {
  DeadLetterDetail,
  DeadLetterFailure,
  DeadLetterPage,
  DeadLetterPayload,
  DeadLetterStats,
  DeadLetterSummary,
} from './dead-letter.types';

interface Group {
  errorCode: string;
  count: number;
  oldestFailedAt: Date;
}

const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString());

export function toSummary(
  row: DeadLetterWithCopies | Omit<DeadLetterWithCopies, 'copies'>,
): DeadLetterSummary {
  return {
    id: row.id,
    messageId: row.messageId,
    status: row.status,
    employerId: row.employerId,
    connectorId: row.connectorId,
    eventType: row.eventType,
    errorCode: row.errorCode,
    errorMessage: row.errorMessage,
    attempts: row.attempts,
    firstFailedAt: row.firstFailedAt.toISOString(),
    lastFailedAt: row.lastFailedAt.toISOString(),
    receivedAt: row.receivedAt.toISOString(),
    replayCount: row.replayCount,
    payloadPurged: row.payloadPurgedAt !== null,
  };
}

/** The failure history; an entry without a time (never written so) counts at the last failure. */
function failuresOf(value: unknown, lastFailedAt: Date): DeadLetterFailure[] {
  if (!Array.isArray(value)) return [];
  return value.map((entry: unknown) => {
    const failure = (entry ?? {}) as Record<string, unknown>;
    return {
      code: typeof failure.code === 'string' ? failure.code : 'UNKNOWN',
      message: typeof failure.message === 'string' ? failure.message : null,
      attempts: typeof failure.attempts === 'number' ? failure.attempts : 0,
      at: typeof failure.at === 'string' ? failure.at : lastFailedAt.toISOString(),
    };
  });
}

function payloadOf(row: DeadLetterWithCopies, revealed: boolean): DeadLetterPayload {
  if (row.payloadPurgedAt !== null)
    return { kind: 'purged', purgedAt: row.payloadPurgedAt.toISOString() };
  if (row.canonical !== null)
    return revealed
      ? { kind: 'canonical', redacted: false, event: row.canonical }
      : { kind: 'canonical', redacted: true, event: redactPersonalData(row.canonical) };
  const bytes = row.raw === null ? Buffer.alloc(0) : Buffer.from(row.raw);
  return revealed
    ? {
        kind: 'raw',
        redacted: false,
        bytes: bytes.length,
        contentType: row.rawContentType,
        text: bytes.toString('utf8'),
      }
    : { kind: 'raw', redacted: true, bytes: bytes.length, contentType: row.rawContentType };
}

/** The whole dead letter; the payload redacted unless `revealed`. */
export function toDetail(row: DeadLetterWithCopies, revealed: boolean): DeadLetterDetail {
  return {
    ...toSummary(row),
    originalExchange: row.originalExchange,
    originalRoutingKey: row.originalRoutingKey,
    failures: failuresOf(row.failures, row.lastFailedAt),
    payload: payloadOf(row, revealed),
    replayedAt: iso(row.replayedAt),
    replayedBy: row.replayedBy,
    discardedAt: iso(row.discardedAt),
    discardedBy: row.discardedBy,
    discardReason: row.discardReason,
    editedFrom: row.editedFrom,
    copies: row.copies.map((copy) => copy.id),
  };
}

/** One page of the list, with the total and the groups of everything that matches. */
export function toPage(
  result: { rows: DeadLetterRow[]; total: number; groups: Group[] },
  next: string | null,
): DeadLetterPage {
  return {
    items: result.rows.map(toSummary),
    total: result.total,
    groups: result.groups.map((group) => ({
      errorCode: group.errorCode,
      count: group.count,
      oldestFailedAt: group.oldestFailedAt.toISOString(),
    })),
    next,
  };
}

/** Monitoring: OPEN dead letters per error code, and how long the oldest has waited (seconds). */
export function toStats(groups: Group[], now: Date): DeadLetterStats {
  const age = (at: Date): number => Math.max(0, Math.floor((now.getTime() - at.getTime()) / 1000));
  const byErrorCode = groups.map((group) => ({
    errorCode: group.errorCode,
    count: group.count,
    oldestAgeSeconds: age(group.oldestFailedAt),
  }));
  return {
    byErrorCode,
    open: byErrorCode.reduce((sum, group) => sum + group.count, 0),
    oldestOpenAgeSeconds:
      byErrorCode.length === 0 ? null : Math.max(...byErrorCode.map((g) => g.oldestAgeSeconds)),
  };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * JSON Pointer paths where `after` differs from `before` (leaves, and whole arrays that changed).
 * The paths of a valid canonical event are schema property names and indexes: never values.
 */
export function changedPaths(before: unknown, after: unknown, path = ''): string[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => changedPaths(before[key], after[key], `${path}/${key}`));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length)
    return before.flatMap((item: unknown, index) =>
      changedPaths(item, after[index], `${path}/${index}`),
    );
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [path === '' ? '/' : path];
}
