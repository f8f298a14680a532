// Consumes canonical events from the work queue and applies them to the vault. Acks only after the
// vault transaction committed; a transient failure is republished (confirmed) to a delayed retry
// queue with our own attempt counter, a permanent one to the dead-letter exchange with its reason,
// and only then is the original acked. If that republish fails the delivery stays unacked and comes
// back after reconnect: nothing is lost.
import { createHash } from 'node:crypto';

import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage, Options } from 'amqplib';

import type { CanonicalEvent } from '../canonical/generated/canonical-event';
import { validateCanonicalEvent } from '../canonical/validate-canonical';
import { GatewayError, PermanentError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { errorFields } from '../shared/logger';
import { decide } from './consumer-decision';
import type { ConsumeDecision } from './consumer-decision';
import { HEADER, headerNumber, headerString } from './headers';
import type { Topology } from './topology';

export interface EventHandler {
  apply(
    event: CanonicalEvent,
    context: { correlationId?: string },
  ): Promise<'applied' | 'duplicate'>;
}

export interface VaultConsumerOptions {
  topology: Topology;
  handler: EventHandler;
  logger: Logger;
  prefetch: number;
  maxAttempts: number;
  /** How long a republish (to retry or dead-letter) may wait for its confirm. */
  confirmTimeoutMs?: number;
  /** Told about every settled delivery (the demo and tests wait on this). */
  onSettled?: (outcome: {
    messageId: string;
    action: 'applied' | 'duplicate' | 'retry' | 'dead-letter';
    code?: string;
  }) => void;
}

function parseEvent(message: ConsumeMessage): CanonicalEvent {
  let value: unknown;
  try {
    value = JSON.parse(message.content.toString('utf8'));
  } catch {
    throw new PermanentError('MALFORMED_MESSAGE', 'the message body is not JSON');
  }
  const validation = validateCanonicalEvent(value);
  if (!validation.ok) {
    const where = validation.issues
      .slice(0, 5)
      .map((issue) => `${issue.path} ${issue.message}`)
      .join('; ');
    throw new PermanentError(
      'CANONICAL_SCHEMA_VIOLATION',
      `the event does not match canonical schema v1: ${where}`,
    );
  }
  return validation.event;
}

export class VaultConsumer {
  private channel: ConfirmChannel | null = null;
  private readonly returned = new Set<string>();
  private consumerTag: string | null = null;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: VaultConsumerOptions) {}

  get consuming(): boolean {
    return this.channel !== null;
  }

  /** Called by the connection's setup on every (re)connect. */
  async attach(model: ChannelModel): Promise<void> {
    const channel = await model.createConfirmChannel();
    channel.on('error', (error: Error) =>
      this.options.logger.warn('consumer channel error', errorFields(error)),
    );
    channel.on('return', (message: ConsumeMessage) => {
      const id = message.properties.messageId as unknown;
      if (typeof id === 'string') this.returned.add(id);
    });
    channel.on('close', () => {
      if (this.channel !== channel) return;
      // Closed by the broker (a channel error), not by us: start over on a new connection, which
      // declares the topology again and consumes anew.
      this.channel = null;
      this.options.logger.warn('consumer channel closed unexpectedly; reconnecting');
      void model.close().catch(() => undefined);
    });
    await channel.prefetch(this.options.prefetch);
    const { consumerTag } = await channel.consume(
      this.options.topology.queues.apply.name,
      (message) => {
        if (message === null) {
          // The broker cancelled us (queue deleted or moved): start over on a new connection, which
          // declares the topology again and consumes anew.
          this.options.logger.warn('consumer cancelled by the broker; reconnecting');
          this.channel = null;
          void model.close().catch(() => undefined);
          return;
        }
        const work = this.handle(channel, message).catch((error: unknown) => {
          // Settling failed (the retry or dead-letter copy was not confirmed or not routable). The
          // delivery stays unacked; a new connection declares the topology again and gets it back.
          this.options.logger.error(
            'could not settle a delivery; reconnecting so it is delivered again',
            {
              ...errorFields(error),
              reason: (error as Error).message,
            },
          );
          if (this.channel === channel) {
            this.channel = null;
            void model.close().catch(() => undefined);
          }
        });
        this.inFlight.add(work);
        void work.finally(() => this.inFlight.delete(work));
      },
    );
    this.consumerTag = consumerTag;
    this.channel = channel;
  }

  /**
   * Stops taking deliveries, finishes the ones in hand (at most `timeoutMs`) and closes the channel,
   * so their acks reach the broker; anything still unacked goes back to the queue.
   */
  async close(timeoutMs: number): Promise<void> {
    const channel = this.channel;
    if (channel === null) return;
    if (this.consumerTag !== null) await channel.cancel(this.consumerTag).catch(() => undefined);
    await this.drain(timeoutMs);
    this.channel = null;
    await channel.close().catch(() => undefined);
  }

  /** Waits for the deliveries being handled (graceful shutdown), at most `timeoutMs`. */
  async drain(timeoutMs: number): Promise<void> {
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref());
    await Promise.race([Promise.allSettled([...this.inFlight]).then(() => undefined), timeout]);
  }

  private async handle(channel: ConfirmChannel, message: ConsumeMessage): Promise<void> {
    const headers = message.properties.headers as Record<string, unknown> | undefined;
    const messageId = String(message.properties.messageId ?? 'unknown');
    const correlationId = message.properties.correlationId as string | undefined;
    const log = this.options.logger.child({
      messageId,
      correlationId,
      routingKey: message.fields.routingKey,
    });
    let result: { ok: true; outcome: 'applied' | 'duplicate' } | { ok: false; error: unknown };
    try {
      const event = parseEvent(message);
      const outcome = await this.options.handler.apply(
        event,
        correlationId === undefined ? {} : { correlationId },
      );
      result = { ok: true, outcome };
    } catch (error) {
      result = { ok: false, error };
    }
    const decision = decide(
      result,
      headerNumber(headers, HEADER.attempts),
      this.options.maxAttempts,
    );
    if (decision.action === 'ack' && result.ok) {
      channel.ack(message);
      log.info('event applied', {
        outcome: result.outcome,
        eventType: message.properties.type as string | undefined,
      });
      this.options.onSettled?.({ messageId, action: result.outcome });
      return;
    }
    await this.settleFailure(channel, message, decision, result.ok ? undefined : result.error, log);
  }

  /** Retry later or dead-letter; the original is acked only after the copy is confirmed. */
  private async settleFailure(
    channel: ConfirmChannel,
    message: ConsumeMessage,
    decision: ConsumeDecision,
    error: unknown,
    log: Logger,
  ): Promise<void> {
    const messageId = String(message.properties.messageId ?? 'unknown');
    const reason = error instanceof GatewayError ? error.message : 'unexpected failure';
    if (decision.action === 'retry') {
      await this.republish(
        channel,
        message,
        this.options.topology.exchanges.retry.name,
        this.options.topology.retryRoutingKey(decision.attempt),
        {
          attempts: decision.attempt,
        },
      );
      channel.ack(message);
      log.warn('event failed; retrying later', {
        attempt: decision.attempt,
        ...errorFields(error),
      });
      this.options.onSettled?.({ messageId, action: 'retry' });
    } else if (decision.action === 'dead-letter') {
      await this.republish(
        channel,
        message,
        this.options.topology.exchanges.dead.name,
        message.fields.routingKey,
        {
          attempts: decision.attempts,
          code: decision.code,
          reason,
        },
      );
      channel.ack(message);
      log.warn('event dead-lettered', { code: decision.code, attempts: decision.attempts });
      this.options.onSettled?.({ messageId, action: 'dead-letter', code: decision.code });
    }
  }

  /** Republishes a copy with our own headers (never x-death) and waits for the broker's confirm. */
  private async republish(
    channel: ConfirmChannel,
    message: ConsumeMessage,
    exchange: string,
    routingKey: string,
    failure: { attempts: number; code?: string; reason?: string },
  ): Promise<void> {
    const previous = message.properties.headers as Record<string, unknown> | undefined;
    const now = new Date().toISOString();
    const headers: Record<string, string | number> = {
      [HEADER.attempts]: failure.attempts,
      [HEADER.firstFailure]: headerString(previous, HEADER.firstFailure) ?? now,
      [HEADER.lastFailure]: now,
      [HEADER.originalExchange]:
        headerString(previous, HEADER.originalExchange) ?? message.fields.exchange,
      [HEADER.originalRoutingKey]:
        headerString(previous, HEADER.originalRoutingKey) ?? message.fields.routingKey,
    };
    for (const name of [HEADER.connector, HEADER.employer, HEADER.schemaVersion]) {
      const value = headerString(previous, name);
      if (value !== undefined) headers[name] = value;
    }
    if (failure.code !== undefined) headers[HEADER.errorCode] = failure.code;
    if (failure.reason !== undefined) headers[HEADER.errorMessage] = failure.reason.slice(0, 500);
    const properties = message.properties as {
      messageId?: string;
      correlationId?: string;
      type?: string;
    };
    // Every copy carries an id, so a return can be matched to it: one without gets its content's hash.
    const id =
      properties.messageId ?? `no-id:${createHash('sha256').update(message.content).digest('hex')}`;
    const options: Options.Publish = {
      persistent: true,
      contentType: 'application/json',
      headers,
      messageId: id,
    };
    if (properties.correlationId !== undefined) options.correlationId = properties.correlationId;
    if (properties.type !== undefined) options.type = properties.type;
    // Mandatory: a copy no queue takes is returned (before its confirm), never silently dropped.
    options.mandatory = true;
    this.returned.delete(id);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no confirm for the copy to ${exchange}`)),
        this.options.confirmTimeoutMs ?? 10000,
      );
      channel.publish(exchange, routingKey, message.content, options, (error: unknown) => {
        clearTimeout(timer);
        if (error !== null && error !== undefined)
          reject(new Error(`the copy to ${exchange} was nacked`));
        else if (this.returned.delete(id))
          reject(new Error(`no queue took the copy to ${exchange}/${routingKey}`));
        else resolve();
      });
    });
  }
}

/** For tests and tools: a plain channel is enough to read a queue. */
export type ReadChannel = Channel;
