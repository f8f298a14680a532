// The consumer's promises with the real RabbitMQ: ack after apply, transient failures retried later
// with back-off and an attempt count of our own, dead-lettered with their reason when retries run out.
import { execFileSync } from 'node:child_process';

import { connect } from 'amqplib';
import type { ChannelModel } from 'amqplib';
import { expect } from 'chai';

import type { CanonicalEvent } from '../../src/canonical/generated/canonical-event';
import { assertTopology } from '../../src/messaging/assert-topology';
import { BrokerConnection } from '../../src/messaging/connection';
import type { Topology } from '../../src/messaging/topology';
import { VaultConsumer } from '../../src/messaging/vault-consumer';
import type { EventHandler, VaultConsumerOptions } from '../../src/messaging/vault-consumer';
import { TransientError } from '../../src/shared/errors';
import { createLogger } from '../../src/shared/logger';
import { absenceEventsOf, fixtureEvents } from '../helpers/fixture-events';
import { waitUntil } from '../helpers/gateway';
import { getTestEnvironment, testNamespaceConfig, topologyOf } from '../helpers/test-environment';

const config = testNamespaceConfig('consumer', { RETRY_DELAY_MS: '150', MAX_ATTEMPTS: '3' });
const topology = topologyOf(config);

/** Fails the first `failures` attempts per event, then succeeds; records every attempt. */
class FlakyHandler implements EventHandler {
  readonly attempts = new Map<string, number[]>();
  constructor(private readonly failures: number) {}
  apply(event: CanonicalEvent): Promise<'applied'> {
    const times = this.attempts.get(event.id) ?? [];
    times.push(Date.now());
    this.attempts.set(event.id, times);
    if (times.length <= this.failures)
      return Promise.reject(
        new TransientError('DATABASE_BUSY', 'database operation failed (40P01)'),
      );
    return Promise.resolve('applied');
  }
}

/** Closes this broker connection from the broker's side, as a network failure would. */
function closeConnectionNamed(name: string): void {
  const line = execFileSync('rabbitmqctl', ['list_connections', 'pid', 'client_properties', '-q'], {
    encoding: 'utf8',
  })
    .split('\n')
    .find((row) => row.includes(`{"connection_name","${name}"}`));
  const pid = line?.split('\t')[0];
  if (pid === undefined) throw new Error(`no broker connection named ${name}`);
  execFileSync('rabbitmqctl', ['close_connection', pid, 'test: connection lost'], {
    stdio: 'ignore',
  });
}

/** A handler and a probe over a database the test switches off and on; records calls. */
class SwitchableDatabase {
  up = false;
  probes = 0;
  readonly calls = new Map<string, number>();
  readonly applied = new Set<string>();
  readonly handler: EventHandler = {
    apply: (event) => {
      this.calls.set(event.id, (this.calls.get(event.id) ?? 0) + 1);
      if (!this.up)
        return Promise.reject(
          new TransientError(
            'DATABASE_UNAVAILABLE',
            'the database cannot be reached (ECONNREFUSED)',
          ),
        );
      this.applied.add(event.id);
      return Promise.resolve('applied');
    },
  };
  probe(): Promise<void> {
    this.probes += 1;
    return this.up ? Promise.resolve() : Promise.reject(new Error('down'));
  }
}

/** A consumer on a connection of its own that declares the topology on every (re)connect, as the app does. */
function consumerOn(
  topology: Topology,
  url: string,
  handler: EventHandler,
  name: string,
  maxAttempts: number,
  extra: Partial<VaultConsumerOptions> = {},
): BrokerConnection {
  const consumer = new VaultConsumer({
    topology,
    handler,
    logger: createLogger({ console: false }),
    prefetch: 5,
    maxAttempts,
    confirmTimeoutMs: 2000,
    ...extra,
  });
  return new BrokerConnection({
    url,
    name,
    logger: createLogger({ console: false }),
    setup: async (model) => {
      const channel = await model.createChannel();
      await assertTopology(channel, topology);
      await channel.close();
      await consumer.attach(model);
    },
    teardown: () => consumer.close(1000),
  });
}

