// A real SMTP server (smtp-server) in the test process, over TCP: it records what it accepted and
// answers as a test says, and decodes what arrived so tests can read it.
import type { AddressInfo } from 'node:net';

import { SMTPServer } from 'smtp-server';
import type { SMTPServerDataStream, SMTPServerSession } from 'smtp-server';

export type ContentAnswer = 'accept' | 'drop' | { code: number; text: string };

export interface Received {
  messageId: string;
  raw: string;
  at: number;
}

/** A real SMTP server on a free port; it records what it accepted, and answers as a test says. */
export class TestSmtp {
  readonly accepted: Received[] = [];
  /** Contents that arrived but were refused or cut off. */
  readonly turnedAway: Received[] = [];
  readonly recipients: string[] = [];
  answerContent: (messageId: string) => ContentAnswer = () => 'accept';
  refuseRecipient: (address: string) => number | null = () => null;
  port = 0;
  private readonly server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth: (auth, _session, callback) =>
      auth.username === 'mailer' && auth.password === 's3cret'
        ? callback(null, { user: 'mailer' })
        : callback(new Error('invalid login')),
    onRcptTo: (address, _session, callback) => {
      this.recipients.push(address.address);
      const code = this.refuseRecipient(address.address);
      callback(
        code === null ? null : Object.assign(new Error('no such user'), { responseCode: code }),
      );
    },
    onData: (stream, session, callback) => this.receive(stream, session, callback),
  });

  get url(): string {
    return `smtp://mailer:s3cret@127.0.0.1:${this.port}`;
  }

  async listen(port = 0): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  copiesOf(mailId: string): number {
    return this.accepted.filter((m) => m.messageId === `<${mailId}@datakluis>`).length;
  }

  private receive(
    stream: SMTPServerDataStream,
    session: SMTPServerSession,
    callback: (error?: Error | null) => void,
  ): void {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      const raw = Buffer.concat(chunks).toString('latin1');
      const received = { raw, at: Date.now(), messageId: headersOf(raw)['message-id'] ?? '' };
      const answer = this.answerContent(received.messageId);
      if (answer === 'accept') {
        this.accepted.push(received);
        // A little time per mail, so that competing workers really overlap.
        setTimeout(() => callback(), 5);
        return;
      }
      this.turnedAway.push(received);
      if (answer === 'drop') {
        // The content arrived, the answer never does: the client cannot know what happened.
        for (const connection of this.server.connections)
          if (connection.id === session.id) connection._socket.destroy();
        return;
      }
      callback(Object.assign(new Error(answer.text), { responseCode: answer.code }));
    });
  }
}

/** Header fields (lower-case names), unfolded, with RFC 2047 encoded words decoded. */
export function headersOf(raw: string): Record<string, string> {
  const head = raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  const fields: Record<string, string> = {};
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0)
      fields[line.slice(0, colon).toLowerCase()] = decodeWords(line.slice(colon + 1).trim());
  }
  return fields;
}

function decodeWords(value: string): string {
  const bytes = value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?utf-8\?([qb])\?([^?]*)\?=/gi, (_, encoding: string, text: string) =>
      encoding.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('latin1')
        : text
            .replace(/_/g, ' ')
            .replace(/=([0-9a-f]{2})/gi, (__, hex: string) =>
              String.fromCharCode(parseInt(hex, 16)),
            ),
    );
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

export function bodyOf(raw: string): string {
  const body = raw
    .split(/\r?\n\r?\n/)
    .slice(1)
    .join('\n\n');
  const bytes = body
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8').replace(/\r\n/g, '\n');
}
