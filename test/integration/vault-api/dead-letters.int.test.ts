// The support tooling's HTTP API with the real dead-letter service on the real database: only
// support staff, only the dead letters of the employers they serve (another employer's are not
// listed, not counted and answer 404), payloads redacted unless an elevated user reveals one with a
// reason, a reason for every discard, and every answer checked against the contract by the client.
// Replays go to a recording republisher here; the e2e test (support-page) publishes to a broker.
import { randomUUID } from 'node:crypto';

import { expect } from 'chai';

import { VAULT_API_DOCUMENT } from '../../../src/api/contract';
import type { Database } from '../../../src/db/prisma-client';
import type {
  DeadLetterDetail,
  DeadLetterPage,
  DeadLetterStats,
} from '../../../src/support/dead-letter.types';
import {
  createEmployer,
  getTestEnvironment,
  uniqueEmployerId,
} from '../../helpers/test-environment';
import {
  employeeEvent,
  PERSON,
  PERSONAL_VALUES,
  RecordingRepublisher,
  seedDeadLetter,
} from '../../helpers/support-dead-letters';
import type { SeedInput } from '../../helpers/support-dead-letters';
import { activeVault, makeUser, startVaultApiForTest } from '../../helpers/vault-api';
import type { ApiAnswer, RunningVaultApi, TestUser } from '../../helpers/vault-api';

const LIST = '/v1/support/dead-letters';
const STATS = '/v1/support/dead-letters/stats';
const BULK = '/v1/support/dead-letters/bulk-replay';
const ONE = '/v1/support/dead-letters/{deadLetterId}';
const REVEAL = `${ONE}/reveal`;
const REPLAY = `${ONE}/replay`;
const EDIT = `${ONE}/edit`;
const DISCARD = `${ONE}/discard`;

type Method = 'GET' | 'POST';
interface SupportRequest {
  method: Method;
  template: string;
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
}

/** Every documented operation under /v1/support, so an operation added there is checked too. */
const SUPPORT_OPERATIONS = Object.entries(
  (VAULT_API_DOCUMENT as { paths: Record<string, Record<string, unknown>> }).paths,
)
  .filter(([template]) => template.startsWith('/v1/support/'))
  .flatMap(([template, item]) =>
    Object.keys(item)
      .filter((method) => ['get', 'post', 'put', 'delete', 'patch'].includes(method))
      .map((method) => `${method.toUpperCase()} ${template}`),
  );

/** A request for each support operation, about the dead letter `id` of employer `employerId`. */
function requestFor(operation: string, id: string, employerId: string): SupportRequest {
  const params = { deadLetterId: id };
  const reason = { reason: 'ticket SUP-1234: looking into it' };
  const requests: Record<string, SupportRequest> = {
    [`GET ${LIST}`]: { method: 'GET', template: LIST, query: { employerId } },
    [`GET ${STATS}`]: { method: 'GET', template: STATS },
    [`POST ${BULK}`]: {
      method: 'POST',
      template: BULK,
      body: { filter: { employerId }, dryRun: true },
    },
    [`GET ${ONE}`]: { method: 'GET', template: ONE, params },
    [`POST ${REVEAL}`]: { method: 'POST', template: REVEAL, params, body: reason },
    [`POST ${REPLAY}`]: { method: 'POST', template: REPLAY, params },
    [`POST ${EDIT}`]: {
      method: 'POST',
      template: EDIT,
      params,
      body: { event: employeeEvent(employerId) },
    },
    [`POST ${DISCARD}`]: { method: 'POST', template: DISCARD, params, body: reason },
  };
  const request = requests[operation];
  if (request === undefined) throw new Error(`no request for ${operation} in this test`);
  return request;
}

