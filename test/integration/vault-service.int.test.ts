// The vault's rules against the real PostgreSQL: what an absence does to a dossier, exactly once.
import { expect } from 'chai';

import type { CanonicalEvent } from '../../src/canonical/generated/canonical-event';
import { employeeUpsertedEvent } from '../../src/connector-sdk';
import type { Database } from '../../src/db/prisma-client';
import { VaultService } from '../../src/vault/vault.service';
import { absenceEventsOf, fixtureEvents } from '../helpers/fixture-events';
import { createEmployer, getTestEnvironment, uniqueEmployerId } from '../helpers/test-environment';

const SIVI = 'sivi-verzuim';

describe('vault service (real PostgreSQL)', function () {
  this.timeout(30000);
  let db: Database;
  let vault: VaultService;

  before(async () => {
    ({ db } = await getTestEnvironment());
    vault = new VaultService(db);
  });

  async function dossier(employerId: string, externalId: string) {
    return db.dossier.findUnique({
      where: { employerId_externalId: { employerId, externalId } },
      include: { shares: true, cases: { include: { steps: { orderBy: { fromDate: 'asc' } } } } },
    });
  }

  async function applyAll(events: CanonicalEvent[]): Promise<string[]> {
    const outcomes: string[] = [];
    for (const event of events) outcomes.push(await vault.apply(event));
    return outcomes;
  }

  async function seedInVault(employerId: string, externalId: string): Promise<void> {
    await db.dossier.create({
      data: { id: crypto.randomUUID(), employerId, externalId, vaultState: 'IN_VAULT' },
    });
  }

  it('a sick report takes the dossier out of the vault, shared because of absence, with audit and dossier.shared', async () => {
    const employer = uniqueEmployerId('report');
    await createEmployer(db, employer);
    await seedInVault(employer, '1042');
    await applyAll(fixtureEvents(SIVI, '01-new-sick-report', employer));
    const d = await dossier(employer, '1042');
    expect(d).to.include({
      vaultState: 'SHARED',
      absenceShared: true,
      familyName: 'Vries',
      bsn: '104332189',
    });
    expect(d!.shares.map((s) => ({ reason: s.reason, connectorId: s.connectorId }))).to.deep.equal([
      { reason: 'ABSENCE', connectorId: SIVI },
    ]);
    expect(d!.cases[0]).to.include({ status: 'OPEN', sourceCaseId: 'VZ-1042-20261116' });
    const actions = (
      await db.auditEntry.findMany({ where: { employerId: employer }, orderBy: { id: 'asc' } })
    ).map((a) => a.action);
    expect(actions).to.include.members([
      'dossier.shared',
      'absence.reported',
      'dossier.master-data-updated',
    ]);
    const outbox = await db.outboxMessage.findMany({
      where: { routingKey: 'vault.dossier.shared' },
    });
    expect(
      outbox.filter((o) => (o.payload as { employerid: string }).employerid === employer),
    ).to.have.length(1);
  });

  it('an absence for an unknown employee creates the dossier directly as shared', async () => {
    const employer = uniqueEmployerId('unknown');
    await createEmployer(db, employer);
    await applyAll(absenceEventsOf(fixtureEvents(SIVI, '02-partial-sick-report-50pct', employer)));
    const d = await dossier(employer, '1077');
    expect(d).to.include({ vaultState: 'SHARED', absenceShared: true });
    expect(d!.shares).to.have.length(1);
    const created = await db.auditEntry.findFirst({
      where: { employerId: employer, action: 'dossier.created' },
    });
    expect(created?.details).to.deep.equal({ placement: 'SHARED' });
  });

  it('applies a duplicate once: same outcome, one share, one audit entry per action', async () => {
    const employer = uniqueEmployerId('dup');
    await createEmployer(db, employer);
    const events = fixtureEvents(SIVI, '01-new-sick-report', employer);
    expect(await applyAll(events)).to.deep.equal(['applied', 'applied']);
    expect(await applyAll(events)).to.deep.equal(['duplicate', 'duplicate']);
    expect(
      await applyAll(fixtureEvents(SIVI, 'nasty-02-duplicate-delivery-same-Berrefnr', employer)),
    ).to.deep.equal(['duplicate', 'duplicate']);
    expect(await db.dossierShare.count({ where: { employerId: employer } })).to.equal(1);
    expect(
      await db.auditEntry.count({ where: { employerId: employer, action: 'absence.reported' } }),
    ).to.equal(1);
  });

  it('applies concurrent deliveries of the same event once', async () => {
    const employer = uniqueEmployerId('race');
    await createEmployer(db, employer);
    const [report] = absenceEventsOf(fixtureEvents(SIVI, '01-new-sick-report', employer));
    const outcomes = await Promise.allSettled(
      Array.from({ length: 5 }, () => vault.apply(report!)),
    );
    const applied = outcomes.filter((o) => o.status === 'fulfilled' && o.value === 'applied');
    expect(applied).to.have.length(1);
    expect(await db.dossierShare.count({ where: { employerId: employer } })).to.equal(1);
    expect(
      await db.absenceCaseEvent.count({ where: { absenceCase: { employerId: employer } } }),
    ).to.equal(1);
  });

  it('changes and recovery update the absence; the dossier never returns to the vault', async () => {
    const employer = uniqueEmployerId('timeline');
    await createEmployer(db, employer);
    await seedInVault(employer, '1042');
    for (const name of [
      '01-new-sick-report',
      '04-partial-recovery-100-to-50',
      '03-update-expected-return',
      '05-full-recovery',
    ]) {
      await applyAll(fixtureEvents(SIVI, name, employer));
    }
    const d = await dossier(employer, '1042');
    expect(d).to.include({ vaultState: 'SHARED', absenceShared: true });
    const absenceCase = d!.cases[0]!;
    expect(absenceCase.status).to.equal('RECOVERED');
    expect(absenceCase.expectedReturnDate?.toISOString().slice(0, 10)).to.equal('2026-12-14');
    expect(absenceCase.recoveryDate?.toISOString().slice(0, 10)).to.equal('2026-12-02');
    expect(
      absenceCase.steps.map((s) => [s.fromDate.toISOString().slice(0, 10), Number(s.percentage)]),
    ).to.deep.equal([
      ['2026-11-16', 100],
      ['2026-11-23', 50],
      ['2026-12-02', 0],
    ]);
  });

  it('out of order: a recovery before its report ends exactly as in order', async () => {
    const inOrder = uniqueEmployerId('inorder');
    const reversed = uniqueEmployerId('reversed');
    await createEmployer(db, inOrder);
    await createEmployer(db, reversed);
    const names = [
      '01-new-sick-report',
      '04-partial-recovery-100-to-50',
      '03-update-expected-return',
      '05-full-recovery',
    ];
    for (const name of names) await applyAll(absenceEventsOf(fixtureEvents(SIVI, name, inOrder)));
    for (const name of [...names].reverse())
      await applyAll(absenceEventsOf(fixtureEvents(SIVI, name, reversed)));
    const strip = (d: Awaited<ReturnType<typeof dossier>>) => ({
      vaultState: d!.vaultState,
      cases: d!.cases.map((c) => ({
        status: c.status,
        start: c.startDate,
        back: c.recoveryDate,
        expected: c.expectedReturnDate,
        steps: c.steps.map((s) => [s.fromDate.getTime(), Number(s.percentage)]),
      })),
    });
    expect(strip(await dossier(reversed, '1042'))).to.deep.equal(
      strip(await dossier(inOrder, '1042')),
    );
  });

  it('a recovery seen first shares the dossier and records the case as recovered, report not yet received', async () => {
    const employer = uniqueEmployerId('early');
    await createEmployer(db, employer);
    await applyAll(
      fixtureEvents(SIVI, 'nasty-03-recovery-arrives-before-report-VnrMld-2', employer),
    );
    const d = await dossier(employer, '2003');
    expect(d).to.include({ vaultState: 'SHARED' });
    expect(d!.cases[0]).to.include({ status: 'RECOVERED', reportReceived: false });
  });

  it('a withdrawal alone shares nothing: the dossier goes where new employee data goes', async () => {
    const employer = uniqueEmployerId('withdraw');
    await createEmployer(db, employer);
    await applyAll(fixtureEvents(SIVI, '06-cancellation-verwijderen', employer));
    const d = await dossier(employer, '2003');
    expect(d).to.include({ vaultState: 'IN_VAULT', absenceShared: false });
    expect(d!.cases[0]).to.include({ status: 'WITHDRAWN' });
    expect(d!.shares).to.have.length(0);
  });

  it('master data lands in the vault when it is active, outside it when not, and an older copy never wins', async () => {
    const active = uniqueEmployerId('active');
    const inactive = uniqueEmployerId('inactive');
    await createEmployer(db, active, true);
    await createEmployer(db, inactive, false);
    const upsert = (employer: string) =>
      fixtureEvents(SIVI, '05-full-recovery', employer).find(
        (e) => e.type === 'nl.datakluis.employee.upserted',
      )!;
    await vault.apply(upsert(active));
    await vault.apply(upsert(inactive));
    expect(await dossier(active, '1042')).to.include({
      vaultState: 'IN_VAULT',
      familyName: 'Vries',
    });
    expect(await dossier(inactive, '1042')).to.include({ vaultState: 'OUTSIDE_VAULT' });
    const older = {
      ...upsert(active),
      id: crypto.randomUUID(),
      time: '2020-01-01T00:00:00Z',
      data: { employee: { externalId: '1042', familyName: 'Oud' } },
    } as CanonicalEvent;
    expect(await vault.apply(older)).to.equal('applied');
    expect(await dossier(active, '1042')).to.include({ familyName: 'Vries' });
  });

  it('refuses an event for an employer the vault does not know, permanently', async () => {
    const [report] = fixtureEvents(SIVI, '01-new-sick-report', 'no-such-employer');
    try {
      await vault.apply(report!);
      expect.fail('should have thrown');
    } catch (error) {
      expect(error).to.include({ code: 'EMPLOYER_UNKNOWN', retryable: false });
    }
    expect(await db.processedEvent.count({ where: { eventId: report!.id } })).to.equal(0);
  });

  describe('faults in the data', () => {
    it("refuses a case id that belongs to another employee, leaving the first employee's case as it was", async () => {
      const employer = uniqueEmployerId('caseclash');
      await createEmployer(db, employer);
      const [report] = absenceEventsOf(fixtureEvents(SIVI, '01-new-sick-report', employer));
      await vault.apply(report!);
      const recovery = absenceEventsOf(fixtureEvents(SIVI, '05-full-recovery', employer))[0]!;
      const clash = {
        ...recovery,
        data: { ...recovery.data, employee: { externalId: '1077' } },
      } as CanonicalEvent;
      try {
        await vault.apply(clash);
        expect.fail('should have been refused');
      } catch (error) {
        expect(error).to.include({ code: 'CASE_OF_OTHER_EMPLOYEE', retryable: false });
      }
      const absenceCase = await db.absenceCase.findFirstOrThrow({
        where: { employerId: employer },
      });
      expect(absenceCase.status).to.equal('OPEN');
      expect(
        await db.dossier.count({ where: { employerId: employer, externalId: '1077' } }),
      ).to.equal(0);
    });

    it('master data that changes back (A, B, A) ends at the latest, A', async () => {
      const employer = uniqueEmployerId('aba');
      await createEmployer(db, employer);
      const message = {
        connectorId: SIVI,
        employerId: employer,
        receivedAt: '2026-12-03T12:00:00Z',
        contentType: 'application/xml',
        body: '',
        headers: {},
      };
      const names = [
        ['2026-11-16T09:00:00+01:00', 'Jansen'],
        ['2026-11-17T09:00:00+01:00', 'Pietersen'],
        ['2026-11-18T09:00:00+01:00', 'Jansen'],
      ] as const;
      for (const [time, familyName] of names) {
        const event = employeeUpsertedEvent(message, {
          time,
          employee: { externalId: '1042', familyName },
        });
        expect(await vault.apply(event)).to.equal('applied');
      }
      const dossier = await db.dossier.findUniqueOrThrow({
        where: { employerId_externalId: { employerId: employer, externalId: '1042' } },
      });
      expect(dossier.familyName).to.equal('Jansen');
    });

    it('data the database cannot store is a permanent failure, not an outage', async () => {
      const employer = uniqueEmployerId('nul');
      await createEmployer(db, employer);
      const upsert = fixtureEvents(SIVI, '01-new-sick-report', employer).find(
        (e) => e.type === 'nl.datakluis.employee.upserted',
      )!;
      const bad = {
        ...upsert,
        data: { employee: { externalId: '1042', familyName: 'Jan\u0000sen' } },
      } as CanonicalEvent;
      try {
        await vault.apply(bad);
        expect.fail('should have been refused');
      } catch (error) {
        expect(error).to.include({ code: 'DATABASE_REJECTED', retryable: false });
      }
    });
  });
});
