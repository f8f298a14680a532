// One AMQP connection that comes back by itself: on loss it reconnects with exponential back-off and
// jitter and runs `setup` again (topology, channels, consumers), because amqplib's channels, consumer
// tags and delivery tags do not survive a reconnect. Publishers and consumers each get their own
// connection, so a blocked publisher never stalls consumption.
import { connect } from 'amqplib';
import type { ChannelModel } from 'amqplib';

import type { Logger } from '../shared/logger';
import { errorFields } from '../shared/logger';

export interface BrokerConnectionOptions {
  url: string;
  /** Shown in the RabbitMQ management UI. */
  name: string;
  logger: Logger;
  /** Runs after every successful (re)connect; a failure closes the connection and retries. */
  setup: (model: ChannelModel) => Promise<void>;
  /** Called when the connection is lost (pending work must fail over, not wait). */
  onLost?: () => void;
  /**
   * Runs in stop() before the connection closes: close channels here. Closing a connection right
   * after an ack can lose the ack (seen with RabbitMQ 3.10); a closed channel has flushed it.
   */
  teardown?: () => Promise<void>;
  maxDelayMs?: number;
}

/** Heartbeats on (30 s) unless the URL sets them: a dead peer is then noticed within a minute. */
function withHeartbeat(url: string): string {
  const parsed = new URL(url);
  if (!parsed.searchParams.has('heartbeat')) parsed.searchParams.set('heartbeat', '30');
  return parsed.toString();
}

/**
 * Drops a connection that did not close politely: destroys its socket and stops its heartbeat
 * timers. amqplib clears those only when the close completes, and a close under way (ours) ignores
 * the socket's end, so without this they would keep the process alive.
 */
function dropConnection(model: ChannelModel): void {
  const connection = (
    model as unknown as {
      connection?: { stream?: { destroy(): void }; heartbeater?: { clear(): void } };
    }
  ).connection;
  connection?.stream?.destroy();
  connection?.heartbeater?.clear();
}

export class BrokerConnection {
  private model: ChannelModel | null = null;
  private stopped = false;
  private attempt = 0;
  private timer: NodeJS.Timeout | null = null;
  private blockedReason: string | null = null;

  constructor(private readonly options: BrokerConnectionOptions) {}

  /** Connected and set up. */
  get ready(): boolean {
    return this.model !== null;
  }

  /** Set while the broker refuses publishes (memory or disk alarm). */
  get blocked(): string | null {
    return this.blockedReason;
  }

  /** Connects once; rejects when the broker cannot be reached (callers decide whether to go on). */
  async start(): Promise<void> {
    await this.connectOnce();
  }

  /** Connects in the background, retrying until it works (for long-running processes). */
  startInBackground(): void {
    this.connectOnce().catch((error: unknown) => {
      this.logFailure('broker connection failed; retrying', error);
      this.scheduleReconnect();
    });
  }

  /** Broker and client error texts name queues and codes, never message content: log them. */
  private logFailure(message: string, error: unknown): void {
    this.options.logger.warn(message, {
      connection: this.options.name,
      attempt: this.attempt,
      ...errorFields(error),
      reason: error instanceof Error ? error.message : String(error),
    });
  }

  /**
   * Closes channels (teardown) and the connection, within `deadlineMs`: a broker that blocks us
   * (resource alarm) stops reading our socket, so a polite close can wait forever. After the
   * deadline the socket is destroyed; unacked deliveries return to their queue either way.
   */
  async stop(deadlineMs = 5_000): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    const model = this.model;
    this.model = null;
    if (model === null) return;
    const polite = (async () => {
      await this.options.teardown?.().catch(() => undefined);
      await model.close().catch(() => undefined);
    })();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((resolve) => {
      timer = setTimeout(() => resolve('deadline'), deadlineMs);
    });
    if ((await Promise.race([polite, deadline])) === 'deadline') {
      this.options.logger.warn('broker did not close in time; dropping the connection', {
        connection: this.options.name,
      });
      dropConnection(model);
    }
    clearTimeout(timer);
  }

  private async connectOnce(): Promise<void> {
    const model = await connect(withHeartbeat(this.options.url), {
      clientProperties: { connection_name: this.options.name },
    });
    model.on('error', (error: Error) =>
      this.options.logger.warn('broker connection error', errorFields(error)),
    );
    model.on('blocked', (reason: string) => {
      this.blockedReason = reason;
      this.options.logger.warn('broker blocked publishing', { reason });
    });
    model.on('unblocked', () => {
      this.blockedReason = null;
      this.options.logger.info('broker unblocked publishing');
    });
    model.on('close', () => this.handleClose(model));
    try {
      await this.options.setup(model);
    } catch (error) {
      await model.close().catch(() => undefined);
      throw error;
    }
    this.model = model;
    this.attempt = 0;
    this.options.logger.info('broker connected', { connection: this.options.name });
  }

  private handleClose(model: ChannelModel): void {
    if (this.model !== model && this.model !== null) return;
    this.model = null;
    this.blockedReason = null;
    this.options.onLost?.();
    if (this.stopped) return;
    this.options.logger.warn('broker connection lost; reconnecting', {
      connection: this.options.name,
    });
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.timer !== null) return;
    this.attempt += 1;
    const base = Math.min(this.options.maxDelayMs ?? 15000, 250 * 2 ** Math.min(this.attempt, 10));
    const delay = base / 2 + Math.random() * (base / 2);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.connectOnce().catch((error: unknown) => {
        this.logFailure('broker reconnect failed', error);
        this.scheduleReconnect();
      });
    }, delay);
    this.timer.unref();
  }
}
