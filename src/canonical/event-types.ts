import type { CanonicalEvent } from './generated/canonical-event';

export type CanonicalEventType = CanonicalEvent['type'];
export type AbsenceEvent = Exclude<CanonicalEvent, { type: 'nl.datakluis.employee.upserted' }>;
export type AbsenceEventType = AbsenceEvent['type'];

export const EVENT_TYPE_PREFIX = 'nl.datakluis.';

/** `nl.datakluis.absence.reported` → `absence.reported` (used in routing keys and reports). */
export function shortEventType(type: string): string {
  return type.startsWith(EVENT_TYPE_PREFIX) ? type.slice(EVENT_TYPE_PREFIX.length) : type;
}

export function isAbsenceEvent(event: CanonicalEvent): event is AbsenceEvent {
  return event.type !== 'nl.datakluis.employee.upserted';
}
