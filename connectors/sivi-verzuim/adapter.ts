// SIVI Verzuimmeldingen (Dutch sector standard for absence messages, werkgevers ↔ arbodiensten) →
// canonical events. One message can hold several employers, employees, employments and cases, so one
// message yields many events: per employee an employee.upserted with the master data, per Vrzm one
// absence event. Field meanings: berichten/Verzuimmeldingen.md of the 2022 release (see README).
import {
  amsterdamInstant,
  defineConnector,
  employeeUpsertedEvent,
  isTime,
  notAfterReceipt,
  parseBsn,
  parseXml,
  readIdentifier,
  readText,
  rejected,
  TranslationContext,
} from '../../src/connector-sdk';
import type {
  CanonicalEvent,
  EmployeeMasterData,
  InboundMessage,
  TranslateResult,
} from '../../src/connector-sdk';
import { optionalDate, required, text } from './elements';
import { MESSAGE_CODE, REPEATED_ELEMENTS, SUPPORTED_EDITIONS } from './mappings';
import type { SiviBerichtAlgemeen, SiviVerzuimmeldingen, SiviWerknemer } from './types';
import { translateVrzm } from './verzuim';

const ROOT = '/Verzuimmeldingen';

/** The message's own time (AandatBr + AantijdBr, Netherlands time). */
function messageTime(
  ctx: TranslationContext,
  header: SiviBerichtAlgemeen,
  receivedAt: string,
): string | undefined {
  const path = `${ROOT}/BrAlg`;
  const code = required(ctx, header.BrCd, `${path}/BrCd`);
  if (code !== undefined && code !== MESSAGE_CODE)
    ctx.issue(
      'UNSUPPORTED_VERSION',
      `${path}/BrCd`,
      `only Verzuimmeldingen (${MESSAGE_CODE}) is supported`,
    );
  const edition = required(ctx, header.VnrBrCd, `${path}/VnrBrCd`);
  if (edition !== undefined && !SUPPORTED_EDITIONS.has(edition)) {
    ctx.issue(
      'UNSUPPORTED_VERSION',
      `${path}/VnrBrCd`,
      `supported editions: ${[...SUPPORTED_EDITIONS].join(', ')}`,
    );
  }
  required(ctx, header.Berrefnr, `${path}/Berrefnr`);
  const date = optionalDate(
    ctx,
    required(ctx, header.AandatBr, `${path}/AandatBr`),
    `${path}/AandatBr`,
  );
  const time = required(ctx, header.AantijdBr, `${path}/AantijdBr`);
  if (time !== undefined && !isTime(time))
    return ctx.issue('INVALID_DATE', `${path}/AantijdBr`, 'not a valid time (expected HH:MM:SS)');
  if (date === undefined || time === undefined) return undefined;
  return notAfterReceipt(ctx, amsterdamInstant(date, time), receivedAt, `${path}/AandatBr`);
}

function masterData(
  ctx: TranslationContext,
  employee: SiviWerknemer,
  externalId: string,
  path: string,
): EmployeeMasterData {
  const data: EmployeeMasterData = { externalId };
  const sofiNr = text(employee.SofiNr);
  const bsn = sofiNr === undefined ? undefined : parseBsn(ctx, sofiNr, `${path}/SofiNr`);
  if (bsn !== undefined) data.bsn = bsn;
  const birthDate = optionalDate(ctx, employee.Gebdat, `${path}/Gebdat`);
  if (birthDate !== undefined) data.birthDate = birthDate;
  // Lengths are the canonical schema's: a longer name is the sender's problem, reported as such.
  const names: [keyof EmployeeMasterData, keyof SiviWerknemer, number][] = [
    ['initials', 'Voorl', 20],
    ['givenName', 'Roepnaam', 100],
    ['familyNamePrefix', 'Voorv', 20],
    ['familyName', 'SignNm', 200],
  ];
  for (const [field, element, maxLength] of names) {
    const found = text(employee[element]);
    const checked =
      found === undefined ? undefined : readText(ctx, found, `${path}/${element}`, maxLength);
    if (checked !== undefined) data[field] = checked;
  }
  return data;
}

