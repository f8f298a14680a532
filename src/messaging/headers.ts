// Names of the gateway's own AMQP headers. Retry counting uses our own header, never x-death
// (RabbitMQ 3.13+/4.x no longer trusts x-death sent by a client).
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
