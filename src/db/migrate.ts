// Applies prisma/migrations/*/migration.sql in order and records each in Prisma's own
// `_prisma_migrations` table, exactly as `prisma migrate deploy` would, so either tool can take over.
// We cannot use Prisma's schema engine here (it is a downloaded binary), hence this step.
import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { Client } from 'pg';

import { projectRoot } from '../shared/project-root';

export const MIGRATIONS_DIR = path.join(projectRoot(), 'prisma/migrations');

const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: string[];
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Brings `schema` up to date. Safe to run concurrently (an advisory lock serialises runs) and again
 * (applied migrations are skipped). Refuses to continue when an applied migration's file changed
 * or a previous run failed half-way, as Prisma does.
 */
export async function migrate(options: {
  url: string;
  schema: string;
  onProgress?: (line: string) => void;
}): Promise<MigrateResult> {
  const client = new Client({ connectionString: options.url });
  await client.connect();
  const report = options.onProgress ?? (() => undefined);
  try {
    // Lock first: even CREATE SCHEMA IF NOT EXISTS races with itself in PostgreSQL.
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [
      `datakluis-migrate:${options.schema}`,
    ]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(options.schema)}`);
    await client.query(`SET search_path TO ${quoteIdentifier(options.schema)}`);
    await client.query(MIGRATIONS_TABLE);
    const { rows } = await client.query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      rolled_back_at: Date | null;
    }>('SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"');
    const result: MigrateResult = { applied: [], alreadyApplied: [] };
    const migrations = readMigrations();
    for (const [index, migration] of migrations.entries()) {
      const record = rows.find(
        (row) => row.migration_name === migration.name && row.rolled_back_at === null,
      );
      if (record?.finished_at === null)
        throw new Error(
          `migration ${migration.name} failed earlier; resolve it before migrating again`,
        );
      if (record !== undefined) {
        if (record.checksum !== migration.checksum)
          throw new Error(`migration ${migration.name} was changed after it was applied`);
        result.alreadyApplied.push(migration.name);
        continue;
      }
      report(`[${index + 1}/${migrations.length}] applying ${migration.name}`);
      await applyOne(client, migration);
      result.applied.push(migration.name);
    }
    return result;
  } finally {
    await client.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
    await client.end();
  }
}

async function applyOne(client: Client, migration: Migration): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query(migration.sql);
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
       VALUES ($1, $2, now(), $3, now(), 1)`,
      [randomUUID(), migration.checksum, migration.name],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

/** Drops a schema and everything in it (tests and the demo use a fresh schema per run). */
export async function dropSchema(options: { url: string; schema: string }): Promise<void> {
  const client = new Client({ connectionString: options.url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(options.schema)} CASCADE`);
  } finally {
    await client.end();
  }
}

/**
 * The migrations `schema` still lacks (read-only; nothing is created). Rejects when the database
 * cannot be reached, so a caller can tell "not migrated" from "not there".
 */
export async function pendingMigrations(options: {
  url: string;
  schema: string;
}): Promise<string[]> {
  const client = new Client({ connectionString: options.url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ present: boolean }>(
      `SELECT to_regclass($1) IS NOT NULL AS present`,
      [`${quoteIdentifier(options.schema)}."_prisma_migrations"`],
    );
    const names = readMigrations().map((migration) => migration.name);
    if (tables[0]?.present !== true) return names;
    const { rows } = await client.query<{ migration_name: string }>(
      `SELECT migration_name FROM ${quoteIdentifier(options.schema)}."_prisma_migrations"
       WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const applied = new Set(rows.map((row) => row.migration_name));
    return names.filter((name) => !applied.has(name));
  } finally {
    await client.end().catch(() => undefined);
  }
}
