// Wires the ingress process: registry, credentials, publisher connection, HTTP app.
import type { Server } from 'node:http';

import { connectorModules } from '../../connectors';
import type { GatewayConfig } from '../config/env';
import { buildRegistry } from '../connector-runtime/registry';
import { CredentialStore } from '../credentials/connector-credentials';
import { createDatabase } from '../db/prisma-client';
import { createApp } from '../ingress/create-app';
import { assertTopology } from '../messaging/assert-topology';
import { BrokerConnection } from '../messaging/connection';
import { ConfirmPublisher } from '../messaging/publisher';
import { buildTopology } from '../messaging/topology';
import type { Logger } from '../shared/logger';

export interface RunningIngress {
  url: string;
  server: Server;
  publisher: ConfirmPublisher;
  stop(): Promise<void>;
}

export async function startIngress(
  config: GatewayConfig,
  logger: Logger,
  options: { waitForBroker?: boolean } = {},
): Promise<RunningIngress> {
  const log = logger.child({ component: 'ingress' });
  const registry = buildRegistry(connectorModules);
  const topology = buildTopology({
    namespace: config.amqpNamespace,
    retryDelayMs: config.retryDelayMs,
  });
  const db = createDatabase({
    url: config.databaseUrl,
    schema: config.databaseSchema,
    poolSize: config.databasePoolSize,
  });
  let connection: BrokerConnection | null = null;
  const publisher = new ConfirmPublisher({
    timeoutMs: config.publishTimeoutMs,
    logger: log,
    isBlocked: () => connection?.blocked ?? null,
  });
  connection = new BrokerConnection({
    url: config.amqpUrl,
    name: 'datakluis-ingress',
    logger: log,
    setup: async (model) => {
      const channel = await model.createChannel();
      await assertTopology(channel, topology);
      await channel.close();
      await publisher.attach(model);
    },
    onLost: () => publisher.detach(),
    teardown: () => publisher.close(),
  });
  if (options.waitForBroker === true) await connection.start();
  else connection.startInBackground();
  const app = createApp({
    logger: log,
    registry,
    credentials: new CredentialStore(db),
    publisher,
    exchange: topology.exchanges.absence.name,
    retryAfterSeconds: 5,
    isReady: () =>
      publisher.ready
        ? { ready: true }
        : {
            ready: false,
            reason:
              connection?.blocked !== null && connection?.blocked !== undefined
                ? 'broker blocked publishing'
                : 'not connected to the message broker',
          },
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(config.port, config.host, () => resolve(listening));
    listening.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  log.info('ingress listening', { host: config.host, port });
  return {
    url: `http://${config.host}:${port}`,
    server,
    publisher,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await connection.stop();
      await db.$disconnect();
    },
  };
}
