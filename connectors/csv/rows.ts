// One data row of a CSV upload → one absence event (plus the employee's master data, if the row has
// any). Every problem is recorded on the context with its path `/rows/<line>/<column>`; a row with
// any problem yields nothing.
import {
  absenceEvent,
  lookupCode,
  notAfterReceipt,
  parseInstant,
  parsePercentage,
  TranslationContext,
} from '../../src/connector-sdk';
import type { AbsenceFacts, IncapacityStep, InboundMessage } from '../../src/connector-sdk';
import { date, flag, path, text, value } from './cells';
import { columnPath } from './header';
import type { Scope } from './cells';
import {
  BOOLEAN_FACTS,
  DATE_FACTS,
  EVENT_TYPE_BY_KIND,
  FACT_COLUMNS,
  KIND_BY_VALUE,
  normalise,
} from './mappings';
import { masterOf } from './master-data';
import type { CsvColumn, CsvKind, CsvRow, TranslatedRow } from './types';

function kindOf(scope: Scope): CsvKind | undefined {
  const found = text(scope, 'soort', true);
  if (found === undefined) return undefined;
  return (
    lookupCode(KIND_BY_VALUE, normalise(found)) ??
    scope.ctx.issue(
      'UNKNOWN_CODE',
      path(scope, 'soort'),
      'not a known kind (ZIEKMELDING, WIJZIGING, GEDEELTELIJK_HERSTEL, HERSTELMELDING, CORRECTIE, INTREKKING)',
    )
  );
}

function sequenceOf(scope: Scope): number | undefined {
  const found = value(scope, 'volgnummer');
  if (found === undefined) return undefined;
  if (!/^[0-9]{1,9}$/.test(found))
    return scope.ctx.issue(
      'INVALID_VALUE',
      path(scope, 'volgnummer'),
      'not a whole number of at most 9 digits',
    );
  return Number(found);
}

/** The row's tijdstip; more than a day after receipt is a typing error, not a fact to order by. */
function timeOf(scope: Scope, receivedAt: string): { time: string; order: number } | undefined {
  const found = text(scope, 'tijdstip', true);
  const parsed =
    found === undefined
      ? undefined
      : parseInstant(scope.ctx, found, path(scope, 'tijdstip'), { allowDutch: true });
  const time =
    parsed === undefined
      ? undefined
      : notAfterReceipt(scope.ctx, parsed, receivedAt, path(scope, 'tijdstip'));
  return time === undefined ? undefined : { time, order: Date.parse(time) };
}

/** percentage + ingangsdatum; a sick report's percentage applies from the first sick day by default. */
function incapacityOf(
  scope: Scope,
  kind: CsvKind | undefined,
  start: string | undefined,
): IncapacityStep | undefined {
  const raw = value(scope, 'percentage');
  const effective = date(scope, 'ingangsdatum');
  if (raw === undefined) return undefined;
  const percentage = parsePercentage(
    scope.ctx,
    raw.replace(/\s*%$/, ''),
    path(scope, 'percentage'),
  );
  if (kind === 'ZIEKMELDING' && percentage === 0)
    scope.ctx.issue(
      'PERCENTAGE_OUT_OF_RANGE',
      path(scope, 'percentage'),
      'a sick report needs a percentage above 0',
    );
  const from = effective ?? (kind === 'ZIEKMELDING' ? start : undefined);
  if (kind !== undefined && kind !== 'ZIEKMELDING' && value(scope, 'ingangsdatum') === undefined) {
    scope.ctx.issue(
      'MISSING_FIELD',
      path(scope, 'ingangsdatum'),
      'a percentage needs the date it applies from',
    );
  }
  return percentage === undefined || from === undefined ? undefined : { from, percentage };
}

function factsOf(scope: Scope, kind: CsvKind | undefined): AbsenceFacts {
  const facts: AbsenceFacts = {};
  for (const [column, field] of DATE_FACTS) {
    const found = date(scope, column);
    if (found !== undefined) facts[field] = found;
  }
  const step = incapacityOf(scope, kind, facts.startDate);
  if (step !== undefined) facts.incapacity = [step];
  for (const [column, field] of BOOLEAN_FACTS) {
    const found = flag(scope, column);
    if (found !== undefined) facts[field] = found;
  }
  return facts;
}

