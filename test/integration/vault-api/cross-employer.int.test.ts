// Tenant isolation, through the real API on the real database: hostile users of employer B try every
// documented operation against the records of employer A (vault active) and A0 (vault inactive,
// agreement never accepted). With A's employer id in the path every attempt answers 404 NOT_FOUND,
// exactly as for an employer that exists nowhere. With B's own id in the path and A's ids, the answer
// is the one for ids that exist nowhere (a record lookup: 404; a call B's role may not make at all:
// that refusal). No answer holds anything of A, and A's rows are unchanged afterwards. The operations
// are read from openapi/vault-api.v1.json, so an endpoint added there without an attack case fails.
import { randomInt, randomUUID } from 'node:crypto';

import { expect } from 'chai';

import { VAULT_API_DOCUMENT } from '../../../src/api/contract';
import type { Database } from '../../../src/db/prisma-client';
import {
  createEmployer,
  getTestEnvironment,
  uniqueEmployerId,
} from '../../helpers/test-environment';
import { activeVault, makeUser, startVaultApiForTest } from '../../helpers/vault-api';
import type { ApiAnswer, RunningVaultApi, TestUser } from '../../helpers/vault-api';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
type DossierKey = 'inVault' | 'outside' | 'sharedByAbsence' | 'sharedByHand';
const DOSSIER_STATES: Record<DossierKey, 'IN_VAULT' | 'OUTSIDE_VAULT' | 'SHARED'> = {
  inVault: 'IN_VAULT',
  outside: 'OUTSIDE_VAULT',
  sharedByAbsence: 'SHARED',
  sharedByHand: 'SHARED',
};
const DOSSIERS = Object.keys(DOSSIER_STATES) as DossierKey[];

type AttackerKey = 'bNone' | 'bAccess' | 'bAdmin' | 'bService' | 'bSupport';
const ATTACKERS: { key: AttackerKey; label: string }[] = [
  { key: 'bNone', label: 'employer user of B without vault access' },
  { key: 'bAccess', label: 'employer user of B with vault access' },
  { key: 'bAdmin', label: 'vault admin of B' },
  { key: 'bService', label: 'service staff serving only B' },
  { key: 'bSupport', label: 'support staff serving only B' },
];
const isEmployerUser = (who: AttackerKey): boolean =>
  who === 'bNone' || who === 'bAccess' || who === 'bAdmin';

interface VictimDossier {
  id: string;
  externalId: string;
  givenName: string;
  familyName: string;
  bsn: string;
  email: string;
}

interface Victim {
  name: 'A' | 'A0';
  employerId: string;
  dossiers: Record<DossierKey, VictimDossier>;
  /** Vault-role changes an attacker would like to make at the victim. */
  roleTargets: { label: string; user: TestUser; role: 'NONE' | 'ADMIN' }[];
  users: TestUser[];
  caseId: string;
  sourceCaseId: string;
  shareIds: string[];
}

interface World {
  a: Victim;
  a0: Victim;
  b: string;
  attackers: Record<AttackerKey, TestUser>;
  agreementVersion: number;
}

interface Expected {
  status: number | number[];
  code?: string;
  /** What is wrong with a successful answer's body, or null. */
  body?: (body: Record<string, unknown>) => string | null;
}

interface AttackRequest {
  label: string;
  params: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
  expected: Expected;
  /** Also ask the same with the victim's ids swapped for ids that exist nowhere (default: yes). */
  control?: boolean;
}

type Attack = (world: World, who: AttackerKey, attacker: TestUser) => AttackRequest[];

const NOT_FOUND: Expected = { status: 404, code: 'NOT_FOUND' };
const refusedRole = (code: 'VAULT_ADMIN_REQUIRED' | 'ROLE_NOT_ALLOWED'): Expected => ({
  status: 403,
  code,
});
const emptyPage = (what: string): Expected => ({
  status: 200,
  body: (body) =>
    (body.items as unknown[]).length === 0 && (body.total ?? 0) === 0
      ? null
      : `${what}: the page is not empty`,
});
/** On B's own path: only what B's own role may do reaches the record, which is then not found. */
const onOwnPath = (allowed: boolean, refusal: Parameters<typeof refusedRole>[0]): Expected =>
  allowed ? NOT_FOUND : refusedRole(refusal);

