// The dead-letter store with the real RabbitMQ and PostgreSQL: what the consumer dead-letters is
// moved into PostgreSQL with its reason and acked only after that; the same message again is one
// row with two failures; while the store is away nothing is acked, nothing is lost, nothing spins.
import { randomUUID } from 'node:crypto';

import { connect } from 'amqplib';
import type { ChannelModel, Options } from 'amqplib';
import { expect } from 'chai';

import type { CanonicalEvent } from '../../src/canonical/generated/canonical-event';
import { deadLetterSink } from '../../src/app/dead-letter-worker';
import { createDatabase } from '../../src/db/prisma-client';
import type { Database } from '../../src/db/prisma-client';
import { assertTopology } from '../../src/messaging/assert-topology';
import { BrokerConnection } from '../../src/messaging/connection';
import { DeadLetterMover } from '../../src/messaging/dead-letter-mover';
import type { DeadLetterRecord } from '../../src/messaging/dead-letter-mover';
import { HEADER } from '../../src/messaging/headers';
import type { Topology } from '../../src/messaging/topology';
import { TransientError } from '../../src/shared/errors';
import { createLogger } from '../../src/shared/logger';
import { DeadLetterRepository } from '../../src/support/dead-letter.repository';
import { fixtureEvents } from '../helpers/fixture-events';
import { startGateway, waitUntil } from '../helpers/gateway';
import type { RunningGateway } from '../helpers/gateway';
import {
  createEmployer,
  getTestEnvironment,
  testNamespaceConfig,
  topologyOf,
  uniqueEmployerId,
} from '../helpers/test-environment';

const config = testNamespaceConfig('dlq-store', { DEAD_LETTER_STORE: 'true' });
const topology = topologyOf(config);
const PERSONAL = ['Jan', 'Vries', '104332189', '1984-03-12'];

