// The header row of a CSV upload: which known columns it has (Dutch names or English aliases),
// which unknown ones are dropped, and the file's data rows keyed by canonical column.
import { lookupCode } from '../../src/connector-sdk';
import type { CsvTable, TranslationContext } from '../../src/connector-sdk';
import {
  COLUMN_BY_HEADER,
  FREE_TEXT_NAME_PARTS,
  normalise,
  REQUIRED_COLUMNS,
  SENSITIVE_NAME_PARTS,
} from './mappings';
import type { ColumnKeys, CsvColumn, CsvRow } from './types';

/** `/columns/<name>` with the name escaped as a JSON Pointer token. */
export function columnPath(name: string): string {
  return `/columns/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

/** An unknown column is never read: its name only decides which warning says so. */
function dropUnknown(ctx: TranslationContext, name: string, position: number): void {
  // The warning names the column by its position: a header cell is the sender's text and can
  // hold anything, so it is never repeated back.
  const where = columnPath(String(position));
  const normalised = normalise(name);
  if (SENSITIVE_NAME_PARTS.some((part) => normalised.includes(part)))
    ctx.warn('SENSITIVE_FIELD_DROPPED', where);
  else if (normalised !== '' && FREE_TEXT_NAME_PARTS.some((part) => normalised.includes(part)))
    ctx.warn('FREE_TEXT_DROPPED', where);
  else ctx.warn('UNKNOWN_FIELD_IGNORED', where);
}

/**
 * Maps the header names (already trimmed and lower case) to canonical columns. A known column given
 * twice (also as Dutch name plus English alias) is MALFORMED_PAYLOAD; a missing required one is
 * MISSING_FIELD, both at `/columns/<canonical name>`.
 */
export function resolveHeader(ctx: TranslationContext, headers: readonly string[]): ColumnKeys {
  const keys: ColumnKeys = {};
  if (headers.length === 1 && headers[0]?.includes('\t') === true) {
    // A tab-separated export: say so once instead of listing every column as missing.
    ctx.issue(
      'MALFORMED_PAYLOAD',
      '/columns',
      'columns must be separated by ; or , (this file uses tabs)',
    );
    return keys;
  }
  for (const [index, name] of headers.entries()) {
    const column = lookupCode(COLUMN_BY_HEADER, normalise(name));
    if (column === undefined) dropUnknown(ctx, name, index + 1);
    else if (keys[column] !== undefined)
      ctx.issue(
        'MALFORMED_PAYLOAD',
        columnPath(column),
        'the column appears more than once in the header',
      );
    else keys[column] = name;
  }
  for (const column of REQUIRED_COLUMNS) {
    if (keys[column] === undefined)
      ctx.issue('MISSING_FIELD', columnPath(column), 'required column is missing from the header');
  }
  return keys;
}

/**
 * The data rows by canonical column, with their line in the file. Rows whose every cell is empty
 * (spreadsheets write them as `;;;;`) are skipped like blank lines.
 */
export function dataRows(table: CsvTable, keys: ColumnKeys): CsvRow[] {
  const columns = Object.entries(keys) as [CsvColumn, string][];
  return table.rows
    .filter((row) => Object.values(row.values).some((value) => value !== ''))
    .map((row) => {
      const cells: Partial<Record<CsvColumn, string>> = {};
      for (const [column, key] of columns) cells[column] = row.values[key] ?? '';
      return { line: row.line, cells };
    });
}
