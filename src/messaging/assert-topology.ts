import type { Channel, ChannelModel } from 'amqplib';

import { allExchanges, allQueues } from './topology';
import type { Topology } from './topology';

/** Declares the whole topology; idempotent, run at start and on every reconnect. */
export async function assertTopology(channel: Channel, topology: Topology): Promise<void> {
  for (const exchange of allExchanges(topology)) {
    await channel.assertExchange(exchange.name, exchange.type, { durable: true });
  }
  for (const queue of allQueues(topology)) {
    await channel.assertQueue(queue.name, { durable: true, arguments: queue.arguments });
  }
  for (const binding of topology.bindings) {
    await channel.bindQueue(binding.queue, binding.exchange, binding.pattern);
  }
}

/**
 * Removes the topology (tests and the demo use a namespace per run and clean up after). Each
 * deletion gets its own channel, so one failure (which closes its channel) does not stop the rest;
 * the failures are reported together at the end.
 */
export async function deleteTopology(model: ChannelModel, topology: Topology): Promise<void> {
  const failures: string[] = [];
  const attempt = async (
    what: string,
    remove: (channel: Channel) => Promise<unknown>,
  ): Promise<void> => {
    const channel = await model.createChannel();
    channel.on('error', () => undefined);
    try {
      await remove(channel);
    } catch (error) {
      failures.push(`${what}: ${(error as Error).message}`);
    } finally {
      await channel.close().catch(() => undefined);
    }
  };
  for (const queue of allQueues(topology))
    await attempt(queue.name, (c) => c.deleteQueue(queue.name));
  for (const exchange of allExchanges(topology))
    await attempt(exchange.name, (c) => c.deleteExchange(exchange.name));
  if (failures.length > 0) throw new Error(`could not delete: ${failures.join('; ')}`);
}
