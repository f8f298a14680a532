// One isolated environment per test run: a PostgreSQL schema and a RabbitMQ name prefix of its own,
// so runs never see each other's data. Created on first use, removed when the run ends.
import { randomBytes } from 'node:crypto';

import { connect } from 'amqplib';

import { parseEnv } from '../../src/config/env';
import type { GatewayConfig } from '../../src/config/env';
import { preflight } from '../../src/app/preflight';
import { dropSchema, migrate } from '../../src/db/migrate';
import type { Database } from '../../src/db/prisma-client';
import { deleteTopology } from '../../src/messaging/assert-topology';
import { buildTopology } from '../../src/messaging/topology';
import type { Topology } from '../../src/messaging/topology';
import { databaseFor, topologyFor } from '../../src/app/wiring';

const RUN = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

export interface TestEnvironment {
  config: GatewayConfig;
  db: Database;
}

let environment: Promise<TestEnvironment> | null = null;
const namespaces = new Set<string>();

/** Config for this run; `namespace` gives a test its own broker topology inside the run's prefix. */
export function testConfig(overrides: Record<string, string> = {}): GatewayConfig {
  return parseEnv({
    ...process.env,
    DATABASE_SCHEMA: `test_${RUN}`,
    AMQP_NAMESPACE: `test-${RUN}.`,
    PORT: '0',
    RETRY_DELAY_MS: '100',
    MAX_ATTEMPTS: '3',
    PUBLISH_TIMEOUT_MS: '5000',
    LOG_LEVEL: 'error',
    // Off unless a test asks for it: many tests read the dead-letter queue itself.
    DEAD_LETTER_STORE: 'false',
    ...overrides,
  });
}

/** A broker namespace of its own for one test file (its own queues, so counts are its own). */
export function testNamespaceConfig(
  name: string,
  overrides: Record<string, string> = {},
): GatewayConfig {
  const config = testConfig({ AMQP_NAMESPACE: `test-${RUN}-${name}.`, ...overrides });
  namespaces.add(config.amqpNamespace);
  return config;
}

export function getTestEnvironment(): Promise<TestEnvironment> {
  environment ??= (async () => {
    const config = testConfig();
    const unreachable = await preflight(config);
    if (unreachable !== null)
      throw new Error(`The integration tests need the real services.\n${unreachable}`);
    await migrate({ url: config.databaseUrl, schema: config.databaseSchema });
    const db = databaseFor(config, 5);
    return { config, db };
  })();
  return environment;
}

export async function disposeTestEnvironment(): Promise<void> {
  const config = testConfig();
  const created = environment;
  environment = null;
  if (created === null) return;
  const ready = await created.catch(() => null);
  if (ready === null) return; // the services were not there: nothing was created
  await ready.db.$disconnect();
  await dropSchema({ url: config.databaseUrl, schema: config.databaseSchema });
  if (namespaces.size === 0) return;
  const model = await connect(config.amqpUrl);
  model.on('error', () => undefined);
  for (const namespace of namespaces) {
    await deleteTopology(
      model,
      buildTopology({ namespace, retryDelayMs: config.retryDelayMs }),
    ).catch((error: unknown) => console.error(`test clean-up: ${(error as Error).message}`));
  }
  await model.close();
}

export function topologyOf(config: GatewayConfig): Topology {
  return topologyFor(config);
}

/** A unique employer id for one test, so tests never share rows. */
export function uniqueEmployerId(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export async function createEmployer(db: Database, id: string, vaultActive = true): Promise<void> {
  await db.employer.create({
    data: {
      id,
      name: `Test ${id}`,
      vaultState: vaultActive ? 'ACTIVE' : 'INACTIVE',
      vaultActivatedAt: vaultActive ? new Date() : null,
    },
  });
}
