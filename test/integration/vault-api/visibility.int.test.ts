// The visibility matrix, through the real API on the real database: for every role and every vault
// state of a dossier, what the role gets when it lists, pages, filters, searches, counts and reads
// dossiers and their audit trails, for an employer whose vault is active and for one whose vault is
// not (agreement not yet accepted). A dossier a role may not see must not show up at all: not in a
// page, a total, a count or a search hit, and its name and employee number nowhere in any answer.
import { randomUUID } from 'node:crypto';

import { expect } from 'chai';

import type { Database } from '../../../src/db/prisma-client';
import {
  createEmployer,
  getTestEnvironment,
  uniqueEmployerId,
} from '../../helpers/test-environment';
import { activeVault, makeUser, startVaultApiForTest } from '../../helpers/vault-api';
import type { ApiAnswer, RunningVaultApi, TestUser } from '../../helpers/vault-api';

type VaultState = 'IN_VAULT' | 'OUTSIDE_VAULT' | 'SHARED';
type DossierKey = 'inVault' | 'outside' | 'sharedByAbsence' | 'sharedByHand';

/** One employee per dossier state; no name is part of another, so each search hits one dossier. */
const PEOPLE: Record<
  DossierKey,
  { vaultState: VaultState; givenName: string; familyName: string; externalId: string; bsn: string }
> = {
  inVault: {
    vaultState: 'IN_VAULT',
    givenName: 'Valentijn',
    familyName: 'Kluisenaar',
    externalId: 'emp-vault-7001',
    bsn: '900000017',
  },
  outside: {
    vaultState: 'OUTSIDE_VAULT',
    givenName: 'Otto',
    familyName: 'Buitendijk',
    externalId: 'emp-outside-7002',
    bsn: '900000029',
  },
  sharedByAbsence: {
    vaultState: 'SHARED',
    givenName: 'Ziggy',
    familyName: 'Verzuimer',
    externalId: 'emp-absence-7003',
    bsn: '900000030',
  },
  sharedByHand: {
    vaultState: 'SHARED',
    givenName: 'Mees',
    familyName: 'Handgedeeld',
    externalId: 'emp-manual-7004',
    bsn: '900000042',
  },
};
const DOSSIERS = Object.keys(PEOPLE) as DossierKey[];
const VAULT_STATES: VaultState[] = ['IN_VAULT', 'OUTSIDE_VAULT', 'SHARED'];
const SEEDED_ACTION = 'test.dossier-seeded';

type RoleKey =
  | 'vaultNone'
  | 'vaultAccess'
  | 'vaultAdmin'
  | 'serviceOfEmployer'
  | 'serviceOfOtherOnly'
  | 'supportOfEmployer'
  | 'supportElevated'
  | 'userOfOther'
  | 'adminOfOther';

type Refusal = 'NOT_FOUND' | 'AGREEMENT_REQUIRED';

interface Expectation {
  /** 'page': the dossier calls answer, showing `sees`; otherwise every one is refused with this code. */
  answers: 'page' | Refusal;
  /** The dossiers the role finds in lists, searches and counts, and may read. */
  sees: readonly DossierKey[];
  /** The dossiers whose audit trail the role may read (the others answer 404). */
  auditOf: readonly DossierKey[];
  /** The employer's whole audit trail. */
  employerAudit: 200 | 'VAULT_ADMIN_REQUIRED' | 'ROLE_NOT_ALLOWED' | Refusal;
}

const sees = (
  seen: readonly DossierKey[],
  auditOf: readonly DossierKey[],
  employerAudit: Expectation['employerAudit'],
): Expectation => ({ answers: 'page', sees: seen, auditOf, employerAudit });
const refused = (code: Refusal): Expectation => ({
  answers: code,
  sees: [],
  auditOf: [],
  employerAudit: code,
});

const ALL: readonly DossierKey[] = DOSSIERS;
const OUTSIDE: readonly DossierKey[] = ['outside', 'sharedByAbsence', 'sharedByHand'];
const SHARED: readonly DossierKey[] = ['sharedByAbsence', 'sharedByHand'];
const NOTHING: readonly DossierKey[] = [];

/**
 * THE MATRIX. Per role: what it sees (and whose audit trail it reads) at an employer with an active
 * vault, and at one whose vault is inactive because the agreement was never accepted.
 */
