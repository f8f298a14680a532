// The rules of the dead-letter operations that need no database: who may, what a reason is, what an
// edit may change, the list cursor, and the message a replay publishes.
import type { Principal } from '../access/principal';
import type { CanonicalEvent } from '../canonical/generated/canonical-event';
import { validateCanonicalEvent } from '../canonical/validate-canonical';
import type { OutgoingMessage } from '../shared/outgoing-message';
import { VaultRefusal } from '../vault/vault-refusal';
import type { RefusalIssue } from '../vault/vault-refusal';
import type { Cursor, DeadLetterRow, DeadLetterScope } from './dead-letter.repository';
import type { DeadLetterFilter, SupportContext } from './dead-letter.types';

/**
 * The header names of src/messaging/headers.ts (support does not import messaging; a unit test
 * keeps them equal). A replay carries these and no failure headers: it starts afresh.
 */
export const REPLAY_HEADERS = {
  connector: 'x-koppeling-connector',
  employer: 'x-koppeling-employer',
  schemaVersion: 'x-koppeling-schema-version',
} as const;

export const MAX_PAGE = 500;
export const MAX_RATE_PER_SECOND = 1000;

export const invalid = (path: string, detail: string, code = 'INVALID_PARAMETER'): VaultRefusal =>
  new VaultRefusal('VALIDATION_FAILED', `Invalid ${path}.`, [{ code, path, detail }]);

/** Support staff only; the employers they serve, and dead letters without one when elevated. */
export function scopeOf(user: Principal): DeadLetterScope {
  if (user.kind !== 'SUPPORT_STAFF')
    throw new VaultRefusal('ROLE_NOT_ALLOWED', 'Only support staff work with dead letters.');
  return { employers: user.servedEmployers, withoutEmployer: user.supportElevated };
}

/** A time filter PostgreSQL can compare: a real instant from 1900 to 9999 (no year 0000). */
export function checkFilter(filter: DeadLetterFilter): void {
  for (const key of ['from', 'to'] as const) {
    const time = filter[key];
    if (time === undefined) continue;
    const year = time.getUTCFullYear();
    if (Number.isNaN(time.getTime()) || year < 1900 || year > 9999)
      throw invalid(key, 'a date-time from the year 1900 to 9999');
  }
}

/** The reason of a reveal or discard: 5 to 500 characters, trimmed. */
export function checkReason(reason: string): string {
  const trimmed = reason.trim();
  if (trimmed.length < 5 || trimmed.length > 500)
    throw new VaultRefusal('REASON_REQUIRED', 'Give a reason of 5 to 500 characters.');
  return trimmed;
}

export function checkPageLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE)
    throw invalid('limit', `a whole number from 1 to ${MAX_PAGE}`);
}

export function checkRate(rate: number): void {
  if (!Number.isFinite(rate) || rate <= 0 || rate > MAX_RATE_PER_SECOND)
    throw invalid('ratePerSecond', `a number above 0, at most ${MAX_RATE_PER_SECOND}`);
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`${cursor.lastFailedAt.getTime()}.${cursor.id}`).toString('base64url');
}

export function decodeCursor(after: string): Cursor {
  const match = /^(\d{1,15})\.([0-9a-f-]{36})$/.exec(Buffer.from(after, 'base64url').toString());
  if (match === null) throw invalid('after', 'not a cursor of this list');
  return { lastFailedAt: new Date(Number(match[1])), id: match[2]! };
}

/** Replay and edit need an OPEN dead letter that still has its payload. */
export function checkReplayable(row: DeadLetterRow): void {
  if (row.status !== 'OPEN')
    throw new VaultRefusal('DEAD_LETTER_NOT_OPEN', `The dead letter is ${row.status}.`);
  if (row.payloadPurgedAt !== null || (row.canonical === null && row.raw === null))
    throw new VaultRefusal('PAYLOAD_PURGED', 'The payload of this dead letter was purged.');
}

/**
 * The edited event: valid canonical v1 (VALIDATION_FAILED with the schema's issues otherwise), with
 * the original's event id and employer, so it cannot become another event or another employer's.
 */
export function validEdit(row: DeadLetterRow, event: unknown): CanonicalEvent {
  const validation = validateCanonicalEvent(event);
  if (!validation.ok)
    throw new VaultRefusal(
      'VALIDATION_FAILED',
      'The edited event is not a valid canonical event.',
      validation.issues.map((issue) => ({
        code: issue.rule.toUpperCase(),
        path: issue.path,
        detail: issue.message,
      })),
    );
  const original = row.canonical as { id?: string; employerid?: string } | null;
  const originalEmployer = original?.employerid ?? row.employerId;
  const issues: RefusalIssue[] = [];
  if (validation.event.id !== (original?.id ?? row.messageId))
    issues.push({ code: 'MUST_NOT_CHANGE', path: '/id', detail: 'must stay the event id' });
  if (originalEmployer === null)
    issues.push({
      code: 'NO_EMPLOYER',
      path: '/employerid',
      detail: 'the dead letter names no employer, so it cannot be edited',
    });
  else if (validation.event.employerid !== originalEmployer)
    issues.push({ code: 'MUST_NOT_CHANGE', path: '/employerid', detail: 'must stay the employer' });
  if (issues.length > 0)
    throw new VaultRefusal(
      'VALIDATION_FAILED',
      'The edit changes what the event is about.',
      issues,
    );
  return validation.event;
}

/**
 * What a replay publishes: the stored event (or raw bytes) to the original logical exchange and
 * routing key, under `messageId` (the original's), with connector, employer and schema version.
 */
export function replayMessage(
  row: DeadLetterRow,
  messageId: string,
  context: SupportContext,
): OutgoingMessage {
  const headers: Record<string, string> = {};
  if (row.connectorId !== null) headers[REPLAY_HEADERS.connector] = row.connectorId;
  if (row.employerId !== null) headers[REPLAY_HEADERS.employer] = row.employerId;
  if (row.canonical !== null) headers[REPLAY_HEADERS.schemaVersion] = '1';
  return {
    exchange: row.originalExchange,
    routingKey: row.originalRoutingKey,
    body:
      row.canonical !== null
        ? Buffer.from(JSON.stringify(row.canonical))
        : Buffer.from(row.raw ?? new Uint8Array()),
    messageId,
    type: row.eventType ?? '',
    headers,
    ...(context.correlationId === undefined ? {} : { correlationId: context.correlationId }),
  };
}
