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
    /**
     * Character sets a sender may send the body in, by canonical name. UTF-8 is always accepted and must be listed; US-ASCII (a subset of UTF-8) is always accepted too. A request names its charset in the Content-Type charset parameter (case-insensitive, quoted or not, with the usual aliases: utf8, latin1, cp1252, …) or, for XML, in the XML declaration; without one the body is UTF-8. A charset not listed is refused with 415 UNSUPPORTED_CHARSET. iso-8859-1 is decoded as windows-1252, as the WHATWG Encoding Standard (and Node's TextDecoder) does. Absent: UTF-8 only.
     *
     * @minItems 1
     */
    charsets?: [
      'utf-8' | 'windows-1252' | 'iso-8859-1' | 'iso-8859-15',
      ...('utf-8' | 'windows-1252' | 'iso-8859-1' | 'iso-8859-15')[],
    ];
    /**
     * Largest body accepted, in bytes as received (before any transcoding); larger is refused with 413 before it is parsed.
     */
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
