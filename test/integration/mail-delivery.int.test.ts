// The e-mail outbox against the real PostgreSQL and a real SMTP server (smtp-server, in this
// process, over TCP): a mail is delivered once; refused for now, it is retried after a back-off;
// refused for good, it FAILS; when it may have gone out (the connection dropped after the content,
// the worker killed between send and mark) it is UNCERTAIN and never sent again by itself.
//
// The mails live in a schema of their own: a worker takes every due mail of its schema, and other
// suites of the same run leave mails in the shared one.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { expect } from 'chai';

import { startMailWorker } from '../../src/app/mail-worker';
import { databaseFor } from '../../src/app/wiring';
import { runMail } from '../../src/cli/mail.command';
import type { GatewayConfig } from '../../src/config/env';
import { dropSchema, migrate } from '../../src/db/migrate';
import type { Database } from '../../src/db/prisma-client';
import { agreementConfirmationMail } from '../../src/mail/agreement-confirmation.mail';
import { MailDeliveryWorker } from '../../src/mail/mail-delivery.worker';
import type { MailDeliveryOptions } from '../../src/mail/mail-delivery.worker';
import { enqueueMail } from '../../src/mail/mail-outbox.repository';
import type { MailStatus } from '../../src/mail/mail-outbox.repository';
import { SmtpMailTransport } from '../../src/mail/smtp-sender';
import { createLogger } from '../../src/shared/logger';
import { MemoryTransport } from '../helpers/log-capture';
import { bodyOf, headersOf, TestSmtp } from '../helpers/test-smtp';
import { getTestEnvironment, testConfig, uniqueEmployerId } from '../helpers/test-environment';

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** Runs a CLI command against this suite's schema, with what it printed. */
async function cli(config: GatewayConfig, args: string[]): Promise<{ code: number; out: string }> {
  const saved = { schema: process.env.DATABASE_SCHEMA, log: console.log, error: console.error };
  const out: string[] = [];
  process.env.DATABASE_SCHEMA = config.databaseSchema;
  console.log = (...parts: unknown[]) => out.push(parts.join(' '));
  console.error = (...parts: unknown[]) => out.push(parts.join(' '));
  try {
    return { code: await runMail(args), out: out.join('\n') };
  } finally {
    if (saved.schema === undefined) delete process.env.DATABASE_SCHEMA;
    else process.env.DATABASE_SCHEMA = saved.schema;
    console.log = saved.log;
    console.error = saved.error;
  }
}

