// Code tables of the SIVI Verzuimstandaard. The meaning of the VrwrkCd values is published only in
// SIVI's release PDF; the mapping below follows the order of sivi.org's own description ("melden
// aanvang, mutatie, einde, correctie en verwijderen gemeld verzuim") and is ASSUMED until checked
// against that PDF. The message structure is relied on as well (EndVrzmJN, DatHrstld).
// Source: http://sivi.org/standaarden/verzuimstandaard
import type { AbsenceEventType } from '../../src/connector-sdk';

export const EVENT_TYPE_BY_VRWRKCD: Readonly<Record<string, AbsenceEventType>> = {
  '01': 'nl.datakluis.absence.reported', // aanvang
  '02': 'nl.datakluis.absence.changed', // mutatie
  '03': 'nl.datakluis.absence.recovered', // einde
  '04': 'nl.datakluis.absence.corrected', // correctie
  '05': 'nl.datakluis.absence.withdrawn', // verwijderen
};

/** BrCd of the Verzuimmeldingen message. */
export const MESSAGE_CODE = '00100';

/** Editions (VnrBrCd) whose elements read here have the same meaning: 2020 (Visma Raet) to 2026. */
export const SUPPORTED_EDITIONS: ReadonlySet<string> = new Set([
  '00008',
  '00009',
  '00010',
  '00011',
  '00012',
  '00013',
]);

/** SIVI J/N/O logical; O (onbekend) is no answer, so the fact is left out (not in this table). */
export const LOGICAL: Readonly<Record<string, boolean>> = { J: true, N: false };

/** SIVI percentages: n..6,2 written as `[0-9]{1,4}[.][0-9]{2}` (XSD pattern). */
export const PERCENTAGE_PATTERN = /^[0-9]{1,4}[.][0-9]{2}$/;

/**
 * Elements of a Vrzm that may carry health information (cause, special reason, pregnancy leave,
 * nursing address type, therapeutic work) or free text. Dropped; the warning names the element only.
 */
export const SENSITIVE_VRZM_ELEMENTS: readonly string[] = [
  'OorzkVrzmCd',
  'BijzRdnStartVrzmCd',
  'WAZOCd',
  'PrcArbther',
  'RdnEndVrzmCd',
];
export const FREE_TEXT_VRZM_ELEMENTS: readonly string[] = ['VrTkst'];

/** Elements parseXml must always return as arrays. */
export const REPEATED_ELEMENTS: readonly string[] = [
  'Wrkgvr',
  'Wrknmr',
  'Dnstvbnd',
  'Vrzm',
  'Cntprsn',
  'Com',
  'Actie',
];
