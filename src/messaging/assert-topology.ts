import type { Channel } from 'amqplib';

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

/** Removes the topology (tests and the demo use a namespace per run and clean up after). */
export async function deleteTopology(channel: Channel, topology: Topology): Promise<void> {
  for (const queue of allQueues(topology)) await channel.deleteQueue(queue.name);
  for (const exchange of allExchanges(topology)) await channel.deleteExchange(exchange.name);
}
