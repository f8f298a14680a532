// The two things every process builds from its configuration, built one way.
import type { ChannelModel } from 'amqplib';

import type { GatewayConfig } from '../config/env';
import { createDatabase } from '../db/prisma-client';
import type { Database } from '../db/prisma-client';
import { assertTopology } from '../messaging/assert-topology';
import { BrokerConnection } from '../messaging/connection';
import { ConfirmPublisher } from '../messaging/publisher';
import { buildTopology } from '../messaging/topology';
import type { Topology } from '../messaging/topology';
import type { Logger } from '../shared/logger';

export function topologyFor(config: GatewayConfig): Topology {
  return buildTopology({ namespace: config.amqpNamespace, retryDelayMs: config.retryDelayMs });
}

/** The broker name of a logical exchange ('absence', 'vault', …) as outbox rows name it. */
export function exchangeByLogicalName(topology: Topology, logical: string): string {
  const exchange = (topology.exchanges as Record<string, { name: string } | undefined>)[logical];
  if (exchange === undefined) throw new Error(`outbox names an unknown exchange: ${logical}`);
  return exchange.name;
}

/** The logical name ('absence', 'vault', …) of one of the topology's exchanges. */
export function logicalExchangeName(topology: Topology, exchange: string): string {
  const entry = Object.entries(topology.exchanges).find(([, spec]) => spec.name === exchange);
  if (entry === undefined) throw new Error(`not an exchange of this topology: ${exchange}`);
  return entry[0];
}

export function databaseFor(
  config: GatewayConfig,
  poolSize: number = config.databasePoolSize,
  options: { queryTimeoutMs?: number } = {},
): Database {
  return createDatabase({
    url: config.databaseUrl,
    schema: config.databaseSchema,
    poolSize,
    ...options,
  });
}

/** Runs `work` with a small database client and always disconnects it (for one-shot commands). */
export async function withDatabase<T>(
  config: GatewayConfig,
  work: (db: Database) => Promise<T>,
  options: { queryTimeoutMs?: number } = {},
): Promise<T> {
  const db = databaseFor(config, 2, options);
  try {
    return await work(db);
  } finally {
    await db.$disconnect();
  }
}

/**
 * A confirm publisher on a connection of its own that reconnects by itself. `assert` declares the
 * topology on every (re)connect; `onReady` runs after each (re)attach.
 */
export function publisherConnection(
  config: GatewayConfig,
  log: Logger,
  options: { name: string; assert?: Topology; onReady?: () => void },
): {
  publisher: ConfirmPublisher;
  connection: BrokerConnection;
  readiness: () => { ready: boolean; reason?: string };
} {
  let connection: BrokerConnection | null = null;
  const publisher = new ConfirmPublisher({
    timeoutMs: config.publishTimeoutMs,
    logger: log,
    isBlocked: () => connection?.blocked ?? null,
  });
  connection = new BrokerConnection({
    url: config.amqpUrl,
    name: options.name,
    logger: log,
    setup: async (model) => {
      if (options.assert !== undefined) await declareTopology(model, options.assert);
      await publisher.attach(model);
      options.onReady?.();
    },
    onLost: () => publisher.detach(),
    teardown: () => publisher.close(),
  });
  const readiness = (): { ready: boolean; reason?: string } => {
    if (publisher.ready) return { ready: true };
    const blocked = connection?.blocked ?? null;
    return {
      ready: false,
      reason:
        blocked !== null ? 'broker blocked publishing' : 'not connected to the message broker',
    };
  };
  return { publisher, connection, readiness };
}

/**
 * Whether the database answers, asked at most every `everyMs` and within `timeoutMs` (a readiness
 * probe must answer fast even when the database hangs).
 */
export function databaseCheck(
  db: Database,
  { everyMs = 2000, timeoutMs = 1000 } = {},
): () => Promise<boolean> {
  let last = { at: 0, ok: false };
  let running: Promise<boolean> | null = null;
  const ask = async (): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const answer = db.$queryRaw`SELECT 1`.then(
      () => true,
      () => false,
    );
    const ok = await Promise.race([answer, timeout]);
    clearTimeout(timer);
    last = { at: Date.now(), ok };
    return ok;
  };
  return () => {
    if (Date.now() - last.at < everyMs) return Promise.resolve(last.ok);
    running ??= ask().finally(() => {
      running = null;
    });
    return running;
  };
}

/** Declares the topology on a short-lived channel of `model`. */
export async function declareTopology(model: ChannelModel, topology: Topology): Promise<void> {
  const channel = await model.createChannel();
  await assertTopology(channel, topology);
  await channel.close();
}
