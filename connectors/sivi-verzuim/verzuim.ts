// One Vrzm element (an absence record of one employment) → one canonical absence event.
import { absenceEvent, lookupCode, parsePercentage, readIdentifier } from '../../src/connector-sdk';
import type {
  AbsenceData,
  AbsenceEventType,
  AbsenceFacts,
  CanonicalEvent,
  InboundMessage,
  TranslationContext,
} from '../../src/connector-sdk';
import { optionalDate, required, text } from './elements';
import {
  EVENT_TYPE_BY_VRWRKCD,
  FREE_TEXT_VRZM_ELEMENTS,
  LOGICAL,
  PERCENTAGE_PATTERN,
  SENSITIVE_VRZM_ELEMENTS,
} from './mappings';
import type { SiviVerzuim } from './types';

function eventType(
  ctx: TranslationContext,
  vrzm: SiviVerzuim,
  path: string,
): AbsenceEventType | undefined {
  const code = required(ctx, vrzm.VrwrkCd, `${path}/VrwrkCd`);
  if (code === undefined) return undefined;
  const type = lookupCode(EVENT_TYPE_BY_VRWRKCD, code);
  if (type === undefined)
    return ctx.issue('UNKNOWN_CODE', `${path}/VrwrkCd`, 'processing code (VrwrkCd) is not mapped');
  const ended = text(vrzm.EndVrzmJN) === 'J';
  if (type === 'nl.datakluis.absence.recovered' && text(vrzm.DatHrstld) === undefined) {
    return ctx.issue('MISSING_FIELD', `${path}/DatHrstld`, 'a recovery needs the recovery date');
  }
  if (
    ended &&
    type !== 'nl.datakluis.absence.withdrawn' &&
    type !== 'nl.datakluis.absence.recovered'
  ) {
    if (text(vrzm.DatHrstld) === undefined)
      return ctx.issue(
        'INCONSISTENT_PAYLOAD',
        `${path}/EndVrzmJN`,
        'the case is ended but has no recovery date',
      );
    return 'nl.datakluis.absence.recovered';
  }
  return type;
}

function dropSensitive(ctx: TranslationContext, vrzm: SiviVerzuim, path: string): void {
  for (const element of SENSITIVE_VRZM_ELEMENTS)
    if (vrzm[element] !== undefined) ctx.warn('SENSITIVE_FIELD_DROPPED', `${path}/${element}`);
  for (const element of FREE_TEXT_VRZM_ELEMENTS)
    if (vrzm[element] !== undefined) ctx.warn('FREE_TEXT_DROPPED', `${path}/${element}`);
}

function absenceFacts(
  ctx: TranslationContext,
  vrzm: SiviVerzuim,
  type: AbsenceEventType,
  path: string,
): AbsenceFacts {
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
  const percentage =
    percentageText === undefined
      ? undefined
      : parsePercentage(ctx, percentageText, `${path}/PrcVrzm`, {
          pattern: PERCENTAGE_PATTERN,
          example: 'two decimals with a point, e.g. 50.00',
        });
  const from =
    type === 'nl.datakluis.absence.reported'
      ? facts.startDate
      : type === 'nl.datakluis.absence.recovered'
        ? facts.recoveryDate
        : effective;
  if (percentage !== undefined && from !== undefined && type !== 'nl.datakluis.absence.withdrawn')
    facts.incapacity = [{ from, percentage }];
  const logical = text(vrzm.VngntJN);
  if (logical !== undefined) {
    const safetyNet = lookupCode(LOGICAL, logical);
    if (safetyNet === undefined && logical !== 'O')
      ctx.issue('UNKNOWN_CODE', `${path}/VngntJN`, 'expected J, N or O');
    if (safetyNet !== undefined) facts.safetyNet = safetyNet;
  }
  return facts;
}