describe('vault API: dead letters for support staff', () => {
  let db: Database;
  let api: RunningVaultApi;
  const republisher = new RecordingRepublisher();
  let employerA: string;
  let employerB: string;
  let supportA: TestUser;
  let elevatedA: TestUser;
  let supportB: TestUser;
  let employerAdminA: TestUser;
  let serviceA: TestUser;

  before(async () => {
    ({ db } = await getTestEnvironment());
    api = await startVaultApiForTest(db, { republisher });
    ({ employerId: employerA, admin: employerAdminA } = await activeVault(db, 'dla'));
    employerB = uniqueEmployerId('dlb');
    await createEmployer(db, employerB, true);
    supportA = await makeUser(db, { kind: 'SUPPORT_STAFF', servedEmployers: [employerA] });
    elevatedA = await makeUser(db, {
      kind: 'SUPPORT_STAFF',
      servedEmployers: [employerA],
      supportElevated: true,
    });
    supportB = await makeUser(db, { kind: 'SUPPORT_STAFF', servedEmployers: [employerB] });
    serviceA = await makeUser(db, { kind: 'SERVICE_STAFF', servedEmployers: [employerA] });
  });
  after(async () => api.stop());

  const call = <T = Record<string, unknown>>(
    user: TestUser,
    request: SupportRequest,
  ): Promise<ApiAnswer<T>> =>
    api.client.call<T>(request.method, request.template, {
      token: user.token,
      ...(request.params === undefined ? {} : { params: request.params }),
      ...(request.query === undefined ? {} : { query: request.query }),
      ...(request.body === undefined ? {} : { body: request.body }),
    });
  const show = (user: TestUser, id: string) =>
    call<DeadLetterDetail>(user, { method: 'GET', template: ONE, params: { deadLetterId: id } });
  const list = (user: TestUser, query: Record<string, string>) =>
    call<DeadLetterPage>(user, { method: 'GET', template: LIST, query });
  const seedA = (input: Partial<SeedInput> = {}) =>
    seedDeadLetter(db, { employerId: employerA, ...input });
  const uniqueCode = (prefix: string): string =>
    `${prefix}_${randomUUID().slice(0, 8).toUpperCase()}`;

  it('has a request case for every documented support operation', () => {
    expect(SUPPORT_OPERATIONS).to.have.length.greaterThan(0);
    for (const operation of SUPPORT_OPERATIONS)
      expect(() => requestFor(operation, randomUUID(), employerA), operation).to.not.throw();
  });

  it('refuses employer users and service staff every operation with 403 ROLE_NOT_ALLOWED', async () => {
    const { id } = await seedA();
    for (const user of [employerAdminA, serviceA])
      for (const operation of SUPPORT_OPERATIONS) {
        const answer = await call(user, requestFor(operation, id, employerA));
        expect(answer.status, `${operation} as ${user.login}`).to.equal(403);
        expect(answer.body.code, operation).to.equal('ROLE_NOT_ALLOWED');
      }
    const unchanged = await show(supportA, id);
    expect(unchanged.body).to.include({ status: 'OPEN', replayCount: 0 });
    expect(republisher.sent.filter((message) => message.messageId === unchanged.body.messageId)).to
      .be.empty;
  });

  it("keeps another employer's dead letters from support staff: not listed, not counted, 404", async () => {
    const code = uniqueCode('ISOLATED');
    const ofB = await seedDeadLetter(db, { employerId: employerB, errorCode: code });
    const ofA = await seedA({ errorCode: code });

    const listed = await list(supportA, { errorCode: code });
    expect(listed.status).to.equal(200);
    expect(listed.body.items.map((item) => item.id)).to.deep.equal([ofA.id]);
    expect(listed.body.total).to.equal(1);
    expect(listed.body.groups).to.deep.equal([
      { errorCode: code, count: 1, oldestFailedAt: listed.body.items[0]!.lastFailedAt },
    ]);
    const asked = await list(supportA, { employerId: employerB });
    expect(asked.body).to.deep.include({ items: [], total: 0, groups: [], next: null });

    const stats = await call<DeadLetterStats>(supportA, { method: 'GET', template: STATS });
    expect(stats.body.byErrorCode.find((group) => group.errorCode === code)?.count).to.equal(1);

    for (const operation of SUPPORT_OPERATIONS.filter((key) => key.includes('{deadLetterId}'))) {
      const user = operation.endsWith('/reveal') ? elevatedA : supportA;
      const answer = await call(user, requestFor(operation, ofB.id, employerB));
      expect(answer.status, operation).to.equal(404);
      expect(answer.body.code, operation).to.equal('NOT_FOUND');
      expect(JSON.stringify(answer.body), operation).to.not.include(ofB.id);
    }
    const bulk = await call(supportA, {
      method: 'POST',
      template: BULK,
      body: { filter: { employerId: employerB }, dryRun: false, ratePerSecond: 200 },
    });
    expect(bulk.body).to.include({ matched: 0, replayed: 0 });

    const seenByB = await show(supportB, ofB.id);
    expect(seenByB.status).to.equal(200);
    expect(seenByB.body).to.include({ status: 'OPEN', replayCount: 0 });
    expect(republisher.sent.map((message) => message.messageId)).to.not.include(ofB.messageId);
  });

  it('never shows a support user who is not elevated a name, BSN, e-mail or birth date', async () => {
    const code = uniqueCode('REDACT');
    const master = await seedA({ errorCode: code, event: employeeEvent(employerA) });
    const raw = await seedA({ errorCode: code, event: null });
    const report = await seedA({ errorCode: code });
    const toDiscard = await seedA({ errorCode: code, event: employeeEvent(employerA) });
    const answers: unknown[] = [];
    const keep = <T>(answer: ApiAnswer<T>): ApiAnswer<T> => {
      answers.push(answer.body);
      return answer;
    };

    keep(await list(supportA, { errorCode: code }));
    keep(await call(supportA, { method: 'GET', template: STATS }));
    const shownMaster = keep(await show(supportA, master.id));
    expect(shownMaster.body.payload).to.deep.include({ kind: 'canonical', redacted: true });
    const employee = (
      shownMaster.body.payload as { event: { data: { employee: Record<string, string> } } }
    ).event.data.employee;
    expect(employee).to.deep.equal(
      Object.fromEntries(Object.keys(PERSON).map((key) => [key, '[redacted]'])),
    );
    const shownRaw = keep(await show(supportA, raw.id));
    expect(shownRaw.body.payload).to.deep.equal({
      kind: 'raw',
      redacted: true,
      bytes: shownRaw.body.payload.kind === 'raw' ? shownRaw.body.payload.bytes : -1,
      contentType: 'application/xml',
    });
    keep(await show(supportA, report.id));
    keep(
      await call(supportA, {
        method: 'POST',
        template: REPLAY,
        params: { deadLetterId: report.id },
      }),
    );
    keep(
      await call(supportA, {
        method: 'POST',
        template: DISCARD,
        params: { deadLetterId: toDiscard.id },
        body: { reason: 'test data sent by the HR vendor' },
      }),
    );
    keep(
      await call(supportA, {
        method: 'POST',
        template: REVEAL,
        params: { deadLetterId: master.id },
        body: { reason: 'ticket SUP-1' },
      }),
    );

    const everything = JSON.stringify(answers);
    for (const value of PERSONAL_VALUES) expect(everything, value).to.not.include(value);
    const logs = api.logs.lines.join('\n');
    for (const value of PERSONAL_VALUES) expect(logs, `log: ${value}`).to.not.include(value);
  });

  it('reveals only to elevated support staff, with a reason, and audits who and why', async () => {
    const master = await seedA({ event: employeeEvent(employerA) });
    const raw = await seedA({ event: null });
    const reveal = (user: TestUser, id: string, body: unknown) =>
      call<DeadLetterDetail>(user, {
        method: 'POST',
        template: REVEAL,
        params: { deadLetterId: id },
        body,
      });

    const notElevated = await reveal(supportA, master.id, { reason: 'ticket SUP-2: date check' });
    expect(notElevated.status).to.equal(403);
    expect(notElevated.body).to.include({ code: 'ELEVATION_REQUIRED' });
    for (const body of [{}, { reason: 'abc' }, { reason: '' }]) {
      const answer = await reveal(elevatedA, master.id, body);
      expect(answer.status, JSON.stringify(body)).to.equal(400);
      expect(answer.body).to.include({ code: 'VALIDATION_FAILED' });
    }
    const blank = await reveal(elevatedA, master.id, { reason: '          ' });
    expect(blank.status).to.equal(400);
    expect(blank.body).to.include({ code: 'REASON_REQUIRED' });

    const revealed = await reveal(elevatedA, master.id, { reason: 'ticket SUP-2: date check' });
    expect(revealed.status).to.equal(200);
    expect(revealed.body.payload).to.deep.include({ kind: 'canonical', redacted: false });
    expect(JSON.stringify(revealed.body.payload)).to.include(PERSON.bsn);
    const revealedRaw = await reveal(elevatedA, raw.id, { reason: 'ticket SUP-3: raw check' });
    expect(revealedRaw.body.payload).to.deep.include({ kind: 'raw', redacted: false });
    expect(JSON.stringify(revealedRaw.body.payload)).to.include(PERSON.familyName);

    const audit = await db.auditEntry.findMany({
      where: { action: 'dead-letter.reveal', actorId: elevatedA.id, employerId: employerA },
      orderBy: { id: 'asc' },
    });
    expect(audit.map((entry) => entry.reason)).to.deep.equal([
      'ticket SUP-2: date check',
      'ticket SUP-3: raw check',
    ]);
    const refusedAudits = await db.auditEntry.count({
      where: { action: 'dead-letter.reveal', actorId: supportA.id },
    });
    expect(refusedAudits).to.equal(0);
  });

  it('replays one with the same message id to its original destination, once', async () => {
    const seeded = await seedA();
    const replay = () =>
      call<DeadLetterDetail>(supportA, {
        method: 'POST',
        template: REPLAY,
        params: { deadLetterId: seeded.id },
      });
    const first = await replay();
    expect(first.status).to.equal(200);
    expect(first.body).to.include({ status: 'REPLAYED', replayCount: 1, replayedBy: supportA.id });
    const sent = republisher.sent.filter((message) => message.messageId === seeded.messageId);
    expect(sent).to.have.length(1);
    expect(sent[0]).to.include({
      exchange: 'absence',
      routingKey: 'sivi-verzuim.absence.reported',
    });
    expect(JSON.parse(sent[0]!.body.toString('utf8'))).to.deep.equal(seeded.event);

    const again = await replay();
    expect(again.status).to.equal(409);
    expect(again.body).to.include({ code: 'DEAD_LETTER_NOT_OPEN' });
    expect(
      republisher.sent.filter((message) => message.messageId === seeded.messageId),
    ).to.have.length(1);
  });

  it('refuses to replay a dead letter whose payload was purged (409 PAYLOAD_PURGED)', async () => {
    const purged = await seedA({ payloadPurgedAt: new Date() });
    const shown = await show(supportA, purged.id);
    expect(shown.body.payload.kind).to.equal('purged');
    expect(shown.body.payloadPurged).to.equal(true);
    const answer = await call(supportA, {
      method: 'POST',
      template: REPLAY,
      params: { deadLetterId: purged.id },
    });
    expect(answer.status).to.equal(409);
    expect(answer.body).to.include({ code: 'PAYLOAD_PURGED' });
  });

  it('edits and replays: an invalid edit is refused with its issues, a valid one is linked to the original', async () => {
    const seeded = await seedA();
    const event = seeded.event as unknown as {
      data: { absence: Record<string, unknown> };
    };
    const edit = (body: unknown) =>
      call<DeadLetterDetail & { issues?: { path: string }[] }>(supportA, {
        method: 'POST',
        template: EDIT,
        params: { deadLetterId: seeded.id },
        body,
      });

    const invalid = await edit({
      event: {
        ...event,
        data: { ...event.data, absence: { ...event.data.absence, startDate: '16-11-2026' } },
      },
    });
    expect(invalid.status).to.equal(400);
    expect(invalid.body).to.include({ code: 'VALIDATION_FAILED' });
    expect(invalid.body.issues!.map((issue) => issue.path).join(' ')).to.include('startDate');
    expect(JSON.stringify(invalid.body)).to.not.include('16-11-2026');
    const unchanged = await show(supportA, seeded.id);
    expect(unchanged.body).to.include({ status: 'OPEN', replayCount: 0 });

    const corrected = {
      ...event,
      data: { ...event.data, absence: { ...event.data.absence, expectedReturnDate: '2026-12-07' } },
    };
    const copy = await edit({ event: corrected });
    expect(copy.status).to.equal(200);
    expect(copy.body.editedFrom).to.equal(seeded.id);
    expect(copy.body.status).to.equal('REPLAYED');
    const original = await show(supportA, seeded.id);
    expect(original.body.copies).to.deep.equal([copy.body.id]);
    const sent = republisher.sent.filter((message) => message.messageId === seeded.messageId);
    expect(sent).to.have.length(1);
    expect(JSON.parse(sent[0]!.body.toString('utf8'))).to.deep.equal(corrected);
  });

  it('bulk-replays everything that matches (not a page): the dry run counts what the real run replays', async () => {
    const code = uniqueCode('BULK');
    const seeded = [];
    for (let i = 0; i < 4; i++) seeded.push(await seedA({ errorCode: code, ageSeconds: 60 + i }));
    await seedDeadLetter(db, { employerId: employerB, errorCode: code });
    await seedA({ errorCode: code, status: 'DISCARDED' });
    const bulk = (dryRun: boolean) =>
      call(supportA, {
        method: 'POST',
        template: BULK,
        body: { filter: { errorCode: code }, dryRun, ratePerSecond: 200 },
      });

    const dry = await bulk(true);
    expect(dry.status).to.equal(200);
    expect(dry.body).to.deep.equal({ dryRun: true, matched: 4, replayed: 0, failed: 0 });
    const real = await bulk(false);
    expect(real.body).to.deep.equal({ dryRun: false, matched: 4, replayed: 4, failed: 0 });
    const sentIds = republisher.sent.map((message) => message.messageId);
    for (const { messageId } of seeded) expect(sentIds).to.include(messageId);
    const after = await bulk(true);
    expect(after.body).to.include({ matched: 0 });
  });

  it('discards only with a reason, keeps the tombstone, and refuses a second discard', async () => {
    const seeded = await seedA();
    const discard = (body: unknown) =>
      call<DeadLetterDetail>(supportA, {
        method: 'POST',
        template: DISCARD,
        params: { deadLetterId: seeded.id },
        body,
      });
    const missing = await discard({});
    expect(missing.status).to.equal(400);
    expect(missing.body).to.include({ code: 'VALIDATION_FAILED' });
    const blank = await discard({ reason: '       ' });
    expect(blank.status).to.equal(400);
    expect(blank.body).to.include({ code: 'REASON_REQUIRED' });
    expect((await show(supportA, seeded.id)).body.status).to.equal('OPEN');

    const done = await discard({ reason: 'duplicate of a corrected message' });
    expect(done.status).to.equal(200);
    expect(done.body).to.include({
      status: 'DISCARDED',
      discardedBy: supportA.id,
      discardReason: 'duplicate of a corrected message',
    });
    const tombstone = await list(supportA, { status: 'DISCARDED', errorCode: 'SCHEMA_INVALID' });
    expect(tombstone.body.items.map((item) => item.id)).to.include(seeded.id);
    const again = await discard({ reason: 'once more, to be sure' });
    expect(again.status).to.equal(409);
    expect(again.body).to.include({ code: 'DEAD_LETTER_NOT_OPEN' });
    const replay = await call(supportA, {
      method: 'POST',
      template: REPLAY,
      params: { deadLetterId: seeded.id },
    });
    expect(replay.status).to.equal(409);
  });

  it('pages through everything that matches, newest failure first, with groups over the whole filter', async () => {
    const code = uniqueCode('PAGED');
    const other = uniqueCode('PAGEDOTHER');
    const base = Date.now();
    const failedAt = (seconds: number) => new Date(base - seconds * 1000);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await seedA({ errorCode: code, lastFailedAt: failedAt(100 + i) })).id);
    await seedA({ errorCode: other, connectorId: 'csv' });
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: ApiAnswer<DeadLetterPage> = await list(supportA, {
        errorCode: code,
        limit: '2',
        ...(after === null ? {} : { after }),
      });
      expect(page.status).to.equal(200);
      expect(page.body.total).to.equal(5);
      expect(page.body.groups).to.have.length(1);
      expect(page.body.groups[0]).to.include({ errorCode: code, count: 5 });
      seen.push(...page.body.items.map((item) => item.id));
      after = page.body.next;
    } while (after !== null);
    expect(seen).to.deep.equal(ids);

    const byConnector = await list(supportA, { connectorId: 'csv', errorCode: other });
    expect(byConnector.body.total).to.equal(1);
    const byType = await list(supportA, {
      errorCode: code,
      eventType: 'nl.datakluis.employee.upserted',
    });
    expect(byType.body.total).to.equal(0);
    const recent = await list(supportA, {
      errorCode: code,
      from: failedAt(102.5).toISOString(),
    });
    expect(recent.body.total).to.equal(3);
  });

  it('refuses malformed parameters and a cursor that is not one with 400', async () => {
    const bad = await list(supportA, { employerId: 'NOT VALID', limit: '0' });
    expect(bad.status).to.equal(400);
    expect(bad.body).to.include({ code: 'VALIDATION_FAILED' });
    const cursor = await list(supportA, { after: 'bm90LWEtY3Vyc29y' });
    expect(cursor.status).to.equal(400);
    expect(cursor.body).to.include({ code: 'VALIDATION_FAILED' });
    const notUuid = await call(supportA, {
      method: 'GET',
      template: ONE,
      params: { deadLetterId: 'stats2' },
    });
    expect(notUuid.status).to.equal(404);
  });

  it('answers stats for monitoring: open per error code and the age of the oldest', async () => {
    const code = uniqueCode('STATS');
    await seedA({ errorCode: code, ageSeconds: 7200 });
    await seedA({ errorCode: code, ageSeconds: 60 });
    const stats = await call<DeadLetterStats>(supportA, { method: 'GET', template: STATS });
    expect(stats.status).to.equal(200);
    const group = stats.body.byErrorCode.find((entry) => entry.errorCode === code);
    expect(group?.count).to.equal(2);
    expect(group?.oldestAgeSeconds).to.be.within(7190, 7300);
    expect(stats.body.oldestOpenAgeSeconds).to.be.at.least(7190);
    expect(stats.body.open).to.be.at.least(2);
  });
});
