// `npm run demo`: the main job end to end. A fresh schema and broker namespace, an employer whose
// vault is active, the ingress and the consumer, every sample message of every connector sent over
// HTTP, then a report: per message the answer, per employee the vault state before and after, and
// what was dead-lettered and why (read from the dead-letter store in PostgreSQL when
// DEAD_LETTER_STORE is on, the default; from the queue itself otherwise). Exits 1 when anything was
// lost or unexpected.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';

import { connect } from 'amqplib';

import { connectorModules } from '../../../connectors';
import { startConsumer } from '../../app/consumer-process';
import { startIngress } from '../../app/ingress-process';
import { preflight } from '../../app/preflight';
import { parseEnv } from '../../config/env';
import type { GatewayConfig } from '../../config/env';
import { CredentialStore } from '../../credentials/connector-credentials';
import { dropSchema, migrate } from '../../db/migrate';
import type { Database } from '../../db/prisma-client';
import { deleteTopology } from '../../messaging/assert-topology';
import { HEADER, headerNumber, headerString } from '../../messaging/headers';
import { createLogger } from '../../shared/logger';
import { printReport } from './demo-report';
import { DEMO_EMPLOYER, seedDemo } from './demo-seed';
import { readEmployeeStates } from './demo-state';
import { sendFixtures } from './demo-traffic';
import type { SentMessage } from './demo-traffic';
import { databaseFor, topologyFor } from '../../app/wiring';

const POISON_ID = 'demo-poison-message';

export interface DeadLetter {
  messageId: string;
  code: string;
  reason: string;
  attempts: string;
}

function demoConfig(): GatewayConfig {
  const suffix = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  return parseEnv({
    ...process.env,
    DATABASE_SCHEMA: `demo_${suffix}`,
    AMQP_NAMESPACE: `demo-${suffix}.`,
    PORT: '0',
    RETRY_DELAY_MS: '300',
    MAX_ATTEMPTS: '3',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
  });
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return check();
}

/** Simulates a corrupted message put on the broker by something other than the ingress. */
async function publishPoison(config: GatewayConfig): Promise<void> {
  const topology = topologyFor(config);
  const model = await connect(config.amqpUrl);
  const channel = await model.createConfirmChannel();
  channel.publish(
    topology.exchanges.absence.name,
    'demo.absence.reported',
    Buffer.from('{"type":"nl.datakluis.absence.reported","diagnosis":"x"}'),
    {
      persistent: true,
      messageId: POISON_ID,
    },
  );
  await channel.waitForConfirms();
  await model.close();
}

async function drainDeadLetters(config: GatewayConfig, expected: number): Promise<DeadLetter[]> {
  const topology = topologyFor(config);
  const model = await connect(config.amqpUrl);
  const channel = await model.createChannel();
  const queue = topology.queues.dead.name;
  await waitFor(async () => (await channel.checkQueue(queue)).messageCount >= expected, 15000);
  const letters: DeadLetter[] = [];
  for (
    let message = await channel.get(queue);
    message !== false;
    message = await channel.get(queue)
  ) {
    const headers = message.properties.headers as Record<string, unknown> | undefined;
    letters.push({
      messageId: String(message.properties.messageId ?? '?'),
      code: headerString(headers, HEADER.errorCode) ?? 'BROKER_DELIVERY_LIMIT',
      reason: headerString(headers, HEADER.errorMessage) ?? '',
      attempts: String(headerNumber(headers, HEADER.attempts) || '?'),
    });
    channel.ack(message);
  }
  await model.close();
  return letters;
}

/**
 * What was dead-lettered, read from the dead-letter store (DEAD_LETTER_STORE, the default: the
 * worker moves the queue into PostgreSQL, acking only after the insert), which must leave the
 * queue itself empty.
 */
