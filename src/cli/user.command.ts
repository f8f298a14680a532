// `datakluis user <create|token|list|disable>`: the people who use the vault API. Vault roles are
// not set here: the first vault admin is whoever accepts the processing agreement, and vault admins
// manage the rest in the API, so every change is theirs and audited.
import { parseArgs } from 'node:util';

import type { UserKind } from '../access/principal';
import { UserRepository } from '../access/user.repository';
import type { UserRow } from '../access/user.repository';
import { UserTokenAuthenticator } from '../access/user-tokens';
import { withDatabase } from '../app/wiring';
import { parseEnv } from '../config/env';

const USAGE = `usage:
  datakluis user create --kind employer --employer <id> --login <login> --name <display name>
  datakluis user create --kind service|support --serves <id>[,<id>…] --login <login> --name <display name> [--elevated]
  datakluis user token --login <login> [--label <text>]      a new token (shown once)
  datakluis user list [--employer <id>]
  datakluis user disable --login <login>`;

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

async function disable(values: Values): Promise<number> {
  if (values.login === undefined) return usageError('--login is required');
  const login = values.login;
  return withDatabase(parseEnv(), async (db) => {
    const users = new UserRepository(db);
    const user = await users.findByLogin(login);
    if (user === null) {
      console.error(`no user ${login}`);
      return 1;
    }
    if (user.vaultRole === 'ADMIN' && user.employerId !== null) {
      const admins = (await users.list({ employerId: user.employerId })).filter(
        (other) => other.vaultRole === 'ADMIN' && other.disabledAt === null,
      );
      if (admins.length <= 1) {
        console.error(
          `${login} is the last vault admin of ${user.employerId}: a vault admin must make a colleague admin first`,
        );
        return 1;
      }
    }
    await users.disable(user.id);
    console.log(`disabled ${login}; their tokens no longer work`);
    return 0;
  });
}

export async function runUser(args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: OPTIONS });
  const action = { create, token, list, disable }[positionals[0] ?? ''];
  if (action === undefined) return usageError(`unknown: user ${positionals[0] ?? ''}`.trim());
  return action(values);
}
