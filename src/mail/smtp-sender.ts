// Sends one e-mail over SMTP with nodemailer: one connection per mail, never more than the time
// limit, and on failure whether the message content had been handed over to the server (which
// decides whether the mail may have gone out; see classify-smtp-error.ts). The connection-level
// SMTPConnection is used rather than a transporter because only it lets us see that moment: the
// content is a stream that the connection reads only after the server answered DATA with 354.
import { Readable } from 'node:stream';

import MailComposer from 'nodemailer/lib/mail-composer';
import { parseConnectionUrl } from 'nodemailer/lib/shared';
import SMTPConnection from 'nodemailer/lib/smtp-connection';

export interface OutgoingMail {
  /** With the angle brackets: `<id@datakluis>`. */
  messageId: string;
  from: string;
  to: string;
  subject: string;
  text: string;
}

export type SendResult =
  { sent: true } | { sent: false; error: unknown; contentHandedOver: boolean };

export interface MailTransport {
  /** Never rejects: a failure is a result, with the moment it happened. */
  send(mail: OutgoingMail): Promise<SendResult>;
}

type Envelope = ReturnType<ReturnType<MailComposer['compile']>['getEnvelope']>;

function timeLimitError(): Error {
  return Object.assign(new Error('the send took longer than its time limit'), {
    code: 'ETIMEDOUT',
    timeoutType: 'SEND_TIME_LIMIT',
  });
}

/** The transport for an `smtp://` or `smtps://` URL (user and password in the URL log in). */
export class SmtpMailTransport implements MailTransport {
  private readonly options: SMTPConnection.Options;
  private readonly auth: SMTPConnection.AuthenticationType | undefined;

  constructor(
    url: string,
    /** A send is given up after this long, whatever it waits for (connect, a reply). */
    private readonly timeLimitMs: number,
  ) {
    const { auth, ...parsed } = parseConnectionUrl(url);
    this.auth = auth === undefined ? undefined : { user: auth.user, pass: auth.pass };
    this.options = {
      ...parsed,
      connectionTimeout: Math.min(30_000, timeLimitMs),
      greetingTimeout: Math.min(30_000, timeLimitMs),
      dnsTimeout: Math.min(30_000, timeLimitMs),
      socketTimeout: Math.min(120_000, timeLimitMs),
      // nodemailer's own logging would write addresses; ours writes ids.
      logger: false,
      debug: false,
      transactionLog: false,
    };
  }

  async send(mail: OutgoingMail): Promise<SendResult> {
    let raw: Buffer;
    let envelope: Envelope;
    try {
      const node = new MailComposer({
        from: mail.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        messageId: mail.messageId,
        // RFC 3834: no out-of-office replies to a confirmation.
        headers: { 'Auto-Submitted': 'auto-generated' },
      }).compile();
      raw = await node.build();
      envelope = node.getEnvelope();
    } catch (error) {
      return { sent: false, error, contentHandedOver: false };
    }
    return this.deliver(envelope, raw);
  }

  private deliver(envelope: Envelope, raw: Buffer): Promise<SendResult> {
    return new Promise((resolve) => {
      let handedOver = false;
      let settled = false;
      const connection = new SMTPConnection(this.options);
      const finish = (error?: unknown): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error === undefined) {
          connection.quit();
          resolve({ sent: true });
        } else {
          connection.close();
          resolve({ sent: false, error, contentHandedOver: handedOver });
        }
      };
      const timer = setTimeout(() => finish(timeLimitError()), this.timeLimitMs);
      // Kept after the end too: a late socket error must not become an unhandled 'error' event.
      connection.on('error', (error) => finish(error));
      const content = new Readable({
        read() {
          handedOver = true;
          this.push(raw);
          this.push(null);
        },
      });
      const send = (): void =>
        connection.send(envelope, content, (error) => finish(error ?? undefined));
      connection.connect((error) => {
        if (error !== undefined) return finish(error);
        if (settled) return;
        if (this.auth === undefined || !connection.allowsAuth) return send();
        connection.login(this.auth, (loginError) => (loginError ? finish(loginError) : send()));
      });
    });
  }
}