/** What each kind needs. A value that is present but invalid was reported already. */
function checkKind(scope: Scope, kind: CsvKind): void {
  const has = (column: CsvColumn): boolean => value(scope, column) !== undefined;
  const missing = (column: CsvColumn, message: string): void =>
    void scope.ctx.issue('MISSING_FIELD', path(scope, column), message);
  if (kind === 'ZIEKMELDING' && !has('eerste_ziektedag'))
    missing('eerste_ziektedag', 'a sick report needs the first sick day');
  if (kind === 'ZIEKMELDING' && !has('percentage'))
    missing('percentage', 'a sick report needs the incapacity percentage');
  if (
    (kind === 'WIJZIGING' || kind === 'GEDEELTELIJK_HERSTEL') &&
    !has('percentage') &&
    !has('verwachte_hersteldatum')
  ) {
    missing(
      'percentage',
      'a change needs a percentage (with ingangsdatum) or an expected return date',
    );
  }
  if (kind === 'HERSTELMELDING' && !has('hersteldatum') && !has('laatste_ziektedag')) {
    missing(
      'hersteldatum',
      'a recovery needs the recovery date (first day back) or the last sick day',
    );
  }
  if (kind === 'CORRECTIE' && !FACT_COLUMNS.some(has)) {
    scope.ctx.issue(
      'MISSING_FIELD',
      path(scope, 'soort'),
      'a correction needs at least one absence fact (a date, percentage or J/N column)',
    );
  }
}

/** Dates that contradict each other: nothing of an absence lies before its first sick day. */
function checkDates(scope: Scope, facts: AbsenceFacts): void {
  const inconsistent = (column: CsvColumn, message: string): void =>
    void scope.ctx.issue('INCONSISTENT_PAYLOAD', path(scope, column), message);
  const start = facts.startDate;
  if (start !== undefined) {
    if (facts.expectedReturnDate !== undefined && facts.expectedReturnDate < start)
      inconsistent('verwachte_hersteldatum', 'expected return lies before the first sick day');
    if (facts.recoveryDate !== undefined && facts.recoveryDate < start)
      inconsistent('hersteldatum', 'recovery lies before the first sick day');
    if (facts.lastSickDay !== undefined && facts.lastSickDay < start)
      inconsistent('laatste_ziektedag', 'last sick day lies before the first sick day');
    const from = facts.incapacity?.[0].from;
    if (from !== undefined && from < start)
      inconsistent('ingangsdatum', 'the percentage applies from before the first sick day');
  }
  if (
    facts.recoveryDate !== undefined &&
    facts.lastSickDay !== undefined &&
    facts.recoveryDate <= facts.lastSickDay
  ) {
    inconsistent('hersteldatum', 'the first day back must lie after the last sick day');
  }
}

/**
 * Moves a row's findings to the file's context. A warning about the form of a value (Dutch date,
 * timestamp without zone, BSN that lost its leading zero) is about how a column was filled, so it is
 * given once per column: `/columns/<column>`. That also keeps a 10 000-row file to a few warnings.
 */
function merge(file: TranslationContext, row: TranslationContext): void {
  for (const { reason, path, message } of row.issues) file.issue(reason, path, message);
  for (const { code, path } of row.warnings) {
    const column = /^\/rows\/[0-9]+\/([a-z_]+)$/.exec(path)?.[1];
    file.warn(code, column === undefined ? path : columnPath(column));
  }
}

/** Translates one row; undefined when it has any problem (all of them are on the context). */
export function translateRow(
  ctx: TranslationContext,
  message: InboundMessage,
  row: CsvRow,
): TranslatedRow | undefined {
  const scope: Scope = { ctx: new TranslationContext(), row };
  const mutationId = text(scope, 'mutatie_id', true);
  const at = timeOf(scope, message.receivedAt);
  const externalId = text(scope, 'personeelsnummer', true);
  const kind = kindOf(scope);
  const caseId = text(scope, 'verzuim_id', true);
  const sequence = sequenceOf(scope);
  const employmentId = text(scope, 'dienstverband');
  const absence = factsOf(scope, kind);
  if (kind !== undefined) checkKind(scope, kind);
  checkDates(scope, absence);
  const master = masterOf(scope, externalId);
  merge(ctx, scope.ctx);
  if (scope.ctx.failed || mutationId === undefined || at === undefined) return undefined;
  if (externalId === undefined || kind === undefined || caseId === undefined) return undefined;
  const employee = employmentId === undefined ? { externalId } : { externalId, employmentId };
  const data = {
    employee,
    case: sequence === undefined ? { caseId } : { caseId, sequence },
    absence,
  };
  const event = absenceEvent(message, {
    type: EVENT_TYPE_BY_KIND[kind],
    sourceKey: mutationId,
    time: at.time,
    data,
  });
  const fingerprint = JSON.stringify([event.type, at.order, data, master ?? null]);
  return { line: row.line, mutationId, order: at.order, time: at.time, event, master, fingerprint };
}
