// Datakluis CSV upload → canonical events. The format is specified in README.md: one row per absence
// fact, a header row with Dutch column names (English aliases accepted), `;` or `,` as delimiter.
// A file is all or nothing: one bad row rejects it with every problem listed.
import {
  defineConnector,
  employeeUpsertedEvent,
  parseCsv,
  rejected,
  translated,
  TranslationContext,
} from '../../src/connector-sdk';
import type { CanonicalEvent, InboundMessage, TranslateResult } from '../../src/connector-sdk';
import { dataRows, resolveHeader } from './header';
import { translateRow } from './rows';
import type { TranslatedRow } from './types';

/**
 * One row per mutatie_id: an exact duplicate (same meaning, also when written differently) is
 * dropped; the same mutatie_id with other content is INCONSISTENT_PAYLOAD.
 */
function uniqueRows(ctx: TranslationContext, rows: readonly TranslatedRow[]): TranslatedRow[] {
  // Maps, not objects: a sender's `__proto__` is an id like any other.
  const first = new Map<string, TranslatedRow>();
  const unique: TranslatedRow[] = [];
  for (const row of rows) {
    const earlier = first.get(row.mutationId);
    if (earlier === undefined) {
      first.set(row.mutationId, row);
      unique.push(row);
    } else if (earlier.fingerprint !== row.fingerprint) {
      ctx.issue(
        'INCONSISTENT_PAYLOAD',
        `/rows/${row.line}/mutatie_id`,
        `same mutatie_id as line ${earlier.line} with different content`,
      );
    }
  }
  return unique;
}

/** Stable: rows with the same tijdstip keep their order in the file. */
function byTime(rows: readonly TranslatedRow[]): TranslatedRow[] {
  return [...rows].sort((a, b) => a.order - b.order);
}

/** One employee.upserted per employee with master data, from their latest row by tijdstip. */
function employeeEvents(message: InboundMessage, rows: readonly TranslatedRow[]): CanonicalEvent[] {
  const latest = new Map<string, TranslatedRow>();
  for (const row of byTime(rows)) {
    if (row.master !== undefined) latest.set(row.master.externalId, row);
  }
  return byTime([...latest.values()]).flatMap((row) =>
    row.master === undefined
      ? []
      : [employeeUpsertedEvent(message, { time: row.time, employee: row.master })],
  );
}

function translate(message: InboundMessage): TranslateResult {
  const parsed = parseCsv(message.body);
  if (!parsed.ok)
    return rejected([{ reason: 'MALFORMED_PAYLOAD', path: '/', message: parsed.message }]);
  const ctx = new TranslationContext();
  const keys = resolveHeader(ctx, parsed.table.headers);
  const rows = dataRows(parsed.table, keys);
  if (rows.length === 0) ctx.issue('MISSING_FIELD', '/rows', 'the file has no data rows');
  const translatedRows = rows.flatMap((row) => translateRow(ctx, message, row) ?? []);
  const unique = uniqueRows(ctx, translatedRows);
  if (ctx.failed) return ctx.result([]);
  // Absences first: a new employee's dossier is then created shared, not placed in the vault first.
  const events = [...byTime(unique).map((row) => row.event), ...employeeEvents(message, unique)];
  return translated(events, ctx.warnings);
}

/** The Datakluis CSV upload format (README.md), pushed by an employer without an HR integration. */
export const csvAdapter = defineConnector({ id: 'csv', translate });
