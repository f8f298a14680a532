// Starts the real ingress and consumer in this process, on their own broker namespace, with logs
// captured in memory.
import { connect } from 'amqplib';
import type { ChannelModel } from 'amqplib';

import { startConsumer } from '../../src/app/consumer-process';
import type { RunningConsumer } from '../../src/app/consumer-process';
import { startIngress } from '../../src/app/ingress-process';
import type { RunningIngress } from '../../src/app/ingress-process';
import type { GatewayConfig } from '../../src/config/env';
import { CredentialStore } from '../../src/credentials/connector-credentials';
import type { Database } from '../../src/db/prisma-client';
import { createLogger } from '../../src/shared/logger';
import { MemoryTransport } from './log-capture';

export interface RunningGateway {
  ingress: RunningIngress;
  consumer: RunningConsumer;
  logs: MemoryTransport;
  broker: ChannelModel;
  stop(): Promise<void>;
}

export async function startGateway(config: GatewayConfig): Promise<RunningGateway> {
  const logs = new MemoryTransport();
  const logger = createLogger({ level: 'debug', console: false, transports: [logs] });
  const consumer = await startConsumer(config, logger, { waitForBroker: true });
  const ingress = await startIngress(config, logger, { waitForBroker: true });
  const broker = await connect(config.amqpUrl);
  // A test's own connection: an error here must fail the test that uses it, not crash the run.
  broker.on('error', () => undefined);
  return {
    ingress,
    consumer,
    logs,
    broker,
    async stop() {
      await broker.close().catch(() => undefined);
      await ingress.stop();
      await consumer.stop();
    },
  };
}

export async function credentialFor(
  db: Database,
  employerId: string,
  connectorId: string,
): Promise<string> {
  return (await new CredentialStore(db).create({ employerId, connectorId })).token;
}

export async function waitUntil(check: () => Promise<boolean>, timeoutMs = 15000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
