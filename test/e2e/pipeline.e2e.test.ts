// HTTP in → adapter → RabbitMQ (confirmed) → vault consumer → PostgreSQL, with the real services.
import { readFileSync } from 'node:fs';

import { expect } from 'chai';

import { listFixtures } from '../../src/connector-runtime/fixtures';
import type { Database } from '../../src/db/prisma-client';
import { fixtureEvents } from '../helpers/fixture-events';
import { credentialFor, startGateway, waitUntil } from '../helpers/gateway';
import type { RunningGateway } from '../helpers/gateway';
import {
  createEmployer,
  getTestEnvironment,
  testNamespaceConfig,
  topologyOf,
  uniqueEmployerId,
} from '../helpers/test-environment';

const config = testNamespaceConfig('pipeline');
const topology = topologyOf(config);

function fixtureBody(connectorId: string, name: string): { body: Buffer; contentType: string } {
  const fixture = listFixtures(connectorId).find((f) => f.name === name);
  if (fixture === undefined) throw new Error(`no fixture ${name}`);
  return { body: readFileSync(fixture.inputPath), contentType: fixture.contentType };
}

interface Receipt {
  status: number;
  body: {
    events?: { id: string; type: string }[];
    code?: string;
    issues?: { code: string; path: string }[];
  };
}

