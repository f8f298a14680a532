// Wires the consumer (worker) process: database, vault service, consumer and outbox relay
// connections, the e-mail delivery worker, the nightly processing's schedule and (DEAD_LETTER_STORE)
// the dead-letter store's mover and purge.
import type { GatewayConfig } from '../config/env';
import type { Database } from '../db/prisma-client';
import { BrokerConnection } from '../messaging/connection';
import type { Topology } from '../messaging/topology';
import { OutboxRelay } from '../messaging/outbox-relay';
import { VaultConsumer } from '../messaging/vault-consumer';
import type { VaultConsumerOptions } from '../messaging/vault-consumer';
import type { Logger } from '../shared/logger';
import { OutboxRepository } from '../vault/outbox.repository';
import { NIGHTLY_QUERY_TIMEOUT_MS } from '../vault/nightly.service';
import { VaultService } from '../vault/vault.service';
import { startDeadLetterWorker } from './dead-letter-worker';
import type { RunningDeadLetterWorker } from './dead-letter-worker';
import { withFaults } from './fault-injection';
import { startMailWorker } from './mail-worker';
import { startNightlyScheduler } from './nightly-scheduler';
import {
  databaseCheck,
  databaseFor,
  declareTopology,
  exchangeByLogicalName,
  publisherConnection,
  topologyFor,
} from './wiring';

export interface RunningConsumer {
  consumer: VaultConsumer;
  /** The dead-letter store's worker, when DEAD_LETTER_STORE is on. */
  deadLetters: RunningDeadLetterWorker | null;
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

/** The consumer that applies events to the vault, pausing while its database is away. */
function vaultConsumer(
  config: GatewayConfig,
  log: Logger,
  db: Database,
  topology: Topology,
  relay: OutboxRelay,
  onSettled: VaultConsumerOptions['onSettled'],
): VaultConsumer {
  const vault = new VaultService(db);
  const databaseAnswers = databaseCheck(db, { everyMs: 0, timeoutMs: 2000 });
  return new VaultConsumer({
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
    // Fresh and bounded: a database that hangs must count as away, not keep the check waiting.
    databaseProbe: async () => {
      if (!(await databaseAnswers())) throw new Error('the database does not answer');
    },
    ...(onSettled === undefined ? {} : { onSettled }),
  });
}

export async function startConsumer(
  config: GatewayConfig,
  logger: Logger,
  options: { waitForBroker?: boolean; onSettled?: VaultConsumerOptions['onSettled'] } = {},
): Promise<RunningConsumer> {
  const log = logger.child({ component: 'consumer' });
  const topology = topologyFor(config);
  const db = databaseFor(config);
  const { relay, relayConnection } = outboxRelay(config, log, db, topology);
  const consumer = vaultConsumer(config, log, db, topology, relay, options.onSettled);
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
  const mail = startMailWorker(config, log, db);
  // Its own small client: one employer's placement may take far longer than the pool's query limit.
  const nightlyDb = databaseFor(config, 2, { queryTimeoutMs: NIGHTLY_QUERY_TIMEOUT_MS });
  const nightly = startNightlyScheduler(config, log, nightlyDb);
  const deadLetters = config.deadLetterStore
    ? await startDeadLetterWorker(config, log, db, topology, {
        waitForBroker: options.waitForBroker === true,
      })
    : null;
  return {
    consumer,
    deadLetters,
    async stop() {
      await nightly.stop();
      await nightlyDb.$disconnect();
      await mail.stop();
      // Finish what is in hand; anything still unacked returns to the queue when the channel closes.
      await consumerConnection.stop();
      await relay.stop();
      await relayConnection.stop();
      await deadLetters?.stop();
      await db.$disconnect();
    },
  };
}
