// Consumes canonical events from the work queue and applies them to the vault. Acks only after the
// vault transaction committed; a transient failure is republished (confirmed) to a delayed retry
// queue with our own attempt counter, a permanent one to the dead-letter exchange with its reason,
// and only then is the original acked. If that republish fails the delivery stays unacked and comes
// back after reconnect: nothing is lost.
import { createHash } from 'node:crypto';

import type { ChannelModel, ConfirmChannel, ConsumeMessage, Options } from 'amqplib';

import type { CanonicalEvent } from '../canonical/generated/canonical-event';
import { GatewayError, errorCode } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { errorFields } from '../shared/logger';
import { decide } from './consumer-decision';
import type { ConsumeDecision } from './consumer-decision';
import { HEADER, failureHeaders, headerNumber, headerString } from './headers';
import { parseEvent } from './parse-event';
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
  /**
   * Answers when the database can be reached again. With it, a DATABASE_UNAVAILABLE failure pauses
   * consumption instead of using up the delivery's retries.
   */
  databaseProbe?: () => Promise<void>;
  /** Back-off between database checks while paused (default 0.5 s doubling to 30 s, jittered). */
  pauseBackoff?: { initialMs: number; maxMs: number };
  /** Told about every settled delivery (the demo and tests wait on this). */
  onSettled?: (outcome: {
    messageId: string;
    action: 'applied' | 'duplicate' | 'retry' | 'dead-letter';
    code?: string;
  }) => void;
}

type ApplyResult = { ok: true; outcome: 'applied' | 'duplicate' } | { ok: false; error: unknown };

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms).unref());

export class VaultConsumer {
  private channel: ConfirmChannel | null = null;
  private readonly returned = new Set<string>();
  private consumerTag: string | null = null;
  private model: ChannelModel | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  /** Set while the database cannot be reached: deliveries in hand wait for it, none are taken. */
  private databaseDown: Promise<void> | null = null;
  private stopping = false;
  /** Back-off of the next database check; cleared by the next applied event. */
  private pauseDelayMs: number | null = null;

  constructor(private readonly options: VaultConsumerOptions) {}

  get consuming(): boolean {
    return this.channel !== null;
  }

  /** Consumption is paused because the database cannot be reached. */
  get paused(): boolean {
    return this.databaseDown !== null;
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
    this.channel = channel;
    this.model = model;
    this.consumerTag = null; // a tag belongs to the channel it was given on
    // After a reconnect during an outage, taking deliveries only to hold them would count against
    // the queue's delivery limit each time the connection goes: wait for the database first.
    if (await this.databaseAnswers()) await this.consume(channel, model);
    else this.databaseDown ??= this.pauseUntilDatabaseIsBack();
  }

