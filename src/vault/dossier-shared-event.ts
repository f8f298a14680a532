// The `dossier.shared` event the vault publishes (through its outbox) whenever a dossier is shared
// with the service, so the service's own systems can pick it up.
import type { DossierSharedEvent } from '../canonical/generated/dossier-shared-event';
import { validateDossierSharedSchema } from '../canonical/schema-registry';
import { uuidV5 } from '../connector-sdk/helpers/event-id';

export function buildDossierSharedEvent(input: {
  employerId: string;
  dossierId: string;
  reason: 'absence' | 'manual';
  /** The connector that brought the absence (absence shares). */
  connectorId?: string;
  /** The event that caused an absence share, or the share record of a manual share. */
  causedBy: string;
}): DossierSharedEvent {
  const shared: DossierSharedEvent = {
    specversion: '1.0',
    // One share is announced once, however often the transaction that makes it is retried.
    id: uuidV5(
      input.reason === 'absence'
        ? `dossier.shared|absence|${input.dossierId}`
        : `dossier.shared|manual|${input.causedBy}`,
    ),
    source: '/vault',
    type: 'nl.datakluis.dossier.shared',
    time: new Date().toISOString(),
    subject: input.dossierId,
    dataschema: 'https://schemas.datakluis.nl/canonical/dossier-shared/v1',
    datacontenttype: 'application/json',
    employerid: input.employerId,
    data: {
      dossierId: input.dossierId,
      reason: input.reason,
      ...(input.connectorId === undefined ? {} : { connectorId: input.connectorId }),
      causedByEventId: input.causedBy,
    },
  };
  if (!validateDossierSharedSchema(shared))
    throw new Error('dossier.shared event does not match its schema');
  return shared;
}
