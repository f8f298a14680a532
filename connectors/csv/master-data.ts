// The employee master-data columns of one row (bsn, names, birth date, e-mail).
import { parseBsn } from '../../src/connector-sdk';
import type { EmployeeMasterData } from '../../src/connector-sdk';
import { date, path, text, value } from './cells';
import type { Scope } from './cells';
import { MASTER_DATA_COLUMNS } from './mappings';
import type { CsvColumn } from './types';

// The canonical schema's `email` format (ajv-formats, full mode): what passes here also validates there.
const EMAIL =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;

/** Master data, when any master-data column is filled: BSN 11-checked, e-mail sanity-checked. */
export function masterOf(
  scope: Scope,
  externalId: string | undefined,
): EmployeeMasterData | undefined {
  if (!MASTER_DATA_COLUMNS.some((column) => value(scope, column) !== undefined)) return undefined;
  const rawBsn = value(scope, 'bsn');
  const bsn = rawBsn === undefined ? undefined : parseBsn(scope.ctx, rawBsn, path(scope, 'bsn'));
  const name = (column: CsvColumn): string | undefined => text(scope, column)?.normalize('NFC');
  const fields: [keyof EmployeeMasterData, string | undefined][] = [
    ['bsn', bsn],
    ['initials', name('voorletters')],
    ['givenName', name('roepnaam')],
    ['familyNamePrefix', name('tussenvoegsel')],
    ['familyName', name('achternaam')],
    ['birthDate', date(scope, 'geboortedatum')],
  ];
  const email = text(scope, 'email');
  if (email !== undefined && !EMAIL.test(email))
    scope.ctx.issue('INVALID_VALUE', path(scope, 'email'), 'not an e-mail address');
  fields.push(['email', email]);
  if (externalId === undefined) return undefined;
  const master: EmployeeMasterData = { externalId };
  for (const [field, found] of fields) if (found !== undefined) master[field] = found;
  return master;
}
