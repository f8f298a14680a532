// SIVI Verzuimmeldingen (Dutch sector standard for absence messages, werkgevers ↔ arbodiensten) →
// canonical events. One message can hold several employers, employees, employments and cases, so one
// message yields many events: per employee an employee.upserted with the master data, per Vrzm one
// absence event. Field meanings: berichten/Verzuimmeldingen.md of the 2022 release (see README).
import {
  absenceEvent,
  amsterdamInstant,
  defineConnector,
  employeeUpsertedEvent,
  isTime,
  parseBsn,
  parseLocalDate,
  parsePercentage,
  parseXml,
  rejected,
  TranslationContext,
} from '../../src/connector-sdk';
import type {
  AbsenceData,
  AbsenceEventType,
  AbsenceFacts,
  CanonicalEvent,
  EmployeeMasterData,
  InboundMessage,
  TranslateResult,
} from '../../src/connector-sdk';
import {
  EVENT_TYPE_BY_VRWRKCD,
  FREE_TEXT_VRZM_ELEMENTS,
  LOGICAL,
  MESSAGE_CODE,
  PERCENTAGE_PATTERN,
  REPEATED_ELEMENTS,
  SENSITIVE_VRZM_ELEMENTS,
  SUPPORTED_EDITIONS,
} from './mappings';
import type { SiviBerichtAlgemeen, SiviVerzuim, SiviVerzuimmeldingen, SiviWerknemer } from './types';

const ROOT = '/Verzuimmeldingen';

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function required(ctx: TranslationContext, value: unknown, path: string): string | undefined {
  const found = text(value);
  return found ?? ctx.issue('MISSING_FIELD', path, 'required element is missing or empty');
}

function optionalDate(ctx: TranslationContext, value: unknown, path: string): string | undefined {
  const found = text(value);
  return found === undefined ? undefined : parseLocalDate(ctx, found, path);
}

/** The message's own time (AandatBr + AantijdBr, Netherlands time). */
function messageTime(ctx: TranslationContext, header: SiviBerichtAlgemeen): string | undefined {
  const path = `${ROOT}/BrAlg`;
  const code = required(ctx, header.BrCd, `${path}/BrCd`);
  if (code !== undefined && code !== MESSAGE_CODE) ctx.issue('UNSUPPORTED_VERSION', `${path}/BrCd`, `only Verzuimmeldingen (${MESSAGE_CODE}) is supported`);
  const edition = required(ctx, header.VnrBrCd, `${path}/VnrBrCd`);
  if (edition !== undefined && !SUPPORTED_EDITIONS.has(edition)) {
    ctx.issue('UNSUPPORTED_VERSION', `${path}/VnrBrCd`, `supported editions: ${[...SUPPORTED_EDITIONS].join(', ')}`);
  }
  required(ctx, header.Berrefnr, `${path}/Berrefnr`);
  const date = optionalDate(ctx, required(ctx, header.AandatBr, `${path}/AandatBr`), `${path}/AandatBr`);
  const time = required(ctx, header.AantijdBr, `${path}/AantijdBr`);
  if (time !== undefined && !isTime(time)) return ctx.issue('INVALID_DATE', `${path}/AantijdBr`, 'not a valid time (expected HH:MM:SS)');
  return date !== undefined && time !== undefined ? amsterdamInstant(date, time) : undefined;
}

function masterData(ctx: TranslationContext, employee: SiviWerknemer, externalId: string, path: string): EmployeeMasterData {
  const data: EmployeeMasterData = { externalId };
  const sofiNr = text(employee.SofiNr);
  const bsn = sofiNr === undefined ? undefined : parseBsn(ctx, sofiNr, `${path}/SofiNr`);
  if (bsn !== undefined) data.bsn = bsn;
  const birthDate = optionalDate(ctx, employee.Gebdat, `${path}/Gebdat`);
  if (birthDate !== undefined) data.birthDate = birthDate;
  const names: [keyof EmployeeMasterData, unknown][] = [
    ['initials', employee.Voorl],
    ['givenName', employee.Roepnaam],
    ['familyNamePrefix', employee.Voorv],
    ['familyName', employee.SignNm],
  ];
  for (const [field, value] of names) {
    const found = text(value);
    if (found !== undefined) data[field] = found;
  }
  return data;
}

