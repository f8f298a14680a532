// Reading the cells of one data row: each reader records its own problem on the context with the
// path `/rows/<line>/<column>` and returns undefined for an empty or unusable cell.
import { lookupCode, parseLocalDate, readIdentifier, readText } from '../../src/connector-sdk';
import type { TranslationContext } from '../../src/connector-sdk';
import { BOOLEAN_BY_VALUE, IDENTIFIER_COLUMNS, MAX_LENGTH } from './mappings';
import type { CsvColumn, CsvRow } from './types';

export interface Scope {
  ctx: TranslationContext;
  row: CsvRow;
}

export function path(scope: Scope, column: CsvColumn): string {
  return `/rows/${scope.row.line}/${column}`;
}

/** The cell's text, or undefined when it is empty or the column is not in the file. */
export function value(scope: Scope, column: CsvColumn): string | undefined {
  const found = scope.row.cells[column];
  return found === undefined || found === '' ? undefined : found;
}

/** A text cell within its length limit. Only a column that is in the header is reported missing. */
export function text(scope: Scope, column: CsvColumn, required = false): string | undefined {
  const found = value(scope, column);
  if (found === undefined) {
    if (required && scope.row.cells[column] !== undefined)
      scope.ctx.issue('MISSING_FIELD', path(scope, column), 'required value is empty');
    return undefined;
  }
  const max = MAX_LENGTH[column] ?? 1000;
  return IDENTIFIER_COLUMNS.has(column)
    ? readIdentifier(scope.ctx, found, path(scope, column), max)
    : readText(scope.ctx, found, path(scope, column), max);
}

export function date(scope: Scope, column: CsvColumn): string | undefined {
  const found = value(scope, column);
  return found === undefined
    ? undefined
    : parseLocalDate(scope.ctx, found, path(scope, column), { allowDutch: true });
}

export function flag(scope: Scope, column: CsvColumn): boolean | undefined {
  const found = value(scope, column);
  if (found === undefined) return undefined;
  const parsed = lookupCode(BOOLEAN_BY_VALUE, found.toLowerCase());
  return (
    parsed ??
    scope.ctx.issue(
      'INVALID_VALUE',
      path(scope, column),
      'expected J or N (also ja/nee, yes/no, true/false, 1/0)',
    )
  );
}
