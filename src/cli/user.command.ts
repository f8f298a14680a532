// `datakluis user <create|token|list|disable>`: the people who use the vault API. Vault roles are
// not set here: the first vault admin is whoever accepts the processing agreement, and vault admins
// manage the rest in the API, so every change is theirs and audited.
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';

import type { UserKind } from '../access/principal';
import { UserRepository } from '../access/user.repository';
import type { UserRow } from '../access/user.repository';
import { UserTokenAuthenticator } from '../access/user-tokens';
import { withDatabase } from '../app/wiring';
import { parseEnv } from '../config/env';
import { VaultAdminService } from '../vault/vault-admin.service';
import { VaultRefusal } from '../vault/vault-refusal';

const USAGE = `usage:
  datakluis user create --kind employer --employer <id> --login <login> --name <display name>
  datakluis user create --kind service|support --serves <id>[,<id>…] --login <login> --name <display name> [--elevated]
  datakluis user token --login <login> [--label <text>]      a new token (shown once)
  datakluis user tokens --login <login>                      a user's tokens: id, label, last use, revoked
  datakluis user revoke-token <token id>                    one token stops working
  datakluis user list [--employer <id>]
  datakluis user disable|enable --login <login>             all of a user's tokens stop (or work again)`;

const LOGIN = /^[a-z0-9._@-]{2,64}$/;

const KINDS: Record<string, UserKind> = {
  employer: 'EMPLOYER_USER',
  service: 'SERVICE_STAFF',
  support: 'SUPPORT_STAFF',
};