const HOSTILE_REPRESENTATIVE = { name: 'Karel de Kwaadwillige', email: 'karel@hostile.test' };
const victims = (world: World): Victim[] => [world.a, world.a0];

/** Per documented operation: what the hostile user tries, and the answer it must get. */
const ATTACKS: Record<string, Attack> = {
  'GET /v1/employers/{employerId}/agreement': (world) =>
    victims(world).map((victim) => ({
      label: `read ${victim.name}'s agreement`,
      params: { employerId: victim.employerId },
      expected: NOT_FOUND,
    })),

  'POST /v1/employers/{employerId}/agreement/acceptances': (world) =>
    victims(world).map((victim) => ({
      label: `accept ${victim.name}'s agreement`,
      params: { employerId: victim.employerId },
      body: { version: world.agreementVersion, representative: HOSTILE_REPRESENTATIVE },
      expected: NOT_FOUND,
    })),

  'PUT /v1/employers/{employerId}/agreement/representative': (world) =>
    victims(world).map((victim) => ({
      label: `change ${victim.name}'s legal representative`,
      params: { employerId: victim.employerId },
      body: HOSTILE_REPRESENTATIVE,
      expected: NOT_FOUND,
    })),

  'GET /v1/employers/{employerId}/users': (world) =>
    victims(world).map((victim) => ({
      label: `list ${victim.name}'s users`,
      params: { employerId: victim.employerId },
      expected: NOT_FOUND,
    })),

  'PUT /v1/employers/{employerId}/users/{userId}/vault-role': (world, who, attacker) =>
    victims(world).flatMap((victim) => [
      ...victim.roleTargets.map(({ label, user, role }) => ({
        label: `${label} (${victim.name}'s path)`,
        params: { employerId: victim.employerId, userId: user.id },
        body: { role },
        expected: NOT_FOUND,
      })),
      {
        label: `make oneself vault admin of ${victim.name}`,
        params: { employerId: victim.employerId, userId: attacker.id },
        body: { role: 'ADMIN' },
        expected: NOT_FOUND,
      },
      ...victim.roleTargets.map(({ label, user, role }) => ({
        label: `${label} (B's path)`,
        params: { employerId: world.b, userId: user.id },
        body: { role },
        expected: onOwnPath(
          who === 'bAdmin',
          isEmployerUser(who) ? 'VAULT_ADMIN_REQUIRED' : 'ROLE_NOT_ALLOWED',
        ),
      })),
    ]),

  'GET /v1/employers/{employerId}/dossiers': (world) =>
    victims(world).flatMap((victim) => [
      {
        label: `list ${victim.name}'s dossiers`,
        params: { employerId: victim.employerId },
        expected: NOT_FOUND,
      },
      ...DOSSIERS.flatMap((key) => [
        {
          label: `search ${victim.name}'s dossiers for ${key} (${victim.name}'s path)`,
          params: { employerId: victim.employerId },
          query: { q: victim.dossiers[key].familyName },
          expected: NOT_FOUND,
        },
        ...[victim.dossiers[key].familyName, victim.dossiers[key].externalId].map((q) => ({
          label: `search B's dossiers for ${victim.name}'s ${key}`,
          params: { employerId: world.b },
          query: { q },
          expected: emptyPage('B has no such employee'),
          control: false,
        })),
      ]),
      {
        label: `page B's dossiers after ${victim.name}'s dossier`,
        params: { employerId: world.b },
        query: { after: victim.dossiers.inVault.id },
        expected: { status: 200 },
        control: false,
      },
    ]),

  'GET /v1/employers/{employerId}/dossiers/counts': (world) =>
    victims(world).map((victim) => ({
      label: `count ${victim.name}'s dossiers`,
      params: { employerId: victim.employerId },
      expected: NOT_FOUND,
    })),

  'GET /v1/employers/{employerId}/dossiers/{dossierId}': (world) =>
    dossierAttacks(world, () => NOT_FOUND, 'read'),

  'POST /v1/employers/{employerId}/dossiers/{dossierId}/shares': (world, who) =>
    dossierAttacks(world, () => onOwnPath(isEmployerUser(who), 'ROLE_NOT_ALLOWED'), 'share', {
      purpose: 'Even bespreken met de casemanager',
    }),

  'DELETE /v1/employers/{employerId}/dossiers/{dossierId}/shares/manual': (world, who) =>
    dossierAttacks(world, () => onOwnPath(isEmployerUser(who), 'ROLE_NOT_ALLOWED'), 'unshare'),

  // A dossier's audit trail is a record of that dossier: on B's path, A's dossier does not exist.
  'GET /v1/employers/{employerId}/dossiers/{dossierId}/audit': (world) =>
    dossierAttacks(world, () => NOT_FOUND, 'read the audit trail of'),

  'POST /v1/employers/{employerId}/employees': (world) =>
    victims(world).flatMap((victim) => [
      ...DOSSIERS.map((key) => ({
        label: `overwrite the master data of ${victim.name}'s ${key}`,
        params: { employerId: victim.employerId },
        body: { employeeNumber: victim.dossiers[key].externalId, familyName: 'Hostile' },
        expected: NOT_FOUND,
      })),
      {
        label: `enter a new employee for ${victim.name}`,
        params: { employerId: victim.employerId },
        body: { employeeNumber: 'new-hire-2', familyName: 'Hostile' },
        expected: NOT_FOUND,
      },
    ]),

  'POST /v1/employers/{employerId}/absences': (world, who) =>
    victims(world).flatMap((victim) => [
      ...DOSSIERS.map((key) => ({
        label: `report ${victim.name}'s ${key} sick`,
        params: { employerId: victim.employerId },
        body: {
          employeeNumber: victim.dossiers[key].externalId,
          caseId: victim.sourceCaseId,
          startDate: '2026-11-16',
          incapacityPercentage: 100,
        },
        headers: { 'Idempotency-Key': `hostile-${key}` },
        expected: NOT_FOUND,
      })),
      {
        label: `report a new employee of ${victim.name} sick`,
        params: { employerId: victim.employerId },
        body: { employeeNumber: 'new-hire-1', startDate: '2026-11-16', incapacityPercentage: 50 },
        expected: NOT_FOUND,
      },
      // B's own report, reusing A's case id: B's own case, nothing of A.
      {
        label: `report B's own employee sick under ${victim.name}'s case id`,
        params: { employerId: world.b },
        body: {
          employeeNumber: 'b-own-employee',
          caseId: victim.sourceCaseId,
          startDate: '2026-11-16',
          incapacityPercentage: 100,
        },
        expected: isEmployerUser(who)
          ? {
              status: [200, 201],
              body: (body) =>
                victims(world).some((v) =>
                  DOSSIERS.some((k) => v.dossiers[k].id === body.dossierId),
                )
                  ? `reported on a dossier of ${victim.name}`
                  : null,
            }
          : refusedRole('ROLE_NOT_ALLOWED'),
        control: false,
      },
    ]),

  'GET /v1/employers/{employerId}/audit': (world, who) =>
    victims(world).flatMap((victim) => [
      {
        label: `read ${victim.name}'s audit trail`,
        params: { employerId: victim.employerId },
        expected: NOT_FOUND,
      },
      ...DOSSIERS.flatMap((key) => [
        {
          label: `read ${victim.name}'s audit trail of ${key} (${victim.name}'s path)`,
          params: { employerId: victim.employerId },
          query: { dossierId: victim.dossiers[key].id },
          expected: NOT_FOUND,
        },
        {
          // A filter on B's own trail: B's admins and support read it whole, and it holds nothing
          // of A; for the others it asks for a dossier of B they may see, which this is not.
          label: `filter B's audit trail by ${victim.name}'s ${key}`,
          params: { employerId: world.b },
          query: { dossierId: victim.dossiers[key].id },
          expected:
            who === 'bAdmin' || who === 'bSupport' ? emptyPage('B’s trail of it') : NOT_FOUND,
        },
      ]),
    ]),
};

