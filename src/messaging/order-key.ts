import { createHash } from 'node:crypto';

import type { CanonicalEvent } from '../canonical/generated/canonical-event';

/**
 * The line an event waits in when it cannot be published at once: one per employee. Hashed, so the
 * outbox's ordering column does not repeat the employee number.
 */
export function orderKeyOf(event: CanonicalEvent): string {
  const employee = createHash('sha256')
    .update(`${event.employerid}\u0000${event.data.employee.externalId}`)
    .digest('base64url')
    .slice(0, 22);
  return `${event.employerid}:${employee}`;
}