const OPTIONS = {
  kind: { type: 'string' },
  employer: { type: 'string' },
  serves: { type: 'string' },
  login: { type: 'string' },
  name: { type: 'string' },
  label: { type: 'string' },
  elevated: { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS }>>['values'];

function describe(user: UserRow): string {
  const scope =
    user.kind === 'EMPLOYER_USER'
      ? `employer ${user.employerId ?? '?'}, vault role ${user.vaultRole}`
      : `serves ${user.servedEmployers.join(', ') || '(none)'}${user.supportElevated ? ', elevated' : ''}`;
  return `${user.login}\t${user.kind}\t${scope}${user.disabledAt === null ? '' : '\tDISABLED'}`;
}

function usageError(message: string): number {
  console.error(`${message}\n${USAGE}`);
  return 2;
}

async function create(values: Values): Promise<number> {
  const kind = values.kind === undefined ? undefined : KINDS[values.kind];
  if (kind === undefined) return usageError('--kind must be employer, service or support');
  if (values.login === undefined || values.name === undefined)
    return usageError('--login and --name are required');
  if (!LOGIN.test(values.login))
    return usageError('--login: 2 to 64 of a-z 0-9 . _ @ - (no spaces)');
  if (kind === 'EMPLOYER_USER' && (values.employer === undefined || values.serves !== undefined))
    return usageError('an employer user needs --employer (and no --serves)');
  if (kind !== 'EMPLOYER_USER' && (values.serves === undefined || values.employer !== undefined))
    return usageError('service and support staff need --serves (and no --employer)');
  if (values.elevated === true && kind !== 'SUPPORT_STAFF')
    return usageError('--elevated is for support staff only');
  const { login, name } = values;
  const employers = values.employer === undefined ? [] : [values.employer];
  if (values.serves !== undefined)
    employers.push(...values.serves.split(',').map((id) => id.trim()));
  return withDatabase(parseEnv(), async (db) => {
    const known = await db.employer.findMany({
      where: { id: { in: employers } },
      select: { id: true },
    });
    const unknown = employers.filter((id) => !known.some((employer) => employer.id === id));
    if (unknown.length > 0) {
      console.error(
        `unknown employer(s): ${unknown.join(', ')} (create with datakluis employer create)`,
      );
      return 1;
    }
    if (await new UserRepository(db).findByLogin(login)) {
      console.error(`login ${login} is taken`);
      return 1;
    }
    const user = await new UserRepository(db).create({
      kind,
      login,
      displayName: name,
      ...(values.employer === undefined ? {} : { employerId: values.employer }),
      ...(values.serves === undefined ? {} : { servedEmployers: employers }),
      ...(values.elevated === true ? { supportElevated: true } : {}),
    });
    const { token } = await new UserTokenAuthenticator(db).create(user.id, 'created with user');
    console.log(`user ${user.id}: ${describe(user)}`);
    console.log('API token (shown once, hand it to the user now):');
    console.log(token);
    return 0;
  });
}

async function token(values: Values): Promise<number> {
  if (values.login === undefined) return usageError('--login is required');
  const login = values.login;
  return withDatabase(parseEnv(), async (db) => {
    const user = await new UserRepository(db).findByLogin(login);
    if (user === null || user.disabledAt !== null) {
      console.error(`no active user ${login}`);
      return 1;
    }
    const created = await new UserTokenAuthenticator(db).create(user.id, values.label);
    console.log(`token ${created.tokenId} for ${login} (shown once):`);
    console.log(created.token);
    return 0;
  });
}

async function list(values: Values): Promise<number> {
  return withDatabase(parseEnv(), async (db) => {
    const users = await new UserRepository(db).list(
      values.employer === undefined ? {} : { employerId: values.employer },
    );
    for (const user of users) console.log(describe(user));
    if (users.length === 0) console.log('(no users)');
    return 0;
  });
}

/** Who did it, for the audit trail: the operator's login on this machine. */
function operator(): string {
  return `operator:${userInfo().username}`;
}

async function setDisabled(values: Values, disabled: boolean): Promise<number> {
  if (values.login === undefined) return usageError('--login is required');
  const login = values.login;
  return withDatabase(parseEnv(), async (db) => {
    const user = await new UserRepository(db).findByLogin(login);
    if (user === null) {
      console.error(`no user ${login}`);
      return 1;
    }
    try {
      const { changed } = await new VaultAdminService(db).setUserDisabled(
        user.id,
        disabled,
        operator(),
      );
      if (!changed) console.log(`${login} was already ${disabled ? 'disabled' : 'enabled'}`);
      else if (disabled) console.log(`disabled ${login}; their tokens no longer work`);
      else console.log(`enabled ${login}; their tokens that were not revoked work again`);
      return 0;
    } catch (error) {
      if (error instanceof VaultRefusal) {
        console.error(`${login}: ${error.message}`);
        return 1;
      }
      throw error;
    }
  });
}

async function tokens(values: Values): Promise<number> {
  if (values.login === undefined) return usageError('--login is required');
  const login = values.login;
  return withDatabase(parseEnv(), async (db) => {
    const user = await new UserRepository(db).findByLogin(login);
    if (user === null) {
      console.error(`no user ${login}`);
      return 1;
    }
    const rows = await db.userToken.findMany({
      where: { userId: user.id },
      orderBy: { createdAt: 'asc' },
    });
    for (const row of rows)
      console.log(
        [
          row.id,
          row.label ?? '-',
          `created ${row.createdAt.toISOString()}`,
          `last used ${row.lastUsedAt?.toISOString() ?? 'never'}`,
          row.revokedAt === null ? 'active' : `REVOKED ${row.revokedAt.toISOString()}`,
        ].join('\t'),
      );
    if (rows.length === 0) console.log('(no tokens)');
    return 0;
  });
}

async function revokeToken(tokenId: string | undefined): Promise<number> {
  if (tokenId === undefined || !/^[0-9a-f-]{36}$/.test(tokenId))
    return usageError('give the token id (from datakluis user tokens --login <login>)');
  return withDatabase(parseEnv(), async (db) => {
    const token = await db.userToken.findUnique({ where: { id: tokenId } });
    if (token === null) {
      console.error(`no token ${tokenId}`);
      return 1;
    }
    if (token.revokedAt === null) await new UserTokenAuthenticator(db).revoke(tokenId);
    console.log(`token ${tokenId} revoked; it no longer works`);
    return 0;
  });
}

export async function runUser(args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: OPTIONS });
  if (positionals[0] === 'revoke-token') return revokeToken(positionals[1]);
  const action = {
    create,
    token,
    tokens,
    list,
    disable: (given: Values) => setDisabled(given, true),
    enable: (given: Values) => setDisabled(given, false),
  }[positionals[0] ?? ''];
  if (action === undefined) return usageError(`unknown: user ${positionals[0] ?? ''}`.trim());
  return action(values);
}
