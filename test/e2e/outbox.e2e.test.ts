// The broker is down, the database is not: the ingress keeps taking messages into its PostgreSQL
// outbox (202, delivery "outbox"), and once a broker connection is there the relay publishes them,
// oldest first per employee, and the vault applies them.
import { connect } from 'amqplib';
import type { ChannelModel } from 'amqplib';
import { expect } from 'chai';

import { startIngress } from '../../src/app/ingress-process';
import type { RunningIngress } from '../../src/app/ingress-process';
import { startConsumer } from '../../src/app/consumer-process';
import type { RunningConsumer } from '../../src/app/consumer-process';
import type { Database } from '../../src/db/prisma-client';
import { assertTopology } from '../../src/messaging/assert-topology';
import { createLogger } from '../../src/shared/logger';
import { credentialFor, waitUntil } from '../helpers/gateway';
import { whileOutboxHeld } from '../helpers/outbox-lock';
import {
  createEmployer,
  getTestEnvironment,
  testNamespaceConfig,
  topologyOf,
  uniqueEmployerId,
} from '../helpers/test-environment';

const config = testNamespaceConfig('outbox');
const topology = topologyOf(config);
// Nothing listens there: this ingress never reaches a broker.
const brokerDown = { ...config, amqpUrl: 'amqp://guest:guest@127.0.0.1:5999' };
const quiet = createLogger({ console: false });
const HEADER =
  'mutatie_id;tijdstip;personeelsnummer;soort;verzuim_id;volgnummer;eerste_ziektedag;percentage;ingangsdatum;hersteldatum';

function csv(row: string): string {
  return `${HEADER}\n${row}\n`;
}

