// Sharing by hand: an employer user who can see a dossier shares it with the service for a stated
// purpose, and may end that share while the employee has no absence (the nightly processing then
// returns the dossier to the vault). Absence reports entered by hand go through VaultService.apply,
// the path every connector's report takes.
import { randomUUID } from 'node:crypto';

import type { Principal } from '../access/principal';
import type { CanonicalEvent } from '../canonical/generated/canonical-event';
import { validateCanonicalEvent } from '../canonical/validate-canonical';
import { uuidV5 } from '../connector-sdk/helpers/event-id';
import type { Database } from '../db/prisma-client';
import { isPlausibleDay } from '../shared/calendar';
import { buildDossierSharedEvent } from './dossier-shared-event';
import { hasAbsenceHistory } from './placement.repository';
import { appendAudit, enqueueOutbox } from './vault.repository';
import type { Tx } from './vault.repository';
import type { VaultService } from './vault.service';
import { visibleDossiers } from './visibility';
import { notFound, VaultRefusal } from './vault-refusal';
import type { RefusalIssue } from './vault-refusal';

/** The connector id of everything entered by hand in the API. */
export const MANUAL_CONNECTOR = 'manual';

export interface ManualShareResult {
  shareId: string;
  dossierId: string;
  /** False when an active manual share already existed (it is returned, nothing new happened). */
  created: boolean;
}

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

interface Context {
  correlationId?: string;
}

const auditContext = (context: Context) =>
  context.correlationId === undefined ? {} : { correlationId: context.correlationId };

function requireEmployerUser(user: Principal, employerId: string): void {
  if (user.kind === 'EMPLOYER_USER' && user.employerId === employerId) return;
  if (user.kind === 'EMPLOYER_USER' || !user.servedEmployers.includes(employerId)) throw notFound();
  throw new VaultRefusal(
    'ROLE_NOT_ALLOWED',
    'Only the employer’s own users share dossiers and report absences.',
  );
}

/** Locks the dossier and returns its state, or NOT_FOUND when this user may not see it. */
async function lockVisibleDossier(
  tx: Tx,
  user: Principal,
  employerId: string,
  dossierId: string,
): Promise<{ vaultState: string; absenceShared: boolean }> {
  const visible = visibleDossiers(user, employerId);
  if (visible === null) throw notFound();
  await tx.$queryRaw`SELECT id FROM dossiers WHERE id = ${dossierId}::uuid AND employer_id = ${employerId} FOR UPDATE`;
  const dossier = await tx.dossier.findFirst({
    where: { AND: [visible, { id: dossierId }] },
    select: { vaultState: true, absenceShared: true },
  });
  if (dossier === null) throw notFound();
  return dossier;
}

export class SharingService {
  constructor(
    private readonly db: Database,
    private readonly vault: VaultService,
  ) {}

  async share(
    user: Principal,
    employerId: string,
    dossierId: string,
    purpose: string,
    context: Context = {},
  ): Promise<ManualShareResult> {
    requireEmployerUser(user, employerId);
    return this.db.$transaction(async (tx) => {
      const dossier = await lockVisibleDossier(tx, user, employerId, dossierId);
      const active = await tx.dossierShare.findFirst({
        where: { dossierId, reason: 'MANUAL', endedAt: null },
        select: { id: true },
      });
      if (active !== null) return { shareId: active.id, dossierId, created: false };
      // Shared for good because of an absence: a manual share would add nothing (and could not end).
      const absenceShare = dossier.absenceShared
        ? await tx.dossierShare.findFirst({
            where: { dossierId, reason: 'ABSENCE' },
            orderBy: { createdAt: 'asc' },
            select: { id: true },
          })
        : null;
      if (absenceShare !== null) return { shareId: absenceShare.id, dossierId, created: false };
      const shareId = randomUUID();
      await tx.dossierShare.create({
        data: {
          id: shareId,
          dossierId,
          employerId,
          reason: 'MANUAL',
          userId: user.userId,
          purpose,
        },
      });
      if (dossier.vaultState !== 'SHARED')
        await tx.dossier.update({
          where: { id: dossierId },
          data: { vaultState: 'SHARED', sharedAt: new Date(), updatedAt: new Date() },
        });
      // The purpose is free text: it stays on the share record and is not copied into the audit.
      await appendAudit(tx, {
        employerId,
        dossierId,
        actorType: 'user',
        actorId: user.userId,
        action: 'dossier.shared',
        reason: 'manual',
        ...auditContext(context),
        details: { shareId, previousState: dossier.vaultState },
      });
      const event = buildDossierSharedEvent({
        employerId,
        dossierId,
        reason: 'manual',
        causedBy: shareId,
      });
      await enqueueOutbox(tx, {
        id: event.id,
        exchange: 'vault',
        routingKey: 'vault.dossier.shared',
        payload: { ...event },
        ...auditContext(context),
      });
      return { shareId, dossierId, created: true };
    });
  }

  /** Ends the active manual share; refused while the employee has an absence (that share is for good). */
  async endShare(
    user: Principal,
    employerId: string,
    dossierId: string,
    context: Context = {},
  ): Promise<{ shareId: string; dossierId: string }> {
    requireEmployerUser(user, employerId);
    return this.db.$transaction(async (tx) => {
      await lockVisibleDossier(tx, user, employerId, dossierId);
      if (await hasAbsenceHistory(tx, dossierId))
        throw new VaultRefusal(
          'DOSSIER_HAS_ABSENCE',
          'This employee has an absence: the dossier stays shared with the service.',
        );
      const active = await tx.dossierShare.findFirst({
        where: { dossierId, reason: 'MANUAL', endedAt: null },
        select: { id: true },
      });
      if (active === null)
        throw new VaultRefusal('NO_MANUAL_SHARE', 'This dossier has no manual share to end.');
      await tx.dossierShare.update({ where: { id: active.id }, data: { endedAt: new Date() } });
      // Out of the service's sight at once; back in the vault with the next nightly processing.
      await tx.dossier.update({
        where: { id: dossierId },
        data: { vaultState: 'OUTSIDE_VAULT', sharedAt: null, updatedAt: new Date() },
      });
      await appendAudit(tx, {
        employerId,
        dossierId,
        actorType: 'user',
        actorId: user.userId,
        action: 'dossier.unshared',
        reason: 'manual',
        ...auditContext(context),
        details: { shareId: active.id },
      });
      return { shareId: active.id, dossierId };
    });
  }

  /**
   * A sick report entered by hand: made into a canonical event and applied exactly like one from a
   * connector. The same idempotency key gives the same event, so a retried request has one effect.
   */
  async reportAbsence(
    user: Principal,
    employerId: string,
    report: ManualAbsenceReport,
    context: Context & { idempotencyKey?: string } = {},
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
  const validation = validateCanonicalEvent(candidate);
  if (!validation.ok)
    throw new VaultRefusal(
      'VALIDATION_FAILED',
      'The report does not make a valid absence event.',
      validation.issues.map((issue) => ({
        code: issue.rule.toUpperCase(),
        path: issue.path,
        detail: issue.message,
      })),
    );
  return validation.event;
}
