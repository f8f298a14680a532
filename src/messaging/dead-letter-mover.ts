// Moves what lands on the dead-letter queue into a store (PostgreSQL, through a sink the app
// wires), where support staff can look at it, replay it or discard it. A delivery is acked only
// after the sink has stored it. While the store is away the delivery stays in hand, unacked (no
// requeue: on a quorum queue every requeue counts against its delivery limit, and a dead-letter
// queue has nowhere further to send a message), consumption pauses, and the store is tried again
// with back-off. Nothing is dropped, and nothing spins.
import { createHash } from 'node:crypto';

import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';

import type { CanonicalEvent } from '../canonical/generated/canonical-event';
import { validateCanonicalEvent } from '../canonical/validate-canonical';
import { errorCode, isRetryable } from '../shared/errors';
import type { Logger } from '../shared/logger';
import type { DeadLetterRecord as SharedDeadLetterRecord } from '../shared/dead-letter-record';
import { errorFields } from '../shared/logger';
import { HEADER, headerNumber, headerString } from './headers';
import type { Topology } from './topology';

export type DeadLetterRecord = SharedDeadLetterRecord<CanonicalEvent>;

/** Where dead letters go. `store` is idempotent per message id and failure (a redelivery is harmless). */
export interface DeadLetterSink {
  store(record: DeadLetterRecord): Promise<void>;
}

export interface DeadLetterMoverOptions {
  topology: Topology;
  sink: DeadLetterSink;
  logger: Logger;
  /** The logical name of a broker exchange; undefined when it is not one of ours. */
  logicalExchange: (brokerName: string) => string | undefined;
  /** Unacknowledged dead letters in hand (default 20). */
  prefetch?: number;
  /**
   * Whether a failed store means the store is away (pause and wait for it). Default: the error
   * says it is worth retrying (`retryable`, as DATABASE_UNAVAILABLE and DATABASE_BUSY do).
   */
  isStoreAway?: (error: unknown) => boolean;
  /** Back-off between store attempts (default 0.5 s doubling to 30 s, jittered). */
  backoff?: { initialMs: number; maxMs: number };
  /** Told about every dead letter stored (tests wait on this). */
  onStored?: (record: DeadLetterRecord) => void;
}

/** After this many failures that do not say "away", the body is stored as raw bytes instead. */
const FAILURES_BEFORE_RAW = 3;

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms).unref());

function firstDeath(headers: Record<string, unknown> | undefined): Record<string, unknown> | null {
  const deaths = headers?.['x-death'];
  if (!Array.isArray(deaths) || deaths.length === 0) return null;
  const first: unknown = deaths[0];
  return typeof first === 'object' && first !== null ? (first as Record<string, unknown>) : null;
}

function asString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return undefined;
}

function failureTime(headers: Record<string, unknown> | undefined, name: string): Date | null {
  const text = headerString(headers, name);
  if (text === undefined) return null;
  const time = new Date(text);
  return Number.isNaN(time.getTime()) ? null : time;
}

/** The body as a canonical event when it is one (valid v1, and storable as JSONB), else raw bytes. */
function rawPayload(message: ConsumeMessage): DeadLetterRecord['payload'] {
  const contentType = message.properties.contentType as unknown;
  return {
    kind: 'raw',
    bytes: message.content,
    contentType: typeof contentType === 'string' ? contentType : null,
  };
}

function payloadOf(message: ConsumeMessage): DeadLetterRecord['payload'] {
  const raw = rawPayload(message);
  const text = message.content.toString('utf8');
  // PostgreSQL's JSONB cannot hold \u0000: such a body is kept as the bytes it came as.
  if (text.includes('\\u0000')) return raw;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return raw;
  }
  const validation = validateCanonicalEvent(value);
  return validation.ok ? { kind: 'canonical', event: validation.event } : raw;
}

/**
 * What the delivery says about its failure: our own headers (the consumer's dead-lettering), else
 * the broker's `x-death` (its delivery limit dead-lettered the message: no reason header).
 */
