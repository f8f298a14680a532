// How the ingress hands over accepted events: to the broker with confirms when it can, otherwise
// into the PostgreSQL outbox (same promise: stored durably before the 202), from where the relay
// publishes them once the broker is back. Only when both fail does the sender get a 503.
import { TransientError, isRetryable } from '../shared/errors';
import type { EventPublisher, OutgoingMessage } from './publisher';

export interface IngressOutbox {
  /**
   * Whether messages with any of these order keys (employees) wait in the outbox, whichever ingress
   * stored them: a new message for them queues up behind, so it cannot overtake them.
   */
  waiting(orderKeys: readonly string[]): Promise<boolean>;
  /** Stores all `messages` (one transaction) and tells the relay. */
  store(messages: readonly OutgoingMessage[]): Promise<void>;
}

/** Why a message went to the outbox without trying the broker (besides a publish error's code). */
export const OUTBOX_CAUSES = {
  notReady: 'BROKER_NOT_READY',
  backlog: 'BROKER_BACKLOG',
} as const;

export type DeliveryResult =
  | { via: 'broker' }
  | {
      via: 'outbox';
      /** Why the broker was not used: its publish error code, or BROKER_BACKLOG / BROKER_NOT_READY. */
      cause: string;
    };

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'INTERNAL_ERROR';
}

/**
 * Whether an earlier message of the same employee waits in the outbox. When the outbox cannot be
 * asked (the database is away) nothing new can be waiting either, and the relay cannot send what
 * waited before; publishing then keeps the gateway available, and the vault's fold makes the
 * order of arrival irrelevant to the result.
 */
async function isWaiting(
  outbox: IngressOutbox,
  messages: readonly OutgoingMessage[],
): Promise<boolean> {
  const keys = [
    ...new Set(messages.flatMap((m) => (m.orderKey === undefined ? [] : [m.orderKey]))),
  ];
  if (keys.length === 0) return false;
  try {
    return await outbox.waiting(keys);
  } catch {
    return false;
  }
}

/**
 * Publishes `messages` (confirmed) or stores them in `outbox`. Rejects with the publish error when
 * there is no outbox, and with OUTBOX_UNAVAILABLE when storing fails too.
 */
export async function deliver(
  messages: readonly OutgoingMessage[],
  publisher: EventPublisher,
  outbox?: IngressOutbox,
): Promise<DeliveryResult> {
  if (messages.length === 0) return { via: 'broker' };
  if (outbox === undefined) {
    await publisher.publish(messages);
    return { via: 'broker' };
  }
  let cause: string;
  if (await isWaiting(outbox, messages)) cause = OUTBOX_CAUSES.backlog;
  else if (!publisher.ready) cause = OUTBOX_CAUSES.notReady;
  else {
    try {
      await publisher.publish(messages);
      return { via: 'broker' };
    } catch (error) {
      // Part may have been confirmed: storing all again is safe, the consumer deduplicates by id.
      if (!isRetryable(error)) throw error;
      cause = codeOf(error);
    }
  }
  try {
    await outbox.store(messages);
  } catch (error) {
    throw new TransientError(
      'OUTBOX_UNAVAILABLE',
      `the broker could not take the message (${cause}) and neither could the outbox`,
      { cause: error },
    );
  }
  return { via: 'outbox', cause };
}
