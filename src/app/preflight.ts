// Checks that PostgreSQL and RabbitMQ answer before a command starts, and says plainly which one
// does not, where it looked and how to start it.
import { connect } from 'amqplib';
import { Client } from 'pg';

import type { GatewayConfig } from '../config/env';
import { describeUrl } from '../config/env';

export const HOW_TO_START =
  'Start them with `docker compose up -d` in this folder (see README), or point DATABASE_URL / AMQP_URL at running servers.';

export async function checkPostgres(url: string): Promise<string | null> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return `PostgreSQL is not reachable at ${describeUrl(url)} (${(error as { code?: string }).code ?? (error as Error).message}).`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function checkRabbit(url: string): Promise<string | null> {
  try {
    const model = await connect(url, { timeout: 3000 });
    await model.close();
    return null;
  } catch (error) {
    return `RabbitMQ is not reachable at ${describeUrl(url)} (${(error as { code?: string }).code ?? (error as Error).message}).`;
  }
}

/** The advice that fits the problems: credentials when a server said no, starting it otherwise. */
export function adviceFor(problems: readonly string[]): string {
  const refused = problems.some((p) => /ACCESS-REFUSED|28P01|28000|authentication/i.test(p));
  return refused
    ? 'The server answered but refused the login: check the user and password in DATABASE_URL / AMQP_URL.'
    : HOW_TO_START;
}

/** Null when both answer; otherwise a message for a person. */
export async function preflight(config: GatewayConfig): Promise<string | null> {
  const problems = (
    await Promise.all([checkPostgres(config.databaseUrl), checkRabbit(config.amqpUrl)])
  ).filter((p): p is string => p !== null);
  return problems.length === 0 ? null : `${problems.join('\n')}\n${adviceFor(problems)}`;
}
