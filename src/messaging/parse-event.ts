import type { ConsumeMessage } from 'amqplib';

import type { CanonicalEvent } from '../canonical/generated/canonical-event';
import { validateCanonicalEvent } from '../canonical/validate-canonical';
import { PermanentError } from '../shared/errors';

/**
 * The canonical event in a delivery, validated again (a delivery can come from a replay or an older
 * gateway). Anything else is permanent: no retry can make it valid.
 */
export function parseEvent(message: ConsumeMessage): CanonicalEvent {
  let value: unknown;
  try {
    value = JSON.parse(message.content.toString('utf8'));
  } catch {
    throw new PermanentError('MALFORMED_MESSAGE', 'the message body is not JSON');
  }
  const validation = validateCanonicalEvent(value);
  if (!validation.ok) {
    const where = validation.issues
      .slice(0, 5)
      .map((issue) => `${issue.path} ${issue.message}`)
      .join('; ');
    throw new PermanentError(
      'CANONICAL_SCHEMA_VIOLATION',
      `the event does not match canonical schema v1: ${where}`,
    );
  }
  return validation.event;
}
