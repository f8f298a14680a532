import { expect } from 'chai';

import { OutboxRelay } from '../../../src/messaging/outbox-relay';
import type { OutboxSource, RelayMessage } from '../../../src/messaging/outbox-relay';
import type { EventPublisher, OutgoingMessage } from '../../../src/messaging/publisher';
import { createLogger } from '../../../src/shared/logger';

const row = (outboxId: string, orderKey: string): RelayMessage => ({
  outboxId,
  orderKey,
  exchange: 'x',
  routingKey: 'r',
  body: Buffer.from('{}'),
  messageId: `m-${outboxId}`,
  type: 't',
});

class MemorySource implements OutboxSource {
  constructor(public rows: RelayMessage[]) {}
  async relayBatch(
    limit: number,
    publish: (messages: RelayMessage[]) => Promise<string[]>,
  ): Promise<number> {
    const batch = this.rows.slice(0, limit);
    const published = new Set(await publish(batch));
    this.rows = this.rows.filter((r) => !published.has(r.outboxId));
    return batch.length;
  }
}

/** Confirms after a delay that differs per message, and refuses the ids in `refuse`. */
class SlowPublisher implements EventPublisher {
  ready = true;
  order: string[] = [];
  constructor(private readonly refuse: Set<string>) {}
  async publish(messages: readonly OutgoingMessage[]): Promise<void> {
    const [message] = messages;
    await new Promise((resolve) => setTimeout(resolve, Number(message!.messageId.slice(-1)) * 3));
    if (this.refuse.has(message!.messageId)) throw new Error('nacked');
    this.order.push(message!.messageId);
  }
}

/** One relay pass over `source` with `publisher`; returns the relay to look at afterwards. */
async function relayOnce(source: OutboxSource, publisher: EventPublisher): Promise<OutboxRelay> {
  const relay = new OutboxRelay({
    source,
    publisher,
    logger: createLogger({ console: false }),
    intervalMs: 60_000,
  });
  relay.kick();
  await relay.stop();
  return relay;
}

describe('outbox relay', () => {
  it('publishes each employee line in outbox order, and stops a line at its first failure', async () => {
    const source = new MemorySource([
      row('1', 'emp-a'),
      row('2', 'emp-b'),
      row('3', 'emp-a'),
      row('4', 'emp-b'),
      row('5', 'emp-a'),
    ]);
    const publisher = new SlowPublisher(new Set(['m-4']));
    await relayOnce(source, publisher);
    const a = publisher.order.filter((id) => ['m-1', 'm-3', 'm-5'].includes(id));
    expect(a).to.deep.equal(['m-1', 'm-3', 'm-5']);
    expect(publisher.order).to.include('m-2');
    // m-4 failed: it stays, and it was the last of its line, so nothing overtook it.
    expect(source.rows.map((r) => r.outboxId)).to.deep.equal(['4']);
  });

  it('leaves a failed message and everything after it in its line for the next pass', async () => {
    const source = new MemorySource([row('1', 'emp-a'), row('2', 'emp-a'), row('3', 'emp-a')]);
    const publisher = new SlowPublisher(new Set(['m-2']));
    await relayOnce(source, publisher);
    expect(publisher.order).to.deep.equal(['m-1']);
    expect(source.rows.map((r) => r.outboxId)).to.deep.equal(['2', '3']);
  });

  it('does nothing while the publisher is not ready', async () => {
    const source = new MemorySource([row('1', 'emp-a')]);
    const publisher = new SlowPublisher(new Set());
    publisher.ready = false;
    await relayOnce(source, publisher);
    expect(source.rows).to.have.length(1);
  });

  it('backs off after a failed pass (the database away) instead of asking every tick', async () => {
    let calls = 0;
    const broken: OutboxSource = {
      relayBatch: () => {
        calls += 1;
        return Promise.reject(new Error('database down'));
      },
    };
    const relay = new OutboxRelay({
      source: broken,
      publisher: new SlowPublisher(new Set()),
      logger: createLogger({ console: false }),
      intervalMs: 60_000,
    });
    relay.kick();
    await new Promise((resolve) => setTimeout(resolve, 20));
    relay.kick();
    relay.kick();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls).to.equal(1);
    await relay.stop();
  });

  it('starts no new publish after its time budget, so a slow broker cannot stretch a pass without end', async () => {
    const rows = Array.from({ length: 10 }, (_, i) => row(String(i), 'emp-a'));
    const source = new MemorySource(rows);
    let batches = 0;
    const counting: OutboxSource = {
      relayBatch: (limit, publish) => {
        batches += 1;
        return source.relayBatch(limit, publish);
      },
    };
    const slow: EventPublisher = {
      ready: true,
      publish: () => new Promise((resolve) => setTimeout(resolve, 30)),
    };
    const relay = new OutboxRelay({
      source: counting,
      publisher: slow,
      logger: createLogger({ console: false }),
      intervalMs: 60_000,
      passBudgetMs: 50,
    });
    relay.kick();
    // The first pass ends after its budget with part of the line published and removed; the relay
    // goes on at once with the rest, pass after pass, until the line is empty.
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(source.rows.length).to.be.greaterThan(0);
    for (let i = 0; i < 100 && source.rows.length > 0; i += 1)
      await new Promise((resolve) => setTimeout(resolve, 20));
    await relay.stop();
    expect(source.rows).to.deep.equal([]);
    expect(batches).to.be.greaterThan(1);
  });
});
