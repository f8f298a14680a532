import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';

import { parseEnv } from '../config/env';
import { withDatabase } from '../app/wiring';
import { appendAudit } from '../vault/vault.repository';

const ID = /^[a-z0-9][a-z0-9-]{1,62}$/;

export async function runEmployerCreate(args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      id: { type: 'string' },
      name: { type: 'string' },
      'vault-active': { type: 'boolean', default: false },
    },
  });
  const { id, name } = values;
  if (positionals[0] !== 'create' || id === undefined || name === undefined) {
    console.error('usage: datakluis employer create --id <id> --name <name> [--vault-active]');
    return 2;
  }
  if (!ID.test(id)) {
    console.error('--id: lower-case letters, digits and hyphens, 2 to 63 characters');
    return 2;
  }
  const config = parseEnv();
  return withDatabase(config, async (db) => {
    const active = values['vault-active'] === true;
    if ((await db.employer.findUnique({ where: { id }, select: { id: true } })) !== null) {
      console.error(`employer ${id} exists already`);
      return 1;
    }
    await db.$transaction(async (tx) => {
      await tx.employer.create({
        data: {
          id,
          name,
          vaultState: active ? 'ACTIVE' : 'INACTIVE',
          vaultActivatedAt: active ? new Date() : null,
        },
      });
      // Activation without an accepted agreement is an operator's decision: on the record.
      if (active)
        await appendAudit(tx, {
          employerId: id,
          actorType: 'system',
          actorId: `operator:${userInfo().username}`,
          action: 'vault.activated',
          reason: 'activated at creation (datakluis employer create --vault-active)',
        });
    });
    console.log(`employer ${id} created (vault ${active ? 'active' : 'inactive'})`);
    return 0;
  });
}
