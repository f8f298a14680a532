// Structured JSON logs. Never pass a message body, a canonical event or anything from a payload to
// a logger: only ids, codes, counts and paths. `safeFields` drops keys that are never allowed.
import winston from 'winston';
import type Transport from 'winston-transport';

import { GatewayError } from './errors';

export type Logger = winston.Logger;

export interface LoggerOptions {
  level?: string;
  /** Extra transports (tests capture logs to check that no personal data appears). */
  transports?: Transport[];
  /** Write to stdout; default true. */
  console?: boolean;
  base?: Record<string, unknown>;
}

const FORBIDDEN_KEYS = new Set([
  'body',
  'payload',
  'data',
  'event',
  'employee',
  'bsn',
  'name',
  'email',
  'raw',
]);

/** Refuses payload-shaped keys at the source, so a careless call cannot leak a message into a log. */
const dropForbiddenKeys = winston.format((info) => {
  for (const key of Object.keys(info))
    if (FORBIDDEN_KEYS.has(key)) delete (info as Record<string, unknown>)[key];
  return info;
});

export function createLogger(options: LoggerOptions = {}): Logger {
  const transports: Transport[] = [...(options.transports ?? [])];
  if (options.console !== false)
    transports.push(new winston.transports.Console({ stderrLevels: ['error', 'warn'] }));
  return winston.createLogger({
    level: options.level ?? 'info',
    defaultMeta: options.base ?? {},
    format: winston.format.combine(
      dropForbiddenKeys(),
      winston.format.timestamp(),
      winston.format.errors({ stack: false }),
      winston.format.json(),
    ),
    transports,
    silent: transports.length === 0,
  });
}

/**
 * The log-safe description of an error: class and code always; the message only for our own
 * errors, because driver and ORM messages can quote the values of a query.
 */
export function errorFields(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { errorName: typeof error };
  const code = (error as { code?: unknown }).code;
  const fields: Record<string, unknown> = { errorName: error.name };
  if (typeof code === 'string') fields.errorCode = code;
  if (error instanceof GatewayError) fields.errorMessage = error.message;
  return fields;
}