describe('vault consumer (real RabbitMQ)', function () {
  this.timeout(30000);
  let broker: ChannelModel;

  before(async () => {
    await getTestEnvironment(); // fails with a clear message when a service is down
    broker = await connect(config.amqpUrl);
    const channel = await broker.createChannel();
    await assertTopology(channel, topology);
    await channel.close();
  });
  after(() => broker?.close());

  async function runWith(
    handler: EventHandler,
    body: () => Promise<void>,
    extra: Partial<VaultConsumerOptions> = {},
    name = 'test-consumer',
  ): Promise<void> {
    const connection = consumerOn(
      topology,
      config.amqpUrl,
      handler,
      name,
      config.maxAttempts,
      extra,
    );
    await connection.start();
    try {
      await body();
    } finally {
      await connection.stop();
    }
  }

  async function publish(event: CanonicalEvent): Promise<void> {
    const channel = await broker.createConfirmChannel();
    channel.publish(
      topology.exchanges.absence.name,
      'sivi-verzuim.absence.reported',
      Buffer.from(JSON.stringify(event)),
      { persistent: true, messageId: event.id, correlationId: 'corr-1' },
    );
    await channel.waitForConfirms();
    await channel.close();
  }

  it('retries a transient failure later (with growing delay) and applies it', async () => {
    const handler = new FlakyHandler(2);
    const [event] = absenceEventsOf(
      fixtureEvents('sivi-verzuim', '01-new-sick-report', 'consumer-test'),
    );
    await runWith(handler, async () => {
      await publish(event!);
      await waitUntil(() => Promise.resolve((handler.attempts.get(event!.id)?.length ?? 0) === 3));
    });
    const [first, second, third] = handler.attempts.get(event!.id)!;
    expect(second! - first!).to.be.at.least(140);
    expect(third! - second!).to.be.at.least(5 * 140);
    const channel = await broker.createChannel();
    expect((await channel.checkQueue(topology.queues.dead.name)).messageCount).to.equal(0);
    await channel.close();
  });

  it('dead-letters with RETRIES_EXHAUSTED, the attempt count and the original routing key when retries run out', async () => {
    const handler = new FlakyHandler(99);
    const [event] = fixtureEvents('sivi-verzuim', '02-partial-sick-report-50pct', 'consumer-test');
    const channel = await broker.createChannel();
    await runWith(handler, async () => {
      await publish(event!);
      await waitUntil(
        async () => (await channel.checkQueue(topology.queues.dead.name)).messageCount === 1,
      );
    });
    const dead = await channel.get(topology.queues.dead.name);
    expect(dead).not.to.equal(false);
    if (dead === false) return;
    channel.ack(dead);
    const headers = dead.properties.headers as Record<string, unknown>;
    expect(headers).to.include({
      'x-koppeling-error-code': 'RETRIES_EXHAUSTED:DATABASE_BUSY',
      'x-koppeling-attempts': 3,
      'x-koppeling-original-routing-key': 'sivi-verzuim.absence.reported',
      'x-koppeling-error-message': 'database operation failed (40P01)',
    });
    expect(dead.properties.messageId).to.equal(event!.id);
    expect(dead.properties.correlationId).to.equal('corr-1');
    expect(JSON.parse(dead.content.toString())).to.deep.equal(event);
    expect(handler.attempts.get(event!.id)).to.have.length(3);
    await channel.close();
  });

  it('pauses while the database cannot be reached: no retry spent, nothing dead-lettered, resumes by itself', async () => {
    const events = absenceEventsOf(
      fixtureEvents('sivi-verzuim', '03-update-expected-return', 'consumer-pause'),
    ).concat(
      absenceEventsOf(fixtureEvents('sivi-verzuim', '01-new-sick-report', 'consumer-pause')),
    );
    const database = new SwitchableDatabase();
    const { calls, applied } = database;
    const settled: string[] = [];
    const channel = await broker.createChannel();
    await runWith(
      database.handler,
      async () => {
        for (const event of events) await publish(event);
        await waitUntil(() => Promise.resolve(database.probes >= 3));
        // Paused: the consumer was cancelled, so the events wait unacked or in the queue, and no
        // retry copy and no dead letter was made.
        expect(settled).to.deep.equal([]);
        expect(applied.size).to.equal(0);
        database.up = true;
        await waitUntil(() => Promise.resolve(applied.size === events.length));
      },
      {
        databaseProbe: () => database.probe(),
        pauseBackoff: { initialMs: 50, maxMs: 100 },
        onSettled: (outcome) => settled.push(outcome.action),
      },
    );
    expect(settled.filter((action) => action !== 'applied')).to.deep.equal([]);
    // At most one failed call per delivery in hand when the database went away; none after.
    for (const event of events) expect(calls.get(event.id)).to.be.at.most(2);
    for (const queue of [topology.queues.dead, ...topology.queues.retries, topology.queues.apply])
      expect((await channel.checkQueue(queue.name)).messageCount, queue.name).to.equal(0);
    await channel.close();
  });

  it('resumes after the database is back even when its broker connection went away during the pause', async () => {
    const events = absenceEventsOf(
      fixtureEvents('sivi-verzuim', '04-partial-recovery-100-to-50', 'consumer-pause-drop'),
    );
    const database = new SwitchableDatabase();
    const { applied } = database;
    await runWith(
      database.handler,
      async () => {
        for (const event of events) await publish(event);
        await waitUntil(() => Promise.resolve(database.probes >= 2));
        // The broker drops the consumer's connection while it waits for its database (between two
        // checks: the reconnect comes well before the next one).
        closeConnectionNamed('test-consumer-dropped');
        const before = database.probes;
        await waitUntil(() => Promise.resolve(database.probes >= before + 2), 20000);
        database.up = true;
        await waitUntil(() => Promise.resolve(applied.size === events.length), 20000);
      },
      {
        databaseProbe: () => database.probe(),
        pauseBackoff: { initialMs: 4000, maxMs: 4000 },
      },
      'test-consumer-dropped',
    );
  });

  it('keeps a delivery it could not settle: after a reconnect it is delivered again, not lost', async () => {
    const [event] = absenceEventsOf(
      fixtureEvents('sivi-verzuim', '05-full-recovery', 'consumer-test'),
    );
    let calls = 0;
    let release: () => void = () => undefined;
    const stuck: EventHandler = {
      apply: () => {
        calls += 1;
        return calls === 1
          ? new Promise<'applied'>((resolve) => (release = () => resolve('applied')))
          : Promise.resolve('applied');
      },
    };
    await runWith(stuck, async () => {
      await publish(event!);
      await waitUntil(() => Promise.resolve(calls === 1));
    });
    release();
    // The first consumer went away before it could ack; a new one gets the message again.
    await runWith(stuck, async () => {
      await waitUntil(() => Promise.resolve(calls === 2));
    });
    const channel = await broker.createChannel();
    await waitUntil(
      async () => (await channel.checkQueue(topology.queues.apply.name)).messageCount === 0,
    );
    await channel.close();
  });
});

