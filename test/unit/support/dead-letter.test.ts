// The dead-letter store's pure parts: what the mover makes of a delivery, the replay headers, the
// rate limiter's schedule, the redacted view and the changed paths of an edit.
import type { ConsumeMessage } from 'amqplib';
import { expect } from 'chai';

import { REDACTED } from '../../../src/canonical/personal-data';
import { deadLetterRecordOf } from '../../../src/messaging/dead-letter-mover';
import { HEADER } from '../../../src/messaging/headers';
import { changedPaths, toDetail } from '../../../src/support/dead-letter-view';
import type { DeadLetterWithCopies } from '../../../src/support/dead-letter.repository';
import { REPLAY_HEADERS } from '../../../src/support/dead-letter.service';
import { TokenBucket } from '../../../src/support/token-bucket';
import { fixtureEvents } from '../../helpers/fixture-events';

function delivery(
  body: Buffer,
  properties: Record<string, unknown>,
  fields: { exchange: string; routingKey: string } = {
    exchange: 'ns.koppeling.dead',
    routingKey: 'csv.absence.reported',
  },
): ConsumeMessage {
  return {
    content: body,
    fields: { deliveryTag: 1, redelivered: false, consumerTag: 't', ...fields },
    properties: { headers: {}, ...properties },
  } as unknown as ConsumeMessage;
}

const logical = (name: string): string | undefined =>
  ({ 'ns.koppeling.absence': 'absence', 'ns.koppeling.dead': 'dead' })[name];

