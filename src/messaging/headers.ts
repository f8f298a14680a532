// Names of the gateway's own AMQP headers. Retry counting uses our own header, never x-death
// (RabbitMQ 3.13+/4.x no longer trusts x-death sent by a client).
import type { ConsumeMessage } from 'amqplib';

export const HEADER = {
  connector: 'x-koppeling-connector',
  employer: 'x-koppeling-employer',
  schemaVersion: 'x-koppeling-schema-version',
  attempts: 'x-koppeling-attempts',
  firstFailure: 'x-koppeling-first-failure',
  lastFailure: 'x-koppeling-last-failure',
  errorCode: 'x-koppeling-error-code',
  errorMessage: 'x-koppeling-error-message',
  originalExchange: 'x-koppeling-original-exchange',
  originalRoutingKey: 'x-koppeling-original-routing-key',
} as const;

/**
 * The headers of a retry or dead-letter copy: our attempt counter, first and last failure time,
 * where the message was first sent, and the failure's code and reason (codes and our own texts only,
 * never message content). What identifies its origin is carried over from the delivery.
 */
export function failureHeaders(
  message: ConsumeMessage,
  failure: { attempts: number; code?: string; reason?: string },
): Record<string, string | number> {
  const previous = message.properties.headers as Record<string, unknown> | undefined;
  const now = new Date().toISOString();
  const headers: Record<string, string | number> = {
    [HEADER.attempts]: failure.attempts,
    [HEADER.firstFailure]: headerString(previous, HEADER.firstFailure) ?? now,
    [HEADER.lastFailure]: now,
    [HEADER.originalExchange]:
      headerString(previous, HEADER.originalExchange) ?? message.fields.exchange,
    [HEADER.originalRoutingKey]:
      headerString(previous, HEADER.originalRoutingKey) ?? message.fields.routingKey,
  };
  for (const name of [HEADER.connector, HEADER.employer, HEADER.schemaVersion]) {
    const value = headerString(previous, name);
    if (value !== undefined) headers[name] = value;
  }
  if (failure.code !== undefined) headers[HEADER.errorCode] = failure.code;
  if (failure.reason !== undefined) headers[HEADER.errorMessage] = failure.reason.slice(0, 500);
  return headers;
}

export function headerNumber(headers: Record<string, unknown> | undefined, name: string): number {
  const value = headers?.[name];
  const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : 0;
  return Number.isFinite(number) && number > 0 ? Math.floor(number) : 0;
}

export function headerString(
  headers: Record<string, unknown> | undefined,
  name: string,
): string | undefined {
  const value = headers?.[name];
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return undefined;
}
