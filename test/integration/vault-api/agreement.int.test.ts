// Authentication and the processing agreement, through the real API on the real database.
import { expect } from 'chai';

import type { Database } from '../../../src/db/prisma-client';
import { VaultAdminService } from '../../../src/vault/vault-admin.service';
import { createEmployer, uniqueEmployerId } from '../../helpers/test-environment';
import { makeUser, useVaultApi } from '../../helpers/vault-api';
import type { RunningVaultApi, TestUser } from '../../helpers/vault-api';

const REPRESENTATIVE = { name: 'Anna de Vries', email: 'anna.devries@example.test' };

describe('vault API: authentication and the processing agreement', () => {
  let db: Database;
  let api: RunningVaultApi;
  useVaultApi((started) => ({ db, api } = started));

  async function newEmployer(): Promise<{ employerId: string; user: TestUser }> {
    const employerId = uniqueEmployerId('agr');
    await createEmployer(db, employerId, false);
    const user = await makeUser(db, { kind: 'EMPLOYER_USER', employerId });
    return { employerId, user };
  }

  const currentVersion = async (): Promise<number> =>
    (await db.agreementVersion.findFirstOrThrow({ orderBy: { version: 'desc' } })).version;

  const accept = (
    employerId: string,
    token: string,
    version: number,
    representative = REPRESENTATIVE,
  ) =>
    api.client.call('POST', '/v1/employers/{employerId}/agreement/acceptances', {
      token,
      params: { employerId },
      body: { version, representative },
    });

  describe('authentication', () => {
    it('answers 401 problem+json without a token, with a malformed one, or an unknown one', async () => {
      const { employerId, user } = await newEmployer();
      for (const token of [undefined, 'nonsense', user.token.slice(0, -2) + 'xx']) {
        const answer = await api.client.call('GET', '/v1/employers/{employerId}/dossiers', {
          params: { employerId },
          ...(token === undefined ? {} : { token }),
        });
        expect(answer.status).to.equal(401);
        expect(answer.body.code).to.equal('UNAUTHENTICATED');
        expect(answer.headers.get('www-authenticate')).to.match(/^Bearer/);
      }
    });

    it('stops accepting the tokens of a disabled user at once', async () => {
      const { user } = await newEmployer();
      expect((await api.client.call('GET', '/v1/me', { token: user.token })).status).to.equal(200);
      await new VaultAdminService(db).setUserDisabled(user.id, true, 'operator:test');
      expect((await api.client.call('GET', '/v1/me', { token: user.token })).status).to.equal(401);
    });

    it('stores only a hash of the token and records its last use', async () => {
      const { user } = await newEmployer();
      await api.client.call('GET', '/v1/me', { token: user.token });
      const rows = await db.userToken.findMany({ where: { userId: user.id } });
      expect(rows).to.have.length(1);
      expect(rows[0]!.tokenHash).to.not.include(user.token.split('_')[2]!);
      expect(rows[0]!.lastUsedAt).to.be.instanceOf(Date);
    });

    it('sends no-store and nosniff headers on every answer (personal data must not be cached)', async () => {
      const { user } = await newEmployer();
      const answer = await api.client.call('GET', '/v1/me', { token: user.token });
      expect(answer.headers.get('cache-control')).to.equal('no-store');
      expect(answer.headers.get('x-content-type-options')).to.equal('nosniff');
    });
  });

  describe('before the agreement is accepted', () => {
    it('answers agreement-required on every call of an employer user except reading and accepting it', async () => {
      const { employerId, user } = await newEmployer();
      const calls: ['GET' | 'PUT' | 'POST' | 'DELETE', string, unknown?][] = [
        ['GET', '/v1/employers/{employerId}/dossiers'],
        ['GET', '/v1/employers/{employerId}/dossiers/counts'],
        ['GET', '/v1/employers/{employerId}/users'],
        ['GET', '/v1/employers/{employerId}/audit'],
        [
          'POST',
          '/v1/employers/{employerId}/absences',
          { employeeNumber: '1', startDate: '2026-12-01', incapacityPercentage: 100 },
        ],
      ];
      for (const [method, template, body] of calls) {
        const answer = await api.client.call(method, template, {
          token: user.token,
          params: { employerId },
          ...(body === undefined ? {} : { body }),
        });
        expect(answer.status, `${method} ${template}`).to.equal(403);
        expect(answer.body.code).to.equal('AGREEMENT_REQUIRED');
        expect(answer.body.type).to.match(/\/agreement-required$/);
      }
      const agreement = await api.client.call('GET', '/v1/employers/{employerId}/agreement', {
        token: user.token,
        params: { employerId },
      });
      expect(agreement.status).to.equal(200);
      expect(agreement.body.status).to.include({
        acceptanceRequired: true,
        vaultState: 'INACTIVE',
      });
      const me = await api.client.call('GET', '/v1/me', { token: user.token });
      expect((me.body.agreement as { acceptanceRequired: boolean }).acceptanceRequired).to.equal(
        true,
      );
      expect(await db.auditEntry.count({ where: { employerId } })).to.equal(0);
    });

    it('refuses an acceptance without a valid legal representative, naming the fields', async () => {
      const { employerId, user } = await newEmployer();
      const version = await currentVersion();
      const answer = await accept(employerId, user.token, version, {
        name: 'Anna',
        email: 'anna@',
      });
      expect(answer.status).to.equal(400);
      expect(answer.body.code).to.equal('VALIDATION_FAILED');
      expect((answer.body.issues as { path: string }[]).map((issue) => issue.path)).to.have.members(
        ['/representative/name', '/representative/email'],
      );
      const missing = await api.client.call(
        'POST',
        '/v1/employers/{employerId}/agreement/acceptances',
        {
          token: user.token,
          params: { employerId },
          body: { version },
        },
      );
      expect(missing.status).to.equal(400);
      expect((missing.body.issues as { path: string }[])[0]!.path).to.equal('/representative');
      expect(await db.agreementAcceptance.count({ where: { employerId } })).to.equal(0);
      expect(await db.mailOutboxMessage.count({ where: { employerId } })).to.equal(0);
    });

    it('refuses an outdated version', async () => {
      const { employerId, user } = await newEmployer();
      const answer = await accept(employerId, user.token, (await currentVersion()) + 7);
      expect(answer.status).to.equal(409);
      expect(answer.body.code).to.equal('AGREEMENT_VERSION_OUTDATED');
    });

    it('does not let anyone accept for another employer (answers as if it did not exist)', async () => {
      const { employerId } = await newEmployer();
      const other = await newEmployer();
      const answer = await accept(employerId, other.user.token, await currentVersion());
      expect(answer.status).to.equal(404);
      const service = await makeUser(db, { kind: 'SERVICE_STAFF', servedEmployers: [employerId] });
      expect((await accept(employerId, service.token, await currentVersion())).status).to.equal(
        404,
      );
      expect(await db.agreementAcceptance.count({ where: { employerId } })).to.equal(0);
    });
  });

  describe('accepting', () => {
    it('records version, user and time, activates the vault, makes the user vault admin and queues one e-mail', async () => {
      const { employerId, user } = await newEmployer();
      const version = await currentVersion();
      const answer = await accept(employerId, user.token, version);
      expect(answer.status).to.equal(201);
      expect(answer.body.status).to.deep.equal({
        employerId,
        vaultState: 'ACTIVE',
        currentVersion: version,
        acceptedVersion: version,
        acceptanceRequired: false,
      });
      const acceptance = await db.agreementAcceptance.findFirstOrThrow({ where: { employerId } });
      expect(acceptance).to.include({
        version,
        userId: user.id,
        representativeName: REPRESENTATIVE.name,
        representativeEmail: REPRESENTATIVE.email,
      });
      const employer = await db.employer.findUniqueOrThrow({ where: { id: employerId } });
      expect(employer.vaultState).to.equal('ACTIVE');
      expect(employer.vaultActivatedAt).to.be.instanceOf(Date);
      expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).vaultRole).to.equal(
        'ADMIN',
      );
      const mails = await db.mailOutboxMessage.findMany({ where: { employerId } });
      expect(mails).to.have.length(1);
      expect(mails[0]).to.include({
        recipient: REPRESENTATIVE.email,
        status: 'PENDING',
        kind: 'agreement-confirmation',
      });
      expect(mails[0]!.bodyText).to.include(REPRESENTATIVE.name);
      const actions = (
        await db.auditEntry.findMany({ where: { employerId }, orderBy: { id: 'asc' } })
      ).map((entry) => entry.action);
      expect(actions).to.deep.equal([
        'agreement.accepted',
        'vault.activated',
        'vault-role.changed',
      ]);
      // The audit names no one: no representative name or address in any entry.
      const audit = JSON.stringify(
        await db.auditEntry.findMany({ where: { employerId } }),
        (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v),
      );
      expect(audit).to.not.include('Anna').and.not.include('example.test');
      // From now on the user gets on with their work.
      const dossiers = await api.client.call('GET', '/v1/employers/{employerId}/dossiers', {
        token: user.token,
        params: { employerId },
      });
      expect(dossiers.status).to.equal(200);
    });

    it('is harmless twice: 200, nothing changes, no second e-mail', async () => {
      const { employerId, user } = await newEmployer();
      const version = await currentVersion();
      expect((await accept(employerId, user.token, version)).status).to.equal(201);
      const again = await accept(employerId, user.token, version);
      expect(again.status).to.equal(200);
      expect(again.body.accepted).to.equal(false);
      expect(await db.agreementAcceptance.count({ where: { employerId } })).to.equal(1);
      expect(await db.mailOutboxMessage.count({ where: { employerId } })).to.equal(1);
    });

    it('lets exactly one of two colleagues accepting at the same moment become the first admin', async () => {
      const { employerId, user } = await newEmployer();
      const colleague = await makeUser(db, { kind: 'EMPLOYER_USER', employerId });
      const version = await currentVersion();
      const answers = await Promise.all([
        accept(employerId, user.token, version),
        accept(employerId, colleague.token, version),
      ]);
      expect(answers.map((answer) => answer.status).sort()).to.deep.equal([200, 201]);
      expect(await db.user.count({ where: { employerId, vaultRole: 'ADMIN' } })).to.equal(1);
      expect(await db.mailOutboxMessage.count({ where: { employerId } })).to.equal(1);
    });

    it('makes the first acceptor admin even when an operator activated the vault before', async () => {
      const employerId = uniqueEmployerId('agr');
      await createEmployer(db, employerId, true);
      const user = await makeUser(db, { kind: 'EMPLOYER_USER', employerId });
      expect((await accept(employerId, user.token, await currentVersion())).status).to.equal(201);
      expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).vaultRole).to.equal(
        'ADMIN',
      );
    });
  });

  describe('a new agreement version', () => {
    it('requires acceptance again, by a vault admin, and leaves the vault active meanwhile', async () => {
      const { employerId, user: admin } = await newEmployer();
      const colleague = await makeUser(db, { kind: 'EMPLOYER_USER', employerId });
      const first = await currentVersion();
      expect((await accept(employerId, admin.token, first)).status).to.equal(201);
      const otherEmployer = await newEmployer();
      expect(
        (await accept(otherEmployer.employerId, otherEmployer.user.token, first)).status,
      ).to.equal(201);
      // Publishing is global to this run's schema: the other tests read the current version
      // whenever they accept, so they are not affected.
      const next = first + 1;
      await db.agreementVersion.create({
        data: {
          version: next,
          title: `Test version ${next}`,
          body: 'A newer processing agreement text for this test. '.repeat(3),
        },
      });
      {
        const gated = await api.client.call('GET', '/v1/employers/{employerId}/dossiers', {
          token: colleague.token,
          params: { employerId },
        });
        expect(gated.body.code).to.equal('AGREEMENT_REQUIRED');
        expect(
          (await db.employer.findUniqueOrThrow({ where: { id: employerId } })).vaultState,
        ).to.equal('ACTIVE');
        const byColleague = await accept(employerId, colleague.token, next);
        expect(byColleague.status).to.equal(403);
        expect(byColleague.body.code).to.equal('VAULT_ADMIN_REQUIRED');
        const old = await accept(employerId, admin.token, first);
        expect(old.body.code).to.equal('AGREEMENT_VERSION_OUTDATED');
        expect((await accept(employerId, admin.token, next)).status).to.equal(201);
        const mails = await db.mailOutboxMessage.findMany({
          where: { employerId },
          orderBy: { createdAt: 'asc' },
        });
        expect(mails).to.have.length(2);
        expect(mails[1]!.subject).to.contain('nieuwe versie');
        expect(mails[1]!.bodyText).to.not.contain('eerste datakluisbeheerder');
        const open = await api.client.call('GET', '/v1/employers/{employerId}/dossiers', {
          token: colleague.token,
          params: { employerId },
        });
        expect(open.status).to.equal(200);
      }
    });
  });

  describe('correcting the legal representative', () => {
    it('lets a vault admin correct a mistyped address: the acceptance changes, the confirmation goes out again, audited', async () => {
      const { employerId, user: admin } = await newEmployer();
      const colleague = await makeUser(db, { kind: 'EMPLOYER_USER', employerId });
      expect(
        (
          await accept(employerId, admin.token, await currentVersion(), {
            name: 'Anna de Vries',
            email: 'anna@exmaple.test',
          })
        ).status,
      ).to.equal(201);
      const change = (token: string, body: unknown) =>
        api.client.call('PUT', '/v1/employers/{employerId}/agreement/representative', {
          token,
          params: { employerId },
          body,
        });
      const byColleague = await change(colleague.token, {
        name: 'Anna de Vries',
        email: 'anna@example.test',
      });
      expect(byColleague.status).to.equal(403);
      const invalid = await change(admin.token, { name: 'Anna de Vries', email: 'anna@' });
      expect(invalid.status).to.equal(400);
      const answer = await change(admin.token, {
        name: 'Anna de Vries',
        email: 'anna@example.test',
      });
      expect(answer.status).to.equal(200);
      const acceptance = await db.agreementAcceptance.findFirstOrThrow({ where: { employerId } });
      expect(acceptance.representativeEmail).to.equal('anna@example.test');
      const mails = await db.mailOutboxMessage.findMany({
        where: { employerId },
        orderBy: { createdAt: 'asc' },
      });
      expect(mails.map((mail) => mail.recipient)).to.deep.equal([
        'anna@exmaple.test',
        'anna@example.test',
      ]);
      expect(mails[1]!.subject).to.equal(mails[0]!.subject);
      const audit = await db.auditEntry.findFirstOrThrow({
        where: { employerId, action: 'agreement.representative-changed' },
      });
      expect(JSON.stringify(audit.details)).to.not.include('example');
    });
  });
});
