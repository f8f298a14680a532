// Support staff's dead-letter operations against the real RabbitMQ and PostgreSQL: replay after a
// fix applies exactly once, replaying what was applied changes nothing, edit-and-replay refuses bad
// edits, bulk replay counts the same in a dry run and keeps its rate, personal data stays hidden
// unless an elevated user reveals it with a reason, other employers' dead letters do not exist for
// the caller, retention keeps the metadata, and the CLI does the same work.
import { randomUUID } from 'node:crypto';

import { expect } from 'chai';

import type { Principal } from '../../src/access/principal';
import { principalOf, UserRepository } from '../../src/access/user.repository';
import type { CanonicalEvent } from '../../src/canonical/generated/canonical-event';
import { runDlq } from '../../src/cli/dlq.command';
import type { Database } from '../../src/db/prisma-client';
import { HEADER } from '../../src/messaging/headers';
import type { DeadLetterService } from '../../src/support/dead-letter.service';
import { VaultRefusal } from '../../src/vault/vault-refusal';
import { fixtureEvents } from '../helpers/fixture-events';
import { startGateway, waitUntil } from '../helpers/gateway';
import type { RunningGateway } from '../helpers/gateway';
import {
  createEmployer,
  getTestEnvironment,
  testNamespaceConfig,
  topologyOf,
  uniqueEmployerId,
} from '../helpers/test-environment';
import { makeUser } from '../helpers/vault-api';

const config = testNamespaceConfig('dlq-ops', { DEAD_LETTER_STORE: 'true' });
const topology = topologyOf(config);

/** Distinctive personal data, so a scan of responses and logs cannot miss it. */
const PERSON = {
  externalId: 'P-48213',
  bsn: '111222333',
  birthDate: '1979-04-21',
  initials: 'W.',
  givenName: 'Wilhelmina',
  familyName: 'Zonderland',
  email: 'w.zonderland@example.test',
};
const PERSONAL_VALUES = [
  PERSON.bsn,
  PERSON.birthDate,
  PERSON.givenName,
  PERSON.familyName,
  PERSON.email,
];

async function refusal(work: Promise<unknown>): Promise<VaultRefusal> {
  const error = await work.then(
    () => null,
    (failure: unknown) => failure,
  );
  expect(error, 'expected a refusal').to.be.instanceOf(VaultRefusal);
  return error as VaultRefusal;
}

