/**
 * Why an adapter refused a message. A closed set: every code is documented in docs/ERRORS.md (a test
 * checks both ways) and is stable, because HR systems and support staff match on it.
 */
export type AdapterRejectionReason =
  | 'MALFORMED_PAYLOAD'
  | 'MISSING_FIELD'
  | 'INVALID_VALUE'
  | 'INVALID_DATE'
  | 'INVALID_BSN'
  | 'PERCENTAGE_OUT_OF_RANGE'
  | 'UNKNOWN_CODE'
  | 'INCONSISTENT_PAYLOAD'
  | 'UNSUPPORTED_VERSION';

export const ADAPTER_REJECTION_REASONS: readonly AdapterRejectionReason[] = [
  'MALFORMED_PAYLOAD',
  'MISSING_FIELD',
  'INVALID_VALUE',
  'INVALID_DATE',
  'INVALID_BSN',
  'PERCENTAGE_OUT_OF_RANGE',
  'UNKNOWN_CODE',
  'INCONSISTENT_PAYLOAD',
  'UNSUPPORTED_VERSION',
];

/** Why a valid message produced no events (it is answered 202 with no event ids). */
export type IgnoreReason = 'NO_ABSENCE_DATA' | 'TEST_MESSAGE';

export const ADAPTER_WARNING_CODES = [
  'FREE_TEXT_DROPPED',
  'SENSITIVE_FIELD_DROPPED',
  'UNKNOWN_FIELD_IGNORED',
  'DUTCH_DATE_FORMAT',
  'ZONELESS_TIMESTAMP',
  'BSN_LEFT_PADDED',
] as const;

/** Something the adapter did to the data that support staff may want to know; never a value. */
export type AdapterWarningCode = (typeof ADAPTER_WARNING_CODES)[number];
