// Every way a sender can get it wrong: the documented status, a stable code, problem+json, and
// nothing published. The app runs with the real registry, credential store and database; its
// publisher records what it was asked to publish.
import type { Server } from 'node:http';

import { expect } from 'chai';

import { connectorModules } from '../../connectors';
import { buildRegistry } from '../../src/connector-runtime/registry';
import { CredentialStore } from '../../src/credentials/connector-credentials';
import { createDatabase } from '../../src/db/prisma-client';
import type { Database } from '../../src/db/prisma-client';
import { createApp } from '../../src/ingress/create-app';
import type { AppDeps } from '../../src/ingress/create-app';
import { ConfirmPublisher } from '../../src/messaging/publisher';
import type { EventPublisher, OutgoingMessage } from '../../src/messaging/publisher';
import { createLogger } from '../../src/shared/logger';
import { MemoryTransport } from '../helpers/log-capture';
import { createEmployer, getTestEnvironment, uniqueEmployerId } from '../helpers/test-environment';

class RecordingPublisher implements EventPublisher {
  readonly published: OutgoingMessage[] = [];
  ready = true;
  publish(messages: readonly OutgoingMessage[]): Promise<void> {
    this.published.push(...messages);
    return Promise.resolve();
  }
}

const SIVI_REPORT = `<?xml version="1.0" encoding="UTF-8"?>
<Verzuimmeldingen xmlns="http://www.sivi.org/Verzuimmanagement/Verzuimmeldingen/2022">
  <BrAlg><BrCd>00100</BrCd><VnrBrCd>00010</VnrBrCd><AandatBr>2026-11-16</AandatBr><AantijdBr>08:12:31</AantijdBr><Berrefnr>R-1</Berrefnr></BrAlg>
  <Wrkgvr><Wrknmr><IdWrknmr>1042</IdWrknmr><Dnstvbnd><IdDnstvbnd>1042-1</IdDnstvbnd>
    <Vrzm><VrwrkCd>01</VrwrkCd><IngdatMutVrzm>2026-11-16</IngdatMutVrzm><VrzmgvlId>VZ-1</VrzmgvlId><VrzmgvlVnrMld>1</VrzmgvlVnrMld><EndVrzmJN>N</EndVrzmJN><DatEerstVrzmdg>2026-11-16</DatEerstVrzmdg><PrcVrzm>100.00</PrcVrzm></Vrzm>
  </Dnstvbnd></Wrknmr></Wrkgvr>
</Verzuimmeldingen>`;

