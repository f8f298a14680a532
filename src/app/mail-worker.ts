// Wires the e-mail delivery worker from the configuration: SMTP transport, outbox, fault hook.
import type { GatewayConfig } from '../config/env';
import type { Database } from '../db/prisma-client';
import { MailDeliveryWorker } from '../mail/mail-delivery.worker';
import { SmtpMailTransport } from '../mail/smtp-sender';
import type { Logger } from '../shared/logger';
import { mailSendFault } from './fault-injection';

export interface RunningMailWorker {
  /** Stops polling and waits for the mail in hand (bounded). */
  stop(): Promise<void>;
  /** Asks for a delivery pass now, e.g. after a transaction that enqueued a mail committed. */
  kick(): void;
}

/**
 * A send is given up well within the lease, so a mail SENDING past its lease certainly belongs to
 * a worker that died (and its expiry can never race a live send).
 */
export function sendTimeLimitMs(config: GatewayConfig): number {
  return Math.min(300_000, Math.floor(config.mailSendingLeaseMs / 2));
}

export function startMailWorker(
  config: GatewayConfig,
  logger: Logger,
  db: Database,
  options: { pollIntervalMs?: number } = {},
): RunningMailWorker {
  const log = logger.child({ component: 'mail-worker' });
  const afterSend = mailSendFault(process.env.DATAKLUIS_FAULTS, log);
  const worker = new MailDeliveryWorker({
    db,
    logger: log,
    transport:
      config.smtpUrl === '' ? null : new SmtpMailTransport(config.smtpUrl, sendTimeLimitMs(config)),
    from: config.mailFrom,
    pollIntervalMs: options.pollIntervalMs ?? 5000,
    retryBaseMs: config.mailRetryBaseMs,
    maxAttempts: config.mailMaxAttempts,
    sendingLeaseMs: config.mailSendingLeaseMs,
    ...(afterSend === undefined ? {} : { afterSend }),
  });
  worker.start();
  return { stop: () => worker.stop(), kick: () => worker.kick() };
}
