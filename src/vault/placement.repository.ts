// Placing dossiers in the vault: the one rule of which dossier may go in, the nightly's set-based
// statement per employer, and the nightly's run records. Every placement writes its audit entry in
// the same statement or transaction as the move.
import { Prisma } from '../generated/prisma/client';
import type { Tx } from './vault.repository';

export type NightlyTrigger = 'schedule' | 'cli';
export type NightlyRunStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED';
export type EmployerOutcome = 'moved' | 'dry-run' | 'skipped-locked' | 'failed';

/** The actor of the nightly's audit entries. */
export const NIGHTLY_ACTOR = { actorType: 'system', actorId: 'nightly' } as const;

/**
 * Absence history, on a dossier row aliased `d`: the dossier was shared because of a sick report
 * (`absence_shared`), or a case waits for its report (`absence_pending`: a change or recovery that
 * arrived first). A case that was only withdrawn ("reported in error") is no absence. Both facts
 * live on the dossier row, so a placement running while they are written re-checks them (see
 * below). Ending a manual share and the placement rule both ask this one question.
 */
const HAS_ABSENCE_HISTORY = Prisma.sql`(d.absence_shared OR d.absence_pending)`;

/**
 * The placement rule, on a dossier row aliased `d`: the employer's vault is active, the dossier is
 * outside it, the employee has no absence history and no manual share that is still running.
 *
 * Only OUTSIDE_VAULT moves, never SHARED: a share sets the dossier row to SHARED, and a row changed
 * by a concurrent transaction is re-checked by PostgreSQL against this condition before the update
 * touches it, so a dossier shared while the nightly runs can never be put back. (Ending a manual
 * share sets the dossier OUTSIDE_VAULT; the next nightly returns it.) Both the nightly statement and
 * the placement of arriving master data use this one fragment.
 */
export const ELIGIBLE_FOR_PLACEMENT = Prisma.sql`
  d.vault_state = 'OUTSIDE_VAULT'
  AND NOT ${HAS_ABSENCE_HISTORY}
  AND EXISTS (SELECT 1 FROM employers e WHERE e.id = d.employer_id AND e.vault_state = 'ACTIVE')
  AND NOT EXISTS (
    SELECT 1 FROM dossier_shares s
    WHERE s.dossier_id = d.id AND s.reason = 'MANUAL' AND s.ended_at IS NULL)`;

/** Whether the employee of this dossier has absence history (their dossier stays shared). */
export async function hasAbsenceHistory(tx: Tx, dossierId: string): Promise<boolean> {
  const rows = await tx.$queryRaw<{ has: boolean }[]>`
    SELECT ${HAS_ABSENCE_HISTORY} AS has FROM dossiers d WHERE d.id = ${dossierId}::uuid`;
  return rows[0]?.has === true;
}

/**
 * Places one (locked) dossier when the rule allows it; true when it moved. The caller writes the
 * audit entry, with its own actor.
 */
export async function placeIfEligible(tx: Tx, dossierId: string): Promise<boolean> {
  const moved = await tx.$executeRaw`
    UPDATE dossiers d SET vault_state = 'IN_VAULT', updated_at = CURRENT_TIMESTAMP
    WHERE d.id = ${dossierId}::uuid AND ${ELIGIBLE_FOR_PLACEMENT}`;
  return moved === 1;
}

/**
 * The employer's nightly lock for this transaction, if no other transaction holds it (never waits).
 * The key includes the schema, so gateways sharing a database do not block each other.
 */
export async function tryLockEmployer(tx: Tx, employerId: string): Promise<boolean> {
  const rows = await tx.$queryRaw<{ locked: boolean }[]>`
    SELECT pg_try_advisory_xact_lock(hashtext(current_schema() || '.nightly.' || ${employerId})) AS locked`;
  return rows[0]?.locked === true;
}

/**
 * A million rows take longer than the pool's 10 s statement timeout: the nightly's own transaction
 * allows `seconds` instead.
 */
export async function allowLongStatements(tx: Tx, seconds: number): Promise<void> {
  await tx.$queryRaw`SELECT set_config('statement_timeout', ${`${Math.floor(seconds)}s`}, true)`;
}

/**
 * Moves every eligible dossier of the employer into the vault and writes one `dossier.placed` audit
 * entry per moved dossier, in one statement; the number moved.
 */
