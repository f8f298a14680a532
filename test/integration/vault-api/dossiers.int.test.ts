// Finding dossiers: ordered by employee number, paged without gaps, searched by whole names, and
// counted per state the caller may see.
import { randomUUID } from 'node:crypto';

import { expect } from 'chai';

import type { Database } from '../../../src/db/prisma-client';
import { activeVault, makeUser, useVaultApi } from '../../helpers/vault-api';
import type { RunningVaultApi } from '../../helpers/vault-api';

const LIST = '/v1/employers/{employerId}/dossiers';

describe('vault API: finding dossiers', () => {
  let db: Database;
  let api: RunningVaultApi;
  useVaultApi((started) => ({ db, api } = started));

  async function seed(
    employerId: string,
    people: [string, string, string | null, string][],
  ): Promise<void> {
    for (const [externalId, givenName, prefix, familyName] of people)
      await db.dossier.create({
        data: {
          id: randomUUID(),
          employerId,
          externalId,
          vaultState: 'OUTSIDE_VAULT',
          givenName,
          familyNamePrefix: prefix,
          familyName,
        },
      });
  }

  it('lists by employee number and pages through all of them once', async () => {
    const { employerId, admin } = await activeVault(db, 'find');
    await seed(employerId, [
      ['7003', 'Piet', null, 'Bakker'],
      ['1042', 'Jan', 'de', 'Vries'],
      ['7001', 'Anna', 'van', 'Dijk'],
      ['2003', 'Kees', null, 'Jansen'],
      ['7002', 'Mila', null, 'Smit'],
    ]);
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page = await api.client.call('GET', LIST, {
        token: admin.token,
        params: { employerId },
        query: { limit: '2', ...(after === null ? {} : { after }) },
      });
      expect(page.body.total).to.equal(5);
      seen.push(...(page.body.items as { externalId: string }[]).map((item) => item.externalId));
      after = page.body.next as string | null;
    } while (after !== null);
    expect(seen).to.deep.equal(['1042', '2003', '7001', '7002', '7003']);
  });

  it('finds a person by whole name, by part of it, and takes % and _ literally', async () => {
    const { employerId, admin } = await activeVault(db, 'find');
    await seed(employerId, [
      ['1', 'Jan', 'de', 'Vries'],
      ['2', 'Jan', null, 'Jansen'],
      ['3', 'Anna', 'de', 'Vries'],
    ]);
    const search = async (q: string) =>
      (
        (
          await api.client.call('GET', LIST, {
            token: admin.token,
            params: { employerId },
            query: { q },
          })
        ).body.items as { externalId: string }[]
      ).map((item) => item.externalId);
    expect(await search('Jan de Vries')).to.deep.equal(['1']);
    expect(await search('vries')).to.deep.equal(['1', '3']);
    expect(await search('jan')).to.deep.equal(['1', '2']);
    expect(await search('2')).to.deep.equal(['2']);
    expect(await search('%')).to.deep.equal([]);
    expect(await search('J_n')).to.deep.equal([]);
  });

  it('counts every state the caller may see, zeros included, and never the others', async () => {
    const { employerId, admin } = await activeVault(db, 'find');
    const hr = await makeUser(db, { kind: 'EMPLOYER_USER', employerId });
    const count = async (token: string) =>
      (
        await api.client.call('GET', '/v1/employers/{employerId}/dossiers/counts', {
          token,
          params: { employerId },
        })
      ).body.counts;
    expect(await count(admin.token)).to.deep.equal({ IN_VAULT: 0, OUTSIDE_VAULT: 0, SHARED: 0 });
    expect(await count(hr.token)).to.deep.equal({ OUTSIDE_VAULT: 0, SHARED: 0 });
  });
});
