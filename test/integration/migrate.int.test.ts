import { randomBytes } from 'node:crypto';

import { expect } from 'chai';
import { Client } from 'pg';

import { dropSchema, migrate, readMigrations } from '../../src/db/migrate';
import { getTestEnvironment, testConfig } from '../helpers/test-environment';

describe('datakluis migrate', function () {
  this.timeout(30000);
  const config = testConfig();
  const schema = `test_migrate_${randomBytes(4).toString('hex')}`;
  const client = new Client({ connectionString: config.databaseUrl });

  before(() => client.connect());
  after(async () => {
    await client.end();
    await dropSchema({ url: config.databaseUrl, schema });
  });

  it('applies every migration once and records it as Prisma does', async () => {
    const first = await migrate({ url: config.databaseUrl, schema });
    expect(first.applied).to.deep.equal(readMigrations().map((m) => m.name));
    const second = await migrate({ url: config.databaseUrl, schema });
    expect(second).to.deep.equal({ applied: [], alreadyApplied: first.applied });
    const { rows } = await client.query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      applied_steps_count: number;
    }>(
      `SELECT migration_name, checksum, finished_at, applied_steps_count FROM "${schema}"."_prisma_migrations"`,
    );
    expect(
      rows.map((r) => ({
        name: r.migration_name,
        checksum: r.checksum,
        steps: r.applied_steps_count,
      })),
    ).to.deep.equal(
      readMigrations().map((m) => ({ name: m.name, checksum: m.checksum, steps: 1 })),
    );
    expect(rows.every((r) => r.finished_at !== null)).to.equal(true);
  });

  it('runs safely when two start at the same time', async () => {
    const other = `${schema}_b`;
    try {
      const results = await Promise.all([
        migrate({ url: config.databaseUrl, schema: other }),
        migrate({ url: config.databaseUrl, schema: other }),
      ]);
      expect(results.map((r) => r.applied.length).sort()).to.deep.equal([
        0,
        readMigrations().length,
      ]);
    } finally {
      await dropSchema({ url: config.databaseUrl, schema: other });
    }
  });

  it('refuses to go on when an applied migration was edited afterwards', async () => {
    await client.query(`UPDATE "${schema}"."_prisma_migrations" SET checksum = repeat('0', 64)`);
    try {
      await migrate({ url: config.databaseUrl, schema });
      expect.fail('migrate should have refused');
    } catch (error) {
      expect((error as Error).message).to.match(/was changed after it was applied/);
    }
  });

  it('keeps the audit trail append-only: UPDATE, DELETE and TRUNCATE are refused', async () => {
    const { config: env } = await getTestEnvironment();
    const audit = `"${env.databaseSchema}"."audit_log"`;
    await client.query(
      `INSERT INTO "${env.databaseSchema}"."employers" (id, name) VALUES ('audit-test', 'x') ON CONFLICT DO NOTHING`,
    );
    await client.query(
      `INSERT INTO ${audit} (employer_id, actor_type, actor_id, action) VALUES ('audit-test', 'system', 'test', 'test.entry')`,
    );
    for (const statement of [
      `UPDATE ${audit} SET action = 'x'`,
      `DELETE FROM ${audit}`,
      `TRUNCATE ${audit}`,
    ]) {
      try {
        await client.query(statement);
        expect.fail(`${statement} should be refused`);
      } catch (error) {
        expect((error as Error).message).to.contain('append-only');
      }
    }
  });
});