describe('the main job, end to end (real RabbitMQ and PostgreSQL)', function () {
  this.timeout(60000);
  let db: Database;
  let gateway: RunningGateway;
  let employer: string;
  const tokens: Record<string, string> = {};

  before(async () => {
    ({ db } = await getTestEnvironment());
    gateway = await startGateway(config);
    employer = uniqueEmployerId('e2e');
    await createEmployer(db, employer, true);
    for (const externalId of ['1042', '1077', '2003', '0815', '9999']) {
      await db.dossier.create({
        data: { id: crypto.randomUUID(), employerId: employer, externalId, vaultState: 'IN_VAULT' },
      });
    }
    tokens['sivi-verzuim'] = await credentialFor(db, employer, 'sivi-verzuim');
    tokens.csv = await credentialFor(db, employer, 'csv');
  });
  after(() => gateway?.stop());

  async function post(connectorId: string, name: string): Promise<Receipt> {
    const { body, contentType } = fixtureBody(connectorId, name);
    const response = await fetch(`${gateway.ingress.url}/v1/connectors/${connectorId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens[connectorId]}`, 'content-type': contentType },
      body,
    });
    return { status: response.status, body: (await response.json()) as Receipt['body'] };
  }

  async function applied(ids: readonly string[]): Promise<void> {
    await waitUntil(
      async () =>
        (await db.processedEvent.count({ where: { eventId: { in: [...new Set(ids)] } } })) ===
        new Set(ids).size,
    );
  }

  async function dossier(externalId: string) {
    return db.dossier.findUniqueOrThrow({
      where: { employerId_externalId: { employerId: employer, externalId } },
      include: {
        shares: true,
        cases: {
          include: { steps: { orderBy: { fromDate: 'asc' } } },
          orderBy: { connectorId: 'asc' },
        },
      },
    });
  }

  const timeline = (steps: { fromDate: Date; percentage: unknown }[]) =>
    steps.map((s) => `${s.fromDate.toISOString().slice(0, 10)}=${Number(s.percentage)}`);

  it('SIVI: every sample of Jan de Vries in arrival order shares his dossier and builds 100 → 50 → 0 %', async () => {
    const ids: string[] = [];
    for (const name of [
      '01-new-sick-report',
      '03-update-expected-return',
      '04-partial-recovery-100-to-50',
      '05-full-recovery',
    ]) {
      const receipt = await post('sivi-verzuim', name);
      expect(receipt.status, name).to.equal(202);
      ids.push(...receipt.body.events!.map((e) => e.id));
    }
    await applied(ids);
    const d = await dossier('1042');
    expect(d).to.include({ vaultState: 'SHARED', absenceShared: true });
    const siviCase = d.cases.find((c) => c.connectorId === 'sivi-verzuim')!;
    expect(siviCase.status).to.equal('RECOVERED');
    expect(timeline(siviCase.steps)).to.deep.equal([
      '2026-11-16=100',
      '2026-11-23=50',
      '2026-12-02=0',
    ]);
  });

  it('SIVI: the dossier.shared event reaches the service queue once, with references only', async () => {
    const queue = topology.queues.dossierShared.name;
    const channel = await gateway.broker.createChannel();
    const d = await dossier('1042');
    let found: Record<string, unknown> | undefined;
    await waitUntil(async () => {
      const message = await channel.get(queue);
      if (message === false) return false;
      channel.ack(message);
      const event = JSON.parse(message.content.toString()) as { subject: string };
      if (event.subject === d.id) found = event;
      return found !== undefined;
    });
    expect(found).to.deep.include({
      type: 'nl.datakluis.dossier.shared',
      employerid: employer,
      subject: d.id,
    });
    expect(JSON.stringify(found)).not.to.match(/1042|Vries|104332189/);
    await channel.close();
  });

  it('CSV: the standard cases file shares Zoë and Jürgen; the withdrawn report stays withdrawn', async () => {
    const receipt = await post('csv', '01-standard-cases');
    expect(receipt.status).to.equal(202);
    await applied(receipt.body.events!.map((e) => e.id));
    const zoe = await dossier('1077');
    expect(zoe.vaultState).to.equal('SHARED');
    expect(timeline(zoe.cases[0]!.steps)).to.deep.equal(['2026-11-18=50']);
    const jurgen = await dossier('2003');
    expect(jurgen.vaultState).to.equal('SHARED');
    expect(jurgen.cases.map((c) => c.status)).to.deep.equal(['WITHDRAWN']);
    expect((await dossier('9999')).vaultState).to.equal('IN_VAULT');
  });

  it('the same message posted twice gets the same event ids and has one effect', async () => {
    const first = await post('sivi-verzuim', 'nasty-01-bsn-leading-zero-lost-and-no-optionals');
    const second = await post('sivi-verzuim', 'nasty-01-bsn-leading-zero-lost-and-no-optionals');
    expect(second.body.events).to.deep.equal(first.body.events);
    const ids = first.body.events!.map((e) => e.id);
    await applied(ids);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const d = await dossier('0815');
    expect(d).to.include({ vaultState: 'SHARED', bsn: '034131644' });
    expect(d.shares).to.have.length(1);
    expect(
      await db.auditEntry.count({ where: { eventId: { in: ids }, action: 'absence.reported' } }),
    ).to.equal(1);
  });

  it('the same event delivered twice by the broker has one effect', async () => {
    const events = fixtureEvents(
      'sivi-verzuim',
      'nasty-03-recovery-arrives-before-report-VnrMld-2',
      employer,
    );
    const channel = await gateway.broker.createConfirmChannel();
    for (let copy = 0; copy < 2; copy += 1) {
      for (const event of events) {
        channel.publish(
          topology.exchanges.absence.name,
          `sivi-verzuim.${event.type.replace('nl.datakluis.', '')}`,
          Buffer.from(JSON.stringify(event)),
          { persistent: true, messageId: event.id },
        );
      }
    }
    await channel.waitForConfirms();
    await channel.close();
    await applied(events.map((e) => e.id));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const cases = await db.absenceCase.findMany({
      where: { employerId: employer, sourceCaseId: 'VZ-2003-20261124' },
      include: { events: true },
    });
    expect(cases).to.have.length(1);
    expect(cases[0]!.events).to.have.length(1);
    expect(cases[0]!.status).to.equal('RECOVERED');
  });

  it('a poison message goes to the dead-letter queue with its reason; the next message is still applied', async () => {
    const channel = await gateway.broker.createConfirmChannel();
    channel.publish(
      topology.exchanges.absence.name,
      'sivi-verzuim.absence.reported',
      Buffer.from('{"not":"an event"}'),
      { persistent: true, messageId: 'poison-1' },
    );
    await channel.waitForConfirms();
    const receipt = await post('sivi-verzuim', '02-partial-sick-report-50pct');
    await applied(receipt.body.events!.map((e) => e.id));
    let dead: { code?: string; attempts?: number; routingKey?: string } | undefined;
    await waitUntil(async () => {
      const message = await channel.get(topology.queues.dead.name);
      if (message === false) return false;
      channel.ack(message);
      const headers = message.properties.headers as Record<string, unknown>;
      if (message.properties.messageId === 'poison-1') {
        dead = {
          code: String(headers['x-koppeling-error-code']),
          attempts: Number(headers['x-koppeling-attempts']),
          routingKey: String(headers['x-koppeling-original-routing-key']),
        };
      }
      return dead !== undefined;
    });
    expect(dead).to.deep.equal({
      code: 'CANONICAL_SCHEMA_VIOLATION',
      attempts: 1,
      routingKey: 'sivi-verzuim.absence.reported',
    });
    await channel.close();
  });

  it('a rejected message publishes nothing and changes nothing', async () => {
    const before = await db.processedEvent.count();
    const receipt = await post(
      'sivi-verzuim',
      'nasty-05-invalid-dates-percentage-and-bsn-fails-11proef',
    );
    expect(receipt.status).to.equal(422);
    expect(receipt.body.code).to.equal('INVALID_DATE');
    expect(receipt.body.issues?.map((i) => i.path)).to.include(
      '/Verzuimmeldingen/Wrkgvr/0/Wrknmr/0/SofiNr',
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await db.processedEvent.count()).to.equal(before);
  });

  it('never writes personal data or message bodies to the logs', () => {
    const logs = gateway.logs.lines.join('\n');
    expect(gateway.logs.lines.length).to.be.greaterThan(5);
    for (const secret of [
      '104332189',
      '235116154',
      '594078167',
      '034131644',
      '123456789',
      'Vries',
      'Zoë',
      'Jürgen',
      'Jansen',
      'IJsselmuiden',
      'p.leidinggevende@example.nl',
      '1984-03-12',
      '<SofiNr>',
    ]) {
      expect(logs, secret).not.to.contain(secret);
    }
  });

  it('accepted events are the ones the adapter made: ids are deterministic', () => {
    const again = fixtureEvents('sivi-verzuim', '01-new-sick-report', employer);
    expect(again.every((e) => /^[0-9a-f-]{36}$/.test(e.id))).to.equal(true);
  });
});
