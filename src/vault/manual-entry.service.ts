// What employer users enter by hand: a sick report, or an employee's master data. Each becomes a
// canonical event from connector `manual` and goes through VaultService.apply, the path every
// connector's event takes: an absence shares the dossier for good, master data lands in the vault
// when it is active. An Idempotency-Key makes a retried request have one effect.
import { createHash, randomUUID } from 'node:crypto';

import type { Principal } from '../access/principal';
import type { CanonicalEvent } from '../canonical/generated/canonical-event';
import { validateCanonicalEvent } from '../canonical/validate-canonical';
import { passesElevenCheck } from '../connector-sdk/helpers/bsn';
import { uuidV5 } from '../connector-sdk/helpers/event-id';
import type { Database } from '../db/prisma-client';
import { isPlausibleDay } from '../shared/calendar';
import { requireEmployerUser } from './sharing.service';
import type { VaultService } from './vault.service';
import { visibleDossiers } from './visibility';
import { VaultRefusal } from './vault-refusal';
import type { RefusalIssue } from './vault-refusal';

/** The connector id of everything entered by hand in the API. */
export const MANUAL_CONNECTOR = 'manual';

export interface ManualAbsenceReport {
  employeeNumber: string;
  caseId?: string;
  startDate: string;
  reportedOn?: string;
  expectedReturnDate?: string;
  incapacityPercentage: number;
  workRelatedAccident?: boolean;
  thirdPartyLiable?: boolean;
  safetyNet?: boolean;
}

export interface ManualEmployee {
  employeeNumber: string;
  initials?: string;
  givenName?: string;
  familyNamePrefix?: string;
  familyName?: string;
  birthDate?: string;
  bsn?: string;
  email?: string;
}

interface Context {
  correlationId?: string;
  idempotencyKey?: string;
}

const auditContext = (context: Context) =>
  context.correlationId === undefined ? {} : { correlationId: context.correlationId };

export class ManualEntryService {
  constructor(
    private readonly db: Database,
    private readonly vault: VaultService,
  ) {}

  /**
   * A sick report entered by hand: made into a canonical event and applied exactly like one from a
   * connector. The same idempotency key gives the same event, so a retried request has one effect.
   */
  async reportAbsence(
    user: Principal,
    employerId: string,
    report: ManualAbsenceReport,
    context: Context = {},
  ): Promise<{ eventId: string; dossierId: string; caseId: string; outcome: string }> {
    requireEmployerUser(user, employerId);
    const eventId =
      context.idempotencyKey === undefined
        ? randomUUID()
        : uuidV5(
            JSON.stringify([employerId, MANUAL_CONNECTOR, user.userId, context.idempotencyKey]),
          );
    const caseId = report.caseId ?? `manual-${eventId}`;
    const event = manualReportEvent(employerId, eventId, caseId, report);
    const outcome = await this.vault.apply(event, {
      ...auditContext(context),
      user: { id: user.userId },
    });
    if (outcome === 'duplicate') await this.requireSameReport(event);
    const dossier = await this.db.dossier.findUnique({
      where: { employerId_externalId: { employerId, externalId: report.employeeNumber } },
      select: { id: true },
    });
    if (dossier === null) throw new Error('the reported dossier is missing after the report');
    return { eventId, dossierId: dossier.id, caseId, outcome };
  }

  /** A key used again must carry the same report; anything else would be silently dropped. */
  private async requireSameReport(event: CanonicalEvent): Promise<void> {
    if (event.type !== 'nl.datakluis.absence.reported') return;
    const stored = await this.db.absenceCaseEvent.findUnique({
      where: { eventId: event.id },
      select: {
        facts: true,
        absenceCase: { select: { sourceCaseId: true, dossier: { select: { externalId: true } } } },
      },
    });
    const same =
      stored !== null &&
      stored.absenceCase.sourceCaseId === event.data.case.caseId &&
      stored.absenceCase.dossier.externalId === event.data.employee.externalId &&
      canonicalJson(stored.facts) === canonicalJson(event.data.absence);
    if (!same)
      throw new VaultRefusal(
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was used before for a different report; use a new key for a new report.',
      );
  }

