// `datakluis nightly [--dry-run] [--employer <id>]`: the nightly processing, now. Progress on stderr,
// the run's summary on stdout; exit code 1 when the run FAILED.
import { parseArgs } from 'node:util';

import { adviceFor, checkPostgres } from '../app/preflight';
import { withDatabase } from '../app/wiring';
import { parseEnv } from '../config/env';
import type { GatewayConfig } from '../config/env';
import { NIGHTLY_QUERY_TIMEOUT_MS, NightlyProcessing } from '../vault/nightly.service';
import type { NightlyEmployerResult, NightlyRunSummary } from '../vault/nightly.service';
import { createProgress, formatDuration } from './progress';
import type { ProgressReporter, ProgressStream } from './progress';

export const NIGHTLY_USAGE = 'usage: datakluis nightly [--dry-run] [--employer <id>]';

/** At most this many employers are listed one by one; failed and skipped ones always are. */
const LISTED_EMPLOYERS = 20;

export interface NightlyCommandIo {
  out: (line: string) => void;
  err: (line: string) => void;
  progress: ProgressStream;
  /** Default: parsed from the environment. */
  config?: GatewayConfig;
}

const DEFAULT_IO: NightlyCommandIo = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  progress: process.stderr,
};

/** Rows of cells as aligned columns; numbers (right-aligned) where `right` says so. */
export function formatTable(rows: string[][], right: boolean[] = []): string[] {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, index) => (widths[index] = Math.max(widths[index] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, index) =>
        right[index] === true ? cell.padStart(widths[index] ?? 0) : cell.padEnd(widths[index] ?? 0),
      )
      .join('  ')
      .trimEnd(),
  );
}

function summaryLines(summary: NightlyRunSummary): string[] {
  const movedLabel = summary.dryRun ? 'would move' : 'moved';
  return formatTable([
    ['run', summary.runId],
    ['status', summary.status + (summary.error === null ? '' : ` (${summary.error})`)],
    ['mode', summary.dryRun ? 'dry run (nothing changed)' : 'placement'],
    ['employers', summary.employerFilter ?? 'every employer with an active vault'],
    ['processed', String(summary.employers)],
    [movedLabel, String(summary.moved)],
    ['skipped (locked)', String(summary.skippedLocked)],
    ['failed', String(summary.failed)],
    [
      'duration',
      summary.durationMs < 10_000 ? `${summary.durationMs} ms` : formatDuration(summary.durationMs),
    ],
  ]);
}

function employerLines(summary: NightlyRunSummary): string[] {
  const notable = (result: NightlyEmployerResult): boolean =>
    result.outcome === 'failed' || result.outcome === 'skipped-locked';
  const listed =
    summary.results.length <= LISTED_EMPLOYERS
      ? summary.results
      : summary.results.filter(notable).slice(0, LISTED_EMPLOYERS);
  if (listed.length === 0) return [];
  const rows = listed.map((result) => [
    result.employerId,
    result.outcome + (result.errorCode === undefined ? '' : ` (${result.errorCode})`),
    String(result.moved),
    `${result.durationMs} ms`,
  ]);
  const lines = formatTable(
    [['employer', 'outcome', summary.dryRun ? 'would move' : 'moved', 'took'], ...rows],
    [false, false, true, true],
  );
  if (listed.length < summary.results.length)
    lines.push(
      `(${summary.results.length - listed.length} more; all are in nightly_run_employers)`,
    );
  return ['', ...lines];
}

/** Ctrl-C once: stop after the employer in hand and record the run (FAILED, INTERRUPTED). */
function interruptible(): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const onInterrupt = (): void => controller.abort();
  process.once('SIGINT', onInterrupt);
  return { signal: controller.signal, release: () => process.off('SIGINT', onInterrupt) };
}

export async function runNightly(
  args: string[],
  io: NightlyCommandIo = DEFAULT_IO,
): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'dry-run': { type: 'boolean', default: false },
      employer: { type: 'string' },
    },
  });
  if (positionals.length > 0) {
    io.err(NIGHTLY_USAGE);
    return 2;
  }
  const dryRun = values['dry-run'] === true;
  const employerId = values.employer;
  const config = io.config ?? parseEnv();
  const unreachable = await checkPostgres(config.databaseUrl);
  if (unreachable !== null) {
    io.err(`${unreachable}\n${adviceFor([unreachable])}`);
    return 1;
  }
  return withDatabase(
    config,
    async (db) => {
      const processing = new NightlyProcessing(db);
      if (employerId !== undefined) {
        const vault = await processing.employerVault(employerId);
        if (vault === null) {
          io.err(`employer ${employerId} is not known`);
          return 1;
        }
        if (vault === 'INACTIVE')
          io.err(`the vault of employer ${employerId} is not active: nothing is placed`);
      }
      // Made at the first report, which carries the number of employers.
      const bar: { progress?: ProgressReporter } = {};
      const { signal, release } = interruptible();
      let summary: NightlyRunSummary;
      try {
        summary = await processing.run({
          trigger: 'cli',
          dryRun,
          ...(employerId === undefined ? {} : { employerId }),
          signal,
          onProgress: ({ done, total, moved }) => {
            bar.progress ??= createProgress({ label: 'employers', total, stream: io.progress });
            bar.progress.update(done, `${dryRun ? 'would move' : 'moved'} ${moved}`);
          },
        });
      } finally {
        release();
        bar.progress?.finish();
      }
      for (const line of [...summaryLines(summary), ...employerLines(summary)]) io.out(line);
      return summary.status === 'SUCCEEDED' ? 0 : 1;
    },
    { queryTimeoutMs: NIGHTLY_QUERY_TIMEOUT_MS },
  );
}