/** Elements a type needs. A value present but invalid was reported already; only absence is here. */
const REQUIRED_BY_TYPE: readonly [
  AbsenceEventType,
  (vrzm: SiviVerzuim) => boolean,
  string,
  string,
][] = [
  [
    'nl.datakluis.absence.reported',
    (v) => text(v.DatEerstVrzmdg) === undefined,
    'DatEerstVrzmdg',
    'a sick report needs the first day of absence',
  ],
  [
    'nl.datakluis.absence.reported',
    (v) => text(v.PrcVrzm) === undefined,
    'PrcVrzm',
    'a sick report needs the incapacity percentage',
  ],
  [
    'nl.datakluis.absence.changed',
    (v) => text(v.PrcVrzm) === undefined && text(v.DatVrwHrstl) === undefined,
    'PrcVrzm',
    'a change needs a percentage (with IngdatMutVrzm) or an expected return date',
  ],
  [
    'nl.datakluis.absence.changed',
    (v) => text(v.PrcVrzm) !== undefined && text(v.IngdatMutVrzm) === undefined,
    'IngdatMutVrzm',
    'a new percentage needs the date it applies from',
  ],
  [
    'nl.datakluis.absence.corrected',
    (v) => text(v.PrcVrzm) !== undefined && text(v.IngdatMutVrzm) === undefined,
    'IngdatMutVrzm',
    'a corrected percentage needs the date it applies from',
  ],
];

function checkFacts(
  ctx: TranslationContext,
  vrzm: SiviVerzuim,
  facts: AbsenceFacts,
  type: AbsenceEventType,
  path: string,
): void {
  for (const [forType, missing, element, message] of REQUIRED_BY_TYPE) {
    if (forType === type && missing(vrzm))
      ctx.issue('MISSING_FIELD', `${path}/${element}`, message);
  }
  const start = facts.startDate;
  if (start === undefined) return;
  if (facts.expectedReturnDate !== undefined && facts.expectedReturnDate < start) {
    ctx.issue(
      'INCONSISTENT_PAYLOAD',
      `${path}/DatVrwHrstl`,
      'expected return lies before the first day of absence',
    );
  }
  if (facts.recoveryDate !== undefined && facts.recoveryDate < start) {
    ctx.issue(
      'INCONSISTENT_PAYLOAD',
      `${path}/DatHrstld`,
      'recovery lies before the first day of absence',
    );
  }
}

export interface VrzmContext {
  message: InboundMessage;
  time: string;
  externalId: string;
  employmentId: string | undefined;
}

export function translateVrzm(
  ctx: TranslationContext,
  vrzm: SiviVerzuim,
  at: VrzmContext,
  path: string,
): CanonicalEvent | undefined {
  const type = eventType(ctx, vrzm, path);
  const rawCaseId = required(ctx, vrzm.VrzmgvlId, `${path}/VrzmgvlId`);
  const caseId =
    rawCaseId === undefined ? undefined : readIdentifier(ctx, rawCaseId, `${path}/VrzmgvlId`, 128);
  const sequenceText = required(ctx, vrzm.VrzmgvlVnrMld, `${path}/VrzmgvlVnrMld`);
  const sequence =
    sequenceText !== undefined && /^[0-9]{1,9}$/.test(sequenceText)
      ? Number(sequenceText)
      : undefined;
  if (sequenceText !== undefined && sequence === undefined)
    ctx.issue('INVALID_VALUE', `${path}/VrzmgvlVnrMld`, 'not a whole number');
  dropSensitive(ctx, vrzm, path);
  if (type === undefined) return undefined;
  const absence = absenceFacts(ctx, vrzm, type, path);
  checkFacts(ctx, vrzm, absence, type, path);
  if (caseId === undefined || sequence === undefined) return undefined;
  const employee =
    at.employmentId === undefined
      ? { externalId: at.externalId }
      : { externalId: at.externalId, employmentId: at.employmentId };
  const data: AbsenceData = { employee, case: { caseId, sequence }, absence };
  return absenceEvent(at.message, {
    type,
    sourceKey: `${caseId}/${sequence}`,
    time: at.time,
    data,
  });
}
