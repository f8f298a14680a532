// Wires the dead-letter store: the mover that takes the dead-letter queue into PostgreSQL (its own
// broker connection), the support service with a confirm publisher for replays (a connection of
// its own too), and the hourly purge of payloads past DEAD_LETTER_RETENTION_DAYS. Also builds the
// service alone, for the vault API process and for one-shot CLI commands.
import type { GatewayConfig } from '../config/env';
import type { Database } from '../db/prisma-client';
import { BrokerConnection } from '../messaging/connection';
import { DeadLetterMover } from '../messaging/dead-letter-mover';
import type { DeadLetterRecord, DeadLetterSink } from '../messaging/dead-letter-mover';
import type { ConfirmPublisher } from '../messaging/publisher';
import type { Topology } from '../messaging/topology';
import type { Logger } from '../shared/logger';
import { createLogger } from '../shared/logger';
import { PeriodicPass } from '../shared/periodic-pass';
import { DeadLetterRepository } from '../support/dead-letter.repository';
import { DeadLetterService } from '../support/dead-letter.service';
import type { Republisher } from '../support/dead-letter.service';
import { classifyDatabaseError } from '../vault/database-errors';
import {
  declareTopology,
  exchangeByLogicalName,
  logicalExchangeName,
  publisherConnection,
  topologyFor,
  withDatabase,
} from './wiring';

export const PURGE_INTERVAL_MS = 3_600_000;

export interface RunningDeadLetterWorker {
  service: DeadLetterService;
  mover: DeadLetterMover;
  stop(): Promise<void>;
}

/** The broker's name of a stored (logical) exchange; a name that is not ours is used as it is. */
function brokerExchange(topology: Topology, stored: string): string {
  try {
    return exchangeByLogicalName(topology, stored);
  } catch {
    return stored;
  }
}

/** Replays go to the broker through `publisher`, confirmed, with the logical exchange resolved. */
export function republisherFor(topology: Topology, publisher: ConfirmPublisher): Republisher {
  return {
    publish: (message) =>
      publisher.publish([{ ...message, exchange: brokerExchange(topology, message.exchange) }]),
  };
}

/** The store as the mover sees it: database failures classified (DATABASE_UNAVAILABLE pauses it). */
export function deadLetterSink(db: Database): DeadLetterSink {
  const repository = new DeadLetterRepository(db);
  return {
    async store(record: DeadLetterRecord): Promise<void> {
      try {
        await repository.store(record);
      } catch (error) {
        throw classifyDatabaseError(error);
      }
    },
  };
}

function moverConnection(
  config: GatewayConfig,
  log: Logger,
  db: Database,
  topology: Topology,
  onStored?: (record: DeadLetterRecord) => void,
): { mover: DeadLetterMover; connection: BrokerConnection } {
  const mover = new DeadLetterMover({
    topology,
    sink: deadLetterSink(db),
    logger: log,
    logicalExchange: (name) => {
      try {
        return logicalExchangeName(topology, name);
      } catch {
        return undefined;
      }
    },
    prefetch: 20,
    ...(onStored === undefined ? {} : { onStored }),
  });
  const connection = new BrokerConnection({
    url: config.amqpUrl,
    name: 'datakluis-dead-letter-mover',
    logger: log,
    setup: async (model) => {
      await declareTopology(model, topology);
      await mover.attach(model);
    },
    teardown: () => mover.close(5000),
  });
  return { mover, connection };
}

/** Purges payloads past the retention period now and then every hour (every replica: harmless). */
function purgeLoop(config: GatewayConfig, log: Logger, service: DeadLetterService): PeriodicPass {
  return new PeriodicPass({
    intervalMs: PURGE_INTERVAL_MS,
    logger: log,
    failureMessage: 'dead-letter purge failed; trying again later',
    pass: async () => {
      const purged = await service.purgePayloads(config.deadLetterRetentionDays);
      if (purged > 0)
        log.info('dead-letter payloads purged', {
          count: purged,
          retentionDays: config.deadLetterRetentionDays,
        });
      return 'done';
    },
  });
}

/** The worker's part: mover, replay publisher and purge. */
export async function startDeadLetterWorker(
  config: GatewayConfig,
  logger: Logger,
  db: Database,
  topology: Topology,
  options: { waitForBroker?: boolean; onStored?: (record: DeadLetterRecord) => void } = {},
): Promise<RunningDeadLetterWorker> {
  const log = logger.child({ component: 'dead-letter-worker' });
  const replays = publisherConnection(config, log, { name: 'datakluis-dead-letter-replays' });
  const service = new DeadLetterService(db, republisherFor(topology, replays.publisher), log);
  const { mover, connection } = moverConnection(config, log, db, topology, options.onStored);
  if (options.waitForBroker === true) {
    await connection.start();
    await replays.connection.start();
  } else {
    connection.startInBackground();
    replays.connection.startInBackground();
  }
  const purge = purgeLoop(config, log, service);
  purge.start();
  purge.kick();
  return {
    service,
    mover,
    async stop() {
      await purge.stop(5000);
      await connection.stop();
      await replays.connection.stop();
    },
  };
}

/**
 * A DeadLetterService for a long-running process other than the worker (the vault API): its own
 * replay publisher connection, connecting and reconnecting in the background.
 */
export function startDeadLetterReplays(
  config: GatewayConfig,
  logger: Logger,
  db: Database,
  options: { connectionName?: string } = {},
): { service: DeadLetterService; stop(): Promise<void> } {
  const log = logger.child({ component: 'dead-letter-replays' });
  const topology = topologyFor(config);
  const replays = publisherConnection(config, log, {
    name: options.connectionName ?? 'datakluis-api-replays',
    assert: topology,
  });
  replays.connection.startInBackground();
  return {
    service: new DeadLetterService(db, republisherFor(topology, replays.publisher), log),
    stop: () => replays.connection.stop(),
  };
}

/**
 * Runs `work` with a DeadLetterService on a small database client (one-shot commands). The broker
 * is connected only when something is replayed, so listing works without it.
 */
export async function withDeadLetterService<T>(
  config: GatewayConfig,
  work: (service: DeadLetterService, db: Database) => Promise<T>,
  options: { logger?: Logger } = {},
): Promise<T> {
  const log = options.logger ?? createLogger({ level: 'warn' });
  const topology = topologyFor(config);
  const replays = publisherConnection(config, log, {
    name: 'datakluis-cli-replays',
    assert: topology,
  });
  let connected: Promise<void> | null = null;
  const republisher: Republisher = {
    async publish(message) {
      connected ??= replays.connection.start();
      await connected;
      await republisherFor(topology, replays.publisher).publish(message);
    },
  };
  try {
    return await withDatabase(config, (db) =>
      work(new DeadLetterService(db, republisher, log), db),
    );
  } finally {
    if (connected !== null) {
      await (connected as Promise<void>).catch(() => undefined);
      await replays.connection.stop();
    }
  }
}