describe('dead-letter store (real RabbitMQ and PostgreSQL)', function () {
  this.timeout(60000);
  let db: Database;
  let gateway: RunningGateway;

  before(async () => {
    ({ db } = await getTestEnvironment());
    gateway = await startGateway(config);
  });
  after(() => gateway?.stop());

  async function publish(
    routingKey: string,
    body: Buffer,
    options: Options.Publish,
    exchange = topology.exchanges.absence.name,
  ): Promise<void> {
    const channel = await gateway.broker.createConfirmChannel();
    channel.publish(exchange, routingKey, body, { persistent: true, ...options });
    await channel.waitForConfirms();
    await channel.close();
  }

  function publishEvent(event: CanonicalEvent): Promise<void> {
    const connector = event.source.replace('/connectors/', '');
    return publish(
      `${connector}.${event.type.replace('nl.datakluis.', '')}`,
      Buffer.from(JSON.stringify(event)),
      {
        messageId: event.id,
        type: event.type,
        contentType: 'application/json',
        headers: { [HEADER.connector]: connector, [HEADER.employer]: event.employerid },
      },
    );
  }

  async function stored(messageId: string, failures = 1) {
    await waitUntil(async () => {
      const row = await db.deadLetter.findUnique({ where: { messageId } });
      return row !== null && (row.failures as unknown[]).length >= failures;
    });
    return db.deadLetter.findUniqueOrThrow({ where: { messageId } });
  }

  async function deadQueueEmpty(): Promise<void> {
    const channel = await gateway.broker.createChannel();
    try {
      await waitUntil(
        async () => (await channel.checkQueue(topology.queues.dead.name)).messageCount === 0,
      );
    } finally {
      await channel.close();
    }
  }

  it('a message that is not an event ends in the store as raw bytes with its reason; the queue is empty', async () => {
    const employer = uniqueEmployerId('dls');
    const messageId = `poison-${randomUUID()}`;
    const body = Buffer.from('Jan;Vries;104332189;1984-03-12');
    await publish('csv.absence.reported', body, {
      messageId,
      contentType: 'text/csv',
      headers: { [HEADER.connector]: 'csv', [HEADER.employer]: employer },
    });
    const row = await stored(messageId);
    expect(row).to.deep.include({
      errorCode: 'MALFORMED_MESSAGE',
      status: 'OPEN',
      employerId: employer,
      connectorId: 'csv',
      originalExchange: 'absence',
      originalRoutingKey: 'csv.absence.reported',
      canonical: null,
      attempts: 1,
    });
    expect(Buffer.from(row.raw!).equals(body)).to.equal(true);
    // The consumer's dead-letter copy says application/json whatever the original said.
    expect(row.rawContentType).to.equal('application/json');
    expect(row.errorMessage).to.equal('the message body is not JSON');
    await deadQueueEmpty();
  });

  it('an event for an employer the vault does not know ends in the store as canonical (EMPLOYER_UNKNOWN)', async () => {
    const employer = uniqueEmployerId('dls-unknown');
    const [event] = fixtureEvents('sivi-verzuim', '01-new-sick-report', employer);
    await publishEvent(event!);
    const row = await stored(event!.id);
    expect(row).to.deep.include({
      errorCode: 'EMPLOYER_UNKNOWN',
      employerId: employer,
      connectorId: 'sivi-verzuim',
      eventType: 'nl.datakluis.absence.reported',
      originalExchange: 'absence',
      originalRoutingKey: 'sivi-verzuim.absence.reported',
      raw: null,
    });
    expect(row.canonical).to.deep.equal(event);
    await deadQueueEmpty();
  });

  it('a case of another employee ends in the store (CASE_OF_OTHER_EMPLOYEE), the first one applied', async () => {
    const employer = uniqueEmployerId('dls-case');
    await createEmployer(db, employer, true);
    const [first] = fixtureEvents('sivi-verzuim', '01-new-sick-report', employer);
    await publishEvent(first!);
    await waitUntil(
      async () => (await db.processedEvent.count({ where: { eventId: first!.id } })) === 1,
    );
    const other = structuredClone(first!);
    other.id = randomUUID();
    other.data.employee.externalId = '7777';
    await publishEvent(other);
    const row = await stored(other.id);
    expect(row.errorCode).to.equal('CASE_OF_OTHER_EMPLOYEE');
    expect(row.canonical).to.deep.equal(other);
  });

  it('the same message dead-lettered twice is one row with two failures, OPEN again after a replay', async () => {
    const messageId = `twice-${randomUUID()}`;
    const body = Buffer.from('{"not":"an event"}');
    await publish('csv.absence.reported', body, { messageId });
    const first = await stored(messageId);
    expect(first.errorCode).to.equal('CANONICAL_SCHEMA_VIOLATION');
    await db.deadLetter.update({
      where: { id: first.id },
      data: { status: 'REPLAYED', replayCount: 1, replayedAt: new Date(), replayedBy: 'someone' },
    });
    await publish('csv.absence.reported', body, { messageId });
    const second = await stored(messageId, 2);
    expect(second.id).to.equal(first.id);
    expect(second.failures).to.have.length(2);
    expect(second).to.deep.include({ status: 'OPEN', replayCount: 1, replayedBy: 'someone' });
    expect(await db.deadLetter.count({ where: { messageId } })).to.equal(1);
  });

  it('storing the same copy again (a redelivery after the commit) changes nothing', async () => {
    const repository = new DeadLetterRepository(db);
    const record: DeadLetterRecord = {
      messageId: `redelivered-${randomUUID()}`,
      originalExchange: 'absence',
      originalRoutingKey: 'csv.absence.reported',
      connectorId: 'csv',
      employerId: null,
      eventType: null,
      errorCode: 'MALFORMED_MESSAGE',
      errorMessage: 'the message body is not JSON',
      attempts: 1,
      firstFailedAt: new Date('2026-12-01T08:00:00Z'),
      lastFailedAt: new Date('2026-12-01T08:00:00Z'),
      payload: { kind: 'raw', bytes: Buffer.from('x'), contentType: null },
    };
    expect((await repository.store(record)).inserted).to.equal(true);
    expect((await repository.store(record)).inserted).to.equal(false);
    const row = await db.deadLetter.findUniqueOrThrow({ where: { messageId: record.messageId } });
    expect(row.failures).to.have.length(1);
  });

  it('says the store is away (DATABASE_UNAVAILABLE, retryable) when PostgreSQL cannot be reached', async () => {
    const away = createDatabase({
      url: 'postgresql://postgres@127.0.0.1:1/postgres',
      schema: config.databaseSchema,
      poolSize: 1,
    });
    try {
      const error = await deadLetterSink(away)
        .store({
          messageId: `unreachable-${randomUUID()}`,
          originalExchange: 'absence',
          originalRoutingKey: 'csv.absence.reported',
          connectorId: null,
          employerId: null,
          eventType: null,
          errorCode: 'MALFORMED_MESSAGE',
          errorMessage: null,
          attempts: 1,
          firstFailedAt: new Date(),
          lastFailedAt: new Date(),
          payload: { kind: 'raw', bytes: Buffer.from('x'), contentType: null },
        })
        .then(
          () => null,
          (failure: unknown) => failure,
        );
      expect(error).to.include({ code: 'DATABASE_UNAVAILABLE', retryable: true });
    } finally {
      await away.$disconnect();
    }
  });

  it('writes no personal data to the logs while moving', () => {
    const lines = gateway.logs.lines.join('\n');
    for (const value of PERSONAL) expect(lines).to.not.contain(value);
    expect(lines).to.contain('dead letter stored');
  });
});

