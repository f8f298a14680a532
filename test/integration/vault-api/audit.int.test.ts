// The audit trail through the API: per employer for vault admins and support staff, per dossier for
// whoever may see the dossier; newest first, filtered and paged; never personal data.
import { randomUUID } from 'node:crypto';

import { expect } from 'chai';

import type { Database } from '../../../src/db/prisma-client';
import { activeVault, makeUser, useVaultApi } from '../../helpers/vault-api';
import type { RunningVaultApi } from '../../helpers/vault-api';

const EMPLOYER_AUDIT = '/v1/employers/{employerId}/audit';
const DOSSIER_AUDIT = '/v1/employers/{employerId}/dossiers/{dossierId}/audit';

interface Entry {
  id: string;
  action: string;
  dossierId: string | null;
  actorId: string;
  correlationId: string | null;
}

describe('vault API: the audit trail', () => {
  let db: Database;
  let api: RunningVaultApi;
  useVaultApi((started) => ({ db, api } = started));

  async function sharedByHand(employerId: string, token: string): Promise<string> {
    const id = randomUUID();
    await db.dossier.create({
      data: {
        id,
        employerId,
        externalId: `E${id.slice(0, 8)}`,
        vaultState: 'OUTSIDE_VAULT',
        familyName: 'Bakker',
      },
    });
    const answer = await api.client.call(
      'POST',
      '/v1/employers/{employerId}/dossiers/{dossierId}/shares',
      {
        token,
        params: { employerId, dossierId: id },
        body: { purpose: 'overleg' },
        headers: { 'x-correlation-id': `corr-${id}` },
      },
    );
    expect(answer.status).to.equal(201);
    return id;
  }

  it('gives a vault admin the employer trail newest first, with actor, action, reason, time and correlation id', async () => {
    const { employerId, admin } = await activeVault(db, 'aud');
    const first = await sharedByHand(employerId, admin.token);
    const second = await sharedByHand(employerId, admin.token);
    const answer = await api.client.call('GET', EMPLOYER_AUDIT, {
      token: admin.token,
      params: { employerId },
    });
    expect(answer.status).to.equal(200);
    const items = answer.body.items as Entry[];
    expect(items.map((item) => item.dossierId)).to.deep.equal([second, first]);
    expect(items[0]).to.include({
      action: 'dossier.shared',
      actorId: admin.id,
      correlationId: `corr-${second}`,
    });
  });

  it('filters by action and dossier, and pages without gaps or repeats', async () => {
    const { employerId, admin } = await activeVault(db, 'aud');
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await sharedByHand(employerId, admin.token));
    const seen: string[] = [];
    let before: string | null = null;
    do {
      const page = await api.client.call('GET', EMPLOYER_AUDIT, {
        token: admin.token,
        params: { employerId },
        query: { action: 'dossier.shared', limit: '2', ...(before === null ? {} : { before }) },
      });
      seen.push(...(page.body.items as Entry[]).map((item) => item.dossierId!));
      before = page.body.nextBefore as string | null;
    } while (before !== null);
    expect(seen).to.deep.equal([...ids].reverse());
    const one = await api.client.call('GET', EMPLOYER_AUDIT, {
      token: admin.token,
      params: { employerId },
      query: { dossierId: ids[2]! },
    });
    expect((one.body.items as Entry[]).map((item) => item.dossierId)).to.deep.equal([ids[2]]);
    const future = await api.client.call('GET', EMPLOYER_AUDIT, {
      token: admin.token,
      params: { employerId },
      query: { from: new Date(Date.now() + 60_000).toISOString() },
    });
    expect(future.body.items).to.deep.equal([]);
  });

  it('keeps the employer trail from users without vault admin rights, but gives them the trail of a dossier they see', async () => {
    const { employerId, admin } = await activeVault(db, 'aud');
    const hr = await makeUser(db, { kind: 'EMPLOYER_USER', employerId });
    const dossierId = await sharedByHand(employerId, admin.token);
    const whole = await api.client.call('GET', EMPLOYER_AUDIT, {
      token: hr.token,
      params: { employerId },
    });
    expect(whole.status).to.equal(403);
    expect(whole.body.code).to.equal('VAULT_ADMIN_REQUIRED');
    const one = await api.client.call('GET', DOSSIER_AUDIT, {
      token: hr.token,
      params: { employerId, dossierId },
    });
    expect(one.status).to.equal(200);
    expect((one.body.items as Entry[]).map((item) => item.action)).to.include('dossier.shared');
  });

  it('answers 404 for the trail of a dossier the user may not see (a vault dossier, for a user without vault access)', async () => {
    const { employerId } = await activeVault(db, 'aud');
    const hr = await makeUser(db, { kind: 'EMPLOYER_USER', employerId });
    const id = randomUUID();
    await db.dossier.create({
      data: { id, employerId, externalId: `V${id.slice(0, 8)}`, vaultState: 'IN_VAULT' },
    });
    const answer = await api.client.call('GET', DOSSIER_AUDIT, {
      token: hr.token,
      params: { employerId, dossierId: id },
    });
    expect(answer.status).to.equal(404);
    const viaQuery = await api.client.call('GET', EMPLOYER_AUDIT, {
      token: hr.token,
      params: { employerId },
      query: { dossierId: id },
    });
    expect(viaQuery.status).to.equal(404);
  });

  it('gives support staff of the employer the employer trail, and service staff the trail of shared dossiers only', async () => {
    const { employerId, admin } = await activeVault(db, 'aud');
    const dossierId = await sharedByHand(employerId, admin.token);
    const support = await makeUser(db, { kind: 'SUPPORT_STAFF', servedEmployers: [employerId] });
    const service = await makeUser(db, { kind: 'SERVICE_STAFF', servedEmployers: [employerId] });
    expect(
      (
        await api.client.call('GET', EMPLOYER_AUDIT, {
          token: support.token,
          params: { employerId },
        })
      ).status,
    ).to.equal(200);
    expect(
      (
        await api.client.call('GET', EMPLOYER_AUDIT, {
          token: service.token,
          params: { employerId },
        })
      ).status,
    ).to.equal(403);
    expect(
      (
        await api.client.call('GET', DOSSIER_AUDIT, {
          token: service.token,
          params: { employerId, dossierId },
        })
      ).status,
    ).to.equal(200);
  });

  it('refuses malformed filters with the parameter named', async () => {
    const { employerId, admin } = await activeVault(db, 'aud');
    const answer = await api.client.call('GET', EMPLOYER_AUDIT, {
      token: admin.token,
      params: { employerId },
      query: { limit: '0', before: 'x', from: 'yesterday' },
    });
    expect(answer.status).to.equal(400);
    expect((answer.body.issues as { path: string }[]).map((issue) => issue.path)).to.have.members([
      'query:limit',
      'query:before',
      'query:from',
    ]);
  });

  it('cannot be changed or emptied, by anyone', async () => {
    const { employerId, admin } = await activeVault(db, 'aud');
    await sharedByHand(employerId, admin.token);
    let refused = 0;
    for (const statement of [
      `UPDATE audit_log SET action = 'x' WHERE employer_id = '${employerId}'`,
      `DELETE FROM audit_log WHERE employer_id = '${employerId}'`,
      'TRUNCATE audit_log',
    ])
      await db.$executeRawUnsafe(statement).catch(() => refused++);
    expect(refused).to.equal(3);
    expect(await db.auditEntry.count({ where: { employerId, action: 'dossier.shared' } })).to.equal(
      1,
    );
  });
});
