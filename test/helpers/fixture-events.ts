import { connectorModules } from '../../connectors';
import type { CanonicalEvent } from '../../src/canonical/generated/canonical-event';
import { fixtureMessage, listFixtures } from '../../src/connector-runtime/fixtures';

/** The canonical events a connector makes of one of its fixtures, for the given employer. */
export function fixtureEvents(
  connectorId: string,
  fixtureName: string,
  employerId: string,
): CanonicalEvent[] {
  const fixture = listFixtures(connectorId).find((f) => f.name === fixtureName);
  const adapter = connectorModules.find((m) => m.adapter.id === connectorId)?.adapter;
  if (fixture === undefined || adapter === undefined)
    throw new Error(`no fixture ${connectorId}/${fixtureName}`);
  const result = adapter.translate({ ...fixtureMessage(connectorId, fixture), employerId });
  if (result.outcome !== 'translated') throw new Error(`fixture ${fixtureName} does not translate`);
  return result.events;
}

export function absenceEventsOf(events: CanonicalEvent[]): CanonicalEvent[] {
  return events.filter((e) => e.type !== 'nl.datakluis.employee.upserted');
}
