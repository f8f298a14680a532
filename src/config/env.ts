// The gateway's configuration: parsed from the environment once, at start, failing with every
// problem listed. Values are never logged (URLs can hold passwords).

export interface GatewayConfig {
  /** PostgreSQL connection string. */
  databaseUrl: string;
  /** PostgreSQL schema holding the gateway's tables. */
  databaseSchema: string;
  /** RabbitMQ URL. */
  amqpUrl: string;
  /**
   * Prefix for every exchange and queue name (a `.` is added when it does not end in a separator), so
   * several gateways or test runs can share a broker without sharing queues.
   */
  amqpNamespace: string;
  host: string;
  port: number;
  /** Port of the vault API (users: agreement, vault administration, dossiers, audit). */
  apiPort: number;
  logLevel: string;
  /** How long a publish may wait for the broker's confirm before the request gets 503. */
  publishTimeoutMs: number;
  /** Unacknowledged deliveries per consumer (≤ the database pool size). */
  consumerPrefetch: number;
  /** Delay before a transiently failed event is tried again. */
  retryDelayMs: number;
  /** Attempts (first try included) before a transiently failing event is dead-lettered. */
  maxAttempts: number;
  databasePoolSize: number;
  /**
   * SMTP server of the e-mail outbox (`smtp://user:pass@host:587`, `smtps://…` for TLS from the
   * start). Empty: no e-mail is sent; mails wait in the outbox (PENDING) until it is set.
   */
  smtpUrl: string;
  /** The From of every e-mail the gateway sends. */
  mailFrom: string;
  /** First delay before a mail the server did not take is tried again; doubles, at most 1 h. */
  mailRetryBaseMs: number;
  /** Attempts (first included) before a mail the server keeps turning away is FAILED. */
  mailMaxAttempts: number;
  /** A mail SENDING longer than this belongs to a worker that died: it becomes UNCERTAIN. */
  mailSendingLeaseMs: number;
  /** Local time (HH:MM, Europe/Amsterdam) of the nightly processing in the worker. */
  nightlyAt: string;
  /** Whether the worker runs the nightly processing on its schedule (`datakluis nightly` always can). */
  nightlyEnabled: boolean;
  /** Payloads of dead letters are purged this many days after their last failure (metadata stays). */
  deadLetterRetentionDays: number;
  /** Whether the worker moves the dead-letter queue into PostgreSQL (the support tooling's store). */
  deadLetterStore: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

export const DEFAULTS = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/postgres',
  DATABASE_SCHEMA: 'datakluis',
  AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
  AMQP_NAMESPACE: '',
  HOST: '127.0.0.1',
  PORT: '8080',
  API_PORT: '8081',
  LOG_LEVEL: 'info',
  PUBLISH_TIMEOUT_MS: '10000',
  CONSUMER_PREFETCH: '10',
  RETRY_DELAY_MS: '5000',
  MAX_ATTEMPTS: '5',
  DATABASE_POOL_SIZE: '12',
  SMTP_URL: '',
  MAIL_FROM: 'Datakluis <no-reply@datakluis.local>',
  MAIL_RETRY_BASE_MS: '30000',
  MAIL_MAX_ATTEMPTS: '10',
  MAIL_SENDING_LEASE_MS: '600000',
  NIGHTLY_AT: '02:00',
  NIGHTLY_ENABLED: 'true',
  DEAD_LETTER_RETENTION_DAYS: '30',
  DEAD_LETTER_STORE: 'true',
} as const;

const NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const NAMESPACE = /^[a-z0-9_.-]{0,40}$/;
// One address, bare or as `Name <address>`; no line breaks (it becomes a header).
const MAIL_FROM = /^(?:[^<>\r\n]*<[^<>@\s]+@[^<>@\s]+>|[^<>@\s]+@[^<>@\s]+)$/;
const LOCAL_TIME = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
const LEVELS = new Set(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly']);

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

function integer(
  env: Env,
  key: keyof typeof DEFAULTS,
  min: number,
  max: number,
  problems: string[],
): number {
  const text = env[key] ?? DEFAULTS[key];
  const value = Number(text);
  if (!/^[0-9]+$/.test(text) || value < min || value > max)
    problems.push(`${key} must be a whole number from ${min} to ${max}`);
  return value;
}

function url(
  env: Env,
  key: 'DATABASE_URL' | 'AMQP_URL',
  protocols: string[],
  problems: string[],
): string {
  const text = env[key] ?? DEFAULTS[key];
  try {
    const parsed = new URL(text);
    if (!protocols.includes(parsed.protocol))
      problems.push(`${key} must start with ${protocols.join(' or ')}//`);
  } catch {
    problems.push(`${key} is not a URL`);
  }
  return text;
}

/** The SMTP URL, or '' when e-mail delivery is off. */
function smtpUrl(env: Env, problems: string[]): string {
  const text = env.SMTP_URL ?? DEFAULTS.SMTP_URL;
  if (text === '') return text;
  try {
    if (!['smtp:', 'smtps:'].includes(new URL(text).protocol))
      problems.push('SMTP_URL must start with smtp:// or smtps:// (or be empty: no e-mail)');
  } catch {
    problems.push('SMTP_URL is not a URL');
  }
  return text;
}

/** Reads the configuration from `env` (default: process.env); throws ConfigError listing every problem. */
export function parseEnv(env: Env = process.env): GatewayConfig {
  const problems: string[] = [];
  const databaseSchema = env.DATABASE_SCHEMA ?? DEFAULTS.DATABASE_SCHEMA;
  if (!NAME.test(databaseSchema))
    problems.push('DATABASE_SCHEMA must be a lower-case SQL identifier');
  const given = env.AMQP_NAMESPACE ?? DEFAULTS.AMQP_NAMESPACE;
  // `acme` and `acme.` name the same namespace: the separator is added when it is missing.
  const amqpNamespace = given === '' || /[.:_-]$/.test(given) ? given : `${given}.`;
  if (!NAMESPACE.test(amqpNamespace))
    problems.push('AMQP_NAMESPACE may hold a-z, 0-9, _ . - (at most 40)');
  const logLevel = env.LOG_LEVEL ?? DEFAULTS.LOG_LEVEL;
  if (!LEVELS.has(logLevel)) problems.push(`LOG_LEVEL must be one of ${[...LEVELS].join(', ')}`);
  const config: GatewayConfig = {
    databaseUrl: url(env, 'DATABASE_URL', ['postgresql:', 'postgres:'], problems),
    databaseSchema,
    amqpUrl: url(env, 'AMQP_URL', ['amqp:', 'amqps:'], problems),
    amqpNamespace,
    host: env.HOST ?? DEFAULTS.HOST,
    port: integer(env, 'PORT', 0, 65535, problems),
    apiPort: integer(env, 'API_PORT', 0, 65535, problems),
    logLevel,
    publishTimeoutMs: integer(env, 'PUBLISH_TIMEOUT_MS', 100, 120000, problems),
    consumerPrefetch: integer(env, 'CONSUMER_PREFETCH', 1, 500, problems),
    retryDelayMs: integer(env, 'RETRY_DELAY_MS', 10, 3600000, problems),
    maxAttempts: integer(env, 'MAX_ATTEMPTS', 1, 100, problems),
    databasePoolSize: integer(env, 'DATABASE_POOL_SIZE', 2, 200, problems),
    smtpUrl: smtpUrl(env, problems),
    mailFrom: env.MAIL_FROM ?? DEFAULTS.MAIL_FROM,
    mailRetryBaseMs: integer(env, 'MAIL_RETRY_BASE_MS', 10, 3600000, problems),
    mailMaxAttempts: integer(env, 'MAIL_MAX_ATTEMPTS', 1, 100, problems),
    mailSendingLeaseMs: integer(env, 'MAIL_SENDING_LEASE_MS', 1000, 86400000, problems),
    nightlyAt: env.NIGHTLY_AT ?? DEFAULTS.NIGHTLY_AT,
    nightlyEnabled: (env.NIGHTLY_ENABLED ?? DEFAULTS.NIGHTLY_ENABLED) === 'true',
    deadLetterRetentionDays: integer(env, 'DEAD_LETTER_RETENTION_DAYS', 1, 3650, problems),
    deadLetterStore: (env.DEAD_LETTER_STORE ?? DEFAULTS.DEAD_LETTER_STORE) === 'true',
  };
  if (!LOCAL_TIME.test(config.nightlyAt))
    problems.push('NIGHTLY_AT must be a time HH:MM (00:00 to 23:59, Europe/Amsterdam)');
  if (!['true', 'false'].includes(env.NIGHTLY_ENABLED ?? DEFAULTS.NIGHTLY_ENABLED))
    problems.push('NIGHTLY_ENABLED must be true or false');
  if (!['true', 'false'].includes(env.DEAD_LETTER_STORE ?? DEFAULTS.DEAD_LETTER_STORE))
    problems.push('DEAD_LETTER_STORE must be true or false');
  if (!MAIL_FROM.test(config.mailFrom))
    problems.push('MAIL_FROM must be one address, e.g. Datakluis <no-reply@example.nl>');
  if (config.consumerPrefetch > config.databasePoolSize)
    problems.push('CONSUMER_PREFETCH must not exceed DATABASE_POOL_SIZE');
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** The database URL with any password masked, for messages that tell an operator where we looked. */
export function describeUrl(text: string): string {
  try {
    const parsed = new URL(text);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