describe('e-mail outbox delivery (real PostgreSQL, real SMTP server)', function () {
  this.timeout(30_000);
  const logs = new MemoryTransport();
  const logger = createLogger({ console: false, transports: [logs], level: 'debug' });
  const workers: { stop(deadlineMs?: number): Promise<void> }[] = [];
  const recipients: string[] = [];
  let config: GatewayConfig;
  let db: Database;
  let smtp: TestSmtp;

  before(async () => {
    const { config: shared } = await getTestEnvironment();
    config = testConfig({ DATABASE_SCHEMA: `${shared.databaseSchema}_mail` });
    await migrate({ url: config.databaseUrl, schema: config.databaseSchema });
    db = databaseFor(config, 5);
    smtp = new TestSmtp();
    await smtp.listen();
  });

  after(async () => {
    await db?.$disconnect();
    if (config !== undefined)
      await dropSchema({ url: config.databaseUrl, schema: config.databaseSchema });
    await smtp?.close();
  });

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.stop(2000)));
    smtp.answerContent = () => 'accept';
    smtp.refuseRecipient = () => null;
  });

  function worker(options: Partial<MailDeliveryOptions> = {}, url = smtp.url): MailDeliveryWorker {
    const started = new MailDeliveryWorker({
      db,
      logger,
      transport: new SmtpMailTransport(url, 5000),
      from: 'Datakluis <no-reply@datakluis.local>',
      pollIntervalMs: 50,
      retryBaseMs: 100,
      maxAttempts: 5,
      sendingLeaseMs: 60_000,
      ...options,
    });
    started.start();
    workers.push(started);
    return started;
  }

  async function enqueue(recipient = `rep-${recipients.length}@werkgever.example.nl`) {
    recipients.push(recipient);
    return db.$transaction((tx) =>
      enqueueMail(tx, {
        employerId: uniqueEmployerId('mail'),
        kind: 'agreement-confirmation',
        recipient,
        subject: `Bevestiging voor ${recipient}`,
        bodyText: `Beste vertegenwoordiger ${recipients.length}, de datakluis is actief.`,
      }),
    );
  }

  const row = (id: string) => db.mailOutboxMessage.findUniqueOrThrow({ where: { id } });
  const reaches = (id: string, status: MailStatus, timeoutMs?: number) =>
    waitFor(
      `mail ${id} to be ${status}`,
      async () => {
        const current = await row(id);
        return current.status === status ? current : undefined;
      },
      timeoutMs,
    );

  it('delivers a mail written in a transaction once, with its Message-ID, subject and body', async () => {
    const mail = agreementConfirmationMail({
      employerName: 'Bakkerij Zoet B.V.',
      agreementVersion: '2026-1',
      agreementTitle: 'Verwerkersovereenkomst datakluis',
      acceptedAt: new Date('2026-12-03T17:24:00Z'),
      representativeName: 'Anna de Wit',
      acceptedBy: 'Piet Bakker',
      firstAcceptance: true,
    });
    const recipient = 'anna.de.wit@bakkerij-zoet.example.nl';
    recipients.push(recipient, 'rolled-back@example.nl');
    const id = await db.$transaction((tx) =>
      enqueueMail(tx, {
        employerId: uniqueEmployerId('zoet'),
        kind: 'agreement-confirmation',
        recipient,
        subject: mail.subject,
        bodyText: mail.text,
      }),
    );
    // A mail written in a transaction that rolls back does not exist, so it is never sent.
    const rolledBack = await db
      .$transaction(async (tx) => {
        await enqueueMail(tx, {
          employerId: 'x',
          kind: 'agreement-confirmation',
          recipient: 'rolled-back@example.nl',
          subject: 's',
          bodyText: 'b',
        });
        throw new Error('rolled back');
      })
      .catch(() => 'rolled back');
    expect(rolledBack).to.equal('rolled back');

    worker();
    const sent = await reaches(id, 'SENT');
    expect(sent).to.include({ attempts: 1, lastError: null });
    expect(sent.sentAt).to.be.instanceOf(Date);
    expect(smtp.copiesOf(id)).to.equal(1);
    expect(smtp.recipients).to.not.include('rolled-back@example.nl');

    const received = smtp.accepted.find((m) => m.messageId === `<${id}@datakluis>`)!;
    const headers = headersOf(received.raw);
    expect(headers).to.include({
      'message-id': `<${id}@datakluis>`,
      from: 'Datakluis <no-reply@datakluis.local>',
      to: recipient,
      subject: mail.subject,
      'auto-submitted': 'auto-generated',
    });
    const body = bodyOf(received.raw);
    expect(body.trimEnd()).to.equal(mail.text.trimEnd());
    expect(body).to.contain('Beste Anna de Wit,');
    expect(body).to.contain('Overeenkomst:      Verwerkersovereenkomst datakluis');
    expect(body).to.contain('Versie:            2026-1');
    expect(body).to.contain('3 december 2026 om 18:24 (Nederlandse tijd)');
    expect(body).to.contain('Geaccepteerd door: Piet Bakker');
    expect(body).to.contain('3 December 2026 at 18:24 (Dutch time)');
    expect(body.indexOf('Beste')).to.be.lessThan(body.indexOf('Dear'));
  });

  it('retries a mail the server refuses for now (451) after a back-off, and delivers it once', async () => {
    const id = await enqueue();
    let refusals = 0;
    smtp.answerContent = (messageId) =>
      messageId === `<${id}@datakluis>` && refusals++ === 0
        ? { code: 451, text: 'try again later' }
        : 'accept';
    worker({ retryBaseMs: 400 });
    const waiting = await waitFor('the refusal to be recorded', async () => {
      const current = await row(id);
      return current.lastError !== null ? current : undefined;
    });
    expect(waiting).to.include({ status: 'PENDING', attempts: 1 });
    expect(waiting.lastError).to.equal('EMESSAGE DATA 451 (after the content)');
    expect(waiting.nextAttemptAt.getTime() - waiting.claimedAt!.getTime()).to.be.within(190, 2000);

    const sent = await reaches(id, 'SENT');
    expect(sent.attempts).to.equal(2);
    expect(smtp.copiesOf(id)).to.equal(1);
    const refused = smtp.turnedAway.find((m) => m.messageId === `<${id}@datakluis>`)!;
    const delivered = smtp.accepted.find((m) => m.messageId === `<${id}@datakluis>`)!;
    expect(delivered.at - refused.at).to.be.at.least(190);
  });

  it('fails a mail whose recipient the server refuses for good (550), without retrying it', async () => {
    const id = await enqueue('does-not-exist@werkgever.example.nl');
    smtp.refuseRecipient = (address) =>
      address === 'does-not-exist@werkgever.example.nl' ? 550 : null;
    worker();
    const failed = await reaches(id, 'FAILED');
    expect(failed).to.include({
      attempts: 1,
      lastError: 'EENVELOPE RCPT TO 550 (before the content)',
    });
    await sleep(400); // several polls and far beyond a back-off
    expect((await row(id)).status).to.equal('FAILED');
    expect(
      smtp.recipients.filter((r) => r === 'does-not-exist@werkgever.example.nl'),
    ).to.have.length(1);
    expect(smtp.copiesOf(id)).to.equal(0);
  });

  it('keeps a mail while the SMTP server is down, and delivers it once it is up', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const late = new TestSmtp();
    try {
      const id = await enqueue();
      worker({ retryBaseMs: 200 }, `smtp://127.0.0.1:${port}`);
      const waiting = await waitFor('a refused connection to be recorded', async () => {
        const current = await row(id);
        return current.lastError !== null ? current : undefined;
      });
      expect(waiting.status).to.equal('PENDING');
      expect(waiting.lastError).to.equal('ESOCKET CONN ECONNREFUSED (before the content)');
      await late.listen(port);
      const sent = await reaches(id, 'SENT');
      expect(sent.attempts).to.be.at.least(2);
      expect(late.copiesOf(id)).to.equal(1);
    } finally {
      await late.close();
    }
  });

  it('leaves a mail UNCERTAIN when the connection drops after its content, and never resends it', async () => {
    const id = await enqueue();
    smtp.answerContent = (messageId) => (messageId === `<${id}@datakluis>` ? 'drop' : 'accept');
    worker();
    const uncertain = await reaches(id, 'UNCERTAIN');
    expect(uncertain.lastError).to.equal('ECONNECTION CONN (after the content)');
    await sleep(400);
    expect((await row(id)).status).to.equal('UNCERTAIN');
    expect(smtp.turnedAway.filter((m) => m.messageId === `<${id}@datakluis>`)).to.have.length(1);

    // The operator finds it in the mail server's log: it did arrive.
    const resolved = await cli(config, ['resolve', id, '--sent']);
    expect(resolved.code).to.equal(0);
    const sent = await row(id);
    expect(sent.status).to.equal('SENT');
    expect(sent.sentAt!.getTime()).to.equal(sent.claimedAt!.getTime());
    expect((await cli(config, ['resolve', id, '--resend'])).code).to.equal(1);
  });

  it('sends every mail exactly once with two workers on the same outbox', async () => {
    const second = databaseFor(config, 3);
    try {
      const ids: string[] = [];
      for (let i = 0; i < 24; i += 1) ids.push(await enqueue());
      worker({ logger: logger.child({ worker: 'one' }) });
      worker({ db: second, logger: logger.child({ worker: 'two' }) });
      await waitFor('every mail to be SENT', async () => {
        const sent = await db.mailOutboxMessage.count({
          where: { id: { in: ids }, status: 'SENT' },
        });
        return sent === ids.length ? true : undefined;
      });
      expect(ids.map((id) => smtp.copiesOf(id))).to.deep.equal(ids.map(() => 1));
      const attempts = await db.mailOutboxMessage.findMany({
        where: { id: { in: ids } },
        select: { attempts: true },
      });
      expect(attempts.every((a) => a.attempts === 1)).to.equal(true);
      // Both took part (the claim skips what the other is claiming; it does not wait for it).
      for (const name of ['one', 'two'])
        expect(
          logs.lines.filter((line) => line.includes('"mail SENT"') && line.includes(`"${name}"`)),
        ).to.not.have.length(0);
    } finally {
      await Promise.all(workers.splice(0).map((w) => w.stop(2000)));
      await second.$disconnect();
    }
  });

  it('delivers a mail once even when the worker crashes between send and mark', async () => {
    const id = await enqueue();
    const child = spawn(
      process.execPath,
      ['-r', 'tsx/cjs', 'test/helpers/mail-worker-process.ts'],
      {
        cwd: path.resolve(__dirname, '../..'),
        env: {
          ...process.env,
          DATABASE_URL: config.databaseUrl,
          DATABASE_SCHEMA: config.databaseSchema,
          SMTP_URL: smtp.url,
          DATAKLUIS_FAULTS: 'crash-after-mail-send:1',
          LOG_LEVEL: 'error',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
    expect({ code, signal }, stderr).to.deep.equal({ code: null, signal: 'SIGKILL' });
    expect(smtp.copiesOf(id)).to.equal(1);
    expect(await row(id)).to.include({ status: 'SENDING', attempts: 1 });

    // A new worker finds it past the lease: it may have gone out (it did), so it is not sent again.
    worker({ sendingLeaseMs: 1000 });
    const uncertain = await reaches(id, 'UNCERTAIN', 5000);
    expect(uncertain.lastError).to.match(/^LEASE_EXPIRED/);
    await sleep(400);
    expect((await row(id)).status).to.equal('UNCERTAIN');
    expect(smtp.copiesOf(id)).to.equal(1);

    const listed = await cli(config, ['list', '--status', 'uncertain']);
    expect(listed.code).to.equal(0);
    expect(listed.out).to.contain(id).and.contain('LEASE_EXPIRED');
    for (const recipient of recipients) expect(listed.out).to.not.contain(recipient);

    // An operator who finds no trace of it in the mail server's log sends it again, on purpose.
    expect((await cli(config, ['resolve', id, '--resend'])).code).to.equal(0);
    const resent = await reaches(id, 'SENT');
    expect(resent.attempts).to.equal(1);
    expect(smtp.copiesOf(id)).to.equal(2);
  });

  it('leaves mails PENDING, never lost, while SMTP_URL is empty', async () => {
    const id = await enqueue();
    const running = startMailWorker(
      testConfig({ DATABASE_SCHEMA: config.databaseSchema, SMTP_URL: '' }),
      logger,
      db,
      { pollIntervalMs: 50 },
    );
    workers.push(running);
    running.kick();
    await sleep(300);
    expect(await row(id)).to.include({ status: 'PENDING', attempts: 0 });
    expect(logs.lines.filter((line) => line.includes('SMTP_URL is empty'))).to.have.length(1);
    await db.mailOutboxMessage.delete({ where: { id } });
  });

  it('never logs a recipient, subject or body', () => {
    expect(logs.lines.length).to.be.greaterThan(10);
    const text = logs.lines.join('\n');
    for (const recipient of recipients) expect(text).to.not.contain(recipient);
    expect(text).to.not.contain('Bevestiging').and.not.contain('Anna de Wit');
    expect(text).to.not.contain('vertegenwoordiger');
  });
});
