import { startConsumer } from '../app/consumer-process';
import { startIngress } from '../app/ingress-process';
import { startVaultApi } from '../app/vault-api-process';
import { parseEnv } from '../config/env';
import type { GatewayConfig } from '../config/env';
import { pendingMigrations } from '../db/migrate';
import { createLogger, errorFields } from '../shared/logger';
import type { Logger } from '../shared/logger';

const SHUTDOWN_DEADLINE_MS = 30_000;

/**
 * A schema without the tables looks like an outage from inside (every query fails), so it is caught
 * here, plainly. A database that does not answer yet is no reason not to start: the processes wait
 * for it like for any outage.
 */
async function schemaIsCurrent(config: GatewayConfig, logger: Logger): Promise<boolean> {
  let pending: string[];
  try {
    pending = await pendingMigrations({ url: config.databaseUrl, schema: config.databaseSchema });
  } catch (error) {
    logger.warn('database not reachable at start; starting anyway', errorFields(error));
    return true;
  }
  if (pending.length === 0) return true;
  logger.error(
    `schema ${config.databaseSchema} lacks ${pending.length} migration(s): run \`datakluis migrate\` (npm run migrate) first`,
    { pending },
  );
  return false;
}

/** Runs until SIGTERM/SIGINT, then stops accepting, finishes what is in hand and closes. */
export async function runServe(args: string[]): Promise<number> {
  const which = args[0] ?? 'all';
  if (!['ingress', 'consumer', 'api', 'all'].includes(which)) {
    console.error('usage: datakluis serve [ingress|consumer|api|all]');
    return 2;
  }
  const config = parseEnv();
  const logger = createLogger({ level: config.logLevel, base: { service: 'datakluis-gateway' } });
  if (!(await schemaIsCurrent(config, logger))) return 1;
  const stops: (() => Promise<void>)[] = [];
  // Stop order matters: the ingress stops taking messages before the consumer stops applying them.
  if (which === 'consumer' || which === 'all') {
    const consumer = await startConsumer(config, logger);
    stops.push(() => consumer.stop());
  }
  if (which === 'ingress' || which === 'all') {
    const ingress = await startIngress(config, logger);
    stops.unshift(() => ingress.stop());
  }
  if (which === 'api' || which === 'all') {
    const api = await startVaultApi(config, logger);
    stops.unshift(() => api.stop());
  }
  // Reconnect timers do not hold a process open (so one-shot commands can end); a server must stay up
  // while the broker or database is away, until it is told to stop.
  const keepAlive = setInterval(() => undefined, 60_000);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  clearInterval(keepAlive);
  logger.info('shutting down');
  // Every step has its own deadline; this one catches what none of them foresaw. Unacked deliveries
  // return to their queue and accepted messages are in the broker or the outbox, so exiting is safe.
  const lastResort = setTimeout(() => {
    logger.error('shutdown did not finish in time; exiting', { deadlineMs: SHUTDOWN_DEADLINE_MS });
    process.exit(1);
  }, SHUTDOWN_DEADLINE_MS);
  lastResort.unref();
  for (const stop of stops) await stop();
  clearTimeout(lastResort);
  logger.info('stopped');
  // Everything is settled; whatever timer a library left behind must not keep the process up.
  setTimeout(() => process.exit(0), 200).unref();
  return 0;
}
