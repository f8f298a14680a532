// The vault API in this process on a free port, a client that checks every answer against the
// OpenAPI document (so the contract is tested on real responses), and quick ways to make users.
import type { Server } from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';

import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { expect } from 'chai';

import type { UserKind } from '../../src/access/principal';
import { UserRepository } from '../../src/access/user.repository';
import { UserTokenAuthenticator } from '../../src/access/user-tokens';
import { VAULT_API_DOCUMENT } from '../../src/api/contract';
import { createVaultApi } from '../../src/api/create-vault-api';
import { vaultApiDeps } from '../../src/app/vault-api-process';
import type { Database } from '../../src/db/prisma-client';
import { createLogger } from '../../src/shared/logger';
import { DeadLetterService } from '../../src/support/dead-letter.service';
import type { Republisher } from '../../src/support/dead-letter.service';
import type { DeadLetterOperations } from '../../src/support/dead-letter.types';
import { MemoryTransport } from './log-capture';
import { createEmployer, getTestEnvironment, uniqueEmployerId } from './test-environment';

const CONTRACT_ID = 'https://test.datakluis/vault-api';
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({
  $id: CONTRACT_ID,
  components: (VAULT_API_DOCUMENT as { components: Record<string, unknown> }).components,
});

interface Operation {
  responses: Record<string, { $ref?: string; content?: Record<string, { schema: unknown }> }>;
}
const paths = (VAULT_API_DOCUMENT as { paths: Record<string, Record<string, Operation>> }).paths;

/** Checks one real answer against the document: the status is documented and the body matches. */
function checkContract(
  method: string,
  template: string,
  status: number,
  type: string,
  body: unknown,
): void {
  const operation = paths[template]?.[method.toLowerCase()];
  expect(operation, `${method} ${template} is not in the OpenAPI document`).to.not.equal(undefined);
  let response = operation!.responses[String(status)];
  expect(response, `${method} ${template} does not document status ${status}`).to.not.equal(
    undefined,
  );
  if (response!.$ref !== undefined) {
    const name = response!.$ref.split('/').at(-1)!;
    response = (
      VAULT_API_DOCUMENT as {
        components: { responses: Record<string, Operation['responses'][string]> };
      }
    ).components.responses[name]!;
  }
  const mediaType = type.split(';')[0]!.trim();
  const content = response!.content?.[mediaType];
  expect(
    content,
    `${method} ${template} ${status}: undocumented content type ${mediaType}`,
  ).to.not.equal(undefined);
  const schema = JSON.parse(
    JSON.stringify(content!.schema).replaceAll('"#/components/', `"${CONTRACT_ID}#/components/`),
  ) as object;
  const check = ajv.compile(schema);
  expect(check(body), `${method} ${template} ${status}: ${ajv.errorsText(check.errors)}`).to.equal(
    true,
  );
}

export interface ApiAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

export class VaultApiClient {
  constructor(readonly url: string) {}

  /** Calls `template` with its {params} filled in; the answer must match the contract. */
  async call<T = Record<string, unknown>>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    template: string,
    options: {
      token?: string;
      params?: Record<string, string>;
      query?: Record<string, string>;
      body?: unknown;
      headers?: Record<string, string>;
    } = {},
  ): Promise<ApiAnswer<T>> {
    const path = template.replace(/\{(\w+)\}/g, (_m, name: string) =>
      encodeURIComponent(options.params?.[name] ?? `{${name}}`),
    );
    const query = new URLSearchParams(options.query ?? {}).toString();
    const response = await fetch(`${this.url}${path}${query === '' ? '' : `?${query}`}`, {
      method,
      headers: {
        ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const text = await response.text();
    const body = (text === '' ? null : JSON.parse(text)) as T;
    checkContract(
      method,
      template,
      response.status,
      response.headers.get('content-type') ?? '',
      body,
    );
    return { status: response.status, body, headers: response.headers };
  }
}

export interface RunningVaultApi {
  client: VaultApiClient;
  url: string;
  logs: MemoryTransport;
  stop(): Promise<void>;
}

/** Replays in tests that do not replay: refused, so nothing reaches a broker by accident. */
const NO_REPLAYS: Republisher = {
  publish: () => Promise.reject(new Error('this test API publishes no replays')),
};

/**
 * The API on `db`. Dead letters: the real service with the given republisher (none: replays
 * fail), or a `deadLetters` implementation of the test's own.
 */
export async function startVaultApiForTest(
  db: Database,
  options: { deadLetters?: DeadLetterOperations; republisher?: Republisher } = {},
): Promise<RunningVaultApi> {
  const logs = new MemoryTransport();
  const logger = createLogger({ level: 'debug', console: false, transports: [logs] });
  const deadLetters =
    options.deadLetters ?? new DeadLetterService(db, options.republisher ?? NO_REPLAYS, logger);
  const app = createVaultApi(vaultApiDeps(db, logger, deadLetters));
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    client: new VaultApiClient(`http://127.0.0.1:${port}`),
    url: `http://127.0.0.1:${port}`,
    logs,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface TestUser {
  id: string;
  token: string;
  login: string;
}

/** A user with a token; `servedEmployers` for staff, `employerId` for employer users. */
export async function makeUser(
  db: Database,
  input: {
    kind: UserKind;
    employerId?: string;
    servedEmployers?: string[];
    vaultRole?: 'NONE' | 'ACCESS' | 'ADMIN';
    supportElevated?: boolean;
  },
): Promise<TestUser> {
  const login = `u-${randomBytes(5).toString('hex')}`;
  const user = await new UserRepository(db).create({
    ...input,
    login,
    displayName: `Test ${login}`,
  });
  const { token } = await new UserTokenAuthenticator(db).create(user.id);
  return { id: user.id, token, login };
}

/**
 * An employer whose vault is active: the current agreement accepted by its first vault admin (set up
 * directly in the database; the agreement tests go through the API).
 */
export async function activeVault(
  db: Database,
  prefix: string,
): Promise<{ employerId: string; admin: TestUser }> {
  const employerId = uniqueEmployerId(prefix);
  await createEmployer(db, employerId, true);
  const admin = await makeUser(db, { kind: 'EMPLOYER_USER', employerId, vaultRole: 'ADMIN' });
  const current = await db.agreementVersion.findFirstOrThrow({ orderBy: { version: 'desc' } });
  await db.agreementAcceptance.create({
    data: {
      id: randomUUID(),
      employerId,
      version: current.version,
      userId: admin.id,
      representativeName: 'Anna de Vries',
      representativeEmail: 'anna@example.test',
    },
  });
  return { employerId, admin };
}

/**
 * The vault API for one test file: started before its tests on the run's database, stopped after.
 * `assign` receives the database and the running API (tests keep them in their own variables).
 */
export function useVaultApi(
  assign: (started: { db: Database; api: RunningVaultApi }) => void,
): void {
  let running: RunningVaultApi | undefined;
  before(async () => {
    const { db } = await getTestEnvironment();
    running = await startVaultApiForTest(db);
    assign({ db, api: running });
  });
  after(async () => running?.stop());
}
