// Wires the ingress process: registry, credentials, publisher connection, outbox and its relay,
// HTTP app.
import type { Server } from 'node:http';

import { connectorModules } from '../../connectors';
import type { GatewayConfig } from '../config/env';
import { buildRegistry } from '../connector-runtime/registry';
import { CachedCredentialVerifier, CredentialStore } from '../credentials/connector-credentials';
import { IngressOutboxRepository } from '../db/ingress-outbox.repository';
import { closeServer, listen } from '../http/close-server';
import { createApp } from '../ingress/create-app';
import type { IngressOutbox } from '../messaging/durable-delivery';
import { OutboxRelay } from '../messaging/outbox-relay';
import type { ConfirmPublisher } from '../messaging/publisher';
import type { Database } from '../db/prisma-client';
import type { Topology } from '../messaging/topology';
import type { Logger } from '../shared/logger';
import {
  databaseCheck,
  databaseFor,
  exchangeByLogicalName,
  logicalExchangeName,
  publisherConnection,
  topologyFor,
} from './wiring';

export interface RunningIngress {
  url: string;
  server: Server;
  publisher: ConfirmPublisher;
  stop(): Promise<void>;
}

/** The publisher connection and the outbox that takes over when the broker cannot confirm. */
function publishing(config: GatewayConfig, log: Logger, db: Database, topology: Topology) {
  // Kicked once the connection is (re)attached: what waited in the outbox goes out first.
  const { publisher, connection, readiness } = publisherConnection(config, log, {
    name: 'datakluis-ingress',
    assert: topology,
    onReady: () => relay.kick(),
  });
  const outboxRows = new IngressOutboxRepository(db, {
    logical: (exchange) => logicalExchangeName(topology, exchange),
    actual: (logical) => exchangeByLogicalName(topology, logical),
  });
  const relay = new OutboxRelay({ source: outboxRows, publisher, logger: log, intervalMs: 1000 });
  const outbox: IngressOutbox = {
    waiting: (orderKeys) => outboxRows.waiting(orderKeys),
    async store(messages) {
      await outboxRows.store(messages);
      relay.kick();
    },
  };
  return { publisher, connection, readiness, relay, outbox };
}

export async function startIngress(
  config: GatewayConfig,
  logger: Logger,
  options: { waitForBroker?: boolean } = {},
): Promise<RunningIngress> {
  const log = logger.child({ component: 'ingress' });
  const registry = buildRegistry(connectorModules);
  const topology = topologyFor(config);
  const db = databaseFor(config);
  const databaseAnswers = databaseCheck(db);
  const { publisher, connection, readiness, relay, outbox } = publishing(config, log, db, topology);
  if (options.waitForBroker === true) await connection.start();
  else connection.startInBackground();
  relay.start();
  relay.kick(); // messages left by an earlier run
  const app = createApp({
    logger: log,
    registry,
    credentials: new CachedCredentialVerifier(new CredentialStore(db)),
    publisher,
    outbox,
    exchange: topology.exchanges.absence.name,
    retryAfterSeconds: 5,
    isReady: async () => {
      const broker = readiness();
      if (!broker.ready) return broker;
      // Without the database only recently verified credentials get in: not ready for new ones.
      return (await databaseAnswers())
        ? broker
        : { ready: false, reason: 'the database does not answer' };
    },
  });
  const { server, port } = await listen(app, config.port, config.host);
  log.info('ingress listening', { host: config.host, port });
  return {
    url: `http://${config.host}:${port}`,
    server,
    publisher,
    async stop() {
      // Long enough for a request waiting on its confirm to get its answer (202 or 503) first.
      await closeServer(server, Math.max(5000, config.publishTimeoutMs + 2000));
      await relay.stop();
      await connection.stop();
      await db.$disconnect();
    },
  };
}
