// The dead-letter routes of the vault API against an in-memory DeadLetterOperations: what each
// route reads from the request and hands to the service, how the service's refusals answer, and
// that every answer matches the contract (the client checks each one). The support page's static
// files and their headers are here too. The real service is in the integration and e2e tests.
import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';

import { expect } from 'chai';

import type { Authenticator } from '../../../src/access/authenticator';
import type { Principal } from '../../../src/access/principal';
import { createVaultApi } from '../../../src/api/create-vault-api';
import type { VaultApiDeps } from '../../../src/api/vault-api.deps';
import { PublishError } from '../../../src/messaging/publisher';
import { createLogger } from '../../../src/shared/logger';
import type {
  BulkReplayResult,
  DeadLetterDetail,
  DeadLetterFilter,
  DeadLetterOperations,
  DeadLetterPage,
  DeadLetterStats,
  DeadLetterSummary,
  SupportContext,
} from '../../../src/support/dead-letter.types';
import { VaultRefusal } from '../../../src/vault/vault-refusal';
import { MemoryTransport } from '../../helpers/log-capture';
import { VaultApiClient } from '../../helpers/vault-api';

const LIST = '/v1/support/dead-letters';
const ONE = '/v1/support/dead-letters/{deadLetterId}';

const SUPPORT: Principal = {
  userId: randomUUID(),
  kind: 'SUPPORT_STAFF',
  employerId: null,
  vaultRole: 'NONE',
  servedEmployers: ['acme'],
  supportElevated: false,
};
const TOKENS: Record<string, Principal> = { 'Bearer support': SUPPORT };

function detail(id: string, overrides: Partial<DeadLetterDetail> = {}): DeadLetterDetail {
  return {
    id,
    messageId: randomUUID(),
    status: 'OPEN',
    employerId: 'acme',
    connectorId: 'csv',
    eventType: 'nl.datakluis.absence.reported',
    errorCode: 'SCHEMA_INVALID',
    errorMessage: 'the event does not match the canonical schema',
    attempts: 1,
    firstFailedAt: '2026-11-16T08:00:00.000Z',
    lastFailedAt: '2026-11-16T08:00:00.000Z',
    receivedAt: '2026-11-16T08:00:01.000Z',
    replayCount: 0,
    payloadPurged: false,
    originalExchange: 'koppeling.absence',
    originalRoutingKey: 'absence.reported',
    failures: [
      { code: 'SCHEMA_INVALID', message: null, attempts: 1, at: '2026-11-16T08:00:00.000Z' },
    ],
    payload: { kind: 'canonical', redacted: true, event: { data: { bsn: '[redacted]' } } },
    replayedAt: null,
    replayedBy: null,
    discardedAt: null,
    discardedBy: null,
    discardReason: null,
    editedFrom: null,
    copies: [],
    ...overrides,
  };
}

const SUMMARY_KEYS = [
  'id',
  'messageId',
  'status',
  'employerId',
  'connectorId',
  'eventType',
  'errorCode',
  'errorMessage',
  'attempts',
  'firstFailedAt',
  'lastFailedAt',
  'receivedAt',
  'replayCount',
  'payloadPurged',
] as const;

function summaryOf(full: DeadLetterDetail): DeadLetterSummary {
  return Object.fromEntries(
    SUMMARY_KEYS.map((key) => [key, full[key]]),
  ) as unknown as DeadLetterSummary;
}

/** Records every call; answers what the test tells it to (or throws it). */
class FakeDeadLetters implements DeadLetterOperations {
  readonly calls: { op: string; args: unknown[]; context?: SupportContext | undefined }[] = [];
  next: unknown = undefined;

  private answer<T>(op: string, fallback: T, args: unknown[], context?: SupportContext): T {
    this.calls.push({ op, args, context });
    const next = this.next;
    this.next = undefined;
    if (next instanceof Error) throw next;
    return (next as T | undefined) ?? fallback;
  }

