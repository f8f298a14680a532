// What the break-it review found in the dead-letter tooling, each pinned by a test: replays of one
// dead letter are serialised; an edit cannot change who or what an event is about, nor write the
// redaction marker; a message id of one employer never merges with another employer's; odd
// metadata never stops the store; a time filter outside PostgreSQL's range is a 400.
import { randomUUID } from 'node:crypto';

import { expect } from 'chai';

import type { Principal } from '../../src/access/principal';
import { principalOf, UserRepository } from '../../src/access/user.repository';
import type { Database } from '../../src/db/prisma-client';
import { deadLetterRecordOf } from '../../src/messaging/dead-letter-mover';
import { createLogger } from '../../src/shared/logger';
import type { OutgoingMessage } from '../../src/shared/outgoing-message';
import { DeadLetterRepository } from '../../src/support/dead-letter.repository';
import { DeadLetterService } from '../../src/support/dead-letter.service';
import type { VaultRefusal } from '../../src/vault/vault-refusal';
import { absenceEvent, seedDeadLetter } from '../helpers/support-dead-letters';
import { createEmployer, getTestEnvironment, uniqueEmployerId } from '../helpers/test-environment';
import { makeUser } from '../helpers/vault-api';

describe('dead letters: races and edges (real PostgreSQL)', () => {
  let db: Database;
  const published: OutgoingMessage[] = [];
  let service: DeadLetterService;
  const logger = createLogger({ level: 'error', console: false });

  before(async () => {
    ({ db } = await getTestEnvironment());
    // A broker that takes its time to confirm, so concurrent calls really overlap.
    service = new DeadLetterService(
      db,
      {
        publish: async (message) => {
          await new Promise((resolve) => setTimeout(resolve, 200));
          published.push(message);
        },
      },
      logger,
    );
  });

  async function support(employerId: string, elevated = false): Promise<Principal> {
    const user = await makeUser(db, {
      kind: 'SUPPORT_STAFF',
      servedEmployers: [employerId],
      supportElevated: elevated,
    });
    return principalOf((await new UserRepository(db).findById(user.id))!);
  }

  async function letter(): Promise<{ employerId: string; id: string; user: Principal }> {
    const employerId = uniqueEmployerId('dlr');
    await createEmployer(db, employerId);
    const seeded = await seedDeadLetter(db, { employerId, event: absenceEvent(employerId) });
    return { employerId, id: seeded.id, user: await support(employerId, true) };
  }

  const outcome = (settled: PromiseSettledResult<unknown>): string =>
    settled.status === 'fulfilled' ? 'ok' : ((settled.reason as VaultRefusal).code ?? 'error');

  it('lets one of five concurrent replays through; the others find it no longer open', async () => {
    const { id, user } = await letter();
    const before = published.length;
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => service.replay(user, id)),
    );
    expect(results.map(outcome).sort()).to.deep.equal([
      'DEAD_LETTER_NOT_OPEN',
      'DEAD_LETTER_NOT_OPEN',
      'DEAD_LETTER_NOT_OPEN',
      'DEAD_LETTER_NOT_OPEN',
      'ok',
    ]);
    expect(published.length - before).to.equal(1);
    const row = await db.deadLetter.findUniqueOrThrow({ where: { id } });
    expect(row).to.include({ status: 'REPLAYED', replayCount: 1 });
  });

  it('never publishes a dead letter that a concurrent discard took', async () => {
    const { id, user } = await letter();
    const before = published.length;
    const results = await Promise.allSettled([
      service.discard(user, id, 'duplicate of another message'),
      service.replay(user, id),
    ]);
    const row = await db.deadLetter.findUniqueOrThrow({ where: { id } });
    if (row.status === 'DISCARDED') {
      expect(published.length - before).to.equal(0);
      expect(outcome(results[1])).to.equal('DEAD_LETTER_NOT_OPEN');
    } else {
      expect(row.status).to.equal('REPLAYED');
      expect(published.length - before).to.equal(1);
      expect(outcome(results[0])).to.equal('DEAD_LETTER_NOT_OPEN');
    }
  });

  it('refuses an edit that changes the employee, the source, the subject or the type', async () => {
    const { id, user } = await letter();
    const shown = await service.reveal(user, id, 'check the facts of the report');
    const event = structuredClone((shown.payload as { event: Record<string, unknown> }).event);
    (event.data as { employee: { externalId: string } }).employee.externalId = 'someone-else';
    event.source = '/connectors/evil-conn';
    const error = await service.editAndReplay(user, id, event).then(
      () => null,
      (failure: unknown) => failure as VaultRefusal,
    );
    expect(error?.code).to.equal('VALIDATION_FAILED');
    expect(error?.issues?.map((issue) => [issue.code, issue.path])).to.deep.include.members([
      ['MUST_NOT_CHANGE', '/data/employee/externalId'],
      ['MUST_NOT_CHANGE', '/source'],
    ]);
  });

  it('refuses an edit made from the redacted view (it would write "[redacted]" over real data)', async () => {
    const { id, employerId } = await letter();
    const plain = await support(employerId);
    const shown = await service.show(plain, id);
    const event = structuredClone((shown.payload as { event: Record<string, unknown> }).event);
    (event.data as { absence: { expectedReturnDate?: string } }).absence.expectedReturnDate =
      '2026-12-24';
    const error = await service.editAndReplay(plain, id, event).then(
      () => null,
      (failure: unknown) => failure as VaultRefusal,
    );
    expect(error?.issues?.map((issue) => issue.code)).to.include('REDACTED_VALUE');
  });

  it('keeps a message id of one employer apart from the same id of another', async () => {
    const repo = new DeadLetterRepository(db);
    const [a, b] = [uniqueEmployerId('dlr-a'), uniqueEmployerId('dlr-b')];
    const messageId = randomUUID();
    const base = {
      messageId,
      originalExchange: 'absence',
      originalRoutingKey: 'x.absence.reported',
      connectorId: 'csv',
      eventType: null,
      attempts: 1,
      firstFailedAt: new Date(),
      lastFailedAt: new Date(),
      payload: { kind: 'raw' as const, bytes: Buffer.from('x'), contentType: null },
    };
    await repo.store({
      ...base,
      employerId: a,
      errorCode: 'EMPLOYER_UNKNOWN',
      errorMessage: 'failure of A',
    });
    await repo.store({
      ...base,
      employerId: b,
      errorCode: 'EMPLOYER_UNKNOWN',
      errorMessage: 'failure of B',
    });
    const rows = await db.deadLetter.findMany({ where: { messageId: { startsWith: messageId } } });
    expect(rows.map((row) => [row.employerId, row.errorMessage]).sort()).to.deep.equal([
      [a, 'failure of A'],
      [b, 'failure of B'],
    ]);
    expect(JSON.stringify(rows.find((row) => row.employerId === b)!.failures)).to.not.include(
      'of A',
    );
  });

  it('stores a dead letter whose headers PostgreSQL could not hold as they are', async () => {
    const repo = new DeadLetterRepository(db);
    const record = deadLetterRecordOf(
      {
        content: Buffer.from('not an event'),
        fields: {
          exchange: 'koppeling.absence',
          routingKey: 'x.y',
          deliveryTag: 1,
          redelivered: false,
        },
        properties: {
          messageId: randomUUID(),
          headers: {
            'x-koppeling-error-message': 'bad\u0000value',
            'x-koppeling-attempts': 99999999999,
          },
        },
      } as never,
      () => 'absence',
    );
    await repo.store(record);
    const row = await db.deadLetter.findUniqueOrThrow({ where: { messageId: record.messageId } });
    expect(row.errorMessage).to.equal('badvalue');
    expect(row.attempts).to.equal(2_147_483_647);
  });

  it('answers a time filter outside PostgreSQL’s range with VALIDATION_FAILED, not a crash', async () => {
    const { user, employerId } = await letter();
    for (const work of [
      service.list(user, { employerId, from: new Date('0000-01-01T00:00:00Z') }, { limit: 10 }),
      service.bulkReplay(
        user,
        { from: new Date('0000-01-01T00:00:00Z') },
        { dryRun: true, ratePerSecond: 10 },
      ),
    ]) {
      const error = await work.then(
        () => null,
        (failure: unknown) => failure as VaultRefusal,
      );
      expect(error?.code).to.equal('VALIDATION_FAILED');
    }
  });
});
