/* Generated from schemas/canonical/absence-event.v1.schema.json by scripts/generate-types.ts. Do not edit. */

/**
 * Canonical event v1: what every connector's adapter emits and what the vault consumer applies. A CloudEvents 1.0 envelope (structured JSON mode) around one business fact. There is deliberately no place for a diagnosis, cause, symptom, treatment or any free text (SPEC section 4). Properties marked "x-personal-data": true identify a person; logs and support tooling redact them.
 */
export type CanonicalEvent =
  | AbsenceReportedEvent
  | AbsenceChangedEvent
  | AbsenceRecoveredEvent
  | AbsenceCorrectedEvent
  | AbsenceWithdrawnEvent
  | EmployeeUpsertedEvent;
export type Specversion = '1.0';
/**
 * Deterministic UUID (v5) derived from the employer, connector and the source's own identity of the fact: a resent message yields the same id.
 */
export type EventId = string;
/**
 * The connector that translated the message: /connectors/<connectorId>.
 */
export type ConnectorSource = string;
/**
 * An instant with a mandatory UTC offset (RFC 3339).
 */
export type Instant = string;
/**
 * The HR system's id of the case or employee the event is about.
 */
export type Subject = string;
export type Dataschema = 'https://schemas.datakluis.nl/canonical/absence-event/v1';
export type Datacontenttype = 'application/json';
/**
 * The gateway's own employer id. Set from the sending system's credential, never from the message.
 */
export type EmployerId = string;
/**
 * The employee's number in the HR system (personnel number), always a string so leading zeros survive. No spaces or control characters.
 */
export type ExternalEmployeeId = string;
/**
 * The employment (dienstverband) id in the HR system, if it has one.
 */
export type Employment = string;
/**
 * Steps of the incapacity percentage, each valid from its date until the next step.
 *
 * @minItems 1
 * @maxItems 100
 */
export type IncapacityTimeline = [IncapacityStep, ...IncapacityStep[]];
/**
 * A calendar day (YYYY-MM-DD) in the Netherlands; never converted through UTC.
 */
export type LocalDate = string;
/**
 * Incapacity percentage: the share of the contractual hours the employee cannot work. 0 means fully recovered.
 */
export type Percentage = number;

/**
 * A new sick report (ziekmelding).
 */
export interface AbsenceReportedEvent {
  specversion: Specversion;
  id: EventId;
  source: ConnectorSource;
  type: 'nl.datakluis.absence.reported';
  time: Instant;
  subject: Subject;
  dataschema: Dataschema;
  datacontenttype: Datacontenttype;
  employerid: EmployerId;
  data: AbsenceData & object;
}
export interface AbsenceData {
  employee: EmployeeRef;
  case: CaseRef;
  absence: AbsenceFacts;
}
export interface EmployeeRef {
  externalId: ExternalEmployeeId;
  employmentId?: Employment;
}
/**
 * The absence case (verzuimgeval) in the HR system. sequence orders the messages about one case where the source numbers them (SIVI VrzmgvlVnrMld).
 */
export interface CaseRef {
  /**
   * The case id in the HR system: no spaces or control characters. Personal data: HR systems often build it from the employee number.
   */
  caseId: string;
  sequence?: number;
}
/**
 * Only what an employer may record about an absence (SPEC section 4).
 */
export interface AbsenceFacts {
  /**
   * First day of absence (eerste ziektedag).
   */
  startDate?: string;
  /**
   * Day the employee reported sick to the employer.
   */
  reportedOn?: string;
  /**
   * Expected first day back at work (prognosis).
   */
  expectedReturnDate?: string;
  /**
   * Last day of absence, where the source states it.
   */
  lastSickDay?: string;
  /**
   * First day back at work (fully recovered), where the source states it.
   */
  recoveryDate?: string;
  incapacity?: IncapacityTimeline;
  /**
   * The absence is connected with an accident at work.
   */
  workRelatedAccident?: boolean;
  /**
   * An accident with a liable third party (regres).
   */
  thirdPartyLiable?: boolean;
  /**
   * A Sickness Benefits Act safety-net (vangnet) situation applies; never which one.
   */
  safetyNet?: boolean;
}
export interface IncapacityStep {
  from: LocalDate;
  percentage: Percentage;
}
/**
 * The incapacity percentage or the expected return date changed (including partial recovery).
 */
export interface AbsenceChangedEvent {
  specversion: Specversion;
  id: EventId;
  source: ConnectorSource;
  type: 'nl.datakluis.absence.changed';
  time: Instant;
  subject: Subject;
  dataschema: Dataschema;
  datacontenttype: Datacontenttype;
  employerid: EmployerId;
  data: AbsenceData & object;
}
/**
 * Full recovery (hersteldmelding): the absence case ends.
 */
export interface AbsenceRecoveredEvent {
  specversion: Specversion;
  id: EventId;
  source: ConnectorSource;
  type: 'nl.datakluis.absence.recovered';
  time: Instant;
  subject: Subject;
  dataschema: Dataschema;
  datacontenttype: Datacontenttype;
  employerid: EmployerId;
  data: AbsenceData & object;
}
/**
 * A previous message about the case was wrong; the facts given here replace the earlier ones.
 */
export interface AbsenceCorrectedEvent {
  specversion: Specversion;
  id: EventId;
  source: ConnectorSource;
  type: 'nl.datakluis.absence.corrected';
  time: Instant;
  subject: Subject;
  dataschema: Dataschema;
  datacontenttype: Datacontenttype;
  employerid: EmployerId;
  data: AbsenceData;
}
/**
 * The sick report was entered in error and is withdrawn (intrekking / verwijderen).
 */
export interface AbsenceWithdrawnEvent {
  specversion: Specversion;
  id: EventId;
  source: ConnectorSource;
  type: 'nl.datakluis.absence.withdrawn';
  time: Instant;
  subject: Subject;
  dataschema: Dataschema;
  datacontenttype: Datacontenttype;
  employerid: EmployerId;
  data: AbsenceData;
}
/**
 * Employee master data from the HR system. Creates the dossier (in the vault when the employer's vault is active) or updates it; never changes whether it is shared.
 */
export interface EmployeeUpsertedEvent {
  specversion: Specversion;
  id: EventId;
  source: ConnectorSource;
  type: 'nl.datakluis.employee.upserted';
  time: Instant;
  subject: Subject;
  dataschema: Dataschema;
  datacontenttype: Datacontenttype;
  employerid: EmployerId;
  data: {
    employee: EmployeeMasterData;
  };
}
export interface EmployeeMasterData {
  externalId: ExternalEmployeeId;
  employmentId?: Employment;
  /**
   * Citizen service number, 9 digits, passing the 11-check.
   */
  bsn?: string;
  initials?: string;
  givenName?: string;
  familyNamePrefix?: string;
  familyName?: string;
  /**
   * A calendar day (YYYY-MM-DD) in the Netherlands; never converted through UTC.
   */
  birthDate?: string;
  email?: string;
}
