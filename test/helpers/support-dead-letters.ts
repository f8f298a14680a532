// Dead letters for the support tooling's tests, written straight into `dead_letters` (as the mover
// would have stored them), about one made-up employee whose personal data must never show up in
// an answer, a page or a log of a support user who is not elevated.
import { randomUUID } from 'node:crypto';

import type { CanonicalEvent } from '../../src/canonical/generated/canonical-event';
import type { Database } from '../../src/db/prisma-client';
import type { Prisma } from '../../src/generated/prisma/client';
import type { Republisher } from '../../src/support/dead-letter.service';
import type { OutgoingMessage } from '../../src/shared/outgoing-message';
import { fixtureEvents } from './fixture-events';

/** The employee of every seeded dead letter (the BSN passes the 11-check). */
export const PERSON = {
  externalId: 'P-88231-ZL',
  bsn: '732648208',
  birthDate: '1979-08-23',
  initials: 'W.J.',
  givenName: 'Wilhelmina',
  familyNamePrefix: 'van',
  familyName: 'Zonderlandt',
  email: 'w.zonderlandt@example.test',
} as const;

/** What must never reach a support user who is not elevated (nor any log). */
export const PERSONAL_VALUES: readonly string[] = [
  PERSON.externalId,
  PERSON.bsn,
  PERSON.birthDate,
  PERSON.givenName,
  PERSON.familyName,
  PERSON.email,
];

/** The first message of a fixture, of `employerId`, with a fresh event id. */
function fixtureEvent(employerId: string, type: string): Record<string, unknown> {
  const event = fixtureEvents('sivi-verzuim', '01-new-sick-report', employerId).find(
    (candidate) => candidate.type === type,
  );
  if (event === undefined) throw new Error(`no ${type} in the fixture`);
  return structuredClone(event) as unknown as Record<string, unknown>;
}

/** Master data of PERSON: every personal-data field of the canonical schema filled in. */
export function employeeEvent(employerId: string): CanonicalEvent {
  const event = fixtureEvent(employerId, 'nl.datakluis.employee.upserted');
  return {
    ...event,
    id: randomUUID(),
    subject: PERSON.externalId,
    data: { employee: { ...PERSON } },
  } as unknown as CanonicalEvent;
}

/** A sick report of PERSON (valid canonical v1). */
export function absenceEvent(employerId: string): CanonicalEvent {
  const event = fixtureEvent(employerId, 'nl.datakluis.absence.reported');
  const data = event.data as { employee: Record<string, unknown> };
  return {
    ...event,
    id: randomUUID(),
    subject: `VZ-${PERSON.externalId}`,
    data: {
      ...data,
      employee: { externalId: PERSON.externalId },
      // A case id of its own: an id built from the employee number would carry it (case ids are
      // not personal data in the schema).
      case: { caseId: `VZ-${randomUUID().slice(0, 8)}`, sequence: 1 },
    },
  } as unknown as CanonicalEvent;
}

/** A message that never became a canonical event: XML naming PERSON. */
export function rawMessage(): Buffer {
  return Buffer.from(
    `<?xml version="1.0"?><Verzuimmelding><Wrknmr>${PERSON.externalId}</Wrknmr>` +
      `<Bsn>${PERSON.bsn}</Bsn><Naam>${PERSON.givenName} ${PERSON.familyName}</Naam>` +
      `<Gebdat>${PERSON.birthDate}</Gebdat><Email>${PERSON.email}</Email></Verzuimmelding`,
  );
}

export interface SeedInput {
  employerId: string | null;
  /** Default: a sick report of PERSON. `null` with `raw`: bytes that never were an event. */
  event?: CanonicalEvent | null;
  raw?: Buffer;
  connectorId?: string | null;
  errorCode?: string;
  errorMessage?: string;
  attempts?: number;
  /** Default: now minus `ageSeconds` (default 60). */
  lastFailedAt?: Date;
  ageSeconds?: number;
  status?: 'OPEN' | 'REPLAYED' | 'DISCARDED';
  payloadPurgedAt?: Date;
}

export interface SeededDeadLetter {
  id: string;
  messageId: string;
  event: CanonicalEvent | null;
}

const shortType = (type: string): string => type.replace(/^nl\.datakluis\./, '');

/** One dead letter as the mover stores it, with one failure in its history. */
export async function seedDeadLetter(db: Database, input: SeedInput): Promise<SeededDeadLetter> {
  const event =
    input.event === undefined
      ? input.employerId === null
        ? null
        : absenceEvent(input.employerId)
      : input.event;
  const connectorId = input.connectorId === undefined ? 'sivi-verzuim' : input.connectorId;
  const errorCode = input.errorCode ?? 'SCHEMA_INVALID';
  const errorMessage = input.errorMessage ?? 'the event does not match the canonical schema';
  const attempts = input.attempts ?? 1;
  const lastFailedAt = input.lastFailedAt ?? new Date(Date.now() - (input.ageSeconds ?? 60) * 1000);
  const id = randomUUID();
  const messageId = event?.id ?? randomUUID();
  const eventType = event?.type ?? null;
  await db.deadLetter.create({
    data: {
      id,
      messageId,
      originalExchange: 'absence',
      originalRoutingKey:
        eventType === null
          ? `${connectorId ?? 'unknown'}.raw`
          : `${connectorId}.${shortType(eventType)}`,
      connectorId,
      employerId: input.employerId,
      eventType,
      errorCode,
      errorMessage,
      attempts,
      firstFailedAt: lastFailedAt,
      lastFailedAt,
      failures: [
        { code: errorCode, message: errorMessage, attempts, at: lastFailedAt.toISOString() },
      ],
      // A purged dead letter keeps its metadata only, as after the retention period.
      ...(input.payloadPurgedAt !== undefined || event === null
        ? {}
        : { canonical: event as unknown as Prisma.InputJsonValue }),
      ...(input.payloadPurgedAt !== undefined || event !== null
        ? {}
        : { raw: new Uint8Array(input.raw ?? rawMessage()), rawContentType: 'application/xml' }),
      ...(input.status === undefined ? {} : { status: input.status }),
      ...(input.payloadPurgedAt === undefined ? {} : { payloadPurgedAt: input.payloadPurgedAt }),
    },
  });
  return { id, messageId, event };
}

/** A republisher that only records: for tests of the API, not of the broker. */
export class RecordingRepublisher implements Republisher {
  readonly sent: OutgoingMessage[] = [];

  publish(message: OutgoingMessage): Promise<void> {
    this.sent.push(message);
    return Promise.resolve();
  }
}
