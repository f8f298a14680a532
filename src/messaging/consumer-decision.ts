// What the consumer does with a delivery after trying to apply it: one table, unit-tested.
import { errorCode, isRetryable } from '../shared/errors';

export type ConsumeDecision =
  | { action: 'ack' }
  | { action: 'retry'; attempt: number }
  | { action: 'dead-letter'; code: string; attempts: number };

/**
 * @param previousAttempts failed attempts before this one (our own header, never x-death)
 * @param maxAttempts attempts in all, the first one included
 */
export function decide(
  result: { ok: true } | { ok: false; error: unknown },
  previousAttempts: number,
  maxAttempts: number,
): ConsumeDecision {
  if (result.ok) return { action: 'ack' };
  const attempts = previousAttempts + 1;
  const code = errorCode(result.error);
  if (!isRetryable(result.error)) return { action: 'dead-letter', code, attempts };
  if (attempts >= maxAttempts)
    return { action: 'dead-letter', code: `RETRIES_EXHAUSTED:${code}`, attempts };
  return { action: 'retry', attempt: attempts };
}
