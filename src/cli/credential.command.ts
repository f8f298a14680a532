import { parseArgs } from 'node:util';

import { connectorModules } from '../../connectors';
import { parseEnv } from '../config/env';
import { CredentialStore } from '../credentials/connector-credentials';
import { withDatabase } from '../app/wiring';

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
  const { employer, connector, label } = values;
  if (positionals[0] !== 'create' || employer === undefined || connector === undefined) {
    console.error(
      'usage: datakluis credential create --employer <id> --connector <id> [--label <text>]',
    );
    return 2;
  }
  const known = connectorModules.map((m) => m.adapter.id);
  if (!known.includes(connector)) {
    console.error(`unknown connector ${connector}; known: ${known.join(', ')}`);
    return 2;
  }
  const config = parseEnv();
  return withDatabase(config, async (db) => {
    const store = new CredentialStore(db);
    const created = await store.create({
      employerId: employer,
      connectorId: connector,
      ...(label === undefined ? {} : { label }),
    });
    console.log(
      `credential ${created.credentialId} for employer ${employer}, connector ${connector}`,
    );
    console.log('token (shown once, store it in the HR system now):');
    console.log(created.token);
    return 0;
  });
}
