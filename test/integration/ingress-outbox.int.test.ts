// The ingress outbox's storage with the real PostgreSQL: one relay at a time, oldest first, and a
// row it cannot place holds up only its own employee's line.
import { randomUUID } from 'node:crypto';

import { expect } from 'chai';

import { IngressOutboxRepository } from '../../src/db/ingress-outbox.repository';
import type { Database } from '../../src/db/prisma-client';
import type { OutgoingMessage } from '../../src/shared/outgoing-message';
import { whileOutboxHeld } from '../helpers/outbox-lock';
import { getTestEnvironment } from '../helpers/test-environment';

const names = {
  logical: (exchange: string) => exchange.replace(/^ns\./, ''),
  actual: (logical: string) => {
    if (logical !== 'absence') throw new Error(`unknown exchange ${logical}`);
    return `ns.${logical}`;
  },
};

function message(orderKey: string, exchange = 'ns.absence'): OutgoingMessage {
  return {
    exchange,
    routingKey: 'csv.absence.reported',
    body: Buffer.from('{}'),
    messageId: randomUUID(),
    type: 'nl.datakluis.absence.reported',
    orderKey,
  };
}

describe('ingress outbox storage (real PostgreSQL)', () => {
  let db: Database;
  let repository: IngressOutboxRepository;
  const mine: string[] = [];

  before(async () => {
    ({ db } = await getTestEnvironment());
    repository = new IngressOutboxRepository(db, names);
  });
  afterEach(async () => {
    await db.ingressOutboxMessage.deleteMany({ where: { messageId: { in: mine } } });
  });

  async function store(...messages: OutgoingMessage[]): Promise<string[]> {
    await repository.store(messages);
    mine.push(...messages.map((m) => m.messageId));
    return messages.map((m) => m.messageId);
  }

  it('hands over the oldest first with the actual exchange, and removes only what was published', async () => {
    const [a1, a2, b1] = await store(message('emp-a'), message('emp-a'), message('emp-b'));
    expect(await repository.waiting(['emp-a'])).to.equal(true);
    expect(await repository.waiting(['emp-z'])).to.equal(false);
    let handed: OutgoingMessage[] = [];
    await repository.relayBatch(100, (rows) => {
      handed = rows.filter((row) => mine.includes(row.messageId));
      return Promise.resolve(rows.filter((row) => row.messageId !== a2).map((row) => row.outboxId));
    });
    expect(handed.map((row) => row.messageId)).to.deep.equal([a1, a2, b1]);
    expect(handed.every((row) => row.exchange === 'ns.absence')).to.equal(true);
    const left = await db.ingressOutboxMessage.findMany({ where: { messageId: { in: mine } } });
    expect(left.map((row) => [row.messageId, row.attempts])).to.deep.equal([[a2, 1]]);
  });

  it("holds a row naming an exchange it does not know, with its employee's later rows; others go on", async () => {
    const [stranded, behind, other] = await store(
      message('emp-c', 'ns.gone'),
      message('emp-c'),
      message('emp-d'),
    );
    let handed: string[] = [];
    await repository.relayBatch(100, (rows) => {
      handed = rows.map((row) => row.messageId).filter((id) => mine.includes(id));
      return Promise.resolve(rows.map((row) => row.outboxId));
    });
    expect(handed).to.deep.equal([other]);
    const left = await db.ingressOutboxMessage.findMany({ where: { messageId: { in: mine } } });
    expect(left.map((row) => row.messageId).sort()).to.deep.equal([stranded, behind].sort());
  });

  it('lets one relay at a time work on the outbox', async () => {
    await store(message('emp-e'));
    const { config } = await getTestEnvironment();
    await whileOutboxHeld(config, async () => {
      let called = false;
      const seen = await repository.relayBatch(100, () => {
        called = true;
        return Promise.resolve([]);
      });
      expect(seen).to.equal(0);
      expect(called).to.equal(false);
    });
  });
});