describe('dead-letter store (pure parts)', () => {
  const [reported, upserted] = fixtureEvents('sivi-verzuim', '01-new-sick-report', 'acme');

  it('reads the consumer’s failure headers and keeps a canonical event as canonical', () => {
    const record = deadLetterRecordOf(
      delivery(Buffer.from(JSON.stringify(reported)), {
        messageId: reported!.id,
        type: reported!.type,
        headers: {
          [HEADER.errorCode]: 'EMPLOYER_UNKNOWN',
          [HEADER.errorMessage]: 'the event names an employer the vault does not know',
          [HEADER.attempts]: 1,
          [HEADER.firstFailure]: '2026-12-01T08:00:00.000Z',
          [HEADER.lastFailure]: '2026-12-01T08:00:05.000Z',
          [HEADER.originalExchange]: 'ns.koppeling.absence',
          [HEADER.originalRoutingKey]: 'sivi-verzuim.absence.reported',
          [HEADER.connector]: 'sivi-verzuim',
          [HEADER.employer]: 'acme',
        },
      }),
      logical,
    );
    expect(record).to.deep.include({
      messageId: reported!.id,
      originalExchange: 'absence',
      originalRoutingKey: 'sivi-verzuim.absence.reported',
      connectorId: 'sivi-verzuim',
      employerId: 'acme',
      eventType: 'nl.datakluis.absence.reported',
      errorCode: 'EMPLOYER_UNKNOWN',
      attempts: 1,
    });
    expect(record.firstFailedAt.toISOString()).to.equal('2026-12-01T08:00:00.000Z');
    expect(record.lastFailedAt.toISOString()).to.equal('2026-12-01T08:00:05.000Z');
    expect(record.payload).to.deep.equal({ kind: 'canonical', event: reported });
  });

  it('keeps what is not a canonical event as raw bytes, and names a message without id by its hash', () => {
    const now = new Date('2026-12-02T10:00:00Z');
    const body = Buffer.from('not json at all');
    const record = deadLetterRecordOf(delivery(body, { contentType: 'text/plain' }), logical, now);
    expect(record.messageId).to.match(/^no-id:[0-9a-f]{64}$/);
    expect(deadLetterRecordOf(delivery(body, {}), logical, now).messageId).to.equal(
      record.messageId,
    );
    expect(record.payload).to.deep.equal({ kind: 'raw', bytes: body, contentType: 'text/plain' });
    expect(record).to.deep.include({
      employerId: null,
      connectorId: null,
      eventType: null,
      // No reason header: only the broker's delivery limit dead-letters without one.
      errorCode: 'BROKER_DELIVERY_LIMIT',
      originalExchange: 'dead',
    });
    expect(record.firstFailedAt).to.deep.equal(now);
  });

  it('finds where a message was first sent in x-death when the broker dead-lettered it', () => {
    const record = deadLetterRecordOf(
      delivery(
        Buffer.from('{}'),
        {
          messageId: 'm-1',
          headers: {
            'x-death': [
              {
                count: 10,
                reason: 'delivery_limit',
                queue: 'ns.vault-updater:absence:apply',
                exchange: 'ns.koppeling.absence',
                'routing-keys': ['csv.absence.reported'],
              },
            ],
            'x-delivery-count': 10,
          },
        },
        { exchange: 'ns.koppeling.dead', routingKey: 'vault-updater.absence.delivery-limit' },
      ),
      logical,
    );
    expect(record).to.deep.include({
      originalExchange: 'absence',
      originalRoutingKey: 'csv.absence.reported',
      errorCode: 'BROKER_DELIVERY_LIMIT',
      attempts: 10,
    });
  });

  it('replays with the header names the consumer and ingress use', () => {
    expect(REPLAY_HEADERS).to.deep.equal({
      connector: HEADER.connector,
      employer: HEADER.employer,
      schemaVersion: HEADER.schemaVersion,
    });
  });

  it('spaces bulk replays by the rate: a token bucket without bursts', async () => {
    let now = 0;
    const clock = {
      now: () => now,
      sleep: (ms: number) => {
        now += ms;
        return Promise.resolve();
      },
    };
    const bucket = new TokenBucket(5, { clock });
    const times: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      await bucket.take();
      times.push(Math.round(now));
    }
    expect(times).to.deep.equal([0, 200, 400, 600, 800, 1000]);
    expect(() => new TokenBucket(0)).to.throw(RangeError);
  });

  it('shows a canonical payload with every personal-data field redacted, raw bytes only by size', () => {
    const row = {
      id: '00000000-0000-4000-8000-000000000001',
      messageId: upserted!.id,
      status: 'OPEN',
      employerId: 'acme',
      connectorId: 'sivi-verzuim',
      eventType: upserted!.type,
      errorCode: 'EMPLOYER_UNKNOWN',
      errorMessage: null,
      attempts: 1,
      firstFailedAt: new Date(),
      lastFailedAt: new Date(),
      receivedAt: new Date(),
      replayCount: 0,
      payloadPurgedAt: null,
      originalExchange: 'absence',
      originalRoutingKey: 'sivi-verzuim.employee.upserted',
      failures: [],
      canonical: upserted,
      raw: null,
      rawContentType: null,
      replayedAt: null,
      replayedBy: null,
      discardedAt: null,
      discardedBy: null,
      discardReason: null,
      editedFrom: null,
      updatedAt: new Date(),
      copies: [],
    } as unknown as DeadLetterWithCopies;
    const shown = JSON.stringify(toDetail(row, false));
    for (const value of ['104332189', '1984-03-12', 'Jan', 'Vries', '"1042"'])
      expect(shown).to.not.contain(value);
    expect(shown).to.contain(REDACTED);
    expect(JSON.stringify(toDetail(row, true))).to.contain('104332189');
    const raw = { ...row, canonical: null, raw: Buffer.from('Jan;Vries;104332189') };
    expect(toDetail(raw, false).payload).to.deep.equal({
      kind: 'raw',
      redacted: true,
      bytes: 19,
      contentType: null,
    });
  });

  it('names the changed paths of an edit, never values', () => {
    const before = { a: 1, b: { c: 'x', d: [1, 2] }, e: 'same' };
    const after = { a: 2, b: { c: 'x', d: [1, 3] }, e: 'same', f: true };
    expect(changedPaths(before, after)).to.deep.equal(['/a', '/b/d/1', '/f']);
    expect(changedPaths(before, before)).to.deep.equal([]);
    expect(changedPaths(null, after)).to.deep.equal(['/']);
  });
});
