// The connector SDK: the only module a connector may import from src/. This is the one barrel in
// the code base, because it is a public API for integrators.
export type {
  AbsenceData,
  AbsenceFacts,
  CanonicalEvent,
  EmployeeMasterData,
  IncapacityStep,
} from '../canonical/generated/canonical-event';
export type { AbsenceEventType, CanonicalEventType } from '../canonical/event-types';
export { defineConnector } from './define-connector';
export type { AdapterRejectionReason, AdapterWarningCode, IgnoreReason } from './reasons';
export { ignored, rejected, translated } from './results';
export { TranslationContext } from './translation-context';
export type {
  AdapterIssue,
  AdapterWarning,
  ConnectorAdapter,
  ConnectorModule,
  InboundMessage,
  TranslateResult,
} from './types';
export { parseBsn, passesElevenCheck } from './helpers/bsn';
export { lookupCode } from './helpers/codes';
export { parseCsv } from './helpers/csv';
export type { CsvTable } from './helpers/csv';
export {
  amsterdamInstant,
  notAfterReceipt,
  dutchDate,
  isoDate,
  isTime,
  parseInstant,
  parseLocalDate,
} from './helpers/dates';
export { absenceEvent, employeeUpsertedEvent } from './helpers/envelope';
export type { AbsenceEventInput } from './helpers/envelope';
export { deterministicEventId, uuidV5 } from './helpers/event-id';
export { parsePercentage } from './helpers/percentage';
export { readIdentifier, readText } from './helpers/text';
export { parseXml } from './helpers/xml';
export type { XmlNode, XmlValue } from './helpers/xml';
