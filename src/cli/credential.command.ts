import { parseArgs } from 'node:util';

import { connectorModules } from '../../connectors';
import { parseEnv } from '../config/env';
import { CredentialStore } from '../credentials/connector-credentials';
import { createDatabase } from '../db/prisma-client';

export async function runCredentialCreate(args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      employer: { type: 'string' },
      connector: { type: 'string' },
      label: { type: 'string' },
    },
  });
  if (
    positionals[0] !== 'create' ||
    values.employer === undefined ||
    values.connector === undefined
  ) {
    console.error(
      'usage: datakluis credential create --employer <id> --connector <id> [--label <text>]',
    );
    return 2;
  }
  const known = connectorModules.map((m) => m.adapter.id);
  if (!known.includes(values.connector)) {
    console.error(`unknown connector ${values.connector}; known: ${known.join(', ')}`);
    return 2;
  }
  const config = parseEnv();
  const db = createDatabase({
    url: config.databaseUrl,
    schema: config.databaseSchema,
    poolSize: 2,
  });
  try {
    const store = new CredentialStore(db);
    const created = await store.create({
      employerId: values.employer,
      connectorId: values.connector,
      ...(values.label === undefined ? {} : { label: values.label }),
    });
    console.log(
      `credential ${created.credentialId} for employer ${values.employer}, connector ${values.connector}`,
    );
    console.log('token (shown once, store it in the HR system now):');
    console.log(created.token);
    return 0;
  } finally {
    await db.$disconnect();
  }
}
