// The gateway comes back by itself when the broker takes its topology away under it.
import { readFileSync } from 'node:fs';

import { expect } from 'chai';

import { listFixtures } from '../../src/connector-runtime/fixtures';
import type { Database } from '../../src/db/prisma-client';
import { credentialFor, startGateway, waitUntil } from '../helpers/gateway';
import type { RunningGateway } from '../helpers/gateway';
import {
  createEmployer,
  getTestEnvironment,
  testNamespaceConfig,
  topologyOf,
  uniqueEmployerId,
} from '../helpers/test-environment';

const config = testNamespaceConfig('recovery');
const topology = topologyOf(config);

describe('recovery without a restart (real RabbitMQ)', function () {
  this.timeout(60000);
  let db: Database;
  let gateway: RunningGateway;
  let token: string;
  const fixtureNamed = (name: string) => listFixtures('sivi-verzuim').find((f) => f.name === name)!;
  const fixture = fixtureNamed('01-new-sick-report');

  before(async () => {
    ({ db } = await getTestEnvironment());
    gateway = await startGateway(config);
    const employer = uniqueEmployerId('recovery');
    await createEmployer(db, employer);
    token = await credentialFor(db, employer, 'sivi-verzuim');
  });
  after(() => gateway?.stop());

  async function post(
    input = fixture,
  ): Promise<{ status: number; ids: string[]; code?: string; delivery?: string }> {
    const response = await fetch(`${gateway.ingress.url}/v1/connectors/sivi-verzuim/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/xml' },
      body: readFileSync(input.inputPath),
    });
    const body = (await response.json()) as {
      events?: { id: string }[];
      code?: string;
      delivery?: string;
    };
    return {
      status: response.status,
      ids: (body.events ?? []).map((e) => e.id),
      ...(body.code === undefined ? {} : { code: body.code }),
      ...(body.delivery === undefined ? {} : { delivery: body.delivery }),
    };
  }

  /** Posts until accepted (an HR system retries on 503); every answer is 202 or 503, never lost. */
  async function postUntilAccepted(): Promise<string[]> {
    let ids: string[] = [];
    await waitUntil(async () => {
      const result = await post();
      expect([202, 503], JSON.stringify(result)).to.include(result.status);
      ids = result.ids;
      return result.status === 202;
    }, 20000);
    return ids;
  }

  /** Consumers on a queue, or null when it does not exist (checked on a throw-away channel). */
  async function consumersOn(queue: string): Promise<number | null> {
    const channel = await gateway.broker.createChannel();
    channel.on('error', () => undefined);
    try {
      return (await channel.checkQueue(queue)).consumerCount;
    } catch {
      return null;
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  it('the work queue deleted under the consumer: it is declared again and consumption resumes', async () => {
    const channel = await gateway.broker.createChannel();
    await channel.deleteQueue(topology.queues.apply.name);
    await channel.close();
    await waitUntil(async () => (await consumersOn(topology.queues.apply.name)) === 1, 20000);
    const ids = await postUntilAccepted();
    await waitUntil(
      async () =>
        (await db.processedEvent.count({ where: { eventId: { in: ids } } })) === ids.length,
    );
  });

  it('the exchange deleted under the ingress: the message waits in the outbox, then is published and applied', async () => {
    const channel = await gateway.broker.createChannel();
    await channel.deleteExchange(topology.exchanges.absence.name);
    await channel.close();
    // The publish finds no exchange (the channel closes): the events go to the outbox, 202.
    const first = await post(fixtureNamed('02-partial-sick-report-50pct'));
    expect(first.status, JSON.stringify(first)).to.equal(202);
    expect(first.delivery).to.equal('outbox');
    // The ingress reconnects, declares the topology again, and its relay publishes the outbox.
    await waitUntil(
      async () =>
        (await db.processedEvent.count({ where: { eventId: { in: first.ids } } })) ===
        first.ids.length,
      20000,
    );
    expect(
      await db.ingressOutboxMessage.count({ where: { messageId: { in: first.ids } } }),
    ).to.equal(0);
    expect((await fetch(`${gateway.ingress.url}/readyz`)).status).to.equal(200);
  });
});
