// Wires the consumer process: database, vault service, consumer and outbox relay connections.
import type { GatewayConfig } from '../config/env';
import type { Database } from '../db/prisma-client';
import { BrokerConnection } from '../messaging/connection';
import type { Topology } from '../messaging/topology';
import { OutboxRelay } from '../messaging/outbox-relay';
import { VaultConsumer } from '../messaging/vault-consumer';
import type { VaultConsumerOptions } from '../messaging/vault-consumer';
import type { Logger } from '../shared/logger';
import { OutboxRepository } from '../vault/outbox.repository';
import { VaultService } from '../vault/vault.service';
import { withFaults } from './fault-injection';
import {
  databaseFor,
  declareTopology,
  exchangeByLogicalName,
  publisherConnection,
  topologyFor,
} from './wiring';

export interface RunningConsumer {
  consumer: VaultConsumer;
  stop(): Promise<void>;
}

/** The relay that publishes the vault's outbox, on a publisher connection of its own. */
function outboxRelay(
  config: GatewayConfig,
  log: Logger,
  db: Database,
  topology: Topology,
): { relay: OutboxRelay; relayConnection: BrokerConnection } {
  // Kicked once the relay's connection is (re)attached; `relay` exists by then.
  const { publisher, connection } = publisherConnection(config, log, {
    name: 'datakluis-consumer-relay',
    onReady: () => relay.kick(),
  });
  const relay = new OutboxRelay({
    source: new OutboxRepository(db, (logical) => exchangeByLogicalName(topology, logical)),
    publisher,
    logger: log,
    intervalMs: 1000,
  });
  return { relay, relayConnection: connection };
}

export async function startConsumer(
  config: GatewayConfig,
  logger: Logger,
  options: { waitForBroker?: boolean; onSettled?: VaultConsumerOptions['onSettled'] } = {},
): Promise<RunningConsumer> {
  const log = logger.child({ component: 'consumer' });
  const topology = topologyFor(config);
  const db = databaseFor(config);
  const vault = new VaultService(db);
  const { relay, relayConnection } = outboxRelay(config, log, db, topology);
  const consumer = new VaultConsumer({
    topology,
    logger: log,
    prefetch: config.consumerPrefetch,
    maxAttempts: config.maxAttempts,
    confirmTimeoutMs: config.publishTimeoutMs,
    handler: withFaults(
      {
        apply: async (event, context) => {
          const outcome = await vault.apply(event, context);
          if (outcome === 'applied') relay.kick();
          return outcome;
        },
      },
      process.env.DATAKLUIS_FAULTS,
      log,
    ),
    databaseProbe: async () => {
      await db.$queryRaw`SELECT 1`;
    },
    ...(options.onSettled === undefined ? {} : { onSettled: options.onSettled }),
  });
  const consumerConnection = new BrokerConnection({
    url: config.amqpUrl,
    name: 'datakluis-consumer',
    logger: log,
    setup: async (model) => {
      await declareTopology(model, topology);
      await consumer.attach(model);
    },
    teardown: () => consumer.close(5000),
  });
  if (options.waitForBroker === true) {
    await consumerConnection.start();
    await relayConnection.start();
  } else {
    consumerConnection.startInBackground();
    relayConnection.startInBackground();
  }
  relay.start();
  return {
    consumer,
    async stop() {
      // Finish what is in hand; anything still unacked returns to the queue when the channel closes.
      await consumerConnection.stop();
      await relay.stop();
      await relayConnection.stop();
      await db.$disconnect();
    },
  };
}
