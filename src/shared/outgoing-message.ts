/**
 * One message for the broker, as the publisher sends it and as the outboxes keep it until it is
 * confirmed. A leaf type, so the stores (db, vault) and the messaging layer share one definition.
 */
export interface OutgoingMessage {
  exchange: string;
  routingKey: string;
  body: Buffer;
  messageId: string;
  type: string;
  correlationId?: string;
  headers?: Record<string, string | number>;
  /** Messages with the same key (one employee) keep their order when they wait in an outbox. */
  orderKey?: string;
}

/** A message read back from an outbox, with the id of its row there. */
export interface OutboxMessage extends OutgoingMessage {
  outboxId: string;
}