export function deadLetterRecordOf(
  message: ConsumeMessage,
  logicalExchange: (brokerName: string) => string | undefined,
  now: Date = new Date(),
): DeadLetterRecord {
  const headers = message.properties.headers as Record<string, unknown> | undefined;
  const death = firstDeath(headers);
  const deathKeys = death?.['routing-keys'];
  const exchange =
    headerString(headers, HEADER.originalExchange) ??
    asString(death?.exchange) ??
    message.fields.exchange;
  const routingKey =
    headerString(headers, HEADER.originalRoutingKey) ??
    (Array.isArray(deathKeys) ? asString(deathKeys[0]) : undefined) ??
    message.fields.routingKey;
  const payload = payloadOf(message);
  const event = payload.kind === 'canonical' ? payload.event : null;
  const properties = message.properties as { messageId?: unknown; type?: unknown };
  const lastFailedAt = failureTime(headers, HEADER.lastFailure) ?? now;
  return storable({
    messageId:
      typeof properties.messageId === 'string' && properties.messageId !== ''
        ? properties.messageId
        : `no-id:${createHash('sha256').update(message.content).digest('hex')}`,
    originalExchange: logicalExchange(exchange) ?? exchange,
    originalRoutingKey: routingKey,
    connectorId:
      headerString(headers, HEADER.connector) ??
      event?.source.replace(/^\/connectors\//, '') ??
      null,
    // The event's own employer decides whose it is (and who may see it), not a header.
    employerId: event?.employerid ?? headerString(headers, HEADER.employer) ?? null,
    eventType:
      (typeof properties.type === 'string' && properties.type !== '' ? properties.type : null) ??
      event?.type ??
      null,
    errorCode: headerString(headers, HEADER.errorCode) ?? 'BROKER_DELIVERY_LIMIT',
    errorMessage: headerString(headers, HEADER.errorMessage) ?? null,
    attempts: headerNumber(headers, HEADER.attempts) || headerNumber(headers, 'x-delivery-count'),
    firstFailedAt: failureTime(headers, HEADER.firstFailure) ?? lastFailedAt,
    lastFailedAt,
    payload,
  });
}

// eslint-disable-next-line no-control-regex -- PostgreSQL text cannot hold NUL
const NUL = /\u0000/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const MAX_INT = 2_147_483_647;

/** Text PostgreSQL takes: no NUL, no lone surrogate, bounded (headers come from anyone). */
function text(value: string, max = 1000): string {
  return value.replace(NUL, '').replace(LONE_SURROGATE, '\uFFFD').slice(0, max);
}

/**
 * The record with metadata PostgreSQL can store whatever the headers held, so one odd dead letter
 * can never stop the mover: a row PostgreSQL refuses would be tried for ever.
 */
function storable(record: DeadLetterRecord): DeadLetterRecord {
  const optional = (value: string | null, max?: number): string | null =>
    value === null ? null : text(value, max);
  return {
    ...record,
    messageId: text(record.messageId, 300),
    originalExchange: text(record.originalExchange, 300),
    originalRoutingKey: text(record.originalRoutingKey, 300),
    connectorId: optional(record.connectorId, 100),
    employerId: optional(record.employerId, 100),
    eventType: optional(record.eventType, 200),
    errorCode: text(record.errorCode, 100) || 'UNKNOWN',
    errorMessage: optional(record.errorMessage),
    attempts: Math.min(Math.max(record.attempts, 0), MAX_INT),
  };
}

export class DeadLetterMover {
  private channel: Channel | null = null;
  private model: ChannelModel | null = null;
  private consumerTag: string | null = null;
  private stopping = false;
  /** Stores run one after the other: the mover never takes more than one database connection. */
  private queue: Promise<void> = Promise.resolve();
  private readonly inFlight = new Set<Promise<void>>();
  /** Set while the store is away: consumption is cancelled until a store succeeds again. */
  private paused = false;
  private delayMs: number | null = null;

  constructor(private readonly options: DeadLetterMoverOptions) {}

  get consuming(): boolean {
    return this.consumerTag !== null;
  }

  /** Consumption is paused because the store is away. */
  get isPaused(): boolean {
    return this.paused;
  }

  /** Called by the connection's setup on every (re)connect. */
  async attach(model: ChannelModel): Promise<void> {
    const channel = await model.createChannel();
    channel.on('error', (error: Error) =>
      this.options.logger.warn('dead-letter channel error', errorFields(error)),
    );
    channel.on('close', () => {
      if (this.channel !== channel) return;
      this.channel = null;
      this.consumerTag = null;
      this.options.logger.warn('dead-letter channel closed unexpectedly; reconnecting');
      void model.close().catch(() => undefined);
    });
    await channel.prefetch(this.options.prefetch ?? 20);
    this.channel = channel;
    this.model = model;
    this.consumerTag = null;
    this.paused = false;
    await this.consume(channel, model);
  }

  private async consume(channel: Channel, model: ChannelModel): Promise<void> {
    const { consumerTag } = await channel.consume(
      this.options.topology.queues.dead.name,
      (message) => {
        if (message === null) {
          this.options.logger.warn('dead-letter consumer cancelled by the broker; reconnecting');
          this.restart(channel, model);
          return;
        }
        const work = this.enqueue(channel, message);
        this.inFlight.add(work);
        void work.finally(() => this.inFlight.delete(work));
      },
    );
    this.consumerTag = consumerTag;
  }

  private restart(channel: Channel, model: ChannelModel): void {
    if (this.channel !== channel) return;
    this.channel = null;
    this.consumerTag = null;
    void model.close().catch(() => undefined);
  }

  private enqueue(channel: Channel, message: ConsumeMessage): Promise<void> {
    const work = this.queue.then(() => this.handle(channel, message));
    this.queue = work.catch(() => undefined);
    return work.catch((error: unknown) => {
      this.options.logger.error('could not handle a dead letter; it stays on the queue', {
        ...errorFields(error),
      });
    });
  }

  /** Stores the delivery, then acks it; keeps trying (unacked) while the store fails. */
  private async handle(channel: Channel, message: ConsumeMessage): Promise<void> {
    let record = deadLetterRecordOf(message, this.options.logicalExchange);
    const log = this.options.logger.child({ messageId: record.messageId });
    let otherFailures = 0;
    for (;;) {
      if (this.channel !== channel || this.stopping) return; // it goes back to the queue
      try {
        await this.options.sink.store(record);
        break;
      } catch (error) {
        const away = (this.options.isStoreAway ?? isRetryable)(error);
        if (away) await this.pause(log, error);
        else {
          otherFailures += 1;
          log.error('could not store a dead letter; trying again later', {
            ...errorFields(error),
            failures: otherFailures,
          });
          if (otherFailures >= FAILURES_BEFORE_RAW && record.payload.kind === 'canonical')
            record = { ...record, payload: rawPayload(message) };
        }
        await this.backOff();
      }
    }
    if (this.channel !== channel) return; // stored; the redelivery finds it there already
    channel.ack(message);
    this.delayMs = null;
    await this.resume(log);
    log.info('dead letter stored', { code: record.errorCode, attempts: record.attempts });
    this.options.onStored?.(record);
  }

  /** Stops taking deliveries until a store works again (the ones in hand wait, unacked). */
  private async pause(log: Logger, error: unknown): Promise<void> {
    if (this.paused) return;
    this.paused = true;
    log.warn('dead-letter store unreachable; moving paused until it answers again', {
      errorCode: errorCode(error),
    });
    const tag = this.consumerTag;
    this.consumerTag = null;
    if (tag !== null) await this.channel?.cancel(tag).catch(() => undefined);
  }

  private async resume(log: Logger): Promise<void> {
    if (!this.paused) return;
    this.paused = false;
    if (
      this.channel !== null &&
      this.model !== null &&
      this.consumerTag === null &&
      !this.stopping
    ) {
      const { channel, model } = this;
      try {
        await this.consume(channel, model);
      } catch (error) {
        // The channel is going away: a new connection consumes anew.
        log.warn('could not resume moving dead letters; reconnecting', errorFields(error));
        this.restart(channel, model);
        return;
      }
      log.info('dead-letter store answers again; moving resumed');
    }
  }

  private async backOff(): Promise<void> {
    const { initialMs, maxMs } = this.options.backoff ?? { initialMs: 500, maxMs: 30_000 };
    const delay = this.delayMs ?? initialMs;
    this.delayMs = Math.min(delay * 2, maxMs);
    await sleep(delay / 2 + Math.random() * (delay / 2));
  }

  /**
   * Stops taking deliveries, waits for the one being stored (at most `timeoutMs`) and closes the
   * channel; anything still unacked returns to the queue.
   */
  async close(timeoutMs: number): Promise<void> {
    this.stopping = true;
    const channel = this.channel;
    if (channel === null) return;
    if (this.consumerTag !== null) await channel.cancel(this.consumerTag).catch(() => undefined);
    this.consumerTag = null;
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref());
    await Promise.race([Promise.allSettled([...this.inFlight]).then(() => undefined), timeout]);
    this.channel = null;
    await channel.close().catch(() => undefined);
  }
}
