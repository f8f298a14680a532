// Client mistakes get a 4xx problem, never a 500: odd characters, out-of-range ids and dates, bodies
// that are not JSON or come in another encoding, malformed paths.
import { request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';

import { expect } from 'chai';

import type { Database } from '../../../src/db/prisma-client';
import { getTestEnvironment } from '../../helpers/test-environment';
import { activeVault, makeUser, startVaultApiForTest } from '../../helpers/vault-api';
import type { RunningVaultApi, TestUser } from '../../helpers/vault-api';

describe('vault API: client mistakes are 4xx problems', () => {
  let db: Database;
  let api: RunningVaultApi;
  let employerId: string;
  let admin: TestUser;

  before(async () => {
    ({ db } = await getTestEnvironment());
    api = await startVaultApiForTest(db);
    ({ employerId, admin } = await activeVault(db, 'hard'));
  });
  after(async () => api.stop());

  async function raw(
    path: string,
    init: RequestInit = {},
  ): Promise<{ status: number; code: string; type: string }> {
    const response = await fetch(`${api.client.url}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${admin.token}`,
        ...(init.headers as Record<string, string>),
      },
    });
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    return {
      status: response.status,
      type,
      code: type.includes('json') ? ((JSON.parse(text) as { code?: string }).code ?? '') : '',
    };
  }

  it('refuses out-of-range and malformed query values with 400, naming them', async () => {
    for (const query of [
      'before=9999999999999999999',
      'action=%00',
      'from=0000-01-01T00:00:00Z',
      'from=2026-02-30T00:00:00Z',
    ]) {
      const answer = await raw(`/v1/employers/${employerId}/audit?${query}`);
      expect([answer.status, answer.code], query).to.deep.equal([400, 'VALIDATION_FAILED']);
    }
    const search = await raw(`/v1/employers/${employerId}/dossiers?q=a%00b`);
    expect([search.status, search.code]).to.deep.equal([400, 'VALIDATION_FAILED']);
  });

  it('refuses NUL characters and year-0000 dates in bodies with 400', async () => {
    const report = await api.client.call('POST', '/v1/employers/{employerId}/absences', {
      token: admin.token,
      params: { employerId },
      body: { employeeNumber: 'H-1', startDate: '0000-01-01', incapacityPercentage: 100 },
    });
    expect(report.status).to.equal(400);
    const dossier = await db.dossier.create({
      data: { id: crypto.randomUUID(), employerId, externalId: 'H-2', vaultState: 'OUTSIDE_VAULT' },
    });
    const share = await api.client.call(
      'POST',
      '/v1/employers/{employerId}/dossiers/{dossierId}/shares',
      {
        token: admin.token,
        params: { employerId, dossierId: dossier.id },
        body: { purpose: 'bespreken\u0000x' },
      },
    );
    expect(share.status).to.equal(400);
  });

  it('takes one third as an incapacity percentage (33.33)', async () => {
    const answer = await api.client.call('POST', '/v1/employers/{employerId}/absences', {
      token: admin.token,
      params: { employerId },
      body: { employeeNumber: 'THIRD-1', startDate: '2026-12-01', incapacityPercentage: 33.33 },
    });
    expect(answer.status).to.equal(201);
  });

  it('answers 415 for a body that is not JSON, in another charset or in an unknown encoding', async () => {
    const body = JSON.stringify({ purpose: 'x' });
    for (const headers of [
      { 'content-type': 'text/plain' },
      {},
      { 'content-type': 'application/json; charset=latin1' },
      { 'content-type': 'application/json', 'content-encoding': 'xx' },
    ]) {
      const answer = await raw(`/v1/employers/${employerId}/absences`, {
        method: 'POST',
        headers,
        body,
      });
      expect([answer.status, answer.code], JSON.stringify(headers)).to.deep.equal([
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ]);
    }
  });

  it('answers 400 for a corrupt compressed body, not 503', async () => {
    const answer = await raw(`/v1/employers/${employerId}/absences`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync('{"a":1}').subarray(0, 12),
    });
    expect([answer.status, answer.code]).to.deep.equal([400, 'INVALID_JSON']);
  });

  it('answers 404 for a malformed escape in the path', async () => {
    const answer = await raw(`/v1/employers/${employerId}/dossiers/%E0%A4%A`);
    expect([answer.status, answer.code]).to.deep.equal([404, 'NOT_FOUND']);
    expect(answer.type).to.match(/^application\/problem\+json/);
  });

  it('ignores a body sent with a GET', async () => {
    const answer = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${api.client.url}/v1/me`);
      const request = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'GET',
          headers: {
            authorization: `Bearer ${admin.token}`,
            'content-type': 'application/json',
            'content-length': '10',
          },
        },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      request.on('error', reject);
      request.end('{"not json');
    });
    expect(answer).to.equal(200);
  });

  it('refuses representative addresses a mail server would rewrite', async () => {
    const employer = `hard-${Date.now().toString(36)}`;
    await db.employer.create({ data: { id: employer, name: 'Hard B.V.' } });
    const user = await makeUser(db, { kind: 'EMPLOYER_USER', employerId: employer });
    const version = (await db.agreementVersion.findFirstOrThrow({ orderBy: { version: 'desc' } }))
      .version;
    for (const email of [
      'an\u0001na@example.test',
      '\u0001@example.test',
      'a..b@example.test',
      '.a@example.test',
      'ü@example.test',
    ]) {
      const answer = await api.client.call(
        'POST',
        '/v1/employers/{employerId}/agreement/acceptances',
        {
          token: user.token,
          params: { employerId: employer },
          body: { version, representative: { name: 'Anna de Vries', email } },
        },
      );
      expect(answer.status, JSON.stringify(email)).to.equal(400);
    }
  });
});