export async function placeEmployerDossiers(
  tx: Tx,
  employerId: string,
  runId: string,
): Promise<number> {
  const details = JSON.stringify({ runId });
  return tx.$executeRaw`
    WITH moved AS (
      UPDATE dossiers d SET vault_state = 'IN_VAULT', updated_at = CURRENT_TIMESTAMP
      WHERE d.employer_id = ${employerId} AND ${ELIGIBLE_FOR_PLACEMENT}
      RETURNING d.id, d.employer_id)
    INSERT INTO audit_log (employer_id, dossier_id, actor_type, actor_id, action, details)
    SELECT employer_id, id, ${NIGHTLY_ACTOR.actorType}, ${NIGHTLY_ACTOR.actorId}, 'dossier.placed',
           ${details}::jsonb
    FROM moved`;
}

/** How many of the employer's dossiers the nightly would move now (the dry run). */
export async function countEligible(tx: Tx, employerId: string): Promise<number> {
  const rows = await tx.$queryRaw<{ eligible: number }[]>`
    SELECT count(*)::int AS eligible FROM dossiers d
    WHERE d.employer_id = ${employerId} AND ${ELIGIBLE_FOR_PLACEMENT}`;
  return rows[0]?.eligible ?? 0;
}

/** The employers whose vault is active, in id order; only `only` when given. */
export async function activeEmployers(tx: Tx, only?: string): Promise<string[]> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM employers
    WHERE vault_state = 'ACTIVE' AND (${only ?? null}::text IS NULL OR id = ${only ?? null}::text)
    ORDER BY id`;
  return rows.map((row) => row.id);
}

export async function employerExists(tx: Tx, employerId: string): Promise<boolean> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM employers WHERE id = ${employerId}`;
  return rows.length === 1;
}

export interface NewRun {
  id: string;
  trigger: NightlyTrigger;
  dryRun: boolean;
  employerFilter: string | null;
  /** The local date of a scheduled slot; at most one run per date (the claim). */
  scheduledFor: string | null;
}

/** Records a run as RUNNING; false when `scheduledFor` is already claimed by another run. */
export async function startRun(tx: Tx, run: NewRun): Promise<boolean> {
  const inserted = await tx.$executeRaw`
    INSERT INTO nightly_runs (id, trigger, dry_run, employer_filter, scheduled_for, status)
    VALUES (${run.id}::uuid, ${run.trigger}, ${run.dryRun}, ${run.employerFilter},
            ${run.scheduledFor}::date, 'RUNNING')
    ON CONFLICT (scheduled_for) DO NOTHING`;
  return inserted === 1;
}

export interface EmployerResult {
  employerId: string;
  outcome: EmployerOutcome;
  /** Moved, or for a dry run: would move. */
  moved: number;
  durationMs: number;
}

export async function recordEmployer(tx: Tx, runId: string, result: EmployerResult): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO nightly_run_employers (run_id, employer_id, outcome, moved, duration_ms)
    VALUES (${runId}::uuid, ${result.employerId}, ${result.outcome}, ${result.moved},
            ${Math.round(result.durationMs)})`;
}

export interface RunTotals {
  employers: number;
  moved: number;
  skippedLocked: number;
  startedAt: Date;
  finishedAt: Date;
}

/** Closes the run with its totals, counted from its per-employer rows. */
export async function finishRun(
  tx: Tx,
  runId: string,
  status: Exclude<NightlyRunStatus, 'RUNNING'>,
  error: string | null,
): Promise<RunTotals> {
  const rows = await tx.$queryRaw<
    {
      employers: number;
      moved: number;
      skipped_locked: number;
      started_at: Date;
      finished_at: Date;
    }[]
  >`
    UPDATE nightly_runs r
    SET status = ${status}, error = ${error}, finished_at = clock_timestamp(),
        employers = s.employers, moved = s.moved, skipped_locked = s.skipped_locked
    FROM (
      SELECT count(*)::int AS employers, COALESCE(sum(moved), 0)::int AS moved,
             (count(*) FILTER (WHERE outcome = 'skipped-locked'))::int AS skipped_locked
      FROM nightly_run_employers WHERE run_id = ${runId}::uuid) s
    WHERE r.id = ${runId}::uuid
    RETURNING r.employers, r.moved, r.skipped_locked, r.started_at, r.finished_at`;
  const row = rows[0];
  if (row === undefined) throw new Error('the nightly run record vanished');
  return {
    employers: row.employers,
    moved: row.moved,
    skippedLocked: row.skipped_locked,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}
