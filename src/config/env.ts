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
}

type Env = Readonly<Record<string, string | undefined>>;

export const DEFAULTS = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/postgres',
  DATABASE_SCHEMA: 'datakluis',
  AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
  AMQP_NAMESPACE: '',
  HOST: '127.0.0.1',
  PORT: '8080',
  LOG_LEVEL: 'info',
  PUBLISH_TIMEOUT_MS: '10000',
  CONSUMER_PREFETCH: '10',
  RETRY_DELAY_MS: '5000',
  MAX_ATTEMPTS: '5',
  DATABASE_POOL_SIZE: '12',
} as const;

const NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const NAMESPACE = /^[a-z0-9_.-]{0,40}$/;
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
    logLevel,
    publishTimeoutMs: integer(env, 'PUBLISH_TIMEOUT_MS', 100, 120000, problems),
    consumerPrefetch: integer(env, 'CONSUMER_PREFETCH', 1, 500, problems),
    retryDelayMs: integer(env, 'RETRY_DELAY_MS', 10, 3600000, problems),
    maxAttempts: integer(env, 'MAX_ATTEMPTS', 1, 100, problems),
    databasePoolSize: integer(env, 'DATABASE_POOL_SIZE', 2, 200, problems),
  };
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
