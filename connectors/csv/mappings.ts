// Code tables of the Datakluis CSV upload format. README.md is the specification; these tables are
// its machine-readable half and must say the same.
import type { AbsenceEventType, AbsenceFacts } from '../../src/connector-sdk';
import type { CsvColumn, CsvKind } from './types';

/** Header names and `soort` values are compared trimmed, in lower case, spaces and hyphens as `_`. */
export function normalise(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

/** Canonical (Dutch) column name → its accepted English alias. */
export const ENGLISH_ALIAS: Readonly<Record<CsvColumn, string>> = {
  mutatie_id: 'mutation_id',
  tijdstip: 'timestamp',
  personeelsnummer: 'employee_number',
  soort: 'kind',
  verzuim_id: 'case_id',
  volgnummer: 'sequence',
  dienstverband: 'employment_id',
  eerste_ziektedag: 'first_sick_day',
  meldingsdatum: 'reported_on',
  percentage: 'percentage',
  ingangsdatum: 'effective_date',
  verwachte_hersteldatum: 'expected_return_date',
  hersteldatum: 'recovery_date',
  laatste_ziektedag: 'last_sick_day',
  arbeidsongeval: 'work_related_accident',
  regres: 'third_party_liable',
  vangnet: 'safety_net',
  bsn: 'bsn',
  voorletters: 'initials',
  roepnaam: 'given_name',
  tussenvoegsel: 'family_name_prefix',
  achternaam: 'family_name',
  geboortedatum: 'birth_date',
  email: 'email',
};

/** Normalised header name (Dutch or English) → canonical column. */
export const COLUMN_BY_HEADER: Readonly<Record<string, CsvColumn>> = Object.freeze(
  Object.fromEntries(
    (Object.entries(ENGLISH_ALIAS) as [CsvColumn, string][]).flatMap(([dutch, english]) => [
      [dutch, dutch],
      [english, dutch],
    ]),
  ),
);

/** Columns every file must have (and every row must fill). */
export const REQUIRED_COLUMNS: readonly CsvColumn[] = [
  'mutatie_id',
  'tijdstip',
  'personeelsnummer',
  'soort',
  'verzuim_id',
];

/** Columns with employee master data; any of them filled makes the row carry master data. */
export const MASTER_DATA_COLUMNS: readonly CsvColumn[] = [
  'bsn',
  'voorletters',
  'roepnaam',
  'tussenvoegsel',
  'achternaam',
  'geboortedatum',
  'email',
];

/** Longest accepted value (in characters), as the canonical schema allows. */
/** Columns holding ids: no spaces, so they cannot carry a sentence of free text. */
export const IDENTIFIER_COLUMNS: ReadonlySet<CsvColumn> = new Set<CsvColumn>([
  'mutatie_id',
  'personeelsnummer',
  'verzuim_id',
  'dienstverband',
]);

export const MAX_LENGTH: Readonly<Partial<Record<CsvColumn, number>>> = {
  mutatie_id: 128,
  personeelsnummer: 64,
  verzuim_id: 128,
  dienstverband: 64,
  voorletters: 20,
  roepnaam: 100,
  tussenvoegsel: 20,
  achternaam: 200,
  email: 254,
};

/** Normalised `soort` value (Dutch or English) → kind. */
export const KIND_BY_VALUE: Readonly<Record<string, CsvKind>> = {
  ziekmelding: 'ZIEKMELDING',
  report: 'ZIEKMELDING',
  wijziging: 'WIJZIGING',
  change: 'WIJZIGING',
  gedeeltelijk_herstel: 'GEDEELTELIJK_HERSTEL',
  partial_recovery: 'GEDEELTELIJK_HERSTEL',
  herstelmelding: 'HERSTELMELDING',
  recovery: 'HERSTELMELDING',
  correctie: 'CORRECTIE',
  correction: 'CORRECTIE',
  intrekking: 'INTREKKING',
  withdrawal: 'INTREKKING',
};

export const EVENT_TYPE_BY_KIND: Readonly<Record<CsvKind, AbsenceEventType>> = {
  ZIEKMELDING: 'nl.datakluis.absence.reported',
  WIJZIGING: 'nl.datakluis.absence.changed',
  GEDEELTELIJK_HERSTEL: 'nl.datakluis.absence.changed',
  HERSTELMELDING: 'nl.datakluis.absence.recovered',
  CORRECTIE: 'nl.datakluis.absence.corrected',
  INTREKKING: 'nl.datakluis.absence.withdrawn',
};

/** Yes/no columns, lower case; an empty cell leaves the fact out. */
export const BOOLEAN_BY_VALUE: Readonly<Record<string, boolean>> = {
  j: true,
  ja: true,
  yes: true,
  true: true,
  '1': true,
  n: false,
  nee: false,
  no: false,
  false: false,
  '0': false,
};

type DateFact = 'startDate' | 'reportedOn' | 'expectedReturnDate' | 'lastSickDay' | 'recoveryDate';
type BooleanFact = 'workRelatedAccident' | 'thirdPartyLiable' | 'safetyNet';

/** Date columns → absence facts, in the canonical schema's order. */
export const DATE_FACTS: readonly (readonly [CsvColumn, DateFact & keyof AbsenceFacts])[] = [
  ['eerste_ziektedag', 'startDate'],
  ['meldingsdatum', 'reportedOn'],
  ['verwachte_hersteldatum', 'expectedReturnDate'],
  ['laatste_ziektedag', 'lastSickDay'],
  ['hersteldatum', 'recoveryDate'],
];

export const BOOLEAN_FACTS: readonly (readonly [CsvColumn, BooleanFact & keyof AbsenceFacts])[] = [
  ['arbeidsongeval', 'workRelatedAccident'],
  ['regres', 'thirdPartyLiable'],
  ['vangnet', 'safetyNet'],
];

/**
 * Parts of an unknown column's name that suggest health information (diagnosis, cause, reason,
 * symptoms, treatment): such a column is dropped with SENSITIVE_FIELD_DROPPED. Checked first.
 */
export const SENSITIVE_NAME_PARTS: readonly string[] = [
  'diagnose',
  'diagnosis',
  'oorzaak',
  'cause',
  'reden',
  'reason',
  'klacht',
  'symptom',
  'behandel',
  'treatment',
  'medic',
  'medisch',
  'ziekte',
  'illness',
];

/** Parts of an unknown column's name that suggest free text: dropped with FREE_TEXT_DROPPED. */
export const FREE_TEXT_NAME_PARTS: readonly string[] = [
  'opmerking',
  'toelichting',
  'notitie',
  'note',
  'remark',
  'comment',
  'memo',
  'omschrijving',
  'beschrijving',
  'description',
  'tekst',
  'text',
];

/** Every column that states an absence fact (a CORRECTIE needs at least one of them). */
export const FACT_COLUMNS: readonly CsvColumn[] = [
  ...DATE_FACTS.map(([column]) => column),
  'percentage',
  ...BOOLEAN_FACTS.map(([column]) => column),
];
