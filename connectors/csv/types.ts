// The Datakluis CSV upload format (specified in README.md): its columns, its event kinds and what
// one data row becomes once translated.
import type { CanonicalEvent, EmployeeMasterData } from '../../src/connector-sdk';

/** Canonical (Dutch) column names; the English aliases are in mappings.ts. */
export type CsvColumn =
  | 'mutatie_id'
  | 'tijdstip'
  | 'personeelsnummer'
  | 'soort'
  | 'verzuim_id'
  | 'volgnummer'
  | 'dienstverband'
  | 'eerste_ziektedag'
  | 'meldingsdatum'
  | 'percentage'
  | 'ingangsdatum'
  | 'verwachte_hersteldatum'
  | 'hersteldatum'
  | 'laatste_ziektedag'
  | 'arbeidsongeval'
  | 'regres'
  | 'vangnet'
  | 'bsn'
  | 'voorletters'
  | 'roepnaam'
  | 'tussenvoegsel'
  | 'achternaam'
  | 'geboortedatum'
  | 'email';

/** Values of the `soort` column (canonical spelling). */
export type CsvKind =
  | 'ZIEKMELDING'
  | 'WIJZIGING'
  | 'GEDEELTELIJK_HERSTEL'
  | 'HERSTELMELDING'
  | 'CORRECTIE'
  | 'INTREKKING';

/** Where each known column sits: canonical name → the header key of the parsed CsvTable rows. */
export type ColumnKeys = Partial<Record<CsvColumn, string>>;

/**
 * One data row: its 1-based line in the file and its values by canonical column, trimmed. A column
 * that is in the header but empty on this row is `''`; a column not in the header is absent.
 */
export interface CsvRow {
  line: number;
  cells: Partial<Record<CsvColumn, string>>;
}

/** A row that passed every check, translated. */
export interface TranslatedRow {
  line: number;
  mutationId: string;
  /** The row's tijdstip in milliseconds since the epoch: the order events are emitted in. */
  order: number;
  time: string;
  event: CanonicalEvent;
  /** Master data of the employee when the row has any master-data column filled. */
  master: EmployeeMasterData | undefined;
  /** All the row says, to tell an exact duplicate from a reused mutatie_id with other content. */
  fingerprint: string;
}