  list(
    _user: Principal,
    filter: DeadLetterFilter,
    page: { limit: number; after?: string },
    context?: SupportContext,
  ): Promise<DeadLetterPage> {
    const page0: DeadLetterPage = { items: [], total: 0, groups: [], next: null };
    return Promise.resolve(this.answer('list', page0, [filter, page], context));
  }
  show(_user: Principal, id: string, context?: SupportContext): Promise<DeadLetterDetail> {
    return Promise.resolve(this.answer('show', detail(id), [id], context));
  }
  reveal(
    _user: Principal,
    id: string,
    reason: string,
    context?: SupportContext,
  ): Promise<DeadLetterDetail> {
    return Promise.resolve(this.answer('reveal', detail(id), [id, reason], context));
  }
  replay(_user: Principal, id: string, context?: SupportContext): Promise<DeadLetterDetail> {
    const replayed = detail(id, { status: 'REPLAYED', replayCount: 1 });
    return Promise.resolve(this.answer('replay', replayed, [id], context));
  }
  editAndReplay(
    _user: Principal,
    id: string,
    event: unknown,
    context?: SupportContext,
  ): Promise<DeadLetterDetail> {
    return Promise.resolve(
      this.answer('edit', detail(randomUUID(), { editedFrom: id }), [id, event], context),
    );
  }
  bulkReplay(
    _user: Principal,
    filter: DeadLetterFilter,
    options: { dryRun: boolean; ratePerSecond: number },
    context?: SupportContext,
  ): Promise<BulkReplayResult> {
    const result = { dryRun: options.dryRun, matched: 3, replayed: 0, failed: 0 };
    return Promise.resolve(this.answer('bulkReplay', result, [filter, options], context));
  }
  discard(
    _user: Principal,
    id: string,
    reason: string,
    context?: SupportContext,
  ): Promise<DeadLetterDetail> {
    const discarded = detail(id, { status: 'DISCARDED', discardReason: reason });
    return Promise.resolve(this.answer('discard', discarded, [id, reason], context));
  }
  stats(): Promise<DeadLetterStats> {
    const stats = { byErrorCode: [], open: 0, oldestOpenAgeSeconds: null };
    return Promise.resolve(this.answer('stats', stats, []));
  }
}

const refusing = new Proxy(
  {},
  { get: () => () => Promise.reject(new Error('no other service is asked here')) },
);