describe('dead-letter mover while its store is away (real RabbitMQ, a store that fails)', function () {
  this.timeout(30000);
  const ownConfig = testNamespaceConfig('dlq-mover');
  const own: Topology = topologyOf(ownConfig);

  /** A store the test switches off and on; it records what it stored and how often it was asked. */
  class SwitchableStore {
    up = false;
    calls = 0;
    readonly stored: string[] = [];
    store(record: DeadLetterRecord): Promise<void> {
      this.calls += 1;
      if (!this.up)
        return Promise.reject(
          new TransientError(
            'DATABASE_UNAVAILABLE',
            'the database cannot be reached (ECONNREFUSED)',
          ),
        );
      this.stored.push(record.messageId);
      return Promise.resolve();
    }
  }

  function moverOn(sink: SwitchableStore): {
    mover: DeadLetterMover;
    connection: BrokerConnection;
  } {
    const logger = createLogger({ console: false });
    const mover = new DeadLetterMover({
      topology: own,
      sink,
      logger,
      logicalExchange: () => undefined,
      backoff: { initialMs: 50, maxMs: 200 },
    });
    const connection = new BrokerConnection({
      url: ownConfig.amqpUrl,
      name: 'test-dead-letter-mover',
      logger,
      setup: async (model) => {
        const channel = await model.createChannel();
        await assertTopology(channel, own);
        await channel.close();
        await mover.attach(model);
      },
      teardown: () => mover.close(500),
    });
    return { mover, connection };
  }

  let broker: ChannelModel;
  before(async () => {
    await getTestEnvironment();
    broker = await connect(ownConfig.amqpUrl);
    const channel = await broker.createChannel();
    await assertTopology(channel, own);
    await channel.close();
  });
  after(() => broker?.close());

  async function deadLetter(messageId: string): Promise<void> {
    const channel = await broker.createConfirmChannel();
    channel.publish(own.exchanges.dead.name, 'csv.absence.reported', Buffer.from('x'), {
      messageId,
      persistent: true,
      headers: { [HEADER.errorCode]: 'MALFORMED_MESSAGE', [HEADER.attempts]: 1 },
    });
    await channel.waitForConfirms();
    await channel.close();
  }

  const queued = async (): Promise<number> => {
    const channel = await broker.createChannel();
    const { messageCount } = await channel.checkQueue(own.queues.dead.name);
    await channel.close();
    return messageCount;
  };

  it('pauses without acking, backs off, and stores everything once the store answers again', async () => {
    const sink = new SwitchableStore();
    const { mover, connection } = moverOn(sink);
    await connection.start();
    try {
      await deadLetter('away-1');
      await waitUntil(() => Promise.resolve(sink.calls >= 3 && mover.isPaused));
      await deadLetter('away-2'); // not taken while paused
      const callsBefore = sink.calls;
      await new Promise((resolve) => setTimeout(resolve, 1000));
      // Backing off (at most every 200 ms here), never spinning.
      expect(sink.calls - callsBefore).to.be.at.most(12);
      expect(sink.stored).to.deep.equal([]);
      expect(await queued()).to.equal(1); // away-2 waits in the queue; away-1 is in hand, unacked
      sink.up = true;
      await waitUntil(() => Promise.resolve(sink.stored.length === 2));
      expect(sink.stored).to.deep.equal(['away-1', 'away-2']);
      expect(mover.isPaused).to.equal(false);
      await waitUntil(async () => (await queued()) === 0);
    } finally {
      await connection.stop();
    }
  });

  it('gives back what it could not store when it stops: nothing is lost', async () => {
    const sink = new SwitchableStore();
    const first = moverOn(sink);
    await first.connection.start();
    await deadLetter('away-3');
    await waitUntil(() => Promise.resolve(sink.calls >= 2));
    await first.connection.stop();
    expect(sink.stored).to.deep.equal([]);
    await waitUntil(async () => (await queued()) === 1);
    const working = new SwitchableStore();
    working.up = true;
    const second = moverOn(working);
    await second.connection.start();
    try {
      await waitUntil(() => Promise.resolve(working.stored.length === 1));
      expect(working.stored).to.deep.equal(['away-3']);
      await waitUntil(async () => (await queued()) === 0);
    } finally {
      await second.connection.stop();
    }
  });
});