/** One request per dossier of each victim, on the victim's path and on B's. */
function dossierAttacks(
  world: World,
  ownPath: () => Expected,
  verb: string,
  body?: unknown,
): AttackRequest[] {
  return victims(world).flatMap((victim) =>
    DOSSIERS.flatMap((key) => [
      {
        label: `${verb} ${victim.name}'s ${key} (${victim.name}'s path)`,
        params: { employerId: victim.employerId, dossierId: victim.dossiers[key].id },
        ...(body === undefined ? {} : { body }),
        expected: NOT_FOUND,
      },
      {
        label: `${verb} ${victim.name}'s ${key} (B's path)`,
        params: { employerId: world.b, dossierId: victim.dossiers[key].id },
        ...(body === undefined ? {} : { body }),
        expected: ownPath(),
      },
    ]),
  );
}

/** Every operation under /v1/employers in the contract. */
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'];
const EMPLOYER_OPERATIONS = Object.entries(
  (VAULT_API_DOCUMENT as { paths: Record<string, Record<string, unknown>> }).paths,
)
  .filter(([template]) => template.startsWith('/v1/employers/'))
  .flatMap(([template, item]) =>
    Object.keys(item)
      .filter((method) => HTTP_METHODS.includes(method))
      .map((method) => ({
        key: `${method.toUpperCase()} ${template}`,
        method: method.toUpperCase() as Method,
        template,
      })),
  );

