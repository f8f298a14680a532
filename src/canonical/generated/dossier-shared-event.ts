/* Generated from schemas/canonical/dossier-shared.v1.schema.json by scripts/generate-types.ts. Do not edit. */

/**
 * Published by the vault consumer when a dossier leaves the vault and is shared with the occupational health service, so the service's own systems can pick it up. Carries references only, no personal data.
 */
export interface DossierSharedEvent {
  specversion: '1.0';
  id: string;
  source: '/vault';
  type: 'nl.datakluis.dossier.shared';
  time: string;
  /**
   * The gateway's dossier id (opaque).
   */
  subject: string;
  dataschema: 'https://schemas.datakluis.nl/canonical/dossier-shared/v1';
  datacontenttype: 'application/json';
  employerid: string;
  data: {
    dossierId: string;
    reason: 'absence' | 'manual';
    connectorId?: string;
    causedByEventId: string;
  };
}
