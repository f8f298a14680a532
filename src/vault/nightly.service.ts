// The nightly processing (nachtverwerking): for every employer with an active vault, place every
// dossier the placement rule allows in the vault, with one statement per employer. Safe to run twice
// (a second run finds nothing to move) and concurrently (a per-employer lock; a run that finds it
// taken skips that employer, because the holder is placing it). Every run is recorded with its
// counts, and per employer.
import { randomUUID } from 'node:crypto';

import type { Database } from '../db/prisma-client';
import { GatewayError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { classifyDatabaseError } from './database-errors';
import * as placement from './placement.repository';
import type { EmployerOutcome, NightlyTrigger } from './placement.repository';

/** Reported once before the first employer (done 0, no `last`) and after every employer. */
export interface NightlyProgress {
  /** Employers done so far, of `total`. */
  done: number;
  total: number;
  /** Dossiers moved (or, in a dry run, that would move) so far. */
  moved: number;
  last?: { employerId: string; outcome: EmployerOutcome };
}

export interface NightlyRunOptions {
  trigger: NightlyTrigger;
  dryRun: boolean;
  /** Only this employer (it is still skipped when its vault is not active). */
  employerId?: string;
  /** The local date of a scheduled slot: the run happens only if no other run claimed that date. */
  scheduledFor?: string;
  onProgress?: (progress: NightlyProgress) => void;
  /** Stops the run between two employers (shutdown); the run is then FAILED with INTERRUPTED. */
  signal?: AbortSignal;
}

export interface NightlyEmployerResult extends placement.EmployerResult {
  /** The error code when the employer failed. */
  errorCode?: string;
}

export interface NightlyRunSummary {
  runId: string;
  trigger: NightlyTrigger;
  dryRun: boolean;
  employerFilter: string | null;
  scheduledFor: string | null;
  status: 'SUCCEEDED' | 'FAILED';
  /** The first failure's error code (or INTERRUPTED); null when the run succeeded. */
  error: string | null;
  employers: number;
  /** Moved, or in a dry run: would move. */
  moved: number;
  skippedLocked: number;
  failed: number;
  startedAt: Date;
  finishedAt: Date;
  durationMs: number;
  results: NightlyEmployerResult[];
}

export interface NightlyProcessingOptions {
  logger?: Logger;
  /** How long one employer's statement may take (a million dossiers is far below the default). */
  statementTimeoutSeconds?: number;
}

export const INTERRUPTED = 'INTERRUPTED';

/** How long one employer's statement may take by default. */
export const NIGHTLY_STATEMENT_TIMEOUT_SECONDS = 600;

/**
 * The client-side query limit a nightly database client needs: above the statement timeout, so the
 * server's limit is the one that speaks (the default client limit, 15 s, is far too short for a
 * large employer: a million dossiers take about half a minute here).
 */
export const NIGHTLY_QUERY_TIMEOUT_MS = (NIGHTLY_STATEMENT_TIMEOUT_SECONDS + 30) * 1000;

export class NightlyProcessing {
  private readonly statementTimeoutSeconds: number;

  constructor(
    private readonly db: Database,
    private readonly options: NightlyProcessingOptions = {},
  ) {
    this.statementTimeoutSeconds =
      options.statementTimeoutSeconds ?? NIGHTLY_STATEMENT_TIMEOUT_SECONDS;
  }

  /** The employer's vault state, or null when there is no such employer. */
  async employerVault(employerId: string): Promise<'ACTIVE' | 'INACTIVE' | null> {
    if (!(await placement.employerExists(this.db, employerId))) return null;
    const active = await placement.activeEmployers(this.db, employerId);
    return active.length === 1 ? 'ACTIVE' : 'INACTIVE';
  }

  /** One run; null when `scheduledFor` was given and another run (replica) has claimed that date. */
  run(options: NightlyRunOptions & { scheduledFor: string }): Promise<NightlyRunSummary | null>;
  run(options: NightlyRunOptions & { scheduledFor?: undefined }): Promise<NightlyRunSummary>;
  async run(options: NightlyRunOptions): Promise<NightlyRunSummary | null> {
    const started = performance.now();
    const runId = randomUUID();
    const employerFilter = options.employerId ?? null;
    const scheduledFor = options.scheduledFor ?? null;
    const claimed = await placement.startRun(this.db, {
      id: runId,
      trigger: options.trigger,
      dryRun: options.dryRun,
      employerFilter,
      scheduledFor,
    });
    if (!claimed) return null;
    const employers = await placement.activeEmployers(this.db, options.employerId);
    const results = await this.placeAll(runId, employers, options);
    const failure = results.find((result) => result.errorCode !== undefined);
    const interrupted = results.length < employers.length;
    const error = failure?.errorCode ?? (interrupted ? INTERRUPTED : null);
    const status = error === null ? 'SUCCEEDED' : 'FAILED';
    const totals = await placement.finishRun(this.db, runId, status, error);
    const summary: NightlyRunSummary = {
      runId,
      trigger: options.trigger,
      dryRun: options.dryRun,
      employerFilter,
      scheduledFor,
      status,
      error,
      ...totals,
      failed: results.filter((result) => result.outcome === 'failed').length,
      durationMs: Math.round(performance.now() - started),
      results,
    };
    this.options.logger?.[status === 'SUCCEEDED' ? 'info' : 'error']('nightly run finished', {
      runId,
      trigger: summary.trigger,
      dryRun: summary.dryRun,
      status,
      ...(error === null ? {} : { errorCode: error }),
      employers: summary.employers,
      moved: summary.moved,
      skippedLocked: summary.skippedLocked,
      failed: summary.failed,
      durationMs: summary.durationMs,
    });
    return summary;
  }

  private async placeAll(
    runId: string,
    employers: string[],
    options: NightlyRunOptions,
  ): Promise<NightlyEmployerResult[]> {
    const results: NightlyEmployerResult[] = [];
    let moved = 0;
    options.onProgress?.({ done: 0, total: employers.length, moved });
    for (const employerId of employers) {
      if (options.signal?.aborted === true) break;
      const result = await this.placeEmployer(runId, employerId, options.dryRun);
      results.push(result);
      moved += result.moved;
      options.onProgress?.({
        done: results.length,
        total: employers.length,
        moved,
        last: { employerId, outcome: result.outcome },
      });
    }
    return results;
  }

  /** One employer in one transaction: lock, one statement, its run row. A failure is recorded. */
  private async placeEmployer(
    runId: string,
    employerId: string,
    dryRun: boolean,
  ): Promise<NightlyEmployerResult> {
    const started = performance.now();
    const elapsed = (): number => Math.round(performance.now() - started);
    try {
      return await this.db.$transaction(
        async (tx) => {
          await placement.allowLongStatements(tx, this.statementTimeoutSeconds);
          let result: NightlyEmployerResult;
          if (dryRun) {
            const eligible = await placement.countEligible(tx, employerId);
            result = { employerId, outcome: 'dry-run', moved: eligible, durationMs: elapsed() };
          } else if (!(await placement.tryLockEmployer(tx, employerId))) {
            // Another run holds this employer and is placing it right now: nothing left for us.
            result = { employerId, outcome: 'skipped-locked', moved: 0, durationMs: elapsed() };
          } else {
            const moved = await placement.placeEmployerDossiers(tx, employerId, runId);
            result = { employerId, outcome: 'moved', moved, durationMs: elapsed() };
          }
          await placement.recordEmployer(tx, runId, result);
          return result;
        },
        { maxWait: 10_000, timeout: (this.statementTimeoutSeconds + 30) * 1000 },
      );
    } catch (error) {
      return this.recordFailure(runId, employerId, error, elapsed());
    }
  }

  private async recordFailure(
    runId: string,
    employerId: string,
    error: unknown,
    durationMs: number,
  ): Promise<NightlyEmployerResult> {
    const failure = error instanceof GatewayError ? error : classifyDatabaseError(error);
    const result: NightlyEmployerResult = {
      employerId,
      outcome: 'failed',
      moved: 0,
      durationMs,
      errorCode: failure.code,
    };
    this.options.logger?.error('nightly placement failed for an employer', {
      runId,
      employerId,
      errorCode: failure.code,
      errorMessage: failure.message,
    });
    try {
      await placement.recordEmployer(this.db, runId, result);
    } catch {
      // The database is away: the run cannot be finished either, and says so by throwing there.
    }
    return result;
  }
}