describe('dead-letter operations (real RabbitMQ and PostgreSQL)', function () {
  this.timeout(60000);
  let db: Database;
  let gateway: RunningGateway;
  let service: DeadLetterService;
  /** Every answer given to support staff without the elevated role. */
  const answers: string[] = [];
  const seen = <T>(value: T): T => {
    answers.push(JSON.stringify(value));
    return value;
  };

  before(async () => {
    ({ db } = await getTestEnvironment());
    gateway = await startGateway(config);
    service = gateway.consumer.deadLetters!.service;
  });
  after(() => gateway?.stop());

  async function principal(input: {
    servedEmployers?: string[];
    supportElevated?: boolean;
    kind?: Principal['kind'];
    employerId?: string;
  }): Promise<Principal & { login: string }> {
    const user = await makeUser(db, { kind: 'SUPPORT_STAFF', ...input });
    const row = await new UserRepository(db).findById(user.id);
    return { ...principalOf(row!), login: user.login };
  }

  async function publish(
    routingKey: string,
    body: Buffer,
    messageId: string,
    headers: Record<string, string> = {},
    type?: string,
  ): Promise<void> {
    const channel = await gateway.broker.createConfirmChannel();
    channel.publish(topology.exchanges.absence.name, routingKey, body, {
      persistent: true,
      messageId,
      contentType: 'application/json',
      headers,
      ...(type === undefined ? {} : { type }),
    });
    await channel.waitForConfirms();
    await channel.close();
  }

  function publishEvent(event: CanonicalEvent): Promise<void> {
    const connector = event.source.replace('/connectors/', '');
    return publish(
      `${connector}.${event.type.replace('nl.datakluis.', '')}`,
      Buffer.from(JSON.stringify(event)),
      event.id,
      { [HEADER.connector]: connector, [HEADER.employer]: event.employerid },
      event.type,
    );
  }

  async function stored(messageId: string): Promise<{ id: string }> {
    await waitUntil(async () => (await db.deadLetter.count({ where: { messageId } })) === 1);
    return db.deadLetter.findUniqueOrThrow({ where: { messageId }, select: { id: true } });
  }

  const applied = (eventId: string): Promise<void> =>
    waitUntil(async () => (await db.processedEvent.count({ where: { eventId } })) === 1);

  /** The sick report and the master data (with PERSON's data) of one employee, for `employer`. */
  function employeeEvents(employer: string): [CanonicalEvent, CanonicalEvent] {
    const [reported, upserted] = fixtureEvents('sivi-verzuim', '01-new-sick-report', employer);
    const master = structuredClone(upserted!);
    master.subject = PERSON.externalId;
    master.data.employee = { ...PERSON };
    const report = structuredClone(reported!);
    report.data.employee = { externalId: PERSON.externalId };
    return [report, master];
  }

  const auditOf = (action: string, actorId: string) =>
    db.auditEntry.findMany({ where: { action, actorId }, orderBy: { id: 'asc' } });

  describe('an employer the vault did not know', () => {
    const employer = uniqueEmployerId('dlo-x');
    let report: CanonicalEvent;
    let master: CanonicalEvent;
    let reportLetter: string;
    let masterLetter: string;
    let support: Principal;

    before(async () => {
      [report, master] = employeeEvents(employer);
      await publishEvent(report);
      await publishEvent(master);
      reportLetter = (await stored(report.id)).id;
      masterLetter = (await stored(master.id)).id;
      // Before the fix nobody serves that employer: elevated support staff see its dead letters
      // (to find out what is wrong), other support staff do not.
      const elevated = await principal({ servedEmployers: [], supportElevated: true });
      const plain = await principal({ servedEmployers: [] });
      expect(
        (await service.list(elevated, { employerId: employer }, { limit: 10 })).total,
      ).to.equal(2);
      expect((await service.list(plain, { employerId: employer }, { limit: 10 })).total).to.equal(
        0,
      );
      expect((await service.stats(elevated)).open).to.be.at.least(2);
      await createEmployer(db, employer, true); // the cause, fixed
      support = await principal({ servedEmployers: [employer] });
    });

    it('lists them with counts per error code, and audits the listing', async () => {
      const page = seen(await service.list(support, { employerId: employer }, { limit: 1 }));
      expect(page.total).to.equal(2);
      expect(page.items).to.have.length(1);
      expect(page.groups).to.deep.equal([
        { errorCode: 'EMPLOYER_UNKNOWN', count: 2, oldestFailedAt: page.groups[0]!.oldestFailedAt },
      ]);
      expect(page.next).to.be.a('string');
      const rest = seen(
        await service.list(support, { employerId: employer }, { limit: 1, after: page.next! }),
      );
      expect(rest.next).to.equal(null);
      expect([...page.items, ...rest.items].map((item) => item.id).sort()).to.deep.equal(
        [reportLetter, masterLetter].sort(),
      );
      expect(await auditOf('dead-letter.list', support.userId)).to.have.length(2);
    });

    it('shows one with personal data redacted; reveal needs the elevated role and a reason', async () => {
      const shown = seen(await service.show(support, masterLetter));
      expect(shown.payload).to.include({ kind: 'canonical', redacted: true });
      expect(shown.failures).to.have.length(1);
      expect(shown.failures[0]).to.include({ code: 'EMPLOYER_UNKNOWN', attempts: 1 });
      expect((await refusal(service.reveal(support, masterLetter, 'ticket 4711'))).code).to.equal(
        'ELEVATION_REQUIRED',
      );
      const elevated = await principal({ servedEmployers: [employer], supportElevated: true });
      expect((await refusal(service.reveal(elevated, masterLetter, ' no '))).code).to.equal(
        'REASON_REQUIRED',
      );
      const revealed = await service.reveal(elevated, masterLetter, 'ticket 4711: BSN check');
      expect(revealed.payload).to.include({ kind: 'canonical', redacted: false });
      expect(JSON.stringify(revealed)).to.contain(PERSON.bsn).and.to.contain(PERSON.familyName);
      const [audit] = await auditOf('dead-letter.reveal', elevated.userId);
      expect(audit).to.include({ employerId: employer, reason: 'ticket 4711: BSN check' });
      expect(audit!.details).to.include({
        deadLetterId: masterLetter,
        errorCode: 'EMPLOYER_UNKNOWN',
      });
    });

    it('replays one after the cause is fixed: applied exactly once, recorded as replayed', async () => {
      const replayed = seen(await service.replay(support, reportLetter));
      expect(replayed).to.include({
        status: 'REPLAYED',
        replayCount: 1,
        replayedBy: support.userId,
      });
      await applied(report.id);
      const cases = await db.absenceCase.findMany({
        where: { employerId: employer },
        include: { events: true },
      });
      expect(cases).to.have.length(1);
      expect(cases[0]!.events).to.have.length(1);
      expect((await refusal(service.replay(support, reportLetter))).code).to.equal(
        'DEAD_LETTER_NOT_OPEN',
      );
      expect(await auditOf('dead-letter.replay', support.userId)).to.have.length(1);
    });

    it('replaying an event that was applied meanwhile changes nothing (same message id: a duplicate)', async () => {
      await publishEvent(master); // the HR system sent it again, now that the employer exists
      await applied(master.id);
      const before = {
        audit: await db.auditEntry.count({
          where: { employerId: employer, actorType: 'connector' },
        }),
        dossiers: await db.dossier.findMany({ where: { employerId: employer } }),
      };
      seen(await service.replay(support, masterLetter));
      await waitUntil(() =>
        Promise.resolve(
          gateway.logs.lines.some(
            (line) => line.includes(master.id) && line.includes('"outcome":"duplicate"'),
          ),
        ),
      );
      expect(
        await db.auditEntry.count({ where: { employerId: employer, actorType: 'connector' } }),
      ).to.equal(before.audit);
      expect(await db.dossier.findMany({ where: { employerId: employer } })).to.deep.equal(
        before.dossiers,
      );
      const row = await db.deadLetter.findUniqueOrThrow({ where: { id: masterLetter } });
      expect(row).to.include({ status: 'REPLAYED' });
      expect(row.failures).to.have.length(1);
    });
  });

  describe('edit and replay', () => {
    const employer = uniqueEmployerId('dlo-edit');
    let support: Principal;
    let other: CanonicalEvent;
    let letter: string;

    before(async () => {
      await createEmployer(db, employer, true);
      const [first] = fixtureEvents('sivi-verzuim', '01-new-sick-report', employer);
      await publishEvent(first!);
      await applied(first!.id);
      other = structuredClone(first!);
      other.id = randomUUID();
      other.data.employee.externalId = '7777';
      await publishEvent(other);
      letter = (await stored(other.id)).id;
      support = await principal({ servedEmployers: [employer] });
    });

    it('refuses an edit that is not a valid event, with the schema’s issues', async () => {
      const invalid = structuredClone(other) as unknown as { data: Record<string, unknown> };
      delete invalid.data.case;
      const refused = await refusal(service.editAndReplay(support, letter, invalid));
      expect(refused.code).to.equal('VALIDATION_FAILED');
      expect(refused.issues!.map((issue) => issue.path)).to.include('/data/case');
    });

    it('refuses an edit that changes the event id or the employer', async () => {
      const newId = { ...structuredClone(other), id: randomUUID() };
      expect((await refusal(service.editAndReplay(support, letter, newId))).issues).to.deep.equal([
        { code: 'MUST_NOT_CHANGE', path: '/id', detail: 'must stay the event id' },
      ]);
      const otherEmployer = { ...structuredClone(other), employerid: uniqueEmployerId('dlo-b') };
      expect(
        (await refusal(service.editAndReplay(support, letter, otherEmployer))).issues![0],
      ).to.include({ path: '/employerid' });
      const row = await db.deadLetter.findUniqueOrThrow({ where: { id: letter } });
      expect(row.status).to.equal('OPEN');
    });

    it('applies a corrected copy, linked to the original, and audits the changed paths only', async () => {
      const corrected = structuredClone(other) as CanonicalEvent & {
        data: { case: { caseId: string } };
      };
      corrected.data.case.caseId = 'VZ-7777-CORRECTED';
      const copy = seen(await service.editAndReplay(support, letter, corrected));
      expect(copy).to.include({
        editedFrom: letter,
        status: 'REPLAYED',
        messageId: `${other.id}#edit-1`,
      });
      await applied(other.id);
      const dossier = await db.dossier.findUniqueOrThrow({
        where: { employerId_externalId: { employerId: employer, externalId: '7777' } },
      });
      expect(
        await db.absenceCase.count({
          where: { dossierId: dossier.id, sourceCaseId: 'VZ-7777-CORRECTED' },
        }),
      ).to.equal(1);
      const original = seen(await service.show(support, letter));
      expect(original).to.include({ status: 'REPLAYED' });
      expect(original.copies).to.deep.equal([copy.id]);
      const [edit] = await auditOf('dead-letter.edit', support.userId);
      expect(edit!.details).to.include({ changedPaths: '/data/case/caseId', copyId: copy.id });
      expect(JSON.stringify(edit!.details)).to.not.contain('CORRECTED');
    });
  });

  describe('bulk replay', () => {
    const employer = uniqueEmployerId('dlo-bulk');
    let support: Principal;
    let events: CanonicalEvent[];

    before(async () => {
      events = fixtureEvents('csv', '01-standard-cases', employer);
      for (const event of events) await publishEvent(event);
      for (const event of events) await stored(event.id);
      await createEmployer(db, employer, true);
      support = await principal({ servedEmployers: [employer] });
    });

    it('replays everything that matches (not a page) at the rate; the dry run counted the same', async () => {
      const filter = { employerId: employer, errorCode: 'EMPLOYER_UNKNOWN' };
      const dry = seen(
        await service.bulkReplay(support, filter, { dryRun: true, ratePerSecond: 20 }),
      );
      expect(dry).to.deep.equal({ dryRun: true, matched: events.length, replayed: 0, failed: 0 });
      const progress: [number, number][] = [];
      const started = Date.now();
      const real = seen(
        await service.bulkReplay(support, filter, {
          dryRun: false,
          ratePerSecond: 20,
          onProgress: (done, total) => progress.push([done, total]),
        }),
      );
      const elapsed = Date.now() - started;
      expect(real).to.deep.equal({
        dryRun: false,
        matched: dry.matched,
        replayed: dry.matched,
        failed: 0,
      });
      // 7 at 20/s without bursts: 6 gaps of 50 ms at least.
      expect(elapsed).to.be.at.least(280);
      expect(progress.at(-1)).to.deep.equal([events.length, events.length]);
      for (const event of events) await applied(event.id);
      expect(
        (await service.bulkReplay(support, filter, { dryRun: true, ratePerSecond: 20 })).matched,
      ).to.equal(0);
      const [summary] = await auditOf('dead-letter.bulk-replay', support.userId).then((entries) =>
        entries.filter((entry) => (entry.details as { dryRun?: boolean }).dryRun === false),
      );
      expect(summary!.details).to.include({ matched: events.length, replayed: events.length });
      expect(await auditOf('dead-letter.replay', support.userId)).to.have.length(events.length);
    });

    it('refuses a rate that is not a positive number', async () => {
      expect(
        (await refusal(service.bulkReplay(support, {}, { dryRun: true, ratePerSecond: 0 }))).code,
      ).to.equal('VALIDATION_FAILED');
    });
  });

  describe('who sees what', () => {
    const employerA = uniqueEmployerId('dlo-a');
    const employerB = uniqueEmployerId('dlo-b');
    let letterA: string;
    let orphan: string;
    let supportB: Principal;

    before(async () => {
      await createEmployer(db, employerA, true);
      await createEmployer(db, employerB, true);
      const idA = `raw-a-${randomUUID()}`;
      await publish('csv.absence.reported', Buffer.from('garbage'), idA, {
        [HEADER.employer]: employerA,
      });
      letterA = (await stored(idA)).id;
      const idOrphan = `raw-none-${randomUUID()}`;
      await publish('csv.absence.reported', Buffer.from('garbage'), idOrphan);
      orphan = (await stored(idOrphan)).id;
      supportB = await principal({ servedEmployers: [employerB] });
    });

    it('another employer’s dead letters do not exist for support staff scoped to one employer', async () => {
      const all = seen(await service.list(supportB, {}, { limit: 500 }));
      expect(all.items.map((item) => item.id)).to.not.include(letterA);
      const filtered = seen(await service.list(supportB, { employerId: employerA }, { limit: 50 }));
      expect(filtered).to.deep.include({ total: 0, groups: [], items: [] });
      for (const attempt of [
        () => service.show(supportB, letterA),
        () => service.replay(supportB, letterA),
        () => service.discard(supportB, letterA, 'not mine to discard'),
        () => service.show(supportB, 'not-a-uuid'),
      ])
        expect((await refusal(attempt())).code).to.equal('NOT_FOUND');
      expect(seen(await service.stats(supportB))).to.deep.equal({
        byErrorCode: [],
        open: 0,
        oldestOpenAgeSeconds: null,
      });
    });

    it('dead letters without an employer only for elevated support staff (audited under "*")', async () => {
      expect((await refusal(service.show(supportB, orphan))).code).to.equal('NOT_FOUND');
      const elevated = await principal({ servedEmployers: [employerB], supportElevated: true });
      expect((await service.show(elevated, orphan)).employerId).to.equal(null);
      const [audit] = await auditOf('dead-letter.show', elevated.userId);
      expect(audit).to.include({ employerId: '*' });
    });

    it('only support staff work with dead letters', async () => {
      const employerUser = await principal({ kind: 'EMPLOYER_USER', employerId: employerA });
      expect((await refusal(service.list(employerUser, {}, { limit: 10 }))).code).to.equal(
        'ROLE_NOT_ALLOWED',
      );
    });

    it('discard needs a reason and leaves a tombstone', async () => {
      const supportA = await principal({ servedEmployers: [employerA] });
      expect((await refusal(service.discard(supportA, letterA, ''))).code).to.equal(
        'REASON_REQUIRED',
      );
      const discarded = seen(
        await service.discard(supportA, letterA, 'garbage from a test publisher'),
      );
      expect(discarded).to.include({
        status: 'DISCARDED',
        discardedBy: supportA.userId,
        discardReason: 'garbage from a test publisher',
      });
      expect((await refusal(service.replay(supportA, letterA))).code).to.equal(
        'DEAD_LETTER_NOT_OPEN',
      );
      expect((await refusal(service.discard(supportA, letterA, 'once more'))).code).to.equal(
        'DEAD_LETTER_NOT_OPEN',
      );
      const [audit] = await auditOf('dead-letter.discard', supportA.userId);
      expect(audit).to.include({ employerId: employerA, reason: 'garbage from a test publisher' });
      expect(await db.deadLetter.count({ where: { id: letterA } })).to.equal(1);
    });
  });

  describe('retention and monitoring', () => {
    const employer = uniqueEmployerId('dlo-ret');
    let support: Principal;
    const ids = { old: '', new: '', json: '' };

    before(async () => {
      await createEmployer(db, employer, true);
      for (const [name, body] of [
        ['old', 'garbage'],
        ['new', 'garbage'],
        ['json', '{"json":"but no event"}'],
      ] as const) {
        const messageId = `ret-${name}-${randomUUID()}`;
        await publish('csv.absence.reported', Buffer.from(body), messageId, {
          [HEADER.employer]: employer,
        });
        ids[name] = (await stored(messageId)).id;
      }
      support = await principal({ servedEmployers: [employer] });
    });

    it('counts OPEN dead letters by error code with the age of the oldest', async () => {
      await db.deadLetter.update({
        where: { id: ids.old },
        data: { lastFailedAt: new Date(Date.now() - 2 * 3600_000) },
      });
      const stats = seen(await service.stats(support));
      expect(stats.open).to.equal(3);
      expect(stats.byErrorCode.map((group) => [group.errorCode, group.count])).to.deep.equal([
        ['CANONICAL_SCHEMA_VIOLATION', 1],
        ['MALFORMED_MESSAGE', 2],
      ]);
      expect(stats.byErrorCode[1]!.oldestAgeSeconds).to.be.within(7190, 7300);
      expect(stats.oldestOpenAgeSeconds).to.equal(stats.byErrorCode[1]!.oldestAgeSeconds);
    });

    it('purges payloads past the retention period and keeps the metadata', async () => {
      await db.deadLetter.update({
        where: { id: ids.old },
        data: { lastFailedAt: new Date(Date.now() - 31 * 86_400_000) },
      });
      expect(await service.purgePayloads(30)).to.be.at.least(1);
      const row = await db.deadLetter.findUniqueOrThrow({ where: { id: ids.old } });
      expect(row).to.include({ canonical: null, raw: null, errorCode: 'MALFORMED_MESSAGE' });
      expect(row.payloadPurgedAt).to.be.instanceOf(Date);
      expect(row.failures).to.have.length(1);
      const shown = seen(await service.show(support, ids.old));
      expect(shown.payload.kind).to.equal('purged');
      expect(shown.payloadPurged).to.equal(true);
      expect((await refusal(service.replay(support, ids.old))).code).to.equal('PAYLOAD_PURGED');
      const fresh = await db.deadLetter.findUniqueOrThrow({ where: { id: ids.new } });
      expect(fresh.raw).to.not.equal(null);
    });
  });

  describe('the CLI (datakluis dlq)', () => {
    const employer = uniqueEmployerId('dlo-cli');
    let login: string;
    const letters: string[] = [];

    before(async () => {
      for (const event of employeeEvents(employer)) {
        await publishEvent(event);
        letters.push((await stored(event.id)).id);
      }
      await createEmployer(db, employer, true);
      login = (await principal({ servedEmployers: [employer] })).login;
    });

    async function dlq(...args: string[]): Promise<{ code: number; out: string; err: string }> {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runDlq(args, {
        out: (line) => out.push(line),
        err: (line) => err.push(line),
        progress: { write: () => true },
        config,
      });
      answers.push(out.join('\n'), err.join('\n'));
      return { code, out: out.join('\n'), err: err.join('\n') };
    }

    it('lists, shows, replays and discards as the support user named by --as', async () => {
      const list = await dlq('list', '--as', login, '--employer', employer);
      expect(list.code, list.err).to.equal(0);
      for (const id of letters) expect(list.out).to.contain(id);
      expect(list.out).to.contain('2 match in all').and.to.contain('EMPLOYER_UNKNOWN');
      const show = await dlq('show', letters[1]!, '--as', login);
      expect(show.code, show.err).to.equal(0);
      expect(show.out).to.contain('personal data redacted').and.to.contain('[redacted]');
      const replay = await dlq('replay', letters[0]!, '--as', login);
      expect(replay.code, replay.err).to.equal(0);
      expect(replay.out).to.match(/status\s+REPLAYED/);
      const discard = await dlq('discard', letters[1]!, '--as', login, '--reason', 'resent by HR');
      expect(discard.code, discard.err).to.equal(0);
      expect(discard.out).to.match(/status\s+DISCARDED/);
      const dry = await dlq('bulk-replay', '--as', login, '--employer', employer, '--dry-run');
      expect(dry.out).to.contain('dry run: 0 dead letter(s) would be replayed');
    });

    it('refuses what the user may not do, and requires --as', async () => {
      const reveal = await dlq('reveal', letters[1]!, '--as', login, '--reason', 'curious why');
      expect(reveal.code).to.equal(1);
      expect(reveal.err).to.contain('refused: ELEVATION_REQUIRED');
      expect((await dlq('list')).code).to.equal(2);
      expect((await dlq('show', letters[0]!, '--as', 'nobody-here')).err).to.contain(
        'no active user',
      );
    });
  });

  // Last: after every operation above.
  describe('personal data', () => {
    it('never showed a name, BSN, e-mail or birth date to support staff without the elevated role, nor logged one', () => {
      expect(answers.length).to.be.greaterThan(10);
      const text = answers.join('\n');
      for (const value of PERSONAL_VALUES) expect(text).to.not.contain(value);
      const logs = gateway.logs.lines.join('\n');
      for (const value of PERSONAL_VALUES) expect(logs).to.not.contain(value);
    });
  });
});
