// Manual sharing and absence reports entered by hand, through the API on the real database.
import { randomUUID } from 'node:crypto';

import { expect } from 'chai';

import type { Database } from '../../../src/db/prisma-client';
import { activeVault, makeUser, useVaultApi } from '../../helpers/vault-api';
import type { RunningVaultApi, TestUser } from '../../helpers/vault-api';

const SHARES = '/v1/employers/{employerId}/dossiers/{dossierId}/shares';
const MANUAL_SHARE = '/v1/employers/{employerId}/dossiers/{dossierId}/shares/manual';
const DOSSIER = '/v1/employers/{employerId}/dossiers/{dossierId}';
const ABSENCES = '/v1/employers/{employerId}/absences';

describe('vault API: manual sharing and manual absence reports', () => {
  let db: Database;
  let api: RunningVaultApi;
  useVaultApi((started) => ({ db, api } = started));

  async function dossier(
    employerId: string,
    vaultState: 'IN_VAULT' | 'OUTSIDE_VAULT' | 'SHARED',
    absenceShared = false,
  ): Promise<string> {
    const id = randomUUID();
    await db.dossier.create({
      data: {
        id,
        employerId,
        externalId: `E${id.slice(0, 8)}`,
        vaultState,
        absenceShared,
        familyName: 'Jansen',
      },
    });
    return id;
  }

  const share = (
    employerId: string,
    dossierId: string,
    user: TestUser,
    purpose = 'bespreken met casemanager',
  ) =>
    api.client.call('POST', SHARES, {
      token: user.token,
      params: { employerId, dossierId },
      body: { purpose },
    });

  const read = (employerId: string, dossierId: string, user: TestUser) =>
    api.client.call('GET', DOSSIER, { token: user.token, params: { employerId, dossierId } });

  it('shares a dossier the user can see with the service, with its purpose, an audit entry and a dossier.shared event', async () => {
    const { employerId } = await activeVault(db, 'shr');
    const hr = await makeUser(db, { kind: 'EMPLOYER_USER', employerId });
    const service = await makeUser(db, { kind: 'SERVICE_STAFF', servedEmployers: [employerId] });
    const dossierId = await dossier(employerId, 'OUTSIDE_VAULT');
    expect((await read(employerId, dossierId, service)).status).to.equal(404);
    const answer = await share(employerId, dossierId, hr);
    expect(answer.status).to.equal(201);
    const seen = await read(employerId, dossierId, service);
    expect(seen.status).to.equal(200);
    const shares = seen.body.shares as {
      reason: string;
      purpose: string;
      userId: string;
      endedAt: null;
    }[];
    expect(shares).to.have.length(1);
    expect(shares[0]).to.include({
      reason: 'MANUAL',
      purpose: 'bespreken met casemanager',
      userId: hr.id,
      endedAt: null,
    });
    const audit = await db.auditEntry.findFirstOrThrow({
      where: { dossierId, action: 'dossier.shared' },
    });
    expect(audit).to.include({ actorType: 'user', actorId: hr.id, reason: 'manual' });
    expect(JSON.stringify(audit.details)).to.not.include('casemanager');
    const outbox = await db.outboxMessage.findMany({
      where: { payload: { path: ['subject'], equals: dossierId } },
    });
    expect(outbox).to.have.length(1);
    expect((outbox[0]!.payload as { data: { reason: string } }).data.reason).to.equal('manual');
  });

  it('is idempotent: sharing a dossier that is already shared by hand returns the existing share', async () => {
    const { employerId } = await activeVault(db, 'shr');
    const hr = await makeUser(db, { kind: 'EMPLOYER_USER', employerId });
    const dossierId = await dossier(employerId, 'OUTSIDE_VAULT');
    const first = await share(employerId, dossierId, hr);
    const second = await share(employerId, dossierId, hr);
    expect(second.status).to.equal(200);
    expect(second.body.shareId).to.equal(first.body.shareId);
    expect(await db.dossierShare.count({ where: { dossierId } })).to.equal(1);
  });

  it('lets only those who can see a dossier share it: a vault dossier needs vault access', async () => {
    const { employerId } = await activeVault(db, 'shr');
    const hr = await makeUser(db, { kind: 'EMPLOYER_USER', employerId });
    const access = await makeUser(db, { kind: 'EMPLOYER_USER', employerId, vaultRole: 'ACCESS' });
    const inVault = await dossier(employerId, 'IN_VAULT');
    expect((await share(employerId, inVault, hr)).status).to.equal(404);
    expect((await db.dossier.findUniqueOrThrow({ where: { id: inVault } })).vaultState).to.equal(
      'IN_VAULT',
    );
    expect((await share(employerId, inVault, access)).status).to.equal(201);
    expect((await db.dossier.findUniqueOrThrow({ where: { id: inVault } })).vaultState).to.equal(
      'SHARED',
    );
  });

  it('is not for service or support staff', async () => {
    const { employerId } = await activeVault(db, 'shr');
    const dossierId = await dossier(employerId, 'SHARED', true);
    for (const kind of ['SERVICE_STAFF', 'SUPPORT_STAFF'] as const) {
      const staff = await makeUser(db, { kind, servedEmployers: [employerId] });
      const answer = await share(employerId, dossierId, staff);
      expect(answer.status).to.equal(403);
      expect(answer.body.code).to.equal('ROLE_NOT_ALLOWED');
    }
  });

  it('ends a manual share: the service loses sight at once and the dossier waits outside the vault for the nightly processing', async () => {
    const { employerId } = await activeVault(db, 'shr');
    const hr = await makeUser(db, { kind: 'EMPLOYER_USER', employerId });
    const service = await makeUser(db, { kind: 'SERVICE_STAFF', servedEmployers: [employerId] });
    const dossierId = await dossier(employerId, 'OUTSIDE_VAULT');
    await share(employerId, dossierId, hr);
    const ended = await api.client.call('DELETE', MANUAL_SHARE, {
      token: hr.token,
      params: { employerId, dossierId },
    });
    expect(ended.status).to.equal(200);
    expect((await read(employerId, dossierId, service)).status).to.equal(404);
    const row = await db.dossier.findUniqueOrThrow({ where: { id: dossierId } });
    expect(row.vaultState).to.equal('OUTSIDE_VAULT');
    const shareRow = await db.dossierShare.findFirstOrThrow({ where: { dossierId } });
    expect(shareRow.endedAt).to.be.instanceOf(Date);
    expect(
      await db.auditEntry.count({ where: { dossierId, action: 'dossier.unshared' } }),
    ).to.equal(1);
    const again = await api.client.call('DELETE', MANUAL_SHARE, {
      token: hr.token,
      params: { employerId, dossierId },
    });
    expect(again.status).to.equal(409);
    expect(again.body.code).to.equal('NO_MANUAL_SHARE');
  });

  it('never ends the share of a dossier with an absence', async () => {
    const { employerId } = await activeVault(db, 'shr');
    const hr = await makeUser(db, { kind: 'EMPLOYER_USER', employerId });
    const reported = await api.client.call('POST', ABSENCES, {
      token: hr.token,
      params: { employerId },
      body: { employeeNumber: 'A-1', startDate: '2026-12-01', incapacityPercentage: 100 },
    });
    const dossierId = reported.body.dossierId as string;
    await share(employerId, dossierId, hr, 'extra overleg');
    const answer = await api.client.call('DELETE', MANUAL_SHARE, {
      token: hr.token,
      params: { employerId, dossierId },
    });
    expect(answer.status).to.equal(409);
    expect(answer.body.code).to.equal('DOSSIER_HAS_ABSENCE');
    const row = await db.dossier.findUniqueOrThrow({ where: { id: dossierId } });
    expect(row).to.include({ vaultState: 'SHARED', absenceShared: true });
  });

  it('ends the manual share of a dossier whose only case was withdrawn (reported in error: no absence)', async () => {
    const { employerId } = await activeVault(db, 'shr');
    const hr = await makeUser(db, { kind: 'EMPLOYER_USER', employerId });
    const dossierId = await dossier(employerId, 'OUTSIDE_VAULT');
    await db.absenceCase.create({
      data: {
        id: randomUUID(),
        employerId,
        dossierId,
        connectorId: 'csv',
        sourceCaseId: `w-${dossierId}`,
        status: 'WITHDRAWN',
      },
    });
    await share(employerId, dossierId, hr);
    const ended = await api.client.call('DELETE', MANUAL_SHARE, {
      token: hr.token,
      params: { employerId, dossierId },
    });
    expect(ended.status).to.equal(200);
    const row = await db.dossier.findUniqueOrThrow({ where: { id: dossierId } });
    expect(row).to.include({ vaultState: 'OUTSIDE_VAULT', sharedAt: null });
  });

  it('answers a manual share of a dossier shared because of absence with that share: nothing is added', async () => {
    const { employerId } = await activeVault(db, 'shr');
    const hr = await makeUser(db, { kind: 'EMPLOYER_USER', employerId });
    const reported = await api.client.call('POST', ABSENCES, {
      token: hr.token,
      params: { employerId },
      body: { employeeNumber: 'ABS-2', startDate: '2026-12-01', incapacityPercentage: 100 },
    });
    const dossierId = reported.body.dossierId as string;
    const answer = await share(employerId, dossierId, hr);
    expect(answer.status).to.equal(200);
    expect(answer.body.created).to.equal(false);
    const shares = await db.dossierShare.findMany({ where: { dossierId } });
    expect(shares.map((row) => row.reason)).to.deep.equal(['ABSENCE']);
    expect(answer.body.shareId).to.equal(shares[0]!.id);
  });

  describe('a manual absence report', () => {
    it('shares the dossier exactly like a connector report: absence share for good, case, audit by the user', async () => {
      const { employerId } = await activeVault(db, 'shr');
      const hr = await makeUser(db, { kind: 'EMPLOYER_USER', employerId });
      const service = await makeUser(db, { kind: 'SERVICE_STAFF', servedEmployers: [employerId] });
      const inVault = await dossier(employerId, 'IN_VAULT');
      const externalId = (await db.dossier.findUniqueOrThrow({ where: { id: inVault } }))
        .externalId;
      const answer = await api.client.call('POST', ABSENCES, {
        token: hr.token,
        params: { employerId },
        body: {
          employeeNumber: externalId,
          startDate: '2026-12-01',
          incapacityPercentage: 50,
          expectedReturnDate: '2026-12-15',
        },
      });
      expect(answer.status).to.equal(201);
      expect(answer.body).to.include({ dossierId: inVault, outcome: 'applied' });
      const seen = await read(employerId, inVault, service);
      expect(seen.status).to.equal(200);
      expect(seen.body).to.include({ vaultState: 'SHARED', sharedBecauseOfAbsence: true });
      const cases = seen.body.cases as {
        connectorId: string;
        status: string;
        incapacity: unknown[];
        expectedReturnDate: string;
      }[];
      expect(cases).to.have.length(1);
      expect(cases[0]).to.deep.include({
        connectorId: 'manual',
        status: 'OPEN',
        expectedReturnDate: '2026-12-15',
        incapacity: [{ from: '2026-12-01', percentage: 50 }],
      });
      const share = (
        seen.body.shares as { reason: string; userId: string; connectorId: string }[]
      )[0]!;
      expect(share).to.include({ reason: 'ABSENCE', userId: hr.id, connectorId: 'manual' });
      const audit = await db.auditEntry.findMany({
        where: { dossierId: inVault },
        orderBy: { id: 'asc' },
      });
      expect(audit.map((entry) => [entry.action, entry.actorType, entry.actorId])).to.deep.equal([
        ['dossier.shared', 'user', hr.id],
        ['absence.reported', 'user', hr.id],
      ]);
    });

    it('creates a dossier the vault does not know yet directly in the shared state', async () => {
      const { employerId } = await activeVault(db, 'shr');
      const hr = await makeUser(db, { kind: 'EMPLOYER_USER', employerId });
      const answer = await api.client.call('POST', ABSENCES, {
        token: hr.token,
        params: { employerId },
        body: { employeeNumber: 'NEW-77', startDate: '2026-12-02', incapacityPercentage: 100 },
      });
      expect(answer.status).to.equal(201);
      const row = await db.dossier.findUniqueOrThrow({
        where: { id: answer.body.dossierId as string },
      });
      expect(row).to.include({ vaultState: 'SHARED', absenceShared: true, externalId: 'NEW-77' });
    });

    it('has one effect when retried with the same Idempotency-Key', async () => {
      const { employerId } = await activeVault(db, 'shr');
      const hr = await makeUser(db, { kind: 'EMPLOYER_USER', employerId });
      const send = () =>
        api.client.call('POST', ABSENCES, {
          token: hr.token,
          params: { employerId },
          headers: { 'idempotency-key': 'report-2026-12-02-1' },
          body: { employeeNumber: 'IDEM-1', startDate: '2026-12-02', incapacityPercentage: 100 },
        });
      const first = await send();
      const second = await send();
      expect([first.status, second.status]).to.deep.equal([201, 200]);
      expect(second.body).to.include({
        outcome: 'duplicate',
        eventId: first.body.eventId,
        caseId: first.body.caseId,
      });
      expect(await db.absenceCase.count({ where: { employerId } })).to.equal(1);
      expect(await db.dossierShare.count({ where: { employerId } })).to.equal(1);
    });

    it('refuses an Idempotency-Key used again for a different report, and keeps the first', async () => {
      const { employerId } = await activeVault(db, 'shr');
      const hr = await makeUser(db, { kind: 'EMPLOYER_USER', employerId });
      const send = (startDate: string, incapacityPercentage: number) =>
        api.client.call('POST', ABSENCES, {
          token: hr.token,
          params: { employerId },
          headers: { 'idempotency-key': 'abs-7001-1' },
          body: { employeeNumber: 'IDEM-2', startDate, incapacityPercentage },
        });
      expect((await send('2026-12-01', 100)).status).to.equal(201);
      const reused = await send('2026-12-02', 50);
      expect(reused.status).to.equal(409);
      expect(reused.body.code).to.equal('IDEMPOTENCY_KEY_REUSED');
      const steps = await db.incapacityStep.findMany({ where: { absenceCase: { employerId } } });
      expect(steps.map((step) => step.percentage.toNumber())).to.deep.equal([100]);
    });

    it('refuses dates in the future or an expected return before the first sick day', async () => {
      const { employerId } = await activeVault(db, 'shr');
      const hr = await makeUser(db, { kind: 'EMPLOYER_USER', employerId });
      const answer = await api.client.call('POST', ABSENCES, {
        token: hr.token,
        params: { employerId },
        body: {
          employeeNumber: 'D-1',
          startDate: '2030-01-01',
          expectedReturnDate: '2029-12-01',
          reportedOn: '2031-01-01',
          incapacityPercentage: 100,
        },
      });
      expect(answer.status).to.equal(400);
      expect(
        (answer.body.issues as { path: string; code: string }[]).map((issue) => [
          issue.path,
          issue.code,
        ]),
      ).to.have.deep.members([
        ['/startDate', 'INCONSISTENT_DATES'],
        ['/reportedOn', 'INCONSISTENT_DATES'],
        ['/expectedReturnDate', 'INCONSISTENT_DATES'],
      ]);
      expect(await db.dossier.count({ where: { employerId } })).to.equal(0);
    });

    it('refuses what an employer may not record or what is malformed, naming the fields', async () => {
      const { employerId } = await activeVault(db, 'shr');
      const hr = await makeUser(db, { kind: 'EMPLOYER_USER', employerId });
      const answer = await api.client.call('POST', ABSENCES, {
        token: hr.token,
        params: { employerId },
        body: {
          employeeNumber: 'X 1',
          startDate: '1-12-2026',
          incapacityPercentage: 150,
          diagnosis: 'griep',
        },
      });
      expect(answer.status).to.equal(400);
      const paths = (answer.body.issues as { path: string }[]).map((issue) => issue.path);
      expect(paths).to.include.members([
        '/employeeNumber',
        '/startDate',
        '/incapacityPercentage',
        '/diagnosis',
      ]);
      // The refused value is never echoed.
      expect(JSON.stringify(answer.body)).to.not.include('griep');
      expect(await db.dossier.count({ where: { employerId } })).to.equal(0);
    });

    it('answers 400 INVALID_JSON for a body that is not JSON, with nothing stored', async () => {
      const { employerId } = await activeVault(db, 'shr');
      const hr = await makeUser(db, { kind: 'EMPLOYER_USER', employerId });
      const response = await fetch(`${api.client.url}/v1/employers/${employerId}/absences`, {
        method: 'POST',
        headers: { authorization: `Bearer ${hr.token}`, 'content-type': 'application/json' },
        body: '{"employeeNumber": ',
      });
      expect(response.status).to.equal(400);
      expect(response.headers.get('content-type')).to.match(/^application\/problem\+json/);
      expect(((await response.json()) as { code: string }).code).to.equal('INVALID_JSON');
    });
  });

  describe('employee data entered by hand', () => {
    const EMPLOYEES = '/v1/employers/{employerId}/employees';

    it('puts a new employee of an active vault straight into the vault; the id comes back only to who may see it', async () => {
      const { employerId, admin } = await activeVault(db, 'emp');
      const hr = await makeUser(db, { kind: 'EMPLOYER_USER', employerId });
      const byHr = await api.client.call('POST', EMPLOYEES, {
        token: hr.token,
        params: { employerId },
        body: { employeeNumber: 'NEW-1', givenName: 'Sara', familyName: 'Kok', bsn: '111222333' },
      });
      expect(byHr.status).to.equal(201);
      expect(byHr.body.dossierId).to.equal(null);
      const row = await db.dossier.findFirstOrThrow({ where: { employerId, externalId: 'NEW-1' } });
      expect(row).to.include({ vaultState: 'IN_VAULT', familyName: 'Kok', bsn: '111222333' });
      const created = await db.auditEntry.findFirstOrThrow({
        where: { dossierId: row.id, action: 'dossier.created' },
      });
      expect(created).to.include({ actorType: 'user', actorId: hr.id });
      const byAdmin = await api.client.call('POST', EMPLOYEES, {
        token: admin.token,
        params: { employerId },
        body: { employeeNumber: 'NEW-1', givenName: 'Sara', familyName: 'Kok-de Boer' },
      });
      expect(byAdmin.body.dossierId).to.equal(row.id);
      expect((await db.dossier.findUniqueOrThrow({ where: { id: row.id } })).familyName).to.equal(
        'Kok-de Boer',
      );
    });

    it('has one effect per key and data, and refuses a BSN that fails the eleven-check', async () => {
      const { employerId, admin } = await activeVault(db, 'emp');
      const send = (body: unknown) =>
        api.client.call('POST', EMPLOYEES, {
          token: admin.token,
          params: { employerId },
          headers: { 'idempotency-key': 'hire-1' },
          body,
        });
      expect((await send({ employeeNumber: 'K-1', familyName: 'Kok' })).status).to.equal(201);
      expect((await send({ employeeNumber: 'K-1', familyName: 'Kok' })).status).to.equal(200);
      const bad = await send({ employeeNumber: 'K-2', bsn: '123456789' });
      expect(bad.status).to.equal(400);
      expect((bad.body.issues as { path: string; code: string }[])[0]).to.include({
        path: '/bsn',
        code: 'INVALID_BSN',
      });
      expect(JSON.stringify(bad.body)).to.not.include('123456789');
    });

    it('is for the employer’s own users only', async () => {
      const { employerId } = await activeVault(db, 'emp');
      const service = await makeUser(db, { kind: 'SERVICE_STAFF', servedEmployers: [employerId] });
      const answer = await api.client.call('POST', EMPLOYEES, {
        token: service.token,
        params: { employerId },
        body: { employeeNumber: 'S-1' },
      });
      expect(answer.status).to.equal(403);
      expect(await db.dossier.count({ where: { employerId } })).to.equal(0);
    });
  });
});