describe('vault API: dead-letter routes (in-memory service)', () => {
  const fake = new FakeDeadLetters();
  const logs = new MemoryTransport();
  let server: Server;
  let client: VaultApiClient;
  let url: string;

  before(async () => {
    const authenticator: Authenticator = {
      authenticate: (header) =>
        Promise.resolve(header === undefined ? null : (TOKENS[header] ?? null)),
    };
    const app = createVaultApi({
      logger: createLogger({ level: 'debug', console: false, transports: [logs] }),
      authenticator,
      agreements: refusing,
      admin: refusing,
      dossiers: refusing,
      sharing: refusing,
      manualEntry: refusing,
      audit: refusing,
      deadLetters: fake,
      displayNameOf: () => Promise.resolve(''),
      isReady: () => Promise.resolve({ ready: true }),
    } as unknown as VaultApiDeps);
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
    client = new VaultApiClient(url);
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    fake.calls.length = 0;
    fake.next = undefined;
  });
  const lastCall = () => fake.calls.at(-1)!;

  it('asks for a token: 401 without one, and the service is not asked', async () => {
    const answer = await client.call('GET', LIST);
    expect(answer.status).to.equal(401);
    expect(answer.headers.get('www-authenticate')).to.match(/^Bearer/);
    expect(fake.calls).to.deep.equal([]);
  });

  it('hands the list filter, page size, cursor and correlation id to the service', async () => {
    const page: DeadLetterPage = {
      items: [summaryOf(detail(randomUUID()))],
      total: 7,
      groups: [
        { errorCode: 'SCHEMA_INVALID', count: 7, oldestFailedAt: '2026-11-01T00:00:00.000Z' },
      ],
      next: 'cursor-2',
    };
    fake.next = page;
    const answer = await client.call('GET', LIST, {
      token: 'support',
      query: {
        employerId: 'acme',
        connectorId: 'sivi-verzuim',
        errorCode: 'SCHEMA_INVALID',
        eventType: 'nl.datakluis.absence.reported',
        status: 'REPLAYED',
        from: '2026-11-01T00:00:00Z',
        to: '2026-12-01T00:00:00+01:00',
        limit: '10',
        after: 'cursor-1',
      },
      headers: { 'x-correlation-id': 'corr-list-1' },
    });
    expect(answer.status).to.equal(200);
    expect(answer.body).to.deep.equal(page);
    const call = lastCall();
    expect(call.op).to.equal('list');
    expect(call.args).to.deep.equal([
      {
        employerId: 'acme',
        connectorId: 'sivi-verzuim',
        errorCode: 'SCHEMA_INVALID',
        eventType: 'nl.datakluis.absence.reported',
        status: 'REPLAYED',
        from: new Date('2026-11-01T00:00:00Z'),
        to: new Date('2026-11-30T23:00:00Z'),
      },
      { limit: 10, after: 'cursor-1' },
    ]);
    expect(call.context).to.deep.equal({ correlationId: 'corr-list-1' });
  });

  it('lists with no filter and the default page size when none is given', async () => {
    const answer = await client.call('GET', LIST, { token: 'support' });
    expect(answer.status).to.equal(200);
    expect(lastCall().args).to.deep.equal([{}, { limit: 50 }]);
  });

  it('refuses malformed query parameters in one 400 naming each of them, without asking the service', async () => {
    const answer = await client.call<{ code: string; issues: { path: string }[] }>('GET', LIST, {
      token: 'support',
      query: {
        employerId: 'ACME!',
        errorCode: 'lower',
        status: 'GONE',
        from: 'yesterday',
        limit: '1000',
      },
    });
    expect(answer.status).to.equal(400);
    expect(answer.body.code).to.equal('VALIDATION_FAILED');
    expect(answer.body.issues.map((issue) => issue.path).sort()).to.deep.equal([
      'query:employerId',
      'query:errorCode',
      'query:from',
      'query:limit',
      'query:status',
    ]);
    expect(fake.calls).to.deep.equal([]);
  });

  it('answers the stats (not taken for an id)', async () => {
    fake.next = {
      byErrorCode: [{ errorCode: 'SCHEMA_INVALID', count: 2, oldestAgeSeconds: 3600 }],
      open: 2,
      oldestOpenAgeSeconds: 3600,
    };
    const answer = await client.call('GET', `${LIST}/stats`, { token: 'support' });
    expect(answer.status).to.equal(200);
    expect(answer.body).to.include({ open: 2, oldestOpenAgeSeconds: 3600 });
    expect(lastCall().op).to.equal('stats');
  });

  it('shows one dead letter; an id that is no uuid is 404 without asking the service', async () => {
    const id = randomUUID();
    const shown = await client.call('GET', ONE, { token: 'support', params: { deadLetterId: id } });
    expect(shown.status).to.equal(200);
    expect(shown.body.id).to.equal(id);
    expect(lastCall()).to.deep.include({ op: 'show', args: [id] });

    fake.calls.length = 0;
    const malformed = await client.call('GET', ONE, {
      token: 'support',
      params: { deadLetterId: 'not-a-uuid' },
    });
    expect(malformed.status).to.equal(404);
    expect(malformed.body.code).to.equal('NOT_FOUND');
    expect(fake.calls).to.deep.equal([]);
  });

  it('turns the service refusals into their problems (403, 404, 409, 400)', async () => {
    const id = randomUUID();
    const cases: [VaultRefusal, number][] = [
      [new VaultRefusal('ROLE_NOT_ALLOWED', 'Only support staff work with dead letters.'), 403],
      [new VaultRefusal('ELEVATION_REQUIRED', 'Only elevated support staff may reveal.'), 403],
      [new VaultRefusal('NOT_FOUND', 'No such record, or not for you.'), 404],
      [new VaultRefusal('DEAD_LETTER_NOT_OPEN', 'The dead letter is REPLAYED.'), 409],
      [new VaultRefusal('PAYLOAD_PURGED', 'The payload of this dead letter was purged.'), 409],
      [new VaultRefusal('REASON_REQUIRED', 'Give a reason of 5 to 500 characters.'), 400],
    ];
    for (const [refusal, status] of cases) {
      fake.next = refusal;
      const answer = await client.call('POST', `${ONE}/reveal`, {
        token: 'support',
        params: { deadLetterId: id },
        body: { reason: 'ticket 4711: wrong date' },
      });
      expect(answer.status, refusal.code).to.equal(status);
      expect(answer.body).to.include({ code: refusal.code, detail: refusal.message });
    }
  });

  it('reveals with a reason only: no body, an unknown field or a too short reason is 400', async () => {
    const id = randomUUID();
    for (const body of [{}, { reason: 'ok' }, { reason: 'ticket 1', extra: true }]) {
      const answer = await client.call('POST', `${ONE}/reveal`, {
        token: 'support',
        params: { deadLetterId: id },
        body,
      });
      expect(answer.status, JSON.stringify(body)).to.equal(400);
      expect(answer.body.code).to.equal('VALIDATION_FAILED');
    }
    expect(fake.calls).to.deep.equal([]);
    const revealed = await client.call('POST', `${ONE}/reveal`, {
      token: 'support',
      params: { deadLetterId: id },
      body: { reason: 'ticket 4711: check the date' },
      headers: { 'x-correlation-id': 'corr-reveal' },
    });
    expect(revealed.status).to.equal(200);
    expect(lastCall()).to.deep.include({
      op: 'reveal',
      args: [id, 'ticket 4711: check the date'],
      context: { correlationId: 'corr-reveal' },
    });
  });

  it('replays without a body and answers the dead letter as it is now', async () => {
    const id = randomUUID();
    const answer = await client.call('POST', `${ONE}/replay`, {
      token: 'support',
      params: { deadLetterId: id },
    });
    expect(answer.status).to.equal(200);
    expect(answer.body).to.include({ id, status: 'REPLAYED' });
    expect(lastCall()).to.deep.include({ op: 'replay', args: [id] });
  });

  it('refuses a body that is not JSON with 415 and broken JSON with 400', async () => {
    const id = randomUUID();
    const notJson = await fetch(`${url}/v1/support/dead-letters/${id}/discard`, {
      method: 'POST',
      headers: { authorization: 'Bearer support', 'content-type': 'text/plain' },
      body: 'reason=because',
    });
    expect(notJson.status).to.equal(415);
    const broken = await fetch(`${url}/v1/support/dead-letters/${id}/discard`, {
      method: 'POST',
      headers: { authorization: 'Bearer support', 'content-type': 'application/json' },
      body: '{"reason":',
    });
    expect(broken.status).to.equal(400);
    expect(((await broken.json()) as { code: string }).code).to.equal('INVALID_JSON');
    expect(fake.calls).to.deep.equal([]);
  });

  it('edits with a whole event object, handing it over as given', async () => {
    const id = randomUUID();
    const event = { id: randomUUID(), data: { absence: { startDate: '2026-11-17' } } };
    const refused = await client.call('POST', `${ONE}/edit`, {
      token: 'support',
      params: { deadLetterId: id },
      body: { event: 'not an object' },
    });
    expect(refused.status).to.equal(400);
    const answer = await client.call('POST', `${ONE}/edit`, {
      token: 'support',
      params: { deadLetterId: id },
      body: { event },
    });
    expect(answer.status).to.equal(200);
    expect(answer.body.editedFrom).to.equal(id);
    expect(lastCall()).to.deep.include({ op: 'edit', args: [id, event] });
  });

  it('bulk-replays with the filter, dry run and rate (20 a second unless given; 1 to 200)', async () => {
    const answer = await client.call('POST', `${LIST}/bulk-replay`, {
      token: 'support',
      body: {
        filter: { employerId: 'acme', errorCode: 'SCHEMA_INVALID', from: '2026-11-01T00:00:00Z' },
        dryRun: true,
      },
    });
    expect(answer.status).to.equal(200);
    expect(answer.body).to.deep.equal({ dryRun: true, matched: 3, replayed: 0, failed: 0 });
    expect(lastCall().args).to.deep.equal([
      { employerId: 'acme', errorCode: 'SCHEMA_INVALID', from: new Date('2026-11-01T00:00:00Z') },
      { dryRun: true, ratePerSecond: 20 },
    ]);

    await client.call('POST', `${LIST}/bulk-replay`, {
      token: 'support',
      body: { filter: {}, dryRun: false, ratePerSecond: 200 },
    });
    expect(lastCall().args).to.deep.equal([{}, { dryRun: false, ratePerSecond: 200 }]);

    fake.calls.length = 0;
    for (const body of [
      { filter: {}, dryRun: false, ratePerSecond: 0 },
      { filter: {}, dryRun: false, ratePerSecond: 201 },
      { filter: {}, ratePerSecond: 10 },
      { filter: { status: 'DISCARDED' }, dryRun: true },
      { filter: { employerId: 'Not An Id' }, dryRun: true },
    ]) {
      const refused = await client.call('POST', `${LIST}/bulk-replay`, { token: 'support', body });
      expect(refused.status, JSON.stringify(body)).to.equal(400);
    }
    expect(fake.calls).to.deep.equal([]);
  });

  it('discards with a reason and answers the tombstone', async () => {
    const id = randomUUID();
    const missing = await client.call('POST', `${ONE}/discard`, {
      token: 'support',
      params: { deadLetterId: id },
      body: {},
    });
    expect(missing.status).to.equal(400);
    const answer = await client.call('POST', `${ONE}/discard`, {
      token: 'support',
      params: { deadLetterId: id },
      body: { reason: 'test message from the HR vendor' },
    });
    expect(answer.status).to.equal(200);
    expect(answer.body).to.include({ status: 'DISCARDED' });
    expect(lastCall()).to.deep.include({
      op: 'discard',
      args: [id, 'test message from the HR vendor'],
    });
  });

  it('turns a broker that cannot confirm a replay into 503 with Retry-After', async () => {
    fake.next = new PublishError('BROKER_UNAVAILABLE', 'the broker connection is closed');
    const answer = await client.call('POST', `${ONE}/replay`, {
      token: 'support',
      params: { deadLetterId: randomUUID() },
    });
    expect(answer.status).to.equal(503);
    expect(answer.body.code).to.equal('SERVICE_UNAVAILABLE');
    expect(answer.headers.get('retry-after')).to.equal('5');
  });

  it('logs no reason, payload or body of a request', () => {
    const text = logs.lines.join('\n');
    for (const secret of ['ticket 4711', 'test message from the HR vendor', '2026-11-17'])
      expect(text).to.not.include(secret);
  });

  describe('the support page', () => {
    it('serves the page, its script and its style with a CSP of this origin only', async () => {
      for (const [path, type] of [
        ['/support/', 'text/html'],
        ['/support/support.js', 'text/javascript'],
        ['/support/support.css', 'text/css'],
      ] as const) {
        const response = await fetch(`${url}${path}`);
        expect(response.status, path).to.equal(200);
        expect(response.headers.get('content-type'), path).to.contain(type);
        const csp = response.headers.get('content-security-policy') ?? '';
        expect(csp, path).to.contain("default-src 'none'");
        expect(csp, path).to.contain("script-src 'self'");
        expect(csp, path).to.contain("style-src 'self'");
        expect(csp, path).to.contain("connect-src 'self'");
        expect(csp, path).to.contain("frame-ancestors 'none'");
        expect(csp, path).to.not.contain('unsafe-inline');
        expect(response.headers.get('x-frame-options'), path).to.equal('DENY');
        expect(response.headers.get('cache-control'), path).to.equal('no-store');
        expect(response.headers.get('x-content-type-options'), path).to.equal('nosniff');
      }
    });

    it('has no inline script or style and loads nothing from elsewhere', async () => {
      const html = await (await fetch(`${url}/support/`)).text();
      const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
      expect(scripts).to.have.length(1);
      expect(scripts[0]![1]).to.contain('src="/support/support.js"');
      expect(scripts[0]![2]!.trim()).to.equal('');
      expect(html).to.not.match(/<style\b|\sstyle=|\son[a-z]+=/i);
      expect(html).to.not.match(/(src|href)="(https?:)?\/\//i);
      const script = await (await fetch(`${url}/support/support.js`)).text();
      expect(script).to.not.match(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
    });

    it('keeps the API strict outside the page: other paths under /support are problem+json 404', async () => {
      const response = await fetch(`${url}/openapi.json`);
      expect(response.headers.get('content-security-policy')).to.contain("default-src 'none'");
      const unknown = await fetch(`${url}/support/other.js`);
      expect(unknown.status).to.equal(404);
      expect(unknown.headers.get('content-type')).to.contain('application/problem+json');
    });
  });
});
