// The support tooling's view of dead letters: what the CLI, the HTTP API and the web page ask of
// the dead-letter service (src/support/dead-letter.service.ts), and what they get back. Payloads
// come back with personal data redacted unless revealed (elevated support staff, with a reason).
import type { Principal } from '../access/principal';

export type DeadLetterStatus = 'OPEN' | 'REPLAYED' | 'DISCARDED';

export interface DeadLetterFilter {
  employerId?: string;
  connectorId?: string;
  errorCode?: string;
  eventType?: string;
  /** Default: OPEN. */
  status?: DeadLetterStatus;
  /** Last failure at or after / before. */
  from?: Date;
  to?: Date;
}

export interface DeadLetterSummary {
  id: string;
  messageId: string;
  status: DeadLetterStatus;
  employerId: string | null;
  connectorId: string | null;
  eventType: string | null;
  errorCode: string;
  errorMessage: string | null;
  attempts: number;
  firstFailedAt: string;
  lastFailedAt: string;
  receivedAt: string;
  replayCount: number;
  /** The retention period passed: only the metadata is left. */
  payloadPurged: boolean;
}

export interface DeadLetterFailure {
  code: string;
  message: string | null;
  attempts: number;
  at: string;
}

export type DeadLetterPayload =
  /** The canonical event; personal-data fields replaced by "[redacted]" unless `redacted` is false. */
  | { kind: 'canonical'; redacted: boolean; event: unknown }
  /** Bytes that were never a canonical event: only their size unless revealed. */
  | { kind: 'raw'; redacted: true; bytes: number; contentType: string | null }
  | { kind: 'raw'; redacted: false; bytes: number; contentType: string | null; text: string }
  | { kind: 'purged'; purgedAt: string };

export interface DeadLetterDetail extends DeadLetterSummary {
  originalExchange: string;
  originalRoutingKey: string;
  failures: DeadLetterFailure[];
  payload: DeadLetterPayload;
  replayedAt: string | null;
  replayedBy: string | null;
  discardedAt: string | null;
  discardedBy: string | null;
  discardReason: string | null;
  /** Edit-and-replay: the dead letter this one is an edited copy of, and the copies made of it. */
  editedFrom: string | null;
  copies: string[];
}

export interface DeadLetterGroup {
  errorCode: string;
  count: number;
  oldestFailedAt: string;
}

export interface DeadLetterPage {
  items: DeadLetterSummary[];
  /** How many match the filter in all (not just this page). */
  total: number;
  /** Counts per error code of everything that matches the filter. */
  groups: DeadLetterGroup[];
  /** The `after` of the next page, or null. */
  next: string | null;
}

export interface BulkReplayResult {
  dryRun: boolean;
  /** How many dead letters match the filter (what a real run replays). */
  matched: number;
  replayed: number;
  failed: number;
}

export interface DeadLetterStats {
  /** OPEN dead letters per error code, with the age of the oldest in seconds. */
  byErrorCode: { errorCode: string; count: number; oldestAgeSeconds: number }[];
  open: number;
  oldestOpenAgeSeconds: number | null;
}

export interface SupportContext {
  correlationId?: string;
}

/**
 * Every operation checks the caller: support staff, for dead letters of the employers they serve
 * (others answer NOT_FOUND, as if they did not exist); dead letters without an employer only for
 * elevated support staff. Every operation writes an audit entry.
 */
export interface DeadLetterOperations {
  list(
    user: Principal,
    filter: DeadLetterFilter,
    page: { limit: number; after?: string },
    context?: SupportContext,
  ): Promise<DeadLetterPage>;
  show(user: Principal, id: string, context?: SupportContext): Promise<DeadLetterDetail>;
  /** Elevated support staff only; `reason` is mandatory and audited. */
  reveal(
    user: Principal,
    id: string,
    reason: string,
    context?: SupportContext,
  ): Promise<DeadLetterDetail>;
  /** Republishes to the original exchange and routing key with the same message id. */
  replay(user: Principal, id: string, context?: SupportContext): Promise<DeadLetterDetail>;
  /**
   * Replaces the canonical message (validated against the schema first: VALIDATION_FAILED with the
   * issues otherwise), records the edit (changed paths, never values) linked to the original, and
   * republishes it with the same message id.
   */
  editAndReplay(
    user: Principal,
    id: string,
    event: unknown,
    context?: SupportContext,
  ): Promise<DeadLetterDetail>;
  /** Everything matching the filter (not a page), at most `ratePerSecond`; `dryRun` only counts. */
  bulkReplay(
    user: Principal,
    filter: DeadLetterFilter,
    options: {
      dryRun: boolean;
      ratePerSecond: number;
      onProgress?: (done: number, total: number) => void;
    },
    context?: SupportContext,
  ): Promise<BulkReplayResult>;
  /** `reason` is mandatory; the row stays as a tombstone (DISCARDED). */
  discard(
    user: Principal,
    id: string,
    reason: string,
    context?: SupportContext,
  ): Promise<DeadLetterDetail>;
  /** For monitoring: counts by error code and the age of the oldest OPEN dead letter. */
  stats(user: Principal): Promise<DeadLetterStats>;
}
