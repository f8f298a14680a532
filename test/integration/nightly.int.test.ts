// The nightly processing against the real PostgreSQL: what moves into the vault and what never
// does, one statement per employer at 100,000 employees, dry runs, locks, concurrent runs, the run
// records, the scheduler's claim of a night, the CLI, and master data that arrives in between.
import { expect } from 'chai';
import { Client } from 'pg';

import { startNightlyScheduler } from '../../src/app/nightly-scheduler';
import { runNightly } from '../../src/cli/nightly.command';
import type { GatewayConfig } from '../../src/config/env';
import { employeeUpsertedEvent } from '../../src/connector-sdk';
import type { Database } from '../../src/db/prisma-client';
import { databaseFor } from '../../src/app/wiring';
import { createLogger } from '../../src/shared/logger';
import { NightlyProcessing } from '../../src/vault/nightly.service';
import type { NightlyRunSummary } from '../../src/vault/nightly.service';
import { VaultService } from '../../src/vault/vault.service';
import { MemoryTransport } from '../helpers/log-capture';
import {
  createEmployer,
  getTestEnvironment,
  testConfig,
  uniqueEmployerId,
} from '../helpers/test-environment';

type State = 'IN_VAULT' | 'OUTSIDE_VAULT' | 'SHARED';

describe('nightly processing (real PostgreSQL)', function () {
  this.timeout(120_000);
  let db: Database;
  let config: GatewayConfig;
  let nightly: NightlyProcessing;

  before(async () => {
    ({ db, config } = await getTestEnvironment());
    nightly = new NightlyProcessing(db);
  });

  /** `count` dossiers `<prefix>1…<prefix>count` in one statement. */
  async function seed(
    employerId: string,
    count: number,
    options: { prefix?: string; state?: State; absenceShared?: boolean } = {},
  ): Promise<void> {
    const { prefix = 'e', state = 'OUTSIDE_VAULT', absenceShared = false } = options;
    await db.$executeRaw`
      INSERT INTO dossiers (id, employer_id, external_id, vault_state, absence_shared)
      SELECT gen_random_uuid(), ${employerId}, ${prefix} || g, ${state}::"DossierVaultState",
             ${absenceShared}
      FROM generate_series(1, ${count}::int) g`;
  }

  /**
   * An open absence case for every dossier of the employer whose external id starts with `prefix`,
   * with the mark the consumer keeps on the dossier row (`absence_pending`); `withdrawn` cases do
   * not set it, as the consumer does not.
   */
  async function addCases(employerId: string, prefix: string, withdrawn = false): Promise<void> {
    await db.$executeRaw`
      INSERT INTO absence_cases (id, employer_id, dossier_id, connector_id, source_case_id, status)
      SELECT gen_random_uuid(), employer_id, id, 'csv', 'case-' || external_id,
             ${withdrawn ? 'WITHDRAWN' : 'OPEN'}::"AbsenceStatus"
      FROM dossiers WHERE employer_id = ${employerId} AND starts_with(external_id, ${prefix})`;
    if (!withdrawn)
      await db.$executeRaw`
        UPDATE dossiers SET absence_pending = true
        WHERE employer_id = ${employerId} AND starts_with(external_id, ${prefix})`;
  }

  async function addShares(
    employerId: string,
    prefix: string,
    reason: 'ABSENCE' | 'MANUAL',
    ended: boolean,
  ): Promise<void> {
    await db.$executeRaw`
      INSERT INTO dossier_shares (id, dossier_id, employer_id, reason, ended_at)
      SELECT gen_random_uuid(), id, employer_id, ${reason}::"ShareReason",
             ${ended ? new Date() : null}::timestamptz
      FROM dossiers WHERE employer_id = ${employerId} AND starts_with(external_id, ${prefix})`;
  }

  async function states(employerId: string): Promise<Record<string, State>> {
    const rows = await db.dossier.findMany({
      where: { employerId },
      select: { externalId: true, vaultState: true },
    });
    return Object.fromEntries(rows.map((row) => [row.externalId, row.vaultState]));
  }

  async function countByState(employerId: string): Promise<Partial<Record<State, number>>> {
    const rows = await db.$queryRaw<{ state: State; n: number }[]>`
      SELECT vault_state::text AS state, count(*)::int AS n FROM dossiers
      WHERE employer_id = ${employerId} GROUP BY 1`;
    return Object.fromEntries(rows.map((row) => [row.state, row.n]));
  }

  async function placedAudit(employerId: string, runId?: string): Promise<number> {
    const rows = await db.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM audit_log
      WHERE employer_id = ${employerId} AND action = 'dossier.placed'
        AND (${runId ?? null}::text IS NULL OR details ->> 'runId' = ${runId ?? null}::text)`;
    return rows[0]!.n;
  }

  function resultFor(summary: NightlyRunSummary, employerId: string) {
    return summary.results.find((result) => result.employerId === employerId);
  }

  it('moves only dossiers without absence and without a running manual share, of active vaults', async () => {
    const employer = uniqueEmployerId('nightly-rule');
    const inactive = uniqueEmployerId('nightly-inactive');
    await createEmployer(db, employer);
    await createEmployer(db, inactive, false);
    await seed(employer, 1, { prefix: 'plain-' });
    await seed(employer, 1, { prefix: 'in-vault-', state: 'IN_VAULT' });
    // Shared because of absence: for good, also after recovery (the case stays).
    await seed(employer, 1, { prefix: 'absence-', state: 'SHARED', absenceShared: true });
    await addCases(employer, 'absence-');
    await addShares(employer, 'absence-', 'ABSENCE', false);
    // A case that waits for its report (a change or recovery that came first) is absence history;
    // a case that was only withdrawn (reported in error) is not.
    await seed(employer, 1, { prefix: 'case-only-' });
    await addCases(employer, 'case-only-');
    await seed(employer, 1, { prefix: 'withdrawn-only-' });
    await addCases(employer, 'withdrawn-only-', true);
    await seed(employer, 1, { prefix: 'manual-', state: 'SHARED' });
    await addShares(employer, 'manual-', 'MANUAL', false);
    await seed(employer, 1, { prefix: 'manual-ended-' });
    await addShares(employer, 'manual-ended-', 'MANUAL', true);
    // SHARED without a running share is not the nightly's to undo: only OUTSIDE_VAULT moves.
    await seed(employer, 1, { prefix: 'shared-stale-', state: 'SHARED' });
    await seed(inactive, 1, { prefix: 'plain-' });

    const summary = await nightly.run({ trigger: 'cli', dryRun: false });

    expect(summary.status).to.equal('SUCCEEDED');
    expect(await states(employer)).to.deep.equal({
      'plain-1': 'IN_VAULT',
      'in-vault-1': 'IN_VAULT',
      'absence-1': 'SHARED',
      'case-only-1': 'OUTSIDE_VAULT',
      'withdrawn-only-1': 'IN_VAULT',
      'manual-1': 'SHARED',
      'manual-ended-1': 'IN_VAULT',
      'shared-stale-1': 'SHARED',
    });
    expect(await states(inactive)).to.deep.equal({ 'plain-1': 'OUTSIDE_VAULT' });
    expect(resultFor(summary, employer)).to.include({ outcome: 'moved', moved: 3 });
    expect(resultFor(summary, inactive)).to.equal(undefined);

    const audit = await db.auditEntry.findMany({
      where: { employerId: employer, action: 'dossier.placed' },
    });
    const placed = await db.dossier.findMany({
      where: {
        employerId: employer,
        externalId: { in: ['plain-1', 'withdrawn-only-1', 'manual-ended-1'] },
      },
      select: { id: true },
    });
    expect(audit.map((entry) => entry.dossierId).sort()).to.deep.equal(
      placed.map((dossier) => dossier.id).sort(),
    );
    for (const entry of audit)
      expect(entry).to.deep.include({
        actorType: 'system',
        actorId: 'nightly',
        details: { runId: summary.runId },
      });
    expect(await db.auditEntry.count({ where: { employerId: inactive } })).to.equal(0);
  });

  it('places 100,000 employees in one run within seconds; a second run moves nothing', async () => {
    const employer = uniqueEmployerId('nightly-100k');
    await createEmployer(db, employer);
    await seed(employer, 100_000);
    await seed(employer, 1000, { prefix: 'absence-', state: 'SHARED', absenceShared: true });
    await addCases(employer, 'absence-');
    await addShares(employer, 'absence-', 'ABSENCE', false);
    await seed(employer, 500, { prefix: 'manual-', state: 'SHARED' });
    await addShares(employer, 'manual-', 'MANUAL', false);
    await db.$executeRawUnsafe('ANALYZE dossiers, absence_cases, dossier_shares');

    const started = performance.now();
    const first = await nightly.run({ trigger: 'cli', dryRun: false, employerId: employer });
    const firstMs = Math.round(performance.now() - started);
    const again = performance.now();
    const second = await nightly.run({ trigger: 'cli', dryRun: false, employerId: employer });
    const secondMs = Math.round(performance.now() - again);
    console.log(
      `      nightly: 100,000 employees placed in ${firstMs} ms (statement ${resultFor(first, employer)!.durationMs} ms); second run ${secondMs} ms`,
    );

    expect(first).to.include({ status: 'SUCCEEDED', employers: 1, moved: 100_000 });
    expect(firstMs).to.be.below(60_000);
    expect(second).to.include({ status: 'SUCCEEDED', employers: 1, moved: 0 });
    expect(await countByState(employer)).to.deep.equal({ IN_VAULT: 100_000, SHARED: 1500 });
    expect(await placedAudit(employer, first.runId)).to.equal(100_000);
    expect(await placedAudit(employer)).to.equal(100_000);
  });

  it('a dry run reports what would move and changes nothing', async () => {
    const employer = uniqueEmployerId('nightly-dry');
    await createEmployer(db, employer);
    await seed(employer, 30);
    await seed(employer, 5, { prefix: 'absence-', state: 'SHARED', absenceShared: true });
    await seed(employer, 4, { prefix: 'in-', state: 'IN_VAULT' });

    const summary = await nightly.run({ trigger: 'cli', dryRun: true, employerId: employer });

    expect(summary).to.include({ status: 'SUCCEEDED', dryRun: true, employers: 1, moved: 30 });
    expect(summary.results).to.deep.equal([
      {
        employerId: employer,
        outcome: 'dry-run',
        moved: 30,
        durationMs: summary.results[0]!.durationMs,
      },
    ]);
    expect(await countByState(employer)).to.deep.equal({
      OUTSIDE_VAULT: 30,
      SHARED: 5,
      IN_VAULT: 4,
    });
    expect(await db.auditEntry.count({ where: { employerId: employer } })).to.equal(0);
    const record = await db.nightlyRun.findUniqueOrThrow({ where: { id: summary.runId } });
    expect(record).to.include({ dryRun: true, moved: 30, status: 'SUCCEEDED' });
  });

  it('records the run and each employer, and --employer touches that employer only', async () => {
    const chosen = uniqueEmployerId('nightly-only');
    const other = uniqueEmployerId('nightly-other');
    await createEmployer(db, chosen);
    await createEmployer(db, other);
    await seed(chosen, 12);
    await seed(other, 7);

    const summary = await nightly.run({ trigger: 'cli', dryRun: false, employerId: chosen });

    expect(await countByState(chosen)).to.deep.equal({ IN_VAULT: 12 });
    expect(await countByState(other)).to.deep.equal({ OUTSIDE_VAULT: 7 });
    const record = await db.nightlyRun.findUniqueOrThrow({
      where: { id: summary.runId },
      include: { perEmployer: true },
    });
    expect(record).to.include({
      trigger: 'cli',
      dryRun: false,
      employerFilter: chosen,
      scheduledFor: null,
      status: 'SUCCEEDED',
      employers: 1,
      moved: 12,
      skippedLocked: 0,
      error: null,
    });
    expect(record.finishedAt!.getTime()).to.be.at.least(record.startedAt.getTime());
    expect(
      record.perEmployer.map(({ employerId, outcome, moved }) => ({ employerId, outcome, moved })),
    ).to.deep.equal([{ employerId: chosen, outcome: 'moved', moved: 12 }]);
  });

  it('skips an employer another run holds, and the holder’s work is not repeated', async () => {
    const employer = uniqueEmployerId('nightly-locked');
    await createEmployer(db, employer);
    await seed(employer, 50);
    const other = databaseFor(config, 2);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let signalLocked!: () => void;
    const locked = new Promise<void>((resolve) => (signalLocked = resolve));
    const holder = other.$transaction(
      async (tx) => {
        await tx.$queryRaw`
          SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.nightly.' || ${employer}))::text`;
        signalLocked();
        await released;
      },
      { timeout: 30_000 },
    );
    try {
      // The holder failing before it holds the lock must fail the test, not hang it.
      await Promise.race([locked, holder.then(() => Promise.reject(new Error('lock not held')))]);
      const skipped = await nightly.run({ trigger: 'cli', dryRun: false, employerId: employer });
      expect(skipped).to.include({ status: 'SUCCEEDED', moved: 0, skippedLocked: 1 });
      expect(skipped.results[0]).to.include({ outcome: 'skipped-locked', moved: 0 });
      expect(await countByState(employer)).to.deep.equal({ OUTSIDE_VAULT: 50 });
    } finally {
      release();
      await holder;
      await other.$disconnect();
    }
    const after = await nightly.run({ trigger: 'cli', dryRun: false, employerId: employer });
    expect(after).to.include({ moved: 50, skippedLocked: 0 });
  });

  it('two concurrent runs place every dossier exactly once', async () => {
    const first = uniqueEmployerId('nightly-conc-a');
    const second = uniqueEmployerId('nightly-conc-b');
    await createEmployer(db, first);
    await createEmployer(db, second);
    await seed(first, 20_000);
    await seed(second, 5_000);
    const otherDb = databaseFor(config, 3);
    const otherNightly = new NightlyProcessing(otherDb);
    try {
      const runs = await Promise.all([
        nightly.run({ trigger: 'cli', dryRun: false, employerId: first }),
        otherNightly.run({ trigger: 'cli', dryRun: false, employerId: first }),
        nightly.run({ trigger: 'cli', dryRun: false }),
        otherNightly.run({ trigger: 'cli', dryRun: false }),
      ]);
      for (const [employer, eligible] of [
        [first, 20_000],
        [second, 5_000],
      ] as const) {
        const outcomes = runs.map((run) => resultFor(run, employer)).filter((r) => r !== undefined);
        const moved = outcomes.reduce((sum, result) => sum + result.moved, 0);
        expect(moved, employer).to.equal(eligible);
        expect(await placedAudit(employer), employer).to.equal(eligible);
        const distinct = await db.$queryRaw<{ n: number }[]>`
          SELECT count(DISTINCT dossier_id)::int AS n FROM audit_log
          WHERE employer_id = ${employer} AND action = 'dossier.placed'`;
        expect(distinct[0]!.n).to.equal(eligible);
        expect(await countByState(employer)).to.deep.equal({ IN_VAULT: eligible });
        for (const result of outcomes)
          expect(result.outcome).to.be.oneOf(['moved', 'skipped-locked']);
      }
      for (const run of runs) expect(run.status).to.equal('SUCCEEDED');
      console.log(
        `      concurrent runs, ${first}: ${runs
          .map((run) => resultFor(run, first))
          .map((result) => `${result!.outcome} ${result!.moved}`)
          .join(', ')}`,
      );
    } finally {
      await otherDb.$disconnect();
    }
  });

  it('a failing employer fails the run with its code; the others are placed and recorded', async () => {
    const failing = uniqueEmployerId('nightly-fail');
    const fine = uniqueEmployerId('nightly-fine');
    await createEmployer(db, failing);
    await createEmployer(db, fine);
    await seed(failing, 10);
    await seed(fine, 10);
    // A trigger stands in for the database refusing this employer's update.
    await db.$executeRawUnsafe(`
      CREATE FUNCTION nightly_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.employer_id = '${failing}' THEN
          RAISE EXCEPTION 'refused for the test' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await db.$executeRawUnsafe(`
      CREATE TRIGGER nightly_test_refuse BEFORE UPDATE ON dossiers
      FOR EACH ROW EXECUTE FUNCTION nightly_test_refuse()`);
    let summary: NightlyRunSummary;
    try {
      summary = await nightly.run({ trigger: 'cli', dryRun: false });
    } finally {
      await db.$executeRawUnsafe('DROP TRIGGER nightly_test_refuse ON dossiers');
      await db.$executeRawUnsafe('DROP FUNCTION nightly_test_refuse()');
    }
    expect(summary).to.include({ status: 'FAILED', error: 'DATABASE_REJECTED' });
    expect(summary.failed).to.be.at.least(1);
    expect(resultFor(summary, failing)).to.include({
      outcome: 'failed',
      moved: 0,
      errorCode: 'DATABASE_REJECTED',
    });
    expect(resultFor(summary, fine)).to.include({ outcome: 'moved', moved: 10 });
    expect(await countByState(failing)).to.deep.equal({ OUTSIDE_VAULT: 10 });
    expect(await placedAudit(failing)).to.equal(0);
    expect(await countByState(fine)).to.deep.equal({ IN_VAULT: 10 });
    const record = await db.nightlyRun.findUniqueOrThrow({
      where: { id: summary.runId },
      include: { perEmployer: true },
    });
    expect(record).to.include({ status: 'FAILED', error: 'DATABASE_REJECTED' });
    expect(record.perEmployer.find((row) => row.employerId === failing)).to.include({
      outcome: 'failed',
    });
    expect(record.perEmployer.find((row) => row.employerId === fine)).to.include({
      outcome: 'moved',
      moved: 10,
    });
  });

  it('the schedule runs a night once, however many workers wait for it', async () => {
    // A clock a moment before 02:00 Amsterdam on a day no other test uses.
    const slot = Date.parse('2030-01-15T01:00:00Z');
    const offset = slot - 700 - Date.now();
    const now = () => new Date(Date.now() + offset);
    const scheduledConfig = testConfig({ NIGHTLY_AT: '02:00', NIGHTLY_ENABLED: 'true' });
    const memory = new MemoryTransport();
    const logger = createLogger({ console: false, transports: [memory] });
    const otherDb = databaseFor(config, 2);
    const schedulers = [
      startNightlyScheduler(scheduledConfig, logger, db, { now }),
      startNightlyScheduler(scheduledConfig, logger, otherDb, { now }),
    ];
    try {
      const deadline = Date.now() + 30_000;
      // Each scheduler says when it will run next once it is done with this night.
      const settled = () => memory.lines.filter((line) => line.includes('next nightly run')).length;
      while (settled() < 2 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
      const runs = await db.nightlyRun.findMany({
        where: { scheduledFor: new Date('2030-01-15T00:00:00Z') },
      });
      expect(runs).to.have.length(1);
      expect(runs[0]).to.include({ trigger: 'schedule', dryRun: false, status: 'SUCCEEDED' });
      expect(memory.lines.filter((line) => line.includes('nightly slot taken'))).to.have.length(1);
      expect(memory.lines.filter((line) => line.includes('nightly run finished'))).to.have.length(
        1,
      );
      const next = memory.lines.filter((line) => line.includes('next nightly run'));
      expect(next.map((line) => (JSON.parse(line) as { at: string }).at)).to.deep.equal([
        '2030-01-16T01:00:00.000Z',
        '2030-01-16T01:00:00.000Z',
      ]);
    } finally {
      for (const scheduler of schedulers) await scheduler.stop();
      await otherDb.$disconnect();
    }
  });

  it('no schedule when NIGHTLY_ENABLED is false', async () => {
    const memory = new MemoryTransport();
    const logger = createLogger({ console: false, transports: [memory] });
    const scheduler = startNightlyScheduler(testConfig({ NIGHTLY_ENABLED: 'false' }), logger, db);
    await scheduler.stop();
    expect(memory.lines.join('\n')).to.contain('NIGHTLY_ENABLED=false');
  });

  it('does not place a dossier whose first case is written while the placement runs', async () => {
    // A change that arrives before its report, applied by the consumer while the nightly's statement
    // waits on the dossier row: the statement must see the case, although its snapshot predates it.
    const employer = uniqueEmployerId('nightly-race');
    await createEmployer(db, employer);
    await seed(employer, 1, { prefix: 'race-' });
    const dossier = await db.dossier.findFirstOrThrow({ where: { employerId: employer } });
    const consumer = new Client({ connectionString: config.databaseUrl });
    await consumer.connect();
    try {
      await consumer.query(`SET search_path = "${config.databaseSchema}"`);
      await consumer.query('BEGIN');
      await consumer.query('SELECT id FROM dossiers WHERE id = $1 FOR UPDATE', [dossier.id]);
      await consumer.query(
        `INSERT INTO absence_cases (id, employer_id, dossier_id, connector_id, source_case_id, status)
         VALUES (gen_random_uuid(), $1, $2, 'csv', 'race-case', 'OPEN')`,
        [employer, dossier.id],
      );
      await consumer.query(`UPDATE dossiers d SET absence_pending = true WHERE d.id = $1`, [
        dossier.id,
      ]);
      const run = nightly.run({ trigger: 'cli', dryRun: false, employerId: employer });
      await new Promise((resolve) => setTimeout(resolve, 300));
      await consumer.query('COMMIT');
      const summary = await run;
      expect(resultFor(summary, employer)).to.include({ moved: 0 });
    } finally {
      await consumer.end();
    }
    expect((await db.dossier.findUniqueOrThrow({ where: { id: dossier.id } })).vaultState).to.equal(
      'OUTSIDE_VAULT',
    );
  });

  describe('datakluis nightly', () => {
    async function cli(args: string[]) {
      const out: string[] = [];
      const err: string[] = [];
      const progress: string[] = [];
      const code = await runNightly(args, {
        out: (line) => out.push(line),
        err: (line) => err.push(line),
        progress: { isTTY: false, write: (text: string) => progress.push(text) },
        config,
      });
      return { code, out: out.join('\n'), err: err.join('\n'), progress: progress.join('') };
    }

    it('--dry-run tells what would move; without it, it moves; progress goes to stderr', async () => {
      const employer = uniqueEmployerId('nightly-cli');
      await createEmployer(db, employer);
      await seed(employer, 25);

      const dry = await cli(['--dry-run', '--employer', employer]);
      expect(dry.code).to.equal(0);
      expect(dry.out).to.match(/status\s+SUCCEEDED/);
      expect(dry.out).to.match(/mode\s+dry run/);
      expect(dry.out).to.match(/would move\s+25/);
      expect(dry.out).to.match(new RegExp(`${employer}\\s+dry-run\\s+25`));
      expect(dry.progress).to.match(/^employers: 1\/1 100% .* done in /m);
      expect(await countByState(employer)).to.deep.equal({ OUTSIDE_VAULT: 25 });

      const real = await cli(['--employer', employer]);
      expect(real.code).to.equal(0);
      expect(real.out).to.match(/moved\s+25/);
      expect(await countByState(employer)).to.deep.equal({ IN_VAULT: 25 });
      console.log(real.out.replace(/^/gm, '      | '));
    });

    it('refuses an unknown employer and stray arguments', async () => {
      const unknown = await cli(['--employer', 'no-such-employer-x']);
      expect(unknown.code).to.equal(1);
      expect(unknown.err).to.contain('employer no-such-employer-x is not known');
      expect((await cli(['now'])).code).to.equal(2);
    });
  });

  describe('master data arriving between nights', () => {
    let vault: VaultService;
    before(() => {
      vault = new VaultService(db);
    });

    function upsert(employerId: string, externalId: string) {
      return employeeUpsertedEvent(
        {
          connectorId: 'csv',
          employerId,
          receivedAt: '2026-12-03T12:00:00Z',
          contentType: 'text/csv',
          body: '',
          headers: {},
        },
        { time: '2026-12-03T11:00:00Z', employee: { externalId, familyName: 'Jansen' } },
      );
    }

    it('puts an existing dossier outside an active vault in it at once, with audit', async () => {
      const employer = uniqueEmployerId('nightly-md');
      await createEmployer(db, employer);
      await seed(employer, 1, { prefix: 'x' });
      const event = upsert(employer, 'x1');
      expect(await vault.apply(event)).to.equal('applied');
      expect(await states(employer)).to.deep.equal({ x1: 'IN_VAULT' });
      const placed = await db.auditEntry.findMany({
        where: { employerId: employer, action: 'dossier.placed' },
      });
      expect(placed).to.have.length(1);
      expect(placed[0]).to.include({ actorType: 'connector', actorId: 'csv', eventId: event.id });
    });

    it('leaves a dossier with an absence, a running manual share or an inactive vault where it is', async () => {
      // An ended manual share does not hold a dossier back; a running one does.
      const employer = uniqueEmployerId('nightly-md-stay');
      const inactive = uniqueEmployerId('nightly-md-inactive');
      await createEmployer(db, employer);
      await createEmployer(db, inactive, false);
      await seed(employer, 1, { prefix: 'case-' });
      await addCases(employer, 'case-');
      await seed(employer, 1, { prefix: 'manual-ended-' });
      await addShares(employer, 'manual-ended-', 'MANUAL', true);
      await seed(employer, 1, { prefix: 'manual-running-', state: 'SHARED' });
      await addShares(employer, 'manual-running-', 'MANUAL', false);
      await seed(employer, 1, { prefix: 'absence-', state: 'SHARED', absenceShared: true });
      await seed(inactive, 1, { prefix: 'y' });
      for (const externalId of ['case-1', 'manual-ended-1', 'manual-running-1', 'absence-1'])
        await vault.apply(upsert(employer, externalId));
      await vault.apply(upsert(inactive, 'y1'));
      expect(await states(employer)).to.deep.equal({
        'case-1': 'OUTSIDE_VAULT',
        'manual-ended-1': 'IN_VAULT',
        'manual-running-1': 'SHARED',
        'absence-1': 'SHARED',
      });
      expect(await states(inactive)).to.deep.equal({ y1: 'OUTSIDE_VAULT' });
      expect(await placedAudit(employer)).to.equal(1);
      expect(await placedAudit(inactive)).to.equal(0);
    });
  });
});