/** What the Vrzm element says happened; the structure (EndVrzmJN + DatHrstld) backs the code. */
function eventType(ctx: TranslationContext, vrzm: SiviVerzuim, path: string): AbsenceEventType | undefined {
  const code = required(ctx, vrzm.VrwrkCd, `${path}/VrwrkCd`);
  if (code === undefined) return undefined;
  const type = EVENT_TYPE_BY_VRWRKCD[code];
  if (type === undefined) return ctx.issue('UNKNOWN_CODE', `${path}/VrwrkCd`, 'processing code (VrwrkCd) is not mapped');
  const ended = text(vrzm.EndVrzmJN) === 'J';
  if (type === 'nl.datakluis.absence.recovered' && text(vrzm.DatHrstld) === undefined) {
    return ctx.issue('MISSING_FIELD', `${path}/DatHrstld`, 'a recovery needs the recovery date');
  }
  if (ended && type !== 'nl.datakluis.absence.withdrawn' && type !== 'nl.datakluis.absence.recovered') {
    if (text(vrzm.DatHrstld) === undefined) return ctx.issue('INCONSISTENT_PAYLOAD', `${path}/EndVrzmJN`, 'the case is ended but has no recovery date');
    return 'nl.datakluis.absence.recovered';
  }
  return type;
}

function dropSensitive(ctx: TranslationContext, vrzm: SiviVerzuim, path: string): void {
  for (const element of SENSITIVE_VRZM_ELEMENTS) if (vrzm[element] !== undefined) ctx.warn('SENSITIVE_FIELD_DROPPED', `${path}/${element}`);
  for (const element of FREE_TEXT_VRZM_ELEMENTS) if (vrzm[element] !== undefined) ctx.warn('FREE_TEXT_DROPPED', `${path}/${element}`);
}

function absenceFacts(ctx: TranslationContext, vrzm: SiviVerzuim, type: AbsenceEventType, path: string): AbsenceFacts {
  const facts: AbsenceFacts = {};
  const dates: [keyof AbsenceFacts, string][] = [
    ['startDate', 'DatEerstVrzmdg'],
    ['reportedOn', 'DatVrzmWrkgvr'],
    ['expectedReturnDate', 'DatVrwHrstl'],
    ['recoveryDate', 'DatHrstld'],
  ];
  for (const [field, element] of dates) {
    const value = optionalDate(ctx, vrzm[element], `${path}/${element}`);
    if (value !== undefined) (facts as Record<string, unknown>)[field] = value;
  }
  const effective = optionalDate(ctx, vrzm.IngdatMutVrzm, `${path}/IngdatMutVrzm`);
  const percentageText = text(vrzm.PrcVrzm);
  const percentage = percentageText === undefined ? undefined : parsePercentage(ctx, percentageText, `${path}/PrcVrzm`, { pattern: PERCENTAGE_PATTERN });
  const from = type === 'nl.datakluis.absence.reported' ? facts.startDate : type === 'nl.datakluis.absence.recovered' ? facts.recoveryDate : effective;
  if (percentage !== undefined && from !== undefined && type !== 'nl.datakluis.absence.withdrawn') facts.incapacity = [{ from, percentage }];
  const safetyNet = LOGICAL[text(vrzm.VngntJN) ?? 'O'];
  if (safetyNet !== undefined) facts.safetyNet = safetyNet;
  return facts;
}

function checkFacts(ctx: TranslationContext, vrzm: SiviVerzuim, facts: AbsenceFacts, type: AbsenceEventType, path: string): void {
  // A value that is present but invalid was reported already; only what is absent is reported here.
  if (type === 'nl.datakluis.absence.reported') {
    if (text(vrzm.DatEerstVrzmdg) === undefined) ctx.issue('MISSING_FIELD', `${path}/DatEerstVrzmdg`, 'a sick report needs the first day of absence');
    if (text(vrzm.PrcVrzm) === undefined) ctx.issue('MISSING_FIELD', `${path}/PrcVrzm`, 'a sick report needs the incapacity percentage');
  }
  if (type === 'nl.datakluis.absence.changed' && text(vrzm.PrcVrzm) === undefined && text(vrzm.DatVrwHrstl) === undefined) {
    ctx.issue('MISSING_FIELD', `${path}/PrcVrzm`, 'a change needs a percentage (with IngdatMutVrzm) or an expected return date');
  }
  if (type === 'nl.datakluis.absence.changed' && text(vrzm.PrcVrzm) !== undefined && text(vrzm.IngdatMutVrzm) === undefined) {
    ctx.issue('MISSING_FIELD', `${path}/IngdatMutVrzm`, 'a new percentage needs the date it applies from');
  }
  const start = facts.startDate;
  if (start !== undefined && facts.expectedReturnDate !== undefined && facts.expectedReturnDate < start) {
    ctx.issue('INCONSISTENT_PAYLOAD', `${path}/DatVrwHrstl`, 'expected return lies before the first day of absence');
  }
  if (start !== undefined && facts.recoveryDate !== undefined && facts.recoveryDate < start) {
    ctx.issue('INCONSISTENT_PAYLOAD', `${path}/DatHrstld`, 'recovery lies before the first day of absence');
  }
}