describe('vault consumer when its retry queue is gone (real RabbitMQ)', function () {
  this.timeout(30000);
  const ownConfig = testNamespaceConfig('consumer-noretry', {
    RETRY_DELAY_MS: '100',
    MAX_ATTEMPTS: '3',
  });
  const ownTopology = topologyOf(ownConfig);

  it('does not ack a delivery whose retry copy the broker could not route: it comes back and is applied', async () => {
    await getTestEnvironment();
    const broker = await connect(ownConfig.amqpUrl);
    const setup = await broker.createChannel();
    await assertTopology(setup, ownTopology);
    await setup.deleteQueue(ownTopology.queues.retries[0]!.name);
    await setup.close();
    const handler = new FlakyHandler(1);
    const connection = consumerOn(
      ownTopology,
      ownConfig.amqpUrl,
      handler,
      'test-consumer-noretry',
      3,
    );
    const [event] = absenceEventsOf(
      fixtureEvents('sivi-verzuim', '01-new-sick-report', 'consumer-noretry'),
    );
    try {
      // Attach without the retry queue: the first setup declares everything, so remove it again.
      await connection.start();
      const channel = await broker.createChannel();
      await channel.deleteQueue(ownTopology.queues.retries[0]!.name);
      await channel.close();
      const publisher = await broker.createConfirmChannel();
      publisher.publish(
        ownTopology.exchanges.absence.name,
        'sivi-verzuim.absence.reported',
        Buffer.from(JSON.stringify(event)),
        { persistent: true, messageId: event!.id },
      );
      await publisher.waitForConfirms();
      await publisher.close();
      await waitUntil(
        () => Promise.resolve((handler.attempts.get(event!.id)?.length ?? 0) >= 2),
        20000,
      );
    } finally {
      await connection.stop();
      await broker.close();
    }
  });

  it('does not lose a message without a message id whose dead-letter copy had nowhere to go', async () => {
    await getTestEnvironment();
    const handler = new FlakyHandler(0);
    const connection = consumerOn(
      ownTopology,
      ownConfig.amqpUrl,
      handler,
      'test-consumer-nodead',
      3,
    );
    const broker = await connect(ownConfig.amqpUrl);
    try {
      await connection.start();
      const channel = await broker.createChannel();
      await channel.deleteQueue(ownTopology.queues.dead.name);
      await channel.close();
      const publisher = await broker.createConfirmChannel();
      publisher.publish(
        ownTopology.exchanges.absence.name,
        'sivi-verzuim.absence.reported',
        Buffer.from('not json'),
        { persistent: true },
      );
      await publisher.waitForConfirms();
      await publisher.close();
      // The first copy has no queue: the delivery stays, the consumer reconnects (declaring the
      // dead-letter queue again) and the second attempt lands there.
      await waitUntil(async () => {
        const check = await broker.createChannel();
        check.on('error', () => undefined);
        const count = await check.checkQueue(ownTopology.queues.dead.name).then(
          (q) => q.messageCount,
          () => 0,
        );
        await check.close().catch(() => undefined);
        return count === 1;
      }, 20000);
    } finally {
      await connection.stop();
      await broker.close();
    }
  });
});
