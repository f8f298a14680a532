// The whole activation path: an employer user accepts the processing agreement through the vault
// API, and the e-mail worker of the consumer process delivers the confirmation over real SMTP to the
// legal representative — once.
import { randomBytes } from 'node:crypto';

import { expect } from 'chai';

import { startMailWorker } from '../../src/app/mail-worker';
import type { RunningMailWorker } from '../../src/app/mail-worker';
import type { Database } from '../../src/db/prisma-client';
import { createLogger } from '../../src/shared/logger';
import { waitUntil } from '../helpers/gateway';
import {
  createEmployer,
  getTestEnvironment,
  testConfig,
  uniqueEmployerId,
} from '../helpers/test-environment';
import { bodyOf, headersOf, TestSmtp } from '../helpers/test-smtp';
import { makeUser, startVaultApiForTest } from '../helpers/vault-api';
import type { RunningVaultApi } from '../helpers/vault-api';

describe('agreement acceptance to confirmation e-mail (API, outbox, worker, SMTP)', () => {
  let db: Database;
  let api: RunningVaultApi;
  const smtp = new TestSmtp();
  let worker: RunningMailWorker;

  before(async () => {
    ({ db } = await getTestEnvironment());
    api = await startVaultApiForTest(db);
    await smtp.listen();
    const config = testConfig({
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Datakluis <no-reply@datakluis.test>',
    });
    worker = startMailWorker(config, createLogger({ level: 'error', console: false }), db, {
      pollIntervalMs: 100,
    });
  });
  after(async () => {
    await worker.stop();
    await smtp.close();
    await api.stop();
  });

  it('delivers one confirmation to the legal representative, naming employer, version and acceptor', async () => {
    const employerId = uniqueEmployerId('mail');
    await createEmployer(db, employerId, false);
    const user = await makeUser(db, { kind: 'EMPLOYER_USER', employerId });
    const address = `rep-${randomBytes(4).toString('hex')}@werkgever.example.nl`;
    const version = (await db.agreementVersion.findFirstOrThrow({ orderBy: { version: 'desc' } }))
      .version;
    const accept = () =>
      api.client.call('POST', '/v1/employers/{employerId}/agreement/acceptances', {
        token: user.token,
        params: { employerId },
        body: { version, representative: { name: 'Joost van den Berg', email: address } },
      });
    expect((await accept()).status).to.equal(201);
    await waitUntil(() => Promise.resolve(smtp.recipients.includes(address)), 15_000);
    // Accepting again, and a few more worker passes, must not send it a second time.
    expect((await accept()).status).to.equal(200);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const mine = smtp.accepted.filter((mail) => headersOf(mail.raw).to?.includes(address));
    expect(mine).to.have.length(1);
    const headers = headersOf(mine[0]!.raw);
    expect(headers.from).to.include('no-reply@datakluis.test');
    const body = bodyOf(mine[0]!.raw);
    expect(body)
      .to.include(`Test ${employerId}`)
      .and.include('Joost van den Berg')
      .and.include(`Test ${user.login}`);
    const row = await db.mailOutboxMessage.findFirstOrThrow({ where: { employerId } });
    expect(row.status).to.equal('SENT');
    expect(headers['message-id']).to.equal(`<${row.id}@datakluis>`);
  });
});
