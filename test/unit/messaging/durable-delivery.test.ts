import { expect } from 'chai';

import { deliver } from '../../../src/messaging/durable-delivery';
import type { IngressOutbox } from '../../../src/messaging/durable-delivery';
import { PublishError } from '../../../src/messaging/publisher';
import type { TransientError } from '../../../src/shared/errors';
import type { EventPublisher, OutgoingMessage } from '../../../src/messaging/publisher';

const message = (id: string, orderKey = `employee-of-${id}`): OutgoingMessage => ({
  exchange: 'x',
  routingKey: 'csv.absence.reported',
  body: Buffer.from('{}'),
  messageId: id,
  type: 'nl.datakluis.absence.reported',
  orderKey,
});

class FakePublisher implements EventPublisher {
  published: string[] = [];
  constructor(
    public ready: boolean,
    private readonly failure?: Error,
  ) {}
  publish(messages: readonly OutgoingMessage[]): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    this.published.push(...messages.map((m) => m.messageId));
    return Promise.resolve();
  }
}

/** An outbox in memory; `broken` fails every call, as a database that is away does. */
class FakeOutbox implements IngressOutbox {
  stored: string[] = [];
  readonly keys = new Set<string>();
  constructor(private readonly broken = false) {}
  waiting(orderKeys: readonly string[]): Promise<boolean> {
    if (this.broken) return Promise.reject(new Error('database down'));
    return Promise.resolve(orderKeys.some((key) => this.keys.has(key)));
  }
  store(messages: readonly OutgoingMessage[]): Promise<void> {
    if (this.broken) return Promise.reject(new Error('database down'));
    this.stored.push(...messages.map((m) => m.messageId));
    for (const m of messages) if (m.orderKey !== undefined) this.keys.add(m.orderKey);
    return Promise.resolve();
  }
}

describe('durable delivery (broker first, outbox when it cannot confirm)', () => {
  it('publishes to the broker when it is there and nothing waits in the outbox', async () => {
    const publisher = new FakePublisher(true);
    const outbox = new FakeOutbox();
    expect(await deliver([message('a'), message('b')], publisher, outbox)).to.deep.equal({
      via: 'broker',
    });
    expect(publisher.published).to.deep.equal(['a', 'b']);
    expect(outbox.stored).to.deep.equal([]);
  });

  it('stores every message of the request when the broker fails to confirm (part may have gone out)', async () => {
    for (const code of [
      'CONFIRM_TIMEOUT',
      'PUBLISH_NACKED',
      'UNROUTABLE',
      'BROKER_BUSY',
    ] as const) {
      const outbox = new FakeOutbox();
      const result = await deliver(
        [message('a'), message('b')],
        new FakePublisher(true, new PublishError(code, 'no')),
        outbox,
      );
      expect(result).to.deep.equal({ via: 'outbox', cause: code });
      expect(outbox.stored).to.deep.equal(['a', 'b']);
    }
  });

  it('does not try the broker while it is not connected', async () => {
    const down = new FakePublisher(false);
    expect(await deliver([message('a')], down, new FakeOutbox())).to.deep.equal({
      via: 'outbox',
      cause: 'BROKER_NOT_READY',
    });
    expect(down.published).to.deep.equal([]);
  });

  it('queues a message behind an earlier one of the same employee that still waits, even with the broker back', async () => {
    const outbox = new FakeOutbox();
    await deliver([message('report', 'employee-1')], new FakePublisher(false), outbox);
    const up = new FakePublisher(true);
    expect(await deliver([message('recovery', 'employee-1')], up, outbox)).to.deep.equal({
      via: 'outbox',
      cause: 'BROKER_BACKLOG',
    });
    // Another employee has nothing waiting: straight to the broker.
    expect(await deliver([message('other', 'employee-2')], up, outbox)).to.deep.equal({
      via: 'broker',
    });
    expect(outbox.stored).to.deep.equal(['report', 'recovery']);
    expect(up.published).to.deep.equal(['other']);
  });

  it('publishes when the outbox cannot be asked (the database is away): availability first', async () => {
    const up = new FakePublisher(true);
    expect(await deliver([message('a')], up, new FakeOutbox(true))).to.deep.equal({
      via: 'broker',
    });
  });

  it('fails (the sender gets 503) only when the broker and the outbox both fail', async () => {
    const failing = new FakePublisher(true, new PublishError('CONFIRM_TIMEOUT', 'no'));
    let error: unknown;
    await deliver([message('a')], failing, new FakeOutbox(true)).catch((e: unknown) => {
      error = e;
    });
    expect((error as TransientError).code).to.equal('OUTBOX_UNAVAILABLE');
    expect((error as TransientError).retryable).to.equal(true);
  });

  it('without an outbox the publish error goes to the caller; a bug is never hidden in the outbox', async () => {
    let error: unknown;
    await deliver(
      [message('a')],
      new FakePublisher(true, new PublishError('BROKER_BLOCKED', 'no')),
    ).catch((e: unknown) => {
      error = e;
    });
    expect((error as PublishError).code).to.equal('BROKER_BLOCKED');
    const outbox = new FakeOutbox();
    await deliver([message('a')], new FakePublisher(true, new TypeError('bug')), outbox).catch(
      () => undefined,
    );
    expect(outbox.stored).to.deep.equal([]);
  });
});