  /**
   * An employee's master data entered by hand (a new hire, a correction). The dossier id comes back
   * only when the user may see the dossier: with an active vault a new employee goes straight in.
   * The same key with the same data has one effect; the same key with other data is a new entry.
   */
  async registerEmployee(
    user: Principal,
    employerId: string,
    employee: ManualEmployee,
    context: Context = {},
  ): Promise<{ eventId: string; dossierId: string | null; outcome: string }> {
    requireEmployerUser(user, employerId);
    if (employee.bsn !== undefined && !passesElevenCheck(employee.bsn))
      throw new VaultRefusal('VALIDATION_FAILED', 'The BSN is not valid.', [
        { code: 'INVALID_BSN', path: '/bsn', detail: 'does not pass the eleven-check' },
      ]);
    if (employee.birthDate !== undefined && !isPlausibleDay(employee.birthDate))
      throw new VaultRefusal('VALIDATION_FAILED', 'The birth date is not valid.', [
        { code: 'IMPLAUSIBLE_DATE', path: '/birthDate', detail: 'not a day from 1900 on' },
      ]);
    const eventId =
      context.idempotencyKey === undefined
        ? randomUUID()
        : uuidV5(
            JSON.stringify([
              employerId,
              MANUAL_CONNECTOR,
              user.userId,
              context.idempotencyKey,
              createHash('sha256').update(canonicalJson(employee)).digest('hex'),
            ]),
          );
    const { employeeNumber, ...names } = employee;
    const event = validated({
      specversion: '1.0',
      id: eventId,
      source: `/connectors/${MANUAL_CONNECTOR}`,
      type: 'nl.datakluis.employee.upserted',
      time: new Date().toISOString(),
      subject: employeeNumber,
      dataschema: 'https://schemas.datakluis.nl/canonical/absence-event/v1',
      datacontenttype: 'application/json',
      employerid: employerId,
      data: { employee: { externalId: employeeNumber, ...names } },
    });
    const outcome = await this.vault.apply(event, {
      ...auditContext(context),
      user: { id: user.userId },
    });
    const visible = visibleDossiers(user, employerId);
    const dossier =
      visible === null
        ? null
        : await this.db.dossier.findFirst({
            where: { AND: [visible, { externalId: employeeNumber }] },
            select: { id: true },
          });
    return { eventId, dossierId: dossier?.id ?? null, outcome };
  }
}

/** JSON with sorted keys, so two objects with the same content compare equal. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a.localeCompare(b)))
      : inner,
  );
}

/** Today's date in the Netherlands (YYYY-MM-DD): what "not in the future" means for a sick report. */
function dutchToday(now: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam' }).format(now);
}

/**
 * What the schema cannot see: dates that contradict each other or lie in the future (a typing
 * error such as 2062), refused like the connectors refuse them.
 */
function inconsistentDates(report: ManualAbsenceReport, now: Date): RefusalIssue[] {
  const issues: RefusalIssue[] = [];
  const tomorrow = dutchToday(new Date(now.getTime() + 86_400_000));
  const issue = (path: string, detail: string) =>
    issues.push({ code: 'INCONSISTENT_DATES', path, detail });
  for (const key of ['startDate', 'reportedOn', 'expectedReturnDate'] as const) {
    const day = report[key];
    if (day !== undefined && !isPlausibleDay(day))
      issues.push({ code: 'IMPLAUSIBLE_DATE', path: `/${key}`, detail: 'not a day from 1900 on' });
  }
  if (issues.length > 0) return issues;
  if (report.startDate > tomorrow) issue('/startDate', 'the first sick day lies in the future');
  if (report.reportedOn !== undefined && report.reportedOn > tomorrow)
    issue('/reportedOn', 'the report day lies in the future');
  if (report.expectedReturnDate !== undefined && report.expectedReturnDate <= report.startDate)
    issue('/expectedReturnDate', 'the expected return lies on or before the first sick day');
  return issues;
}

function manualReportEvent(
  employerId: string,
  eventId: string,
  caseId: string,
  report: ManualAbsenceReport,
): CanonicalEvent {
  const dates = inconsistentDates(report, new Date());
  if (dates.length > 0)
    throw new VaultRefusal('VALIDATION_FAILED', 'The report’s dates do not fit together.', dates);
  const optional = <K extends keyof ManualAbsenceReport>(key: K) =>
    report[key] === undefined ? {} : { [key]: report[key] };
  const candidate = {
    specversion: '1.0',
    id: eventId,
    source: `/connectors/${MANUAL_CONNECTOR}`,
    type: 'nl.datakluis.absence.reported',
    time: new Date().toISOString(),
    subject: caseId,
    dataschema: 'https://schemas.datakluis.nl/canonical/absence-event/v1',
    datacontenttype: 'application/json',
    employerid: employerId,
    data: {
      employee: { externalId: report.employeeNumber },
      case: { caseId },
      absence: {
        startDate: report.startDate,
        ...optional('reportedOn'),
        ...optional('expectedReturnDate'),
        incapacity: [{ from: report.startDate, percentage: report.incapacityPercentage }],
        ...optional('workRelatedAccident'),
        ...optional('thirdPartyLiable'),
        ...optional('safetyNet'),
      },
    },
  };
  return validated(candidate);
}

/** The canonical event, or VALIDATION_FAILED with the schema's issues (a backstop to the contract). */
function validated(candidate: unknown): CanonicalEvent {
  const validation = validateCanonicalEvent(candidate);
  if (!validation.ok)
    throw new VaultRefusal(
      'VALIDATION_FAILED',
      'The entry does not make a valid event.',
      validation.issues.map((issue) => ({
        code: issue.rule.toUpperCase(),
        path: issue.path,
        detail: issue.message,
      })),
    );
  return validation.event;
}
