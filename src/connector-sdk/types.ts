import type { CanonicalEvent } from '../canonical/generated/canonical-event';
import type { AdapterRejectionReason, AdapterWarningCode, IgnoreReason } from './reasons';

/**
 * One message from an HR system as the ingress (or, later, the pull runtime or file intake) hands it
 * to an adapter. Read-only; everything an adapter may know comes from here.
 */
export interface InboundMessage {
  readonly connectorId: string;
  /** The gateway employer the sending credential is bound to; events may only be about this one. */
  readonly employerId: string;
  /** ISO instant stamped by the gateway on receipt: the only clock an adapter may use. */
  readonly receivedAt: string;
  /** Media type without parameters, lower case, e.g. `application/xml`. */
  readonly contentType: string;
  /** The body decoded as UTF-8 text (a BOM removed), exactly as received otherwise. */
  readonly body: string;
  /** Request headers, lower-cased names. */
  readonly headers: Readonly<Record<string, string>>;
}

/** Where and why one part of a message could not be used. Never contains the offending value. */
export interface AdapterIssue {
  reason: AdapterRejectionReason;
  /** JSON Pointer-like path into the source message, e.g. `/Wrkgvr/0/Wrknmr/0/SofiNr` or `/rows/3/percentage`. */
  path: string;
  message: string;
}

export interface AdapterWarning {
  code: AdapterWarningCode;
  path: string;
}

export type TranslateResult =
  | { outcome: 'translated'; events: CanonicalEvent[]; warnings: AdapterWarning[] }
  | { outcome: 'ignored'; reason: IgnoreReason; warnings: AdapterWarning[] }
  | { outcome: 'rejected'; reason: AdapterRejectionReason; issues: AdapterIssue[] };

/**
 * A connector's adapter: a pure translation from one HR-system message to canonical events.
 * Pure means: no I/O, no clock (use `message.receivedAt`), no randomness, no environment, no
 * logging (return warnings), no mutation of the input, no module state. The conformance test
 * proves it on every fixture.
 */
export interface ConnectorAdapter {
  readonly id: string;
  translate(message: InboundMessage): TranslateResult;
}

/** One entry of connectors/index.ts: the adapter and its manifest (validated by the runtime at start). */
export interface ConnectorModule {
  adapter: ConnectorAdapter;
  manifest: unknown;
}