async function storedDeadLetters(
  config: GatewayConfig,
  db: Database,
  expected: number,
): Promise<DeadLetter[]> {
  const model = await connect(config.amqpUrl);
  try {
    const channel = await model.createChannel();
    const queue = topologyFor(config).queues.dead.name;
    await waitFor(
      async () =>
        (await db.deadLetter.count()) >= expected &&
        (await channel.checkQueue(queue)).messageCount === 0,
      15000,
    );
  } finally {
    await model.close();
  }
  const rows = await db.deadLetter.findMany({ orderBy: { receivedAt: 'asc' } });
  return rows.map((row) => ({
    messageId: row.messageId,
    code: row.errorCode,
    reason: row.errorMessage ?? '',
    attempts: String(row.attempts || '?'),
  }));
}

async function allProcessed(db: Database, ids: readonly string[]): Promise<boolean> {
  const unique = [...new Set(ids)];
  const found = await db.processedEvent.count({ where: { eventId: { in: unique } } });
  return found === unique.length;
}

async function cleanUp(config: GatewayConfig): Promise<void> {
  const model = await connect(config.amqpUrl);
  try {
    await deleteTopology(model, topologyFor(config));
  } finally {
    await model.close();
  }
  await dropSchema({ url: config.databaseUrl, schema: config.databaseSchema });
}

/** Sends every connector's fixtures as an HR system would, plus one corrupted message. */
async function sendTraffic(
  config: GatewayConfig,
  db: Database,
  ingressUrl: string,
): Promise<SentMessage[]> {
  const sent: SentMessage[] = [];
  const credentials = new CredentialStore(db);
  for (const { adapter } of connectorModules) {
    const { token } = await credentials.create({
      employerId: DEMO_EMPLOYER.id,
      connectorId: adapter.id,
      label: 'demo',
    });
    sent.push(...(await sendFixtures(ingressUrl, adapter.id, token)));
  }
  await publishPoison(config);
  return sent;
}

/** Runs the gateway on the seeded vault, sends the traffic and prints the report; 0 when all is well. */
async function runAgainstGateway(
  config: GatewayConfig,
  db: Database,
  started: number,
): Promise<number> {
  const logger = createLogger({ level: config.logLevel, base: { service: 'datakluis-demo' } });
  await seedDemo(db);
  const before = await readEmployeeStates(db, DEMO_EMPLOYER.id);
  const consumer = await startConsumer(config, logger, { waitForBroker: true });
  const ingress = await startIngress(config, logger, { waitForBroker: true });
  try {
    const sent = await sendTraffic(config, db, ingress.url);
    const processed = await waitFor(
      () =>
        allProcessed(
          db,
          sent.flatMap((m) => m.eventIds),
        ),
      30000,
    );
    const deadLetters = config.deadLetterStore
      ? await storedDeadLetters(config, db, 1)
      : await drainDeadLetters(config, 1);
    const after = await readEmployeeStates(db, DEMO_EMPLOYER.id);
    const seconds = (Date.now() - started) / 1000;
    const problems = printReport({
      sent,
      before,
      after,
      deadLetters,
      processed,
      poisonId: POISON_ID,
      deadLetterSource: config.deadLetterStore ? 'store' : 'queue',
      seconds,
    });
    return problems === 0 ? 0 : 1;
  } finally {
    await ingress.stop();
    await consumer.stop();
  }
}

function printKept(config: GatewayConfig): void {
  console.log(
    `kept schema ${config.databaseSchema} and broker names starting with ${config.amqpNamespace}`,
  );
  console.log(
    `look around: DATABASE_SCHEMA=${config.databaseSchema} AMQP_NAMESPACE=${config.amqpNamespace} npm start`,
  );
  console.log(
    `remove: DROP SCHEMA ${config.databaseSchema} CASCADE; and delete those queues and exchanges`,
  );
}

export async function runDemo(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { keep: { type: 'boolean', default: false } } });
  const started = Date.now();
  const config = demoConfig();
  const unreachable = await preflight(config);
  if (unreachable !== null) {
    console.error(unreachable);
    return 1;
  }
  console.log(
    `Datakluis Gateway demo — schema ${config.databaseSchema}, broker namespace ${config.amqpNamespace}\n`,
  );
  await migrate({ url: config.databaseUrl, schema: config.databaseSchema });
  const db = databaseFor(config, 4);
  try {
    return await runAgainstGateway(config, db, started);
  } finally {
    await db.$disconnect();
    if (values.keep === true) printKept(config);
    else await cleanUp(config);
  }
}
