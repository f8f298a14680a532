// Delivers the e-mail outbox: claims one due mail at a time (its own committed transaction), sends
// it over SMTP, records the outcome. Never sends a mail twice on its own: whatever may have gone out
// (an error after the content was handed over, a worker that died mid-send) becomes UNCERTAIN and
// waits for an operator. Never drops one either: everything else is retried or FAILED, visibly.
// Replicas share the outbox safely (the claim skips rows another worker is claiming). Logs carry
// the mail id, kind, status, attempt and error code; never the recipient, subject or body.
import type { Database } from '../db/prisma-client';
import type { Logger } from '../shared/logger';
import { errorFields } from '../shared/logger';
import { PeriodicPass } from '../shared/periodic-pass';
import type { PassResult } from '../shared/periodic-pass';
import { classifySmtpError, retryDelayMs } from './classify-smtp-error';
import type { ClaimedMail } from './mail-outbox.repository';
import {
  claimDue,
  expireStaleSending,
  markFailed,
  markRetry,
  markSent,
  markUncertain,
} from './mail-outbox.repository';
import type { MailTransport } from './smtp-sender';

export interface MailDeliveryOptions {
  db: Database;
  logger: Logger;
  /** null: delivery is off (no SMTP_URL); mails stay PENDING until a worker with a transport runs. */
  transport: MailTransport | null;
  from: string;
  pollIntervalMs: number;
  retryBaseMs: number;
  maxAttempts: number;
  sendingLeaseMs: number;
  /** Mails per pass before the worker yields (it goes on at once when more are due). Default 10. */
  batchSize?: number;
  /** Runs after a send succeeded, before it is recorded (fault injection: a crash right there). */
  afterSend?: (mailId: string) => void;
}

/** The stable Message-ID of a mail, so an operator finds it in the mail server's log. */
export function messageIdOf(mailId: string): string {
  return `<${mailId}@datakluis>`;
}

export class MailDeliveryWorker {
  private readonly loop: PeriodicPass;

  constructor(private readonly options: MailDeliveryOptions) {
    this.loop = new PeriodicPass({
      intervalMs: options.pollIntervalMs,
      pass: () => this.pass(),
      logger: options.logger,
      failureMessage: 'mail delivery pass failed; trying again later',
    });
  }

  start(): void {
    if (this.options.transport === null) {
      this.options.logger.warn(
        'e-mail delivery is off (SMTP_URL is empty): mails wait in the outbox until it is set',
      );
      return;
    }
    this.loop.start();
    this.kick();
  }

  /** Stops polling and waits for the mail in hand, at most `deadlineMs`. */
  async stop(deadlineMs = 10_000): Promise<void> {
    await this.loop.stop(deadlineMs);
  }

  /** Asks for a delivery pass now (e.g. right after a transaction that enqueued a mail). */
  kick(): void {
    if (this.options.transport === null) return;
    this.loop.kick();
  }

  private async pass(): Promise<PassResult> {
    const { db, logger, sendingLeaseMs } = this.options;
    for (const stale of await expireStaleSending(db, sendingLeaseMs))
      logger.warn('mail left SENDING by a stopped worker is UNCERTAIN: an operator resolves it', {
        mailId: stale.id,
        kind: stale.kind,
        attempt: stale.attempts,
        status: 'UNCERTAIN',
      });
    const batch = this.options.batchSize ?? 10;
    for (let handled = 0; handled < batch; handled += 1) {
      if (this.loop.isStopped) return 'done';
      const mail = await claimDue(db);
      if (mail === null) return 'done';
      await this.deliver(mail);
    }
    return 'more';
  }

  private async deliver(mail: ClaimedMail): Promise<void> {
    const { transport, afterSend } = this.options;
    if (transport === null) throw new Error('a mail was claimed without a transport');
    const result = await transport.send({
      messageId: messageIdOf(mail.id),
      from: this.options.from,
      to: mail.recipient,
      subject: mail.subject,
      text: mail.bodyText,
    });
    if (result.sent) {
      afterSend?.(mail.id);
      await this.recordSent(mail);
      return;
    }
    await this.recordFailure(mail, result.error, result.contentHandedOver);
  }

  /** A few tries: each one that fails leaves a sent mail to turn UNCERTAIN at the lease. */
  private async recordSent(mail: ClaimedMail): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const recorded = await markSent(this.options.db, mail);
        // Not recorded: an operator resolved it or it was claimed again meanwhile (after a lease).
        this.log(mail, 'SENT', recorded ? 'info' : 'warn', recorded ? {} : { recorded });
        return;
      } catch (error) {
        if (attempt >= 3) {
          this.options.logger.error('mail sent but not recorded; it will become UNCERTAIN', {
            mailId: mail.id,
            kind: mail.kind,
            attempt: mail.attempts,
            ...errorFields(error),
          });
          throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));
      }
    }
  }

  private async recordFailure(
    mail: ClaimedMail,
    error: unknown,
    contentHandedOver: boolean,
  ): Promise<void> {
    const { db, maxAttempts, retryBaseMs } = this.options;
    const { outcome, reason } = classifySmtpError(error, contentHandedOver);
    switch (outcome) {
      case 'uncertain':
        await markUncertain(db, mail, reason);
        this.log(mail, 'UNCERTAIN', 'warn', { errorCode: reason });
        return;
      case 'failed':
        await markFailed(db, mail, reason);
        this.log(mail, 'FAILED', 'warn', { errorCode: reason });
        return;
      case 'retry': {
        if (mail.attempts >= maxAttempts) {
          await markFailed(db, mail, `${reason}; attempts exhausted`);
          this.log(mail, 'FAILED', 'warn', { errorCode: reason, attemptsExhausted: true });
          return;
        }
        const delayMs = retryDelayMs(mail.attempts, retryBaseMs);
        await markRetry(db, mail, delayMs, reason);
        this.log(mail, 'PENDING', 'info', { errorCode: reason, nextTryMs: delayMs });
        return;
      }
    }
  }

  private log(
    mail: ClaimedMail,
    status: 'SENT' | 'PENDING' | 'FAILED' | 'UNCERTAIN',
    level: 'info' | 'warn',
    fields: Record<string, unknown> = {},
  ): void {
    this.options.logger[level](`mail ${status}`, {
      mailId: mail.id,
      kind: mail.kind,
      status,
      attempt: mail.attempts,
      ...fields,
    });
  }
}