interface VrzmContext {
  message: InboundMessage;
  time: string;
  externalId: string;
  employmentId: string | undefined;
}

function translateVrzm(ctx: TranslationContext, vrzm: SiviVerzuim, at: VrzmContext, path: string): CanonicalEvent | undefined {
  const type = eventType(ctx, vrzm, path);
  const caseId = required(ctx, vrzm.VrzmgvlId, `${path}/VrzmgvlId`);
  const sequenceText = required(ctx, vrzm.VrzmgvlVnrMld, `${path}/VrzmgvlVnrMld`);
  const sequence = sequenceText !== undefined && /^[0-9]{1,9}$/.test(sequenceText) ? Number(sequenceText) : undefined;
  if (sequenceText !== undefined && sequence === undefined) ctx.issue('INVALID_VALUE', `${path}/VrzmgvlVnrMld`, 'not a whole number');
  dropSensitive(ctx, vrzm, path);
  if (type === undefined) return undefined;
  const absence = absenceFacts(ctx, vrzm, type, path);
  checkFacts(ctx, vrzm, absence, type, path);
  if (caseId === undefined || sequence === undefined) return undefined;
  const employee = at.employmentId === undefined ? { externalId: at.externalId } : { externalId: at.externalId, employmentId: at.employmentId };
  const data: AbsenceData = { employee, case: { caseId, sequence }, absence };
  return absenceEvent(at.message, { type, sourceKey: `${caseId}/${sequence}`, time: at.time, data });
}

function translateEmployee(ctx: TranslationContext, message: InboundMessage, time: string, employee: SiviWerknemer, path: string): CanonicalEvent[] {
  const employments = employee.Dnstvbnd ?? [];
  const externalId = text(employee.IdWrknmr) ?? text(employments[0]?.PersNr);
  if (externalId === undefined) {
    ctx.issue('MISSING_FIELD', `${path}/IdWrknmr`, 'the employee needs IdWrknmr or a PersNr');
    return [];
  }
  const events: CanonicalEvent[] = [employeeUpsertedEvent(message, { time, employee: masterData(ctx, employee, externalId, path) })];
  employments.forEach((employment, k) => {
    const employmentId = text(employment.IdDnstvbnd);
    (employment.Vrzm ?? []).forEach((vrzm, l) => {
      const event = translateVrzm(ctx, vrzm, { message, time, externalId, employmentId }, `${path}/Dnstvbnd/${k}/Vrzm/${l}`);
      if (event !== undefined) events.push(event);
    });
  });
  return events;
}

function translate(message: InboundMessage): TranslateResult {
  const parsed = parseXml(message.body, REPEATED_ELEMENTS);
  if (!parsed.ok) return rejected([{ reason: 'MALFORMED_PAYLOAD', path: '/', message: parsed.message }]);
  const root = parsed.document.Verzuimmeldingen as SiviVerzuimmeldingen | undefined;
  if (root === undefined || typeof root !== 'object') {
    return rejected([{ reason: 'MALFORMED_PAYLOAD', path: '/', message: 'the root element must be Verzuimmeldingen' }]);
  }
  const ctx = new TranslationContext();
  const time = messageTime(ctx, root.BrAlg ?? {});
  const employers = root.Wrkgvr ?? [];
  if (employers.length === 0) ctx.issue('MISSING_FIELD', `${ROOT}/Wrkgvr`, 'the message has no employer');
  const events: CanonicalEvent[] = [];
  employers.forEach((employer, i) => {
    (employer.Wrknmr ?? []).forEach((employee, j) => {
      events.push(...translateEmployee(ctx, message, time ?? message.receivedAt, employee, `${ROOT}/Wrkgvr/${i}/Wrknmr/${j}`));
    });
  });
  if (!ctx.failed && !events.some((e) => e.type !== 'nl.datakluis.employee.upserted')) {
    ctx.issue('MISSING_FIELD', `${ROOT}/Wrkgvr`, 'the message contains no absence (Vrzm)');
  }
  return ctx.result(events);
}

/** SIVI Verzuimmeldingen XML (2020–2026 editions) pushed by an HR system. */
export const siviVerzuimAdapter = defineConnector({ id: 'sivi-verzuim', translate });