/** The problem code of an answer ('' for a success). */
const codeOf = (answer: ApiAnswer): string => {
  const code = (answer.body as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
};

const jsonOf = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

/** Everything of one employer that an attack could change, table by table. */
async function snapshotOf(db: Database, employerId: string): Promise<Record<string, string>> {
  const dossiers = await db.dossier.findMany({ where: { employerId }, orderBy: { id: 'asc' } });
  const dossierIds = dossiers.map((dossier) => dossier.id);
  const ofEmployer = { OR: [{ employerId }, { dossierId: { in: dossierIds } }] };
  const [employer, shares, cases, users, scopes, acceptances, audit, mails, outbox, processed] =
    await Promise.all([
      db.employer.findUnique({ where: { id: employerId } }),
      db.dossierShare.findMany({ where: ofEmployer, orderBy: { id: 'asc' } }),
      db.absenceCase.findMany({
        where: ofEmployer,
        orderBy: { id: 'asc' },
        include: {
          steps: { orderBy: { fromDate: 'asc' } },
          events: { orderBy: { eventId: 'asc' } },
        },
      }),
      db.user.findMany({
        where: { OR: [{ employerId }, { scopes: { some: { employerId } } }] },
        orderBy: { id: 'asc' },
        select: { id: true, kind: true, vaultRole: true, supportElevated: true, disabledAt: true },
      }),
      db.userEmployerScope.findMany({ where: { employerId }, orderBy: { userId: 'asc' } }),
      db.agreementAcceptance.findMany({ where: { employerId }, orderBy: { id: 'asc' } }),
      db.auditEntry.findMany({ where: ofEmployer, orderBy: { id: 'asc' } }),
      // Not the delivery state: a mail worker elsewhere in the run may pick mails up.
      db.mailOutboxMessage.findMany({
        where: { employerId },
        orderBy: { id: 'asc' },
        select: { id: true, kind: true, recipient: true, subject: true, bodyText: true },
      }),
      db.$queryRaw<{ id: string; routing_key: string; payload: string }[]>`
        SELECT id::text AS id, routing_key, payload::text AS payload FROM outbox ORDER BY id`,
      db.processedEvent.findMany({ where: { employerId }, orderBy: { eventId: 'asc' } }),
    ]);
  const mentionsEmployer = (payload: string) =>
    payload.includes(`"${employerId}"`) || dossierIds.some((id) => payload.includes(id));
  return {
    employer: jsonOf(employer),
    dossiers: jsonOf(dossiers),
    shares: jsonOf(shares),
    cases: jsonOf(cases),
    users: jsonOf(users),
    scopes: jsonOf(scopes),
    acceptances: jsonOf(acceptances),
    audit: jsonOf(audit),
    mailOutbox: jsonOf(mails),
    outbox: jsonOf(
      outbox
        .filter((row) => mentionsEmployer(row.payload))
        .map(({ id, routing_key }) => ({
          id,
          routing_key,
        })),
    ),
    processedEvents: jsonOf(processed),
  };
}

const PEOPLE: Record<DossierKey, { givenName: string; familyName: string }> = {
  inVault: { givenName: 'Vincent', familyName: 'Geheimhouder' },
  outside: { givenName: 'Olga', familyName: 'Zichtbaarheid' },
  sharedByAbsence: { givenName: 'Sjors', familyName: 'Griepstra' },
  sharedByHand: { givenName: 'Hanna', familyName: 'Doorgeefster' },
};

async function seedVictim(
  db: Database,
  name: Victim['name'],
  employerId: string,
  users: TestUser[],
  roleTargets: Victim['roleTargets'],
): Promise<Victim> {
  const tag = `${name.toLowerCase()}${employerId.slice(-4)}`;
  const dossiers = {} as Record<DossierKey, VictimDossier>;
  for (const [index, key] of DOSSIERS.entries()) {
    const person = PEOPLE[key];
    const dossier: VictimDossier = {
      id: randomUUID(),
      externalId: `${tag}-emp-${key.toLowerCase()}`,
      givenName: `${person.givenName}${name}`,
      familyName: `${person.familyName}${name}`,
      bsn: `${index + 1}${randomInt(10_000_000, 99_999_999)}`,
      email: `${person.givenName}.${person.familyName}.${tag}@victim.test`.toLowerCase(),
    };
    await db.dossier.create({
      data: {
        id: dossier.id,
        employerId,
        externalId: dossier.externalId,
        vaultState: DOSSIER_STATES[key],
        absenceShared: key === 'sharedByAbsence',
        sharedAt: DOSSIER_STATES[key] === 'SHARED' ? new Date() : null,
        givenName: dossier.givenName,
        familyName: dossier.familyName,
        bsn: dossier.bsn,
        birthDate: new Date('1975-09-30'),
        email: dossier.email,
      },
    });
    await db.auditEntry.create({
      data: {
        employerId,
        dossierId: dossier.id,
        actorType: 'system',
        actorId: 'cross-employer-test',
        action: 'test.dossier-seeded',
      },
    });
    dossiers[key] = dossier;
  }
  const caseId = randomUUID();
  const sourceCaseId = `case-${tag}`;
  const shareIds = [randomUUID(), randomUUID()];
  await db.dossierShare.create({
    data: {
      id: shareIds[0]!,
      dossierId: dossiers.sharedByAbsence.id,
      employerId,
      reason: 'ABSENCE',
      connectorId: 'manual',
    },
  });
  await db.absenceCase.create({
    data: {
      id: caseId,
      employerId,
      dossierId: dossiers.sharedByAbsence.id,
      connectorId: 'manual',
      sourceCaseId,
      status: 'OPEN',
      reportReceived: true,
      startDate: new Date('2026-11-02'),
      steps: { create: [{ fromDate: new Date('2026-11-02'), percentage: 100 }] },
    },
  });
  await db.dossierShare.create({
    data: {
      id: shareIds[1]!,
      dossierId: dossiers.sharedByHand.id,
      employerId,
      reason: 'MANUAL',
      userId: users[0]!.id,
      purpose: 'Bespreken met de casemanager',
    },
  });
  await db.mailOutboxMessage.create({
    data: {
      id: randomUUID(),
      employerId,
      kind: 'agreement-confirmation',
      recipient: 'anna@example.test',
      subject: 'Bevestiging verwerkersovereenkomst',
      bodyText: 'Bevestiging.',
      status: 'SENT',
      sentAt: new Date(),
    },
  });
  return { name, employerId, dossiers, roleTargets, users, caseId, sourceCaseId, shareIds };
}

/** Values of A that no answer to the attacker may contain, with what they are. */
function secretsOf(victim: Victim): Map<string, string> {
  const secrets = new Map<string, string>([[victim.employerId, `${victim.name}'s employer id`]]);
  for (const key of DOSSIERS) {
    const dossier = victim.dossiers[key];
    for (const field of ['id', 'externalId', 'givenName', 'familyName', 'bsn', 'email'] as const)
      secrets.set(dossier[field].toLowerCase(), `${victim.name}'s ${key} ${field}`);
  }
  for (const user of victim.users) {
    secrets.set(user.id, `${victim.name}'s user id`);
    secrets.set(user.login, `${victim.name}'s user login`);
  }
  for (const id of [victim.caseId, ...victim.shareIds])
    secrets.set(id, `${victim.name}'s case/share id`);
  return secrets;
}

describe('vault API: a user of employer B against the records of employer A', () => {
  let db: Database;
  let api: RunningVaultApi;
  let world: World;
  let secrets: Map<string, string>;
  let snapshotAtStart: Record<string, Record<string, string>>;
  /** An employer id that exists nowhere, for the control requests. */
  const nowhere = uniqueEmployerId('nowhere');

  const snapshots = async (): Promise<Record<string, Record<string, string>>> => ({
    A: await snapshotOf(db, world.a.employerId),
    A0: await snapshotOf(db, world.a0.employerId),
  });

  before(async () => {
    ({ db } = await getTestEnvironment());
    api = await startVaultApiForTest(db);

    const a = await activeVault(db, 'xemp-a');
    const aColleague = await makeUser(db, { kind: 'EMPLOYER_USER', employerId: a.employerId });
    const aAccess = await makeUser(db, {
      kind: 'EMPLOYER_USER',
      employerId: a.employerId,
      vaultRole: 'ACCESS',
    });
    const a0Id = uniqueEmployerId('xemp-a0');
    await createEmployer(db, a0Id, false);
    const a0User = await makeUser(db, { kind: 'EMPLOYER_USER', employerId: a0Id });
    const b = await activeVault(db, 'xemp-b');
    await db.dossier.create({
      data: {
        id: randomUUID(),
        employerId: b.employerId,
        externalId: 'b-1',
        vaultState: 'OUTSIDE_VAULT',
        givenName: 'Bert',
        familyName: 'Eigenhuis',
      },
    });

    world = {
      a: await seedVictim(
        db,
        'A',
        a.employerId,
        [a.admin, aColleague, aAccess],
        [
          { label: "make A's colleague vault admin", user: aColleague, role: 'ADMIN' },
          { label: "take vault access of A's colleague", user: aAccess, role: 'NONE' },
          { label: "demote A's only vault admin", user: a.admin, role: 'NONE' },
        ],
      ),
      a0: await seedVictim(
        db,
        'A0',
        a0Id,
        [a0User],
        [{ label: "make A0's user vault admin", user: a0User, role: 'ADMIN' }],
      ),
      b: b.employerId,
      attackers: {
        bNone: await makeUser(db, { kind: 'EMPLOYER_USER', employerId: b.employerId }),
        bAccess: await makeUser(db, {
          kind: 'EMPLOYER_USER',
          employerId: b.employerId,
          vaultRole: 'ACCESS',
        }),
        bAdmin: b.admin,
        bService: await makeUser(db, { kind: 'SERVICE_STAFF', servedEmployers: [b.employerId] }),
        bSupport: await makeUser(db, {
          kind: 'SUPPORT_STAFF',
          servedEmployers: [b.employerId],
          supportElevated: true,
        }),
      },
      agreementVersion: (
        await db.agreementVersion.findFirstOrThrow({ orderBy: { version: 'desc' } })
      ).version,
    };
    secrets = new Map([...secretsOf(world.a), ...secretsOf(world.a0)]);
    snapshotAtStart = await snapshots();
  });
  after(async () => api.stop());

  /** The same request on ids that exist nowhere: the victim's employer and record ids replaced. */
  function controlOf(request: AttackRequest): AttackRequest {
    const victimEmployers = new Set([world.a.employerId, world.a0.employerId]);
    const fresh = new Map<string, string>();
    const swap = (value: string): string => {
      if (victimEmployers.has(value)) return nowhere;
      if (!secrets.has(value)) return value;
      const replacement = fresh.get(value) ?? randomUUID();
      fresh.set(value, replacement);
      return replacement;
    };
    const swapAll = (values: Record<string, string> | undefined) =>
      values === undefined
        ? undefined
        : Object.fromEntries(Object.entries(values).map(([name, v]) => [name, swap(v)]));
    const query = swapAll(request.query);
    return {
      ...request,
      params: swapAll(request.params)!,
      ...(query === undefined ? {} : { query }),
    };
  }

  const send = (
    operation: (typeof EMPLOYER_OPERATIONS)[number],
    token: string,
    request: AttackRequest,
  ): Promise<ApiAnswer> =>
    api.client.call(operation.method, operation.template, {
      token,
      params: request.params,
      ...(request.query === undefined ? {} : { query: request.query }),
      ...(request.body === undefined ? {} : { body: request.body }),
      ...(request.headers === undefined ? {} : { headers: request.headers }),
    });

  /** What is wrong with one answer: unexpected status or code, a body that holds A's data. */
  function judge(request: AttackRequest, answer: ApiAnswer): string[] {
    const problems: string[] = [];
    const statuses = ([] as number[]).concat(request.expected.status);
    const got = `${answer.status} ${codeOf(answer)}`.trim();
    if (!statuses.includes(answer.status))
      problems.push(
        `${request.label}: answered ${got}, expected ${statuses.join('/')} ${request.expected.code ?? ''}`.trim(),
      );
    else if (request.expected.code !== undefined && codeOf(answer) !== request.expected.code)
      problems.push(`${request.label}: answered ${got}, expected code ${request.expected.code}`);
    else if (request.expected.body !== undefined && answer.status < 300) {
      const wrong = request.expected.body(answer.body);
      if (wrong !== null) problems.push(`${request.label}: ${wrong}`);
    }
    const text = JSON.stringify(answer.body ?? null).toLowerCase();
    for (const [secret, what] of secrets)
      if (text.includes(secret.toLowerCase()))
        problems.push(`${request.label}: the answer contains ${what}`);
    return problems;
  }

  const changedTables = (
    before: Record<string, Record<string, string>>,
    after: Record<string, Record<string, string>>,
  ): string[] =>
    Object.keys(before).flatMap((victim) =>
      Object.keys(before[victim]!)
        .filter((table) => before[victim]![table] !== after[victim]![table])
        .map((table) => `${victim}.${table} changed`),
    );

  it('has an attack case for every operation under /v1/employers in the OpenAPI document', () => {
    expect(EMPLOYER_OPERATIONS.length).to.be.greaterThan(0);
    const documented = EMPLOYER_OPERATIONS.map((operation) => operation.key).sort();
    expect(
      documented.filter((key) => ATTACKS[key] === undefined),
      'operations without an attack case',
    ).to.deep.equal([]);
    expect(
      Object.keys(ATTACKS).filter((key) => !documented.includes(key)),
      'attack cases for operations the document does not have',
    ).to.deep.equal([]);
  });

  for (const attacker of ATTACKERS)
    describe(`as ${attacker.label}`, () => {
      for (const operation of EMPLOYER_OPERATIONS)
        it(`${operation.key}: nothing of A in any answer, nothing of A changed`, async () => {
          const attack = ATTACKS[operation.key];
          expect(attack, `no attack case for ${operation.key} in ATTACKS`).to.not.equal(undefined);
          const user = world.attackers[attacker.key];
          const requests = attack!(world, attacker.key, user);
          expect(requests).to.not.have.length(0);
          const before = await snapshots();
          const problems: string[] = [];
          for (const request of requests) {
            const answer = await send(operation, user.token, request);
            problems.push(...judge(request, answer));
            if (request.control === false) continue;
            const control = await send(operation, user.token, controlOf(request));
            if (control.status !== answer.status || codeOf(control) !== codeOf(answer))
              problems.push(
                `${request.label}: answered ${answer.status} ${codeOf(answer)}, but ${control.status} ${codeOf(control)} for ids that exist nowhere`,
              );
          }
          problems.push(...changedTables(before, await snapshots()));
          expect(problems).to.deep.equal([]);
        });
    });

  // A suite of its own, so that it runs after all the attacks above.
  describe('after all attacks', () => {
    it('leaves A and A0 exactly as they were', async () => {
      const now = await snapshots();
      expect(changedTables(snapshotAtStart, now)).to.deep.equal([]);
      expect(now).to.deep.equal(snapshotAtStart);
    });
  });
});
