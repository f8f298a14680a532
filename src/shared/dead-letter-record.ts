/**
 * One dead-lettered message as the store keeps it: what the mover (messaging) hands over and the
 * dead-letter repository (support) stores. A leaf type, like OutgoingMessage.
 */
export interface DeadLetterRecord<Event = unknown> {
  /** The message's own id; without one, `no-id:<sha256 of the body>` (as the consumer names it). */
  messageId: string;
  /** Logical exchange name ('absence', …), so a replay works in any broker namespace. */
  originalExchange: string;
  originalRoutingKey: string;
  connectorId: string | null;
  employerId: string | null;
  eventType: string | null;
  errorCode: string;
  errorMessage: string | null;
  attempts: number;
  firstFailedAt: Date;
  lastFailedAt: Date;
  payload:
    | { kind: 'canonical'; event: Event }
    | { kind: 'raw'; bytes: Buffer; contentType: string | null };
}
