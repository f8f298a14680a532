import type {
  AbsenceData,
  CanonicalEvent,
  EmployeeMasterData,
} from '../../canonical/generated/canonical-event';
import type { AbsenceEventType } from '../../canonical/event-types';
import type { InboundMessage } from '../types';
import { deterministicEventId } from './event-id';

const DATASCHEMA = 'https://schemas.datakluis.nl/canonical/absence-event/v1';

/** What an adapter knows about one absence fact; the envelope around it is built here. */
export interface AbsenceEventInput {
  type: AbsenceEventType;
  /** The source's own identity of this fact, e.g. SIVI `<VrzmgvlId>/<VrzmgvlVnrMld>`. */
  sourceKey: string;
  /** When the fact happened at the source (RFC 3339 with offset). */
  time: string;
  data: AbsenceData;
}

/**
 * Builds a canonical absence event with a deterministic id, bound to the employer of the message.
 * @example absenceEvent(message, { type: 'nl.datakluis.absence.reported', sourceKey: 'VZ-1/1', time, data })
 */
export function absenceEvent(message: InboundMessage, input: AbsenceEventInput): CanonicalEvent {
  return {
    specversion: '1.0',
    id: deterministicEventId(message.employerId, message.connectorId, input.type, input.sourceKey),
    source: `/connectors/${message.connectorId}`,
    type: input.type,
    time: input.time,
    subject: input.data.case.caseId,
    dataschema: DATASCHEMA,
    datacontenttype: 'application/json',
    employerid: message.employerId,
    data: input.data,
  };
}

/**
 * Builds an `employee.upserted` event. Its id is derived from the master data and its time: the same
 * data sent again is one effect, and data that changes back later (A, B, A) is a new fact each time.
 */
export function employeeUpsertedEvent(
  message: InboundMessage,
  input: { time: string; employee: EmployeeMasterData },
): CanonicalEvent {
  const type = 'nl.datakluis.employee.upserted';
  const fields = Object.entries(input.employee).sort(([a], [b]) => a.localeCompare(b));
  const sourceKey = JSON.stringify([input.time, fields]);
  return {
    specversion: '1.0',
    id: deterministicEventId(message.employerId, message.connectorId, type, sourceKey),
    source: `/connectors/${message.connectorId}`,
    type,
    time: input.time,
    subject: input.employee.externalId,
    dataschema: DATASCHEMA,
    datacontenttype: 'application/json',
    employerid: message.employerId,
    data: { employee: input.employee },
  };
}
