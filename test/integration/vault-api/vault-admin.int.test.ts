// Vault administration through the API: grant, revoke, promote, demote; never the last admin;
// only colleagues of the same employer; every change audited.
import { expect } from 'chai';

import type { Database } from '../../../src/db/prisma-client';
import { VaultAdminService } from '../../../src/vault/vault-admin.service';
import { activeVault, makeUser, useVaultApi } from '../../helpers/vault-api';
import type { RunningVaultApi, TestUser } from '../../helpers/vault-api';

const ROLE = '/v1/employers/{employerId}/users/{userId}/vault-role';

describe('vault API: vault administration', () => {
  let db: Database;
  let api: RunningVaultApi;
  useVaultApi((started) => ({ db, api } = started));

  const setRole = (employerId: string, by: TestUser, userId: string, role: string) =>
    api.client.call('PUT', ROLE, {
      token: by.token,
      params: { employerId, userId },
      body: { role },
    });

  const roleOf = async (userId: string): Promise<string> =>
    (await db.user.findUniqueOrThrow({ where: { id: userId } })).vaultRole;

  it('grants and revokes vault access, promotes and demotes, and audits each change', async () => {
    const { employerId, admin } = await activeVault(db, 'adm');
    const colleague = await makeUser(db, { kind: 'EMPLOYER_USER', employerId });
    for (const role of ['ACCESS', 'ADMIN', 'ACCESS', 'NONE']) {
      const answer = await setRole(employerId, admin, colleague.id, role);
      expect(answer.status).to.equal(200);
      expect(answer.body).to.deep.equal({ userId: colleague.id, vaultRole: role, changed: true });
      expect(await roleOf(colleague.id)).to.equal(role);
    }
    const audit = await db.auditEntry.findMany({
      where: { employerId, action: 'vault-role.changed' },
      orderBy: { id: 'asc' },
    });
    expect(audit.map((entry) => entry.details)).to.deep.equal([
      { userId: colleague.id, from: 'NONE', to: 'ACCESS' },
      { userId: colleague.id, from: 'ACCESS', to: 'ADMIN' },
      { userId: colleague.id, from: 'ADMIN', to: 'ACCESS' },
      { userId: colleague.id, from: 'ACCESS', to: 'NONE' },
    ]);
    expect(
      audit.every((entry) => entry.actorId === admin.id && entry.actorType === 'user'),
    ).to.equal(true);
    expect(audit.every((entry) => entry.correlationId !== null)).to.equal(true);
  });

  it('writes nothing when the role does not change', async () => {
    const { employerId, admin } = await activeVault(db, 'adm');
    const colleague = await makeUser(db, { kind: 'EMPLOYER_USER', employerId });
    const answer = await setRole(employerId, admin, colleague.id, 'NONE');
    expect(answer.body.changed).to.equal(false);
    expect(
      await db.auditEntry.count({ where: { employerId, action: 'vault-role.changed' } }),
    ).to.equal(0);
  });

  it('never removes the last admin, also not the admin themself', async () => {
    const { employerId, admin } = await activeVault(db, 'adm');
    for (const role of ['ACCESS', 'NONE']) {
      const answer = await setRole(employerId, admin, admin.id, role);
      expect(answer.status).to.equal(409);
      expect(answer.body.code).to.equal('LAST_VAULT_ADMIN');
    }
    expect(await roleOf(admin.id)).to.equal('ADMIN');
    // With a second admin, stepping down is fine.
    const colleague = await makeUser(db, { kind: 'EMPLOYER_USER', employerId });
    await setRole(employerId, admin, colleague.id, 'ADMIN');
    expect((await setRole(employerId, admin, admin.id, 'NONE')).status).to.equal(200);
  });

  it('lets only one of two admins demoting each other at the same moment succeed', async () => {
    const { employerId, admin } = await activeVault(db, 'adm');
    const second = await makeUser(db, { kind: 'EMPLOYER_USER', employerId, vaultRole: 'ADMIN' });
    const answers = await Promise.all([
      setRole(employerId, admin, second.id, 'NONE'),
      setRole(employerId, second, admin.id, 'NONE'),
    ]);
    const statuses = answers.map((answer) => answer.status).sort();
    // The one that loses the race is either refused as the last admin, or (demoted first) no admin.
    expect(statuses[0]).to.equal(200);
    expect(statuses[1]).to.be.oneOf([403, 409]);
    expect(await db.user.count({ where: { employerId, vaultRole: 'ADMIN' } })).to.equal(1);
  });

  it('is for vault admins only', async () => {
    const { employerId } = await activeVault(db, 'adm');
    const access = await makeUser(db, { kind: 'EMPLOYER_USER', employerId, vaultRole: 'ACCESS' });
    const plain = await makeUser(db, { kind: 'EMPLOYER_USER', employerId });
    for (const caller of [access, plain]) {
      const answer = await setRole(employerId, caller, plain.id, 'ACCESS');
      expect(answer.status).to.equal(403);
      expect(answer.body.code).to.equal('VAULT_ADMIN_REQUIRED');
      const list = await api.client.call('GET', '/v1/employers/{employerId}/users', {
        token: caller.token,
        params: { employerId },
      });
      expect(list.status).to.equal(403);
    }
    const service = await makeUser(db, { kind: 'SERVICE_STAFF', servedEmployers: [employerId] });
    expect((await setRole(employerId, service, plain.id, 'ACCESS')).body.code).to.equal(
      'ROLE_NOT_ALLOWED',
    );
    expect(await roleOf(plain.id)).to.equal('NONE');
  });

  it('only for colleagues of the same employer: anyone else does not exist', async () => {
    const a = await activeVault(db, 'adm');
    const b = await activeVault(db, 'adm');
    const service = await makeUser(db, { kind: 'SERVICE_STAFF', servedEmployers: [a.employerId] });
    for (const target of [b.admin.id, service.id]) {
      const answer = await setRole(a.employerId, a.admin, target, 'ACCESS');
      expect(answer.status).to.equal(404);
      expect(answer.body.code).to.equal('NOT_FOUND');
    }
    // An admin of B cannot manage A's users through A's path either.
    expect((await setRole(a.employerId, b.admin, a.admin.id, 'NONE')).status).to.equal(404);
    expect((await setRole(a.employerId, a.admin, 'not-a-uuid', 'NONE')).status).to.equal(404);
    expect(await roleOf(b.admin.id)).to.equal('ADMIN');
  });

  it('lists the colleagues and their roles for the admin', async () => {
    const { employerId, admin } = await activeVault(db, 'adm');
    const colleague = await makeUser(db, {
      kind: 'EMPLOYER_USER',
      employerId,
      vaultRole: 'ACCESS',
    });
    await makeUser(db, { kind: 'SERVICE_STAFF', servedEmployers: [employerId] });
    const answer = await api.client.call('GET', '/v1/employers/{employerId}/users', {
      token: admin.token,
      params: { employerId },
    });
    const items = answer.body.items as { id: string; vaultRole: string }[];
    expect(items.map((item) => [item.id, item.vaultRole])).to.have.deep.members([
      [admin.id, 'ADMIN'],
      [colleague.id, 'ACCESS'],
    ]);
  });

  it('refuses an unknown role with the field path', async () => {
    const { employerId, admin } = await activeVault(db, 'adm');
    const colleague = await makeUser(db, { kind: 'EMPLOYER_USER', employerId });
    const answer = await setRole(employerId, admin, colleague.id, 'OWNER');
    expect(answer.status).to.equal(400);
    expect((answer.body.issues as { path: string }[])[0]!.path).to.equal('/role');
  });

  describe('an operator disabling users (datakluis user disable)', () => {
    it('never leaves an employer without an admin, also when two admins are disabled at once', async () => {
      for (let round = 0; round < 5; round++) {
        const { employerId, admin } = await activeVault(db, 'adm');
        const second = await makeUser(db, {
          kind: 'EMPLOYER_USER',
          employerId,
          vaultRole: 'ADMIN',
        });
        const admins = new VaultAdminService(db);
        const results = await Promise.allSettled([
          admins.setUserDisabled(admin.id, true, 'operator:test'),
          admins.setUserDisabled(second.id, true, 'operator:test'),
        ]);
        expect(results.map((result) => result.status).sort()).to.deep.equal([
          'fulfilled',
          'rejected',
        ]);
        const refused = results.find(
          (result) => result.status === 'rejected',
        ) as PromiseRejectedResult;
        expect((refused.reason as { code: string }).code).to.equal('LAST_VAULT_ADMIN');
        expect(
          await db.user.count({ where: { employerId, vaultRole: 'ADMIN', disabledAt: null } }),
        ).to.equal(1);
        expect(
          await db.auditEntry.count({ where: { employerId, action: 'user.disabled' } }),
        ).to.equal(1);
      }
    });

    it('writes the disabling and enabling to the audit trail, and enabling makes the tokens work again', async () => {
      const { employerId } = await activeVault(db, 'adm');
      const colleague = await makeUser(db, { kind: 'EMPLOYER_USER', employerId });
      const admins = new VaultAdminService(db);
      await admins.setUserDisabled(colleague.id, true, 'operator:test');
      expect((await api.client.call('GET', '/v1/me', { token: colleague.token })).status).to.equal(
        401,
      );
      await admins.setUserDisabled(colleague.id, false, 'operator:test');
      expect((await api.client.call('GET', '/v1/me', { token: colleague.token })).status).to.equal(
        200,
      );
      const audit = await db.auditEntry.findMany({
        where: { employerId, action: { in: ['user.disabled', 'user.enabled'] } },
        orderBy: { id: 'asc' },
      });
      expect(audit.map((entry) => [entry.action, entry.actorType, entry.actorId])).to.deep.equal([
        ['user.disabled', 'system', 'operator:test'],
        ['user.enabled', 'system', 'operator:test'],
      ]);
    });
  });
});
