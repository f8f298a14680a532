// The suite's own view of the run's broker namespace: a fresh connection per look (faults close
// connections all the time), queue counts, the dead-letter queue read into memory, and publishing
// straight to the gateway's exchange as a misbehaving producer or a duplicating broker would.
import { connect } from 'amqplib';
import type { Channel, ConfirmChannel, Options } from 'amqplib';

import { HEADER } from '../../../src/messaging/headers';

export async function withChannel<T>(
  url: string,
  work: (channel: Channel) => Promise<T>,
): Promise<T> {
  const model = await connect(url, { timeout: 5000 });
  model.on('error', () => undefined);
  try {
    const channel = await model.createChannel();
    channel.on('error', () => undefined);
    return await work(channel);
  } finally {
    await model.close().catch(() => undefined);
  }
}

/** Consumers on a queue, or null when the queue does not exist or the broker cannot be asked. */
export async function consumerCount(url: string, queue: string): Promise<number | null> {
  try {
    return await withChannel(
      url,
      async (channel) => (await channel.checkQueue(queue)).consumerCount,
    );
  } catch {
    return null;
  }
}

/**
 * Deletes a queue of the run, refusing when it holds messages (they would be lost by design).
 * RabbitMQ 3.10 cannot delete a quorum queue `ifEmpty` (a connection error), hence the check first.
 */
export async function deleteQueue(url: string, queue: string): Promise<void> {
  await withChannel(url, async (channel) => {
    const { messageCount } = await channel.checkQueue(queue);
    if (messageCount > 0)
      throw new Error(`${queue} holds ${messageCount} messages; not deleting it`);
    await channel.deleteQueue(queue);
  });
}

export interface DeadLetter {
  messageId: string;
  code: string;
  reason: string;
  attempts: number;
  routingKey: string;
  body: string;
}

function header(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = headers?.[name];
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return undefined;
}

/**
 * Everything read from the run's dead-letter queue so far. The namespace is private to the run, so
 * reading means taking: what was read is kept here for every later check of the run.
 */
export class DeadLetterStore {
  readonly letters: DeadLetter[] = [];

  constructor(
    private readonly url: string,
    private readonly queue: string,
  ) {}

  /** Takes (consumes and acks) what is in the dead-letter queue now. */
  async drain(): Promise<number> {
    return withChannel(this.url, async (channel) => {
      let taken = 0;
      for (;;) {
        const message = await channel.get(this.queue, { noAck: false });
        if (message === false) break;
        const headers = message.properties.headers as Record<string, unknown> | undefined;
        const death = (headers?.['x-death'] as { reason?: string }[] | undefined)?.[0];
        this.letters.push({
          messageId: String(message.properties.messageId ?? ''),
          code:
            header(headers, HEADER.errorCode) ??
            (death?.reason === undefined ? 'NO_REASON' : `x-death:${death.reason}`),
          reason: header(headers, HEADER.errorMessage) ?? '',
          attempts: Number(header(headers, HEADER.attempts) ?? 0),
          routingKey: header(headers, HEADER.originalRoutingKey) ?? message.fields.routingKey ?? '',
          body: message.content.toString('utf8'),
        });
        channel.ack(message);
        taken += 1;
      }
      return taken;
    });
  }

  byMessageId(id: string): DeadLetter[] {
    return this.letters.filter((letter) => letter.messageId === id);
  }
}

export interface RawPublish {
  routingKey: string;
  body: Buffer;
  messageId?: string;
  headers?: Record<string, string | number>;
}

/**
 * Publishes straight to `exchange` on a confirm channel: resolves when the broker confirmed every
 * message, rejects when one was nacked or returned (no queue took it).
 */
export async function publishRaw(
  url: string,
  exchange: string,
  messages: readonly RawPublish[],
): Promise<void> {
  const model = await connect(url, { timeout: 5000 });
  model.on('error', () => undefined);
  try {
    const channel: ConfirmChannel = await model.createConfirmChannel();
    channel.on('error', () => undefined);
    const returned: string[] = [];
    channel.on('return', (message: { properties: { messageId?: unknown } }) =>
      returned.push(String(message.properties.messageId)),
    );
    await Promise.all(
      messages.map(
        (message) =>
          new Promise<void>((resolve, reject) => {
            const options: Options.Publish = {
              persistent: true,
              mandatory: true,
              contentType: 'application/json',
              headers: message.headers ?? {},
              ...(message.messageId === undefined ? {} : { messageId: message.messageId }),
            };
            channel.publish(
              exchange,
              message.routingKey,
              message.body,
              options,
              (error: unknown) =>
                error === null || error === undefined
                  ? resolve()
                  : reject(new Error(`nacked: ${message.messageId ?? '(no id)'}`)),
            );
          }),
      ),
    );
    if (returned.length > 0) throw new Error(`returned (unroutable): ${returned.join(', ')}`);
    await channel.close();
  } finally {
    await model.close().catch(() => undefined);
  }
}