/** Serves an ingress app on a free port for one test; `close` stops it. */
async function serve(deps: AppDeps): Promise<{ url: string; close: () => Promise<void> }> {
  const server = await new Promise<Server>((resolve) => {
    const s = createApp(deps).listen(0, '127.0.0.1', () => resolve(s));
  });
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('ingress: refusals (problem+json, nothing published)', function () {
  this.timeout(30000);
  let db: Database;
  let server: Server;
  let base: string;
  const publisher = new RecordingPublisher();
  const logs = new MemoryTransport();
  let siviToken: string;
  let csvToken: string;
  let employer: string;

  before(async () => {
    ({ db } = await getTestEnvironment());
    employer = uniqueEmployerId('ingress');
    await createEmployer(db, employer);
    const store = new CredentialStore(db);
    siviToken = (await store.create({ employerId: employer, connectorId: 'sivi-verzuim' })).token;
    csvToken = (await store.create({ employerId: employer, connectorId: 'csv' })).token;
    const app = createApp({
      logger: createLogger({ console: false, transports: [logs] }),
      registry: buildRegistry(connectorModules),
      credentials: store,
      publisher,
      exchange: 'test-exchange',
      retryAfterSeconds: 7,
      isReady: () => ({ ready: true }),
    });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  });
  after(
    () =>
      new Promise<void>((resolve) =>
        server === undefined ? resolve() : server.close(() => resolve()),
      ),
  );
  beforeEach(() => {
    publisher.published.length = 0;
  });

  /** A good message to `url` is answered 503 with Retry-After and `code`: refused, never accepted. */
  async function expectUnavailable(url: string, code: string): Promise<void> {
    const response = await fetch(`${url}/v1/connectors/sivi-verzuim/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${siviToken}`, 'content-type': 'application/xml' },
      body: SIVI_REPORT,
    });
    expect(response.status).to.equal(503);
    expect(response.headers.get('retry-after')).to.equal('7');
    expect(((await response.json()) as { code: string }).code).to.equal(code);
  }

  async function send(options: {
    path?: string;
    token?: string | null;
    contentType?: string | null;
    body?: string | Buffer;
    headers?: Record<string, string>;
  }) {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== null) headers.authorization = `Bearer ${options.token ?? siviToken}`;
    if (options.contentType !== null)
      headers['content-type'] = options.contentType ?? 'application/xml';
    const response = await fetch(
      `${base}${options.path ?? '/v1/connectors/sivi-verzuim/messages'}`,
      { method: 'POST', headers, body: options.body ?? SIVI_REPORT },
    );
    const text = await response.text();
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      retryAfter: response.headers.get('retry-after'),
      body: JSON.parse(text) as {
        code?: string;
        status?: number;
        type?: string;
        issues?: { code: string; path: string }[];
        correlationId?: string;
        events?: unknown[];
      },
    };
  }

  function expectProblem(
    result: Awaited<ReturnType<typeof send>>,
    status: number,
    code: string,
  ): void {
    expect(result.status, JSON.stringify(result.body)).to.equal(status);
    expect(result.type).to.match(/^application\/problem\+json/);
    expect(result.body).to.include({ status, code });
    expect(result.body.type).to.match(/^https:\/\/docs\.datakluis\.nl\/problems\//);
    expect(publisher.published).to.have.length(0);
  }

  it('accepts a good message (the baseline for everything below)', async () => {
    const result = await send({ headers: { 'x-correlation-id': 'abc-123' } });
    expect(result.status).to.equal(202);
    expect(result.body.correlationId).to.equal('abc-123');
    expect(publisher.published.map((m) => m.routingKey)).to.deep.equal([
      'sivi-verzuim.absence.reported',
      'sivi-verzuim.employee.upserted',
    ]);
    expect(publisher.published.every((m) => m.correlationId === 'abc-123')).to.equal(true);
  });

  it('401 without a credential, with a malformed one and with an unknown one — all alike', async () => {
    expectProblem(await send({ token: null }), 401, 'UNAUTHENTICATED');
    expectProblem(await send({ token: 'not-a-token' }), 401, 'UNAUTHENTICATED');
    const forged = siviToken.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expectProblem(await send({ token: forged }), 401, 'UNAUTHENTICATED');
  });

  it('401 for a revoked credential', async () => {
    const store = new CredentialStore(db);
    const { credentialId, token } = await store.create({
      employerId: employer,
      connectorId: 'sivi-verzuim',
    });
    await db.connectorCredential.update({
      where: { id: credentialId },
      data: { revokedAt: new Date() },
    });
    expectProblem(await send({ token }), 401, 'UNAUTHENTICATED');
  });

  it("403 with another connector's credential, and when the message claims another employer", async () => {
    expectProblem(await send({ token: csvToken }), 403, 'CREDENTIAL_NOT_FOR_CONNECTOR');
    expectProblem(
      await send({ headers: { 'x-datakluis-employer': 'someone-else' } }),
      403,
      'EMPLOYER_MISMATCH',
    );
  });

  it("binds events to the credential's employer, whatever the message says", async () => {
    const other = uniqueEmployerId('other');
    await createEmployer(db, other);
    const token = (
      await new CredentialStore(db).create({ employerId: other, connectorId: 'sivi-verzuim' })
    ).token;
    expect((await send({ token })).status).to.equal(202);
    expect(
      publisher.published.map(
        (m) => (JSON.parse(m.body.toString()) as { employerid: string }).employerid,
      ),
    ).to.deep.equal([other, other]);
  });

  it('404 for an unknown connector (only after authentication) and for an unknown path', async () => {
    expectProblem(
      await send({ path: '/v1/connectors/no-such/messages' }),
      404,
      'UNKNOWN_CONNECTOR',
    );
    expectProblem(
      await send({ path: '/v1/connectors/no-such/messages', token: 'x' }),
      401,
      'UNAUTHENTICATED',
    );
    expectProblem(await send({ path: '/v2/anything' }), 404, 'NOT_FOUND');
  });

  it('415 for a missing or wrong content type and for a charset other than UTF-8', async () => {
    expectProblem(await send({ contentType: null }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectProblem(await send({ contentType: 'application/json' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectProblem(
      await send({ contentType: 'application/xml; charset=iso-8859-1' }),
      415,
      'UNSUPPORTED_CHARSET',
    );
    expect((await send({ contentType: 'text/xml; charset=UTF-8' })).status).to.equal(202);
  });

  it('413 for a body over the connector limit, before it is parsed', async () => {
    expectProblem(
      await send({ body: Buffer.alloc(1024 * 1024 + 1, 0x20) }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
  });

  it('400 for an empty body, bytes that are not UTF-8, and XML that is not well-formed', async () => {
    expectProblem(await send({ body: '' }), 400, 'EMPTY_BODY');
    expectProblem(
      await send({ body: Buffer.from([0x3c, 0x61, 0xff, 0xfe, 0x3e]) }),
      400,
      'INVALID_ENCODING',
    );
    const result = await send({ body: '<Verzuimmeldingen><BrAlg>' });
    expectProblem(result, 400, 'MALFORMED_PAYLOAD');
  });

  it('422 for a message the adapter rejects, with every problem and its path, no values', async () => {
    const bad = SIVI_REPORT.replace(
      '<PrcVrzm>100.00</PrcVrzm>',
      '<PrcVrzm>101.00</PrcVrzm>',
    ).replace(
      '<DatEerstVrzmdg>2026-11-16</DatEerstVrzmdg>',
      '<DatEerstVrzmdg>2026-02-30</DatEerstVrzmdg>',
    );
    const result = await send({ body: bad });
    expectProblem(result, 422, 'INVALID_DATE');
    expect(result.body.issues).to.deep.equal([
      {
        code: 'INVALID_DATE',
        path: '/Verzuimmeldingen/Wrkgvr/0/Wrknmr/0/Dnstvbnd/0/Vrzm/0/DatEerstVrzmdg',
        detail: 'no such day in the calendar',
      },
      {
        code: 'PERCENTAGE_OUT_OF_RANGE',
        path: '/Verzuimmeldingen/Wrkgvr/0/Wrknmr/0/Dnstvbnd/0/Vrzm/0/PrcVrzm',
        detail: 'must be between 0 and 100',
      },
    ]);
    expect(JSON.stringify(result.body)).not.to.contain('101');
  });

  it('503 with Retry-After when the broker cannot take the message, never 2xx', async () => {
    const disconnected = new ConfirmPublisher({
      timeoutMs: 1000,
      logger: createLogger({ console: false }),
      isBlocked: () => null,
    });
    const { url, close } = await serve({
      logger: createLogger({ console: false }),
      registry: buildRegistry(connectorModules),
      credentials: new CredentialStore(db),
      publisher: disconnected,
      exchange: 'x',
      retryAfterSeconds: 7,
      isReady: () => ({ ready: disconnected.ready, reason: 'not connected to the message broker' }),
    });
    try {
      await expectUnavailable(url, 'BROKER_UNAVAILABLE');
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).to.equal(503);
      expect(await ready.json()).to.deep.equal({
        status: 'not-ready',
        reason: 'not connected to the message broker',
      });
    } finally {
      await close();
    }
  });

  it('400 when the bytes do not match their Content-Encoding; 415 for a charset written with spaces', async () => {
    expectProblem(
      await send({ body: 'not gzip at all', headers: { 'content-encoding': 'gzip' } }),
      400,
      'UNREADABLE_BODY',
    );
    expectProblem(
      await send({ contentType: 'application/xml; charset = latin1' }),
      415,
      'UNSUPPORTED_CHARSET',
    );
  });

  it('lists at most 100 issues however bad the file, and says how many there were', async () => {
    const header =
      'mutatie_id;tijdstip;personeelsnummer;soort;verzuim_id;eerste_ziektedag;percentage';
    const rows = Array.from(
      { length: 150 },
      (_, i) => `M-${i};2026-11-16T08:00:00+01:00;1042;ZIEKMELDING;VZ-${i};2026-11-16;101`,
    );
    const result = await send({
      token: csvToken,
      path: '/v1/connectors/csv/messages',
      contentType: 'text/csv',
      body: [header, ...rows].join('\n'),
    });
    expectProblem(result, 422, 'PERCENTAGE_OUT_OF_RANGE');
    expect(result.body.issues).to.have.length(100);
    expect((result.body as { detail?: string }).detail).to.match(
      /^150 problems in the message; the first 100 are listed/,
    );
  });

  it('503 with Retry-After when credentials cannot be checked (database unreachable), not 500', async () => {
    const unreachable = createDatabase({
      url: 'postgresql://postgres@127.0.0.1:5999/postgres',
      schema: 'x',
      poolSize: 1,
    });
    const { url, close } = await serve({
      logger: createLogger({ console: false }),
      registry: buildRegistry(connectorModules),
      credentials: new CredentialStore(unreachable),
      publisher,
      exchange: 'x',
      retryAfterSeconds: 7,
      isReady: () => ({ ready: true }),
    });
    try {
      await expectUnavailable(url, 'TEMPORARILY_UNAVAILABLE');
    } finally {
      await close();
      await unreachable.$disconnect();
    }
  });

  it('logs refusals with their code and never with the message', () => {
    const text = logs.lines.join('\n');
    expect(text).to.contain('UNAUTHENTICATED');
    for (const leaked of ['VZ-1', '1042', 'Verzuimmeldingen', siviToken])
      expect(text).not.to.contain(leaked);
  });
});