const MATRIX: { role: RoleKey; label: string; active: Expectation; inactive: Expectation }[] = [
  {
    role: 'vaultNone',
    label: 'employer user without vault access',
    active: sees(OUTSIDE, OUTSIDE, 'VAULT_ADMIN_REQUIRED'),
    inactive: refused('AGREEMENT_REQUIRED'),
  },
  {
    role: 'vaultAccess',
    label: 'employer user with vault access',
    active: sees(ALL, ALL, 'VAULT_ADMIN_REQUIRED'),
    inactive: refused('AGREEMENT_REQUIRED'),
  },
  {
    role: 'vaultAdmin',
    label: 'vault admin',
    active: sees(ALL, ALL, 200),
    inactive: refused('AGREEMENT_REQUIRED'),
  },
  {
    role: 'serviceOfEmployer',
    label: 'service staff serving the employer',
    active: sees(SHARED, SHARED, 'ROLE_NOT_ALLOWED'),
    inactive: sees(SHARED, SHARED, 'ROLE_NOT_ALLOWED'),
  },
  {
    role: 'serviceOfOtherOnly',
    label: 'service staff serving only another employer',
    active: refused('NOT_FOUND'),
    inactive: refused('NOT_FOUND'),
  },
  {
    role: 'supportOfEmployer',
    label: 'support staff serving the employer',
    active: sees(NOTHING, ALL, 200),
    inactive: sees(NOTHING, ALL, 200),
  },
  {
    role: 'supportElevated',
    label: 'elevated support staff serving the employer',
    active: sees(NOTHING, ALL, 200),
    inactive: sees(NOTHING, ALL, 200),
  },
  {
    role: 'userOfOther',
    label: 'employer user of another employer',
    active: refused('NOT_FOUND'),
    inactive: refused('NOT_FOUND'),
  },
  {
    role: 'adminOfOther',
    label: 'vault admin of another employer',
    active: refused('NOT_FOUND'),
    inactive: refused('NOT_FOUND'),
  },
];

interface SeededDossier {
  id: string;
  vaultState: VaultState;
  givenName: string;
  familyName: string;
  externalId: string;
  bsn: string;
  email: string;
}

interface World {
  employerId: string;
  dossiers: Record<DossierKey, SeededDossier>;
  users: Record<RoleKey, TestUser>;
}

interface Page {
  items: { id: string; vaultState: VaultState }[];
  total: number;
  next: string | null;
  code?: string;
}
interface AuditPage {
  items: { dossierId: string | null; action: string }[];
  code?: string;
}
type Answer<T = Record<string, unknown>> = ApiAnswer<T & { code?: string }>;

/** Everything a role gets from the dossier calls of one employer. */
interface Observation {
  list: Answer<Page>;
  pages: Answer<Page>[];
  byState: Record<VaultState, Answer<Page>>;
  searches: { key: DossierKey; term: string; answer: Answer<Page> }[];
  counts: Answer<{ counts: Record<string, number> }>;
  reads: Record<DossierKey, Answer<{ id: string; vaultState: VaultState }>>;
  audits: Record<DossierKey, Answer<AuditPage>>;
  employerAudit: Answer<AuditPage>;
  /** Every answer, with the call that got it. */
  everything: { call: string; answer: Answer<unknown> }[];
}

const searchTerms = (person: (typeof PEOPLE)[DossierKey]): string[] => [
  person.familyName,
  person.givenName,
  person.externalId,
  // part of a name, in other letter case
  person.familyName.slice(1, 7).toLowerCase(),
];

const statusOf = (code: string): number => (code === 'NOT_FOUND' ? 404 : 403);

