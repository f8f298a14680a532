// Publishes with publisher confirms: a publish settles only when the broker has taken responsibility
// for the message (ack), and fails on a nack, an unroutable message (mandatory + basic.return), a
// closed channel, a blocked connection or a confirm timeout. Nothing is buffered without bound: at
// most `maxInFlight` publishes wait for confirms, and a congested socket refuses more until it
// drains. Callers put what failed in an outbox or answer 503; either way the same ids come again.
import type { ChannelModel, ConfirmChannel, Message } from 'amqplib';

import { GatewayError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import type { OutgoingMessage } from '../shared/outgoing-message';
import { errorFields } from '../shared/logger';

export type { OutgoingMessage };

export type PublishErrorCode =
  | 'BROKER_UNAVAILABLE'
  | 'BROKER_BLOCKED'
  | 'BROKER_BUSY'
  | 'PUBLISH_NACKED'
  | 'UNROUTABLE'
  | 'CONFIRM_TIMEOUT';

export class PublishError extends GatewayError {
  constructor(code: PublishErrorCode, message: string) {
    super(code, message, true);
  }
}

/** What the ingress needs from a publisher (tests pass fakes of this). */
export interface EventPublisher {
  publish(messages: readonly OutgoingMessage[]): Promise<void>;
  readonly ready: boolean;
}

export class ConfirmPublisher implements EventPublisher {
  private channel: ConfirmChannel | null = null;
  /** Returns (basic.return) not yet matched to their confirm, counted per message id. */
  private readonly returned = new Map<string, number>();
  /** Publishes waiting for their confirm: bounded, so a slow broker never grows our memory. */
  private inFlight = 0;
  /** The socket's write buffer is full (amqplib's publish returned false) until 'drain'. */
  private congested = false;

  constructor(
    private readonly options: {
      timeoutMs: number;
      logger: Logger;
      isBlocked: () => string | null;
      /** At most this many publishes wait for a confirm at once (default 1000). */
      maxInFlight?: number;
    },
  ) {}

  get ready(): boolean {
    return this.channel !== null && this.options.isBlocked() === null && !this.congested;
  }

  /** Called by the connection's setup on every (re)connect. */
  async attach(model: ChannelModel): Promise<void> {
    const channel = await model.createConfirmChannel();
    channel.on('error', (error: Error) =>
      this.options.logger.warn('publish channel error', errorFields(error)),
    );
    channel.on('close', () => {
      if (this.channel !== channel) return;
      // Closed by the broker (e.g. its exchange was deleted), not by us: start over on a new
      // connection, which declares the topology again. Until then publishes answer 503.
      this.channel = null;
      this.options.logger.warn('publish channel closed unexpectedly; reconnecting');
      void model.close().catch(() => undefined);
    });
    channel.on('return', (message: Message) => {
      const id = message.properties.messageId as unknown;
      if (typeof id === 'string') this.returned.set(id, (this.returned.get(id) ?? 0) + 1);
    });
    channel.on('drain', () => {
      this.congested = false;
    });
    this.returned.clear(); // returns belong to a channel; none survive it
    this.congested = false;
    this.channel = channel;
  }

  detach(): void {
    this.channel = null;
  }

  /** Closes the channel (before its connection closes) so nothing in flight is cut off. */
  async close(): Promise<void> {
    const channel = this.channel;
    this.channel = null;
    if (channel !== null) await channel.close().catch(() => undefined);
  }

  /** Consumes one return for `id`: a return comes before the confirm of the same publish. */
  private takeReturn(id: string): boolean {
    const count = this.returned.get(id) ?? 0;
    if (count === 0) return false;
    if (count === 1) this.returned.delete(id);
    else this.returned.set(id, count - 1);
    return true;
  }

  async publish(messages: readonly OutgoingMessage[]): Promise<void> {
    const channel = this.channel;
    if (channel === null)
      throw new PublishError('BROKER_UNAVAILABLE', 'not connected to the message broker');
    const blocked = this.options.isBlocked();
    if (blocked !== null)
      throw new PublishError(
        'BROKER_BLOCKED',
        'the message broker refuses messages for now (resource alarm)',
      );
    if (this.congested)
      throw new PublishError('BROKER_BUSY', 'the connection to the message broker is congested');
    if (this.inFlight + messages.length > (this.options.maxInFlight ?? 1000))
      throw new PublishError('BROKER_BUSY', 'too many messages are waiting for the broker');
    this.inFlight += messages.length;
    try {
      await Promise.all(messages.map((message) => this.publishOne(channel, message)));
    } finally {
      this.inFlight -= messages.length;
    }
  }

  private publishOne(channel: ConfirmChannel, message: OutgoingMessage): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (error: PublishError | null): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const wasReturned = this.takeReturn(message.messageId);
        if (error !== null) reject(error);
        else if (wasReturned)
          reject(new PublishError('UNROUTABLE', 'no queue is bound for this message'));
        else resolve();
      };
      const timer = setTimeout(
        () =>
          settle(new PublishError('CONFIRM_TIMEOUT', 'the message broker did not confirm in time')),
        this.options.timeoutMs,
      );
      try {
        const writable = channel.publish(
          message.exchange,
          message.routingKey,
          message.body,
          {
            persistent: true,
            mandatory: true,
            contentType: 'application/json',
            messageId: message.messageId,
            type: message.type,
            timestamp: Math.floor(Date.now() / 1000),
            ...(message.correlationId === undefined
              ? {}
              : { correlationId: message.correlationId }),
            headers: message.headers ?? {},
          },
          (error: unknown) =>
            settle(
              error === null || error === undefined
                ? null
                : new PublishError(
                    'PUBLISH_NACKED',
                    'the message broker did not accept the message',
                  ),
            ),
        );
        if (!writable) this.congested = true;
      } catch {
        settle(new PublishError('BROKER_UNAVAILABLE', 'the publish channel is closed'));
      }
    });
  }
}
