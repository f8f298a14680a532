import { PrismaPg } from '@prisma/adapter-pg';

import { PrismaClient } from '../generated/prisma/client';

export type Database = PrismaClient;

/**
 * A Prisma client on the given PostgreSQL schema. The search_path is set too, so the few raw
 * statements (ON CONFLICT, row locks) reach the same schema as Prisma's own queries.
 */
export function createDatabase(options: {
  url: string;
  schema: string;
  poolSize: number;
  /** Client-side limit per query (default 15 s); long batch work (the nightly) asks for more. */
  queryTimeoutMs?: number;
}): Database {
  const adapter = new PrismaPg(
    {
      connectionString: options.url,
      max: options.poolSize,
      // A statement that hangs (a lock held elsewhere) fails after 10 s instead of holding the pool.
      options: `-c search_path="${options.schema}" -c statement_timeout=10000`,
      connectionTimeoutMillis: 5000,
      // The server's statement timeout cannot help when the server does not answer at all (a
      // partition, a failover): the client gives up on its own, and keepalive finds dead sockets.
      query_timeout: options.queryTimeoutMs ?? 15000,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10000,
    },
    { schema: options.schema },
  );
  return new PrismaClient({ adapter, transactionOptions: { maxWait: 5000, timeout: 15000 } });
}
