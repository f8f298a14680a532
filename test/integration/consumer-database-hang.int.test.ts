// A database that stops answering (rather than refusing) must not cost retries either: the consumer
// notices through its own check and pauses, then applies everything once the database is back.
import { connect } from 'amqplib';
import { expect } from 'chai';

import { startConsumer } from '../../src/app/consumer-process';
import type { RunningConsumer } from '../../src/app/consumer-process';
import { createLogger } from '../../src/shared/logger';
import { absenceEventsOf, fixtureEvents } from '../helpers/fixture-events';
import { waitUntil } from '../helpers/gateway';
import { startTcpProxy } from '../helpers/tcp-proxy';
import type { TcpProxy } from '../helpers/tcp-proxy';
import {
  createEmployer,
  getTestEnvironment,
  testNamespaceConfig,
  topologyOf,
  uniqueEmployerId,
} from '../helpers/test-environment';

describe('consumer when the database hangs (real PostgreSQL behind a proxy)', function () {
  this.timeout(90000);
  let proxy: TcpProxy;
  let consumer: RunningConsumer | undefined;

  after(async () => {
    proxy?.up();
    await consumer?.stop();
    await proxy?.close();
  });

  it('pauses instead of retrying and dead-lettering, and applies everything once it answers', async () => {
    const { db, config: base } = await getTestEnvironment();
    proxy = await startTcpProxy(Number(new URL(base.databaseUrl).port || 5432));
    const url = new URL(base.databaseUrl);
    url.port = String(proxy.port);
    const config = {
      ...testNamespaceConfig('db-hang', { RETRY_DELAY_MS: '100', MAX_ATTEMPTS: '3' }),
      databaseUrl: url.toString(),
    };
    const topology = topologyOf(config);
    const employer = uniqueEmployerId('hang');
    await createEmployer(db, employer);
    consumer = await startConsumer(config, createLogger({ console: false }), {
      waitForBroker: true,
    });
    proxy.hang();
    const events = absenceEventsOf(
      fixtureEvents('sivi-verzuim', '01-new-sick-report', employer),
    ).concat(absenceEventsOf(fixtureEvents('sivi-verzuim', '05-full-recovery', employer)));
    const broker = await connect(config.amqpUrl);
    const channel = await broker.createConfirmChannel();
    for (const event of events)
      channel.publish(
        topology.exchanges.absence.name,
        'sivi-verzuim.absence.test',
        Buffer.from(JSON.stringify(event)),
        { persistent: true, messageId: event.id },
      );
    await channel.waitForConfirms();
    // Long enough for three attempts with retries of 0.1 s and 0.5 s, had they been spent.
    await new Promise((resolve) => setTimeout(resolve, 25000));
    const queues = await broker.createChannel();
    for (const queue of [topology.queues.dead, ...topology.queues.retries])
      expect((await queues.checkQueue(queue.name)).messageCount, queue.name).to.equal(0);
    expect(
      await db.processedEvent.count({ where: { eventId: { in: events.map((e) => e.id) } } }),
    ).to.equal(0);
    proxy.up();
    await waitUntil(
      async () =>
        (await db.processedEvent.count({ where: { eventId: { in: events.map((e) => e.id) } } })) ===
        events.length,
      40000,
    );
    expect((await queues.checkQueue(topology.queues.dead.name)).messageCount).to.equal(0);
    await broker.close();
  });
});