async function seedDossiers(
  db: Database,
  employerId: string,
  sharedBy: string,
): Promise<Record<DossierKey, SeededDossier>> {
  const seeded = {} as Record<DossierKey, SeededDossier>;
  for (const key of DOSSIERS) {
    const person = PEOPLE[key];
    const id = randomUUID();
    const email = `${person.givenName}.${person.familyName}@example.test`.toLowerCase();
    await db.dossier.create({
      data: {
        id,
        employerId,
        externalId: person.externalId,
        vaultState: person.vaultState,
        absenceShared: key === 'sharedByAbsence',
        sharedAt: person.vaultState === 'SHARED' ? new Date() : null,
        initials: `${person.givenName[0]}.`,
        givenName: person.givenName,
        familyName: person.familyName,
        bsn: person.bsn,
        birthDate: new Date('1980-04-01'),
        email,
      },
    });
    await db.auditEntry.create({
      data: {
        employerId,
        dossierId: id,
        actorType: 'system',
        actorId: 'visibility-test',
        action: SEEDED_ACTION,
      },
    });
    seeded[key] = { id, ...person, email };
  }
  const absence = seeded.sharedByAbsence.id;
  await db.dossierShare.create({
    data: {
      id: randomUUID(),
      dossierId: absence,
      employerId,
      reason: 'ABSENCE',
      connectorId: 'hr',
    },
  });
  await db.absenceCase.create({
    data: {
      id: randomUUID(),
      employerId,
      dossierId: absence,
      connectorId: 'hr',
      sourceCaseId: `case-${randomUUID()}`,
      status: 'OPEN',
      reportReceived: true,
      startDate: new Date('2026-11-02'),
      steps: { create: [{ fromDate: new Date('2026-11-02'), percentage: 100 }] },
    },
  });
  await db.dossierShare.create({
    data: {
      id: randomUUID(),
      dossierId: seeded.sharedByHand.id,
      employerId,
      reason: 'MANUAL',
      userId: sharedBy,
      purpose: 'Bespreken met de casemanager',
    },
  });
  return seeded;
}