describe('ingress outbox while the broker is down (real PostgreSQL and RabbitMQ)', function () {
  this.timeout(60000);
  let db: Database;
  let token: string;
  let employer: string;
  let isolated: RunningIngress | undefined;
  let connected: RunningIngress | undefined;
  let consumer: RunningConsumer | undefined;
  let broker: ChannelModel;
  const tap = `${config.amqpNamespace}test-tap`;
  const ids: string[] = [];

  before(async () => {
    ({ db } = await getTestEnvironment());
    employer = uniqueEmployerId('outbox');
    await createEmployer(db, employer);
    token = await credentialFor(db, employer, 'csv');
    broker = await connect(config.amqpUrl);
    const channel = await broker.createChannel();
    await assertTopology(channel, topology);
    // A queue of the test's own that sees every event in the order the broker got it.
    await channel.assertQueue(tap, { durable: false, autoDelete: false });
    await channel.bindQueue(tap, topology.exchanges.absence.name, '#');
    await channel.close();
  });
  after(async () => {
    await isolated?.stop();
    await connected?.stop();
    await consumer?.stop();
    const channel = await broker.createChannel();
    await channel.deleteQueue(tap);
    await broker.close();
  });

  /** The message ids the test's tap queue received since the last look, in broker order. */
  async function tapped(): Promise<string[]> {
    const seen: string[] = [];
    const channel = await broker.createChannel();
    for (;;) {
      const message = await channel.get(tap, { noAck: true });
      if (message === false) break;
      seen.push(String(message.properties.messageId));
    }
    await channel.close();
    return seen;
  }

  async function post(ingress: RunningIngress, body: string) {
    const response = await fetch(`${ingress.url}/v1/connectors/csv/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body,
    });
    return {
      status: response.status,
      body: (await response.json()) as { delivery?: string; events?: { id: string }[] },
    };
  }

  it('answers 202 with delivery "outbox" and keeps every event in PostgreSQL; not ready meanwhile', async () => {
    isolated = await startIngress(brokerDown, quiet);
    const rows = [
      'M-1;2026-11-16T08:00:00+01:00;0815;ZIEKMELDING;VZ-1;1;2026-11-16;100;;',
      'M-2;2026-11-18T08:00:00+01:00;0815;WIJZIGING;VZ-1;2;2026-11-16;50;2026-11-18;',
      'M-3;2026-11-20T08:00:00+01:00;0815;HERSTELMELDING;VZ-1;3;2026-11-16;;;2026-11-21',
      'M-4;2026-11-16T09:00:00+01:00;0999;ZIEKMELDING;VZ-2;1;2026-11-16;100;;',
    ];
    for (const row of rows) {
      const { status, body } = await post(isolated, csv(row));
      expect(status, JSON.stringify(body)).to.equal(202);
      expect(body.delivery).to.equal('outbox');
      ids.push(...(body.events ?? []).map((e) => e.id));
    }
    const stored = await db.ingressOutboxMessage.findMany({
      where: { messageId: { in: ids } },
      orderBy: { seq: 'asc' },
    });
    expect(stored.map((row) => row.messageId)).to.deep.equal(ids);
    // The logical exchange: a row outlives a change of namespace and is published to today's one.
    expect(stored.every((row) => row.exchange === 'absence')).to.equal(true);
    // The ordering column is the same for one employee, different for another, and not the number.
    expect(stored[0]!.orderKey).to.equal(stored[1]!.orderKey);
    expect(stored[0]!.orderKey).not.to.equal(stored[3]!.orderKey);
    expect(stored[0]!.orderKey).not.to.contain('0815');
    const ready = await fetch(`${isolated.url}/readyz`);
    expect(ready.status).to.equal(503);
  });

  it('once a broker connection is there, the relay publishes them oldest first and the vault applies them', async () => {
    consumer = await startConsumer(config, quiet, { waitForBroker: true });
    connected = await startIngress(config, quiet, { waitForBroker: true });
    await waitUntil(
      async () =>
        (await db.processedEvent.count({ where: { eventId: { in: ids } } })) === ids.length,
      20000,
    );
    expect(await db.ingressOutboxMessage.count({ where: { messageId: { in: ids } } })).to.equal(0);
    const seen = await tapped();
    // Employee 0815's three events left in the order they came in.
    const first = ids.slice(0, 3);
    expect(seen.filter((id) => first.includes(id))).to.deep.equal(first);
    const recovered = await db.absenceCase.findFirst({
      where: { employerId: employer, sourceCaseId: 'VZ-1' },
    });
    expect(recovered?.status).to.equal('RECOVERED');
  });

  it('the relay of any ingress publishes the outbox: a message taken by the cut-off one still gets applied', async () => {
    // The isolated ingress still has no broker; its outbox is drained by the connected one's relay.
    const { status, body } = await post(
      isolated!,
      csv('M-5;2026-11-22T08:00:00+01:00;0999;HERSTELMELDING;VZ-2;2;2026-11-16;;;2026-11-23'),
    );
    expect(status).to.equal(202);
    expect(body.delivery).to.equal('outbox');
    const [event] = body.events!;
    await waitUntil(
      async () => (await db.processedEvent.count({ where: { eventId: event!.id } })) === 1,
    );
  });

  it('a later message of the same employee sent to another ingress queues up behind the waiting one', async () => {
    // Hold the outbox (as a relay busy elsewhere would) so the earlier message is certainly waiting.
    const [report, recovery] = await whileOutboxHeld(config, async () => {
      const first = await post(
        isolated!,
        csv('M-6;2026-11-24T08:00:00+01:00;0777;ZIEKMELDING;VZ-3;1;2026-11-24;100;;'),
      );
      expect(first.body.delivery).to.equal('outbox');
      // The broker is fine for this ingress, but employee 0777 has a message waiting: behind it.
      const later = await post(
        connected!,
        csv('M-7;2026-11-26T08:00:00+01:00;0777;HERSTELMELDING;VZ-3;2;2026-11-24;;;2026-11-27'),
      );
      expect(later.status).to.equal(202);
      expect(later.body.delivery).to.equal('outbox');
      // Another employee is not held up by it.
      const other = await post(
        connected!,
        csv('M-8;2026-11-26T08:00:00+01:00;0888;ZIEKMELDING;VZ-4;1;2026-11-26;100;;'),
      );
      expect(other.body.delivery).to.equal('broker');
      return [first, later];
    });
    const order = [report, recovery].map((answer) => answer.body.events![0]!.id);
    await waitUntil(
      async () => (await db.processedEvent.count({ where: { eventId: { in: order } } })) === 2,
    );
    const seen = await tapped();
    expect(seen.filter((id) => order.includes(id))).to.deep.equal(order);
  });

  it('an ingress whose database does not answer is not ready, and says why', async () => {
    const noDatabase = await startIngress(
      { ...config, databaseUrl: 'postgresql://postgres@127.0.0.1:5999/postgres' },
      quiet,
      { waitForBroker: true },
    );
    try {
      const ready = await fetch(`${noDatabase.url}/readyz`);
      expect(ready.status).to.equal(503);
      expect(await ready.json()).to.deep.equal({
        status: 'not-ready',
        reason: 'the database does not answer',
      });
    } finally {
      await noDatabase.stop();
    }
    expect((await fetch(`${connected!.url}/readyz`)).status).to.equal(200);
  });
});
