/* Generated from schemas/connector-manifest.schema.json by scripts/generate-types.ts. Do not edit. */

/**
 * connectors/<id>/manifest.json: what a connector is and how HR systems reach it. Secrets are named, never stored here.
 */
export interface ConnectorManifest {
  $schema?: string;
  id: string;
  displayName: string;
  vendor: string;
  vendorDocs?: string[];
  version: string;
  maintainer: string;
  canonicalSchema: 'absence-event/v1';
  /**
   * How messages reach the gateway: pushed over HTTP, polled by the pull runtime, or as files.
   *
   * @minItems 1
   */
  delivery: ['push' | 'poll' | 'file' | 'snapshot', ...('push' | 'poll' | 'file' | 'snapshot')[]];
  ingress: {
    /**
     * @minItems 1
     */
    contentTypes: [string, ...string[]];
    maxBodyBytes: number;
    auth: {
      scheme: 'bearer';
    };
  };
  /**
   * @minItems 1
   */
  eventTypes: [
    (
      | 'nl.datakluis.absence.reported'
      | 'nl.datakluis.absence.changed'
      | 'nl.datakluis.absence.recovered'
      | 'nl.datakluis.absence.corrected'
      | 'nl.datakluis.absence.withdrawn'
      | 'nl.datakluis.employee.upserted'
    ),
    ...(
      | 'nl.datakluis.absence.reported'
      | 'nl.datakluis.absence.changed'
      | 'nl.datakluis.absence.recovered'
      | 'nl.datakluis.absence.corrected'
      | 'nl.datakluis.absence.withdrawn'
      | 'nl.datakluis.employee.upserted'
    )[],
  ];
  status: 'experimental' | 'stable';
}