describe('vault API: who sees which dossier (the visibility matrix)', () => {
  let db: Database;
  let api: RunningVaultApi;
  const worlds = {} as Record<'active' | 'inactive', World>;

  before(async () => {
    ({ db } = await getTestEnvironment());
    api = await startVaultApiForTest(db);
    const other = await activeVault(db, 'vis-other');
    const outsiders = {
      serviceOfOtherOnly: await makeUser(db, {
        kind: 'SERVICE_STAFF',
        servedEmployers: [other.employerId],
      }),
      userOfOther: await makeUser(db, { kind: 'EMPLOYER_USER', employerId: other.employerId }),
      adminOfOther: other.admin,
    };
    const staffOf = async (employerId: string) => ({
      serviceOfEmployer: await makeUser(db, {
        kind: 'SERVICE_STAFF',
        servedEmployers: [employerId],
      }),
      supportOfEmployer: await makeUser(db, {
        kind: 'SUPPORT_STAFF',
        servedEmployers: [employerId],
      }),
      supportElevated: await makeUser(db, {
        kind: 'SUPPORT_STAFF',
        servedEmployers: [employerId],
        supportElevated: true,
      }),
    });
    const colleagues = async (employerId: string) => ({
      vaultNone: await makeUser(db, { kind: 'EMPLOYER_USER', employerId, vaultRole: 'NONE' }),
      vaultAccess: await makeUser(db, { kind: 'EMPLOYER_USER', employerId, vaultRole: 'ACCESS' }),
    });

    const active = await activeVault(db, 'vis-active');
    const activeUsers = {
      ...(await colleagues(active.employerId)),
      vaultAdmin: active.admin,
      ...(await staffOf(active.employerId)),
      ...outsiders,
    };
    worlds.active = {
      employerId: active.employerId,
      users: activeUsers,
      dossiers: await seedDossiers(db, active.employerId, active.admin.id),
    };

    const inactiveId = uniqueEmployerId('vis-inactive');
    await createEmployer(db, inactiveId, false);
    const inactiveUsers = {
      ...(await colleagues(inactiveId)),
      vaultAdmin: await makeUser(db, {
        kind: 'EMPLOYER_USER',
        employerId: inactiveId,
        vaultRole: 'ADMIN',
      }),
      ...(await staffOf(inactiveId)),
      ...outsiders,
    };
    worlds.inactive = {
      employerId: inactiveId,
      users: inactiveUsers,
      dossiers: await seedDossiers(db, inactiveId, inactiveUsers.vaultNone.id),
    };
  });
  after(async () => api.stop());

  /** Makes every dossier call of the matrix as `user` and keeps every answer. */
  async function observe(world: World, user: TestUser): Promise<Observation> {
    const everything: Observation['everything'] = [];
    const keyOf = (id: string | undefined) => DOSSIERS.find((key) => world.dossiers[key].id === id);
    const get = async <T>(
      template: string,
      params: Record<string, string> = {},
      query: Record<string, string> = {},
    ): Promise<Answer<T>> => {
      const answer = await api.client.call<T & { code?: string }>('GET', template, {
        token: user.token,
        params: { employerId: world.employerId, ...params },
        query,
      });
      const search = new URLSearchParams(query).toString();
      const dossier = keyOf(params.dossierId);
      everything.push({
        call: `GET ${template.replace('/v1/employers/{employerId}', '')}${search === '' ? '' : `?${search}`}${dossier === undefined ? '' : ` (${dossier})`}`,
        answer,
      });
      return answer;
    };
    const list = (query: Record<string, string> = {}) =>
      get<Page>('/v1/employers/{employerId}/dossiers', {}, query);

    const pages: Answer<Page>[] = [];
    let after: string | null | undefined;
    do {
      const page = await list({ limit: '1', ...(after == null ? {} : { after }) });
      pages.push(page);
      after = page.status === 200 ? page.body.next : null;
    } while (after !== null && pages.length <= DOSSIERS.length + 1);

    const byState = {} as Observation['byState'];
    for (const vaultState of VAULT_STATES) byState[vaultState] = await list({ vaultState });
    const searches: Observation['searches'] = [];
    for (const key of DOSSIERS)
      for (const term of searchTerms(PEOPLE[key]))
        searches.push({ key, term, answer: await list({ q: term }) });
    const reads = {} as Observation['reads'];
    const audits = {} as Observation['audits'];
    for (const key of DOSSIERS) {
      const dossierId = world.dossiers[key].id;
      reads[key] = await get('/v1/employers/{employerId}/dossiers/{dossierId}', { dossierId });
      audits[key] = await get('/v1/employers/{employerId}/dossiers/{dossierId}/audit', {
        dossierId,
      });
    }
    return {
      list: await list(),
      pages,
      byState,
      searches,
      counts: await get('/v1/employers/{employerId}/dossiers/counts'),
      reads,
      audits,
      employerAudit: await get('/v1/employers/{employerId}/audit'),
      everything,
    };
  }

  const idsOf = (world: World, keys: readonly DossierKey[]): string[] =>
    keys.map((key) => world.dossiers[key].id).sort();
  const pageIds = (answer: Answer<Page>): string[] => answer.body.items.map((d) => d.id).sort();
  const names = (keys: readonly DossierKey[]): string =>
    keys.length === 0 ? 'no dossier' : keys.join(', ');

  for (const vault of ['active', 'inactive'] as const)
    describe(
      vault === 'active'
        ? 'at an employer whose vault is active'
        : 'at an employer whose vault is inactive (agreement never accepted)',
      () => {
        for (const row of MATRIX) {
          const expected = row[vault];
          const hidden = DOSSIERS.filter((key) => !expected.sees.includes(key));

          describe(`${row.label}`, () => {
            let world: World;
            let seen: Observation;
            before(async () => {
              world = worlds[vault];
              seen = await observe(world, world.users[row.role]);
            });

            if (expected.answers === 'page') {
              it(`lists ${names(expected.sees)} and counts no other in its total, on one page or many`, () => {
                const want = idsOf(world, expected.sees);
                expect(seen.list.status).to.equal(200);
                expect(pageIds(seen.list)).to.deep.equal(want);
                expect(seen.list.body.total).to.equal(want.length);
                expect(seen.list.body.next).to.equal(null);
                expect(seen.pages.every((page) => page.status === 200)).to.equal(true);
                expect(seen.pages.flatMap(pageIds).sort()).to.deep.equal(want);
                expect(seen.pages.map((page) => page.body.total)).to.satisfy((totals: number[]) =>
                  totals.every((total) => total === want.length),
                );
                for (const vaultState of VAULT_STATES) {
                  const inState = expected.sees.filter(
                    (key) => PEOPLE[key].vaultState === vaultState,
                  );
                  const answer = seen.byState[vaultState];
                  expect(answer.status, vaultState).to.equal(200);
                  expect(pageIds(answer), vaultState).to.deep.equal(idsOf(world, inState));
                  expect(answer.body.total, vaultState).to.equal(inState.length);
                }
              });

              it('finds by name or employee number only the dossiers it sees', () => {
                for (const { key, term, answer } of seen.searches) {
                  const want = expected.sees.includes(key) ? [world.dossiers[key].id] : [];
                  expect(answer.status, `q=${term}`).to.equal(200);
                  expect(pageIds(answer), `q=${term}`).to.deep.equal(want);
                  expect(answer.body.total, `q=${term}`).to.equal(want.length);
                }
              });

              it('counts, per vault state, only the dossiers it sees', () => {
                const want: Record<string, number> = {};
                for (const key of expected.sees)
                  want[PEOPLE[key].vaultState] = (want[PEOPLE[key].vaultState] ?? 0) + 1;
                expect(seen.counts.status).to.equal(200);
                expect(seen.counts.body.counts).to.deep.equal(want);
              });

              it(`${expected.sees.length === 0 ? 'gets 404 NOT_FOUND for every dossier' : `reads ${names(expected.sees)} and gets 404 NOT_FOUND for every other dossier`}`, () => {
                for (const key of DOSSIERS) {
                  const answer = seen.reads[key];
                  if (expected.sees.includes(key)) {
                    expect(answer.status, key).to.equal(200);
                    expect(answer.body.id, key).to.equal(world.dossiers[key].id);
                    expect(answer.body.vaultState, key).to.equal(PEOPLE[key].vaultState);
                  } else {
                    expect(answer.status, key).to.equal(404);
                    expect(answer.body.code, key).to.equal('NOT_FOUND');
                  }
                }
              });

              it(`reads the audit trail of ${expected.auditOf.length === DOSSIERS.length ? 'every dossier' : `${names(expected.auditOf)} and gets 404 NOT_FOUND for the others`}`, () => {
                for (const key of DOSSIERS) {
                  const answer = seen.audits[key];
                  if (expected.auditOf.includes(key)) {
                    expect(answer.status, key).to.equal(200);
                    const items = answer.body.items;
                    expect(
                      items.map((entry) => entry.dossierId),
                      key,
                    ).to.satisfy((ids: (string | null)[]) =>
                      ids.every((id) => id === world.dossiers[key].id),
                    );
                    expect(
                      items.map((entry) => entry.action),
                      key,
                    ).to.include(SEEDED_ACTION);
                  } else {
                    expect(answer.status, key).to.equal(404);
                    expect(answer.body.code, key).to.equal('NOT_FOUND');
                  }
                }
              });

              it(
                expected.employerAudit === 200
                  ? 'reads the employer’s whole audit trail'
                  : `is refused the employer’s whole audit trail (${expected.employerAudit})`,
                () => {
                  const answer = seen.employerAudit;
                  if (expected.employerAudit === 200) {
                    expect(answer.status).to.equal(200);
                    const ids = new Set(answer.body.items.map((entry) => entry.dossierId));
                    for (const key of DOSSIERS)
                      expect(ids.has(world.dossiers[key].id), key).to.equal(true);
                  } else {
                    expect(answer.status).to.equal(statusOf(expected.employerAudit));
                    expect(answer.body.code).to.equal(expected.employerAudit);
                  }
                },
              );
            } else {
              const code = expected.answers;
              it(`is answered ${statusOf(code)} ${code} on every dossier call (list, search, counts, reads, audit trails)`, () => {
                expect(seen.everything).to.have.length.greaterThan(DOSSIERS.length * 2);
                const otherwise = seen.everything
                  .filter(
                    ({ answer }) => answer.status !== statusOf(code) || answer.body.code !== code,
                  )
                  .map(
                    ({ call, answer }) => `${call} → ${answer.status} ${answer.body.code ?? ''}`,
                  );
                expect(otherwise, `calls not answered ${code}`).to.deep.equal([]);
              });
            }

            if (hidden.length > 0)
              it(`never mentions ${names(hidden)} in any answer: no name, employee number, BSN, e-mail (or id)`, () => {
                const text = JSON.stringify(
                  seen.everything.map(({ answer }) => answer.body),
                ).toLowerCase();
                for (const key of hidden) {
                  const dossier = world.dossiers[key];
                  for (const value of [
                    dossier.givenName,
                    dossier.familyName,
                    dossier.externalId,
                    dossier.bsn,
                    dossier.email,
                    // audit entries name dossiers by id: only where the role may read them
                    ...(expected.auditOf.includes(key) ? [] : [dossier.id]),
                  ])
                    expect(text, `${key}: ${value}`).to.not.include(value.toLowerCase());
                }
              });
          });
        }
      },
    );
});
