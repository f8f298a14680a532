import { Client } from 'pg';

import type { GatewayConfig } from '../../src/config/env';

/**
 * Runs `work` while this test holds the ingress outbox's relay lock (the advisory lock taken in
 * src/db/ingress-outbox.repository.ts), as a relay busy in another process would.
 */
export async function whileOutboxHeld<T>(
  config: GatewayConfig,
  work: () => Promise<T>,
): Promise<T> {
  const holder = new Client({ connectionString: config.databaseUrl });
  await holder.connect();
  try {
    await holder.query('BEGIN');
    await holder.query(`SELECT pg_advisory_xact_lock(hashtext($1 || '.ingress_outbox'))`, [
      config.databaseSchema,
    ]);
    return await work();
  } finally {
    await holder.query('COMMIT').catch(() => undefined);
    await holder.end();
  }
}