/**
 * One employee: an absence event per Vrzm of each employment, then the master data (absences first,
 * so a new employee's dossier is created shared rather than placed in the vault and shared after).
 */
function translateEmployee(
  ctx: TranslationContext,
  message: InboundMessage,
  time: string,
  employee: SiviWerknemer,
  path: string,
): CanonicalEvent[] {
  const employments = employee.Dnstvbnd ?? [];
  const [raw, rawPath] =
    text(employee.IdWrknmr) !== undefined
      ? [text(employee.IdWrknmr), `${path}/IdWrknmr`]
      : [text(employments[0]?.PersNr), `${path}/Dnstvbnd/0/PersNr`];
  if (raw === undefined) {
    ctx.issue('MISSING_FIELD', `${path}/IdWrknmr`, 'the employee needs IdWrknmr or a PersNr');
    return [];
  }
  const externalId = readIdentifier(ctx, raw, rawPath, 64);
  if (externalId === undefined) return [];
  const events: CanonicalEvent[] = [];
  employments.forEach((employment, k) => {
    const rawEmployment = text(employment.IdDnstvbnd);
    const employmentId =
      rawEmployment === undefined
        ? undefined
        : readIdentifier(ctx, rawEmployment, `${path}/Dnstvbnd/${k}/IdDnstvbnd`, 64);
    (employment.Vrzm ?? []).forEach((vrzm, l) => {
      const event = translateVrzm(
        ctx,
        vrzm,
        { message, time, externalId, employmentId },
        `${path}/Dnstvbnd/${k}/Vrzm/${l}`,
      );
      if (event !== undefined) events.push(event);
    });
  });
  events.push(
    employeeUpsertedEvent(message, { time, employee: masterData(ctx, employee, externalId, path) }),
  );
  return events;
}

function translate(message: InboundMessage): TranslateResult {
  const parsed = parseXml(message.body, REPEATED_ELEMENTS);
  if (!parsed.ok)
    return rejected([{ reason: 'MALFORMED_PAYLOAD', path: '/', message: parsed.message }]);
  const root = parsed.document.Verzuimmeldingen as SiviVerzuimmeldingen | undefined;
  if (root === undefined || typeof root !== 'object') {
    return rejected([
      {
        reason: 'MALFORMED_PAYLOAD',
        path: '/',
        message: 'the root element must be Verzuimmeldingen',
      },
    ]);
  }
  const ctx = new TranslationContext();
  const time = messageTime(ctx, root.BrAlg ?? {}, message.receivedAt);
  const employers = root.Wrkgvr ?? [];
  if (employers.length === 0)
    ctx.issue('MISSING_FIELD', `${ROOT}/Wrkgvr`, 'the message has no employer');
  // A credential belongs to one employer: a message about several (a payroll bureau's batch)
  // would put one employer's staff in another's vault.
  if (employers.length > 1)
    ctx.issue(
      'INCONSISTENT_PAYLOAD',
      `${ROOT}/Wrkgvr/1`,
      'one employer per message: send each employer with its own credential',
    );
  const events: CanonicalEvent[] = [];
  employers.forEach((employer, i) => {
    (employer.Wrknmr ?? []).forEach((employee, j) => {
      events.push(
        ...translateEmployee(
          ctx,
          message,
          time ?? message.receivedAt,
          employee,
          `${ROOT}/Wrkgvr/${i}/Wrknmr/${j}`,
        ),
      );
    });
  });
  if (!ctx.failed && !events.some((e) => e.type !== 'nl.datakluis.employee.upserted')) {
    ctx.issue('MISSING_FIELD', `${ROOT}/Wrkgvr`, 'the message contains no absence (Vrzm)');
  }
  return ctx.result(events);
}

/** SIVI Verzuimmeldingen XML (2020–2026 editions) pushed by an HR system. */
export const siviVerzuimAdapter = defineConnector({ id: 'sivi-verzuim', translate });