  /** True without a probe (nothing to wait for); false when the probe fails. */
  private async databaseAnswers(): Promise<boolean> {
    const probe = this.options.databaseProbe;
    if (probe === undefined) return true;
    try {
      await probe();
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Whether a failed apply means the database is away: said so (DATABASE_UNAVAILABLE), or another
   * database failure (a timeout, P2028) while the probe does not answer either — a database that
   * hangs instead of refusing looks like that.
   */
  private async databaseIsAway(error: unknown): Promise<boolean> {
    if (this.options.databaseProbe === undefined) return false;
    const code = errorCode(error);
    if (code === 'DATABASE_UNAVAILABLE') return true;
    return code === 'DATABASE_BUSY' && !(await this.databaseAnswers());
  }

  /** Starts (or resumes) consuming on `channel`; every delivery's promise is caught and tracked. */
  private async consume(channel: ConfirmChannel, model: ChannelModel): Promise<void> {
    const { consumerTag } = await channel.consume(
      this.options.topology.queues.apply.name,
      (message) => {
        if (message === null) {
          // The broker cancelled us (queue deleted or moved): start over on a new connection, which
          // declares the topology again and consumes anew.
          this.options.logger.warn('consumer cancelled by the broker; reconnecting');
          this.restart(channel, model);
          return;
        }
        const work = this.handle(channel, message).catch((error: unknown) => {
          // Settling failed (the retry or dead-letter copy was not confirmed or not routable). The
          // delivery stays unacked; a new connection declares the topology again and gets it back.
          this.options.logger.error(
            'could not settle a delivery; reconnecting so it is delivered again',
            { ...errorFields(error), reason: (error as Error).message },
          );
          this.restart(channel, model);
        });
        this.inFlight.add(work);
        void work.finally(() => this.inFlight.delete(work));
      },
    );
    this.consumerTag = consumerTag;
  }

  /** Gives up `channel` (its unacked deliveries return to the queue) and reconnects. */
  private restart(channel: ConfirmChannel, model: ChannelModel): void {
    if (this.channel !== channel) return;
    this.channel = null;
    this.consumerTag = null;
    void model.close().catch(() => undefined);
  }

  /**
   * Stops taking deliveries, finishes the ones in hand (at most `timeoutMs`) and closes the channel,
   * so their acks reach the broker; anything still unacked goes back to the queue.
   */
  async close(timeoutMs: number): Promise<void> {
    this.stopping = true;
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
      // A retried delivery comes back from its retry queue: name where it was first sent.
      routingKey: headerString(headers, HEADER.originalRoutingKey) ?? message.fields.routingKey,
    });
    const result = await this.tryApply(channel, message, correlationId);
    if (result === 'abandoned') return;
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

  /**
   * Applies the delivery's event. While the database cannot be reached the attempt is not counted:
   * the delivery waits (unacked) for the database and is tried again. 'abandoned' when its channel
   * went away meanwhile (the broker has put it back in the queue).
   */
  private async tryApply(
    channel: ConfirmChannel,
    message: ConsumeMessage,
    correlationId: string | undefined,
  ): Promise<ApplyResult | 'abandoned'> {
    let event: CanonicalEvent;
    try {
      event = parseEvent(message);
    } catch (error) {
      return { ok: false, error };
    }
    for (;;) {
      try {
        const outcome = await this.options.handler.apply(
          event,
          correlationId === undefined ? {} : { correlationId },
        );
        this.pauseDelayMs = null;
        return { ok: true, outcome };
      } catch (error) {
        if (!(await this.databaseIsAway(error))) return { ok: false, error };
        this.databaseDown ??= this.pauseUntilDatabaseIsBack();
        await this.databaseDown;
        if (this.channel !== channel || this.stopping) return 'abandoned';
      }
    }
  }

  /**
   * RabbitMQ's advice for a dependency that is down: stop consuming (no retries burnt, nothing
   * dead-lettered for an outage), check back with back-off, and consume again once it answers.
   */
  private async pauseUntilDatabaseIsBack(): Promise<void> {
    const probe = this.options.databaseProbe;
    const log = this.options.logger;
    log.warn('database unreachable; consumption paused until it answers again');
    const tag = this.consumerTag;
    this.consumerTag = null;
    if (tag !== null) await this.channel?.cancel(tag).catch(() => undefined);
    const { initialMs, maxMs } = this.options.pauseBackoff ?? { initialMs: 500, maxMs: 30000 };
    // The delay carries over to the next pause until an event is applied again: a database that
    // answers the probe but still fails every event (a table missing) is checked ever less often.
    for (let delay = this.pauseDelayMs ?? initialMs; ; delay = Math.min(delay * 2, maxMs)) {
      this.pauseDelayMs = Math.min(delay * 2, maxMs);
      await sleep(delay / 2 + Math.random() * (delay / 2));
      if (this.stopping || probe === undefined) break;
      try {
        await probe();
      } catch {
        log.warn('database still unreachable', { nextCheckMs: this.pauseDelayMs });
        continue;
      }
      // Whatever channel is current now (the connection may have been replaced meanwhile): consume
      // there. Without a channel, the next (re)connect consumes, since the database answers.
      if (this.channel !== null && this.model !== null && this.consumerTag === null) {
        await this.consume(this.channel, this.model);
        log.info('database answers again; consumption resumed');
      }
      break;
    }
    this.databaseDown = null;
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
    const headers = failureHeaders(message, failure);
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
