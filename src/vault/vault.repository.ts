// The only module that talks to PostgreSQL for the vault. Every function takes the transaction it
// runs in; the service decides what happens, this decides how it is stored.
import { randomUUID } from 'node:crypto';

import type { AbsenceFacts, EmployeeMasterData } from '../canonical/generated/canonical-event';
import type { AbsenceEventType } from '../canonical/event-types';
import type { Prisma } from '../generated/prisma/client';
import type { CaseEventRecord, CaseState } from './case-fold';

export type Tx = Prisma.TransactionClient;
export type DossierState = 'IN_VAULT' | 'OUTSIDE_VAULT' | 'SHARED';

export interface DossierRow {
  id: string;
  vault_state: DossierState;
  absence_shared: boolean;
  master_data_time: Date | null;
}

/** Records the event as processed; false when it was already (the caller then does nothing). */
export async function markProcessed(
  tx: Tx,
  eventId: string,
  eventType: string,
  employerId: string,
): Promise<boolean> {
  const inserted = await tx.$executeRaw`
    INSERT INTO processed_events (event_id, event_type, employer_id)
    VALUES (${eventId}::uuid, ${eventType}, ${employerId})
    ON CONFLICT (event_id) DO NOTHING`;
  return inserted === 1;
}

export async function findEmployer(
  tx: Tx,
  employerId: string,
): Promise<{ vaultState: 'ACTIVE' | 'INACTIVE' } | null> {
  return tx.employer.findUnique({ where: { id: employerId }, select: { vaultState: true } });
}

/**
 * The employee's dossier, locked for this transaction; created in `initialState` when it does not
 * exist yet. Concurrent creators meet at the unique key, never at a duplicate.
 */
export async function lockOrCreateDossier(
  tx: Tx,
  employerId: string,
  externalId: string,
  initialState: DossierState,
): Promise<{ dossier: DossierRow; created: boolean }> {
  const created = await tx.$executeRaw`
    INSERT INTO dossiers (id, employer_id, external_id, vault_state, absence_shared, shared_at)
    VALUES (${randomUUID()}::uuid, ${employerId}, ${externalId}, ${initialState}::"DossierVaultState",
            ${initialState === 'SHARED'}, ${initialState === 'SHARED' ? new Date() : null})
    ON CONFLICT (employer_id, external_id) DO NOTHING`;
  const rows = await tx.$queryRaw<DossierRow[]>`
    SELECT id::text AS id, vault_state::text AS vault_state, absence_shared, master_data_time
    FROM dossiers WHERE employer_id = ${employerId} AND external_id = ${externalId} FOR UPDATE`;
  const dossier = rows[0];
  if (dossier === undefined) throw new Error('dossier vanished inside its own transaction');
  return { dossier, created: created === 1 };
}

/** Takes the dossier out of the vault for good because of an absence, with its share record. */
export async function shareBecauseOfAbsence(
  tx: Tx,
  input: {
    dossierId: string;
    employerId: string;
    connectorId: string;
    eventId: string;
    /** The user who entered the report by hand, when it did not come from an HR system. */
    userId?: string;
  },
): Promise<void> {
  await tx.dossier.update({
    where: { id: input.dossierId },
    data: {
      vaultState: 'SHARED',
      absenceShared: true,
      sharedAt: new Date(),
      updatedAt: new Date(),
    },
  });
  await tx.dossierShare.create({
    data: {
      id: randomUUID(),
      dossierId: input.dossierId,
      employerId: input.employerId,
      reason: 'ABSENCE',
      connectorId: input.connectorId,
      userId: input.userId ?? null,
      causedByEventId: input.eventId,
    },
  });
}

export async function updateMasterData(
  tx: Tx,
  dossierId: string,
  employee: EmployeeMasterData,
  time: Date,
): Promise<void> {
  await tx.dossier.update({
    where: { id: dossierId },
    data: {
      bsn: employee.bsn ?? null,
      initials: employee.initials ?? null,
      givenName: employee.givenName ?? null,
      familyNamePrefix: employee.familyNamePrefix ?? null,
      familyName: employee.familyName ?? null,
      birthDate:
        employee.birthDate === undefined ? null : new Date(`${employee.birthDate}T00:00:00Z`),
      email: employee.email ?? null,
      masterDataTime: time,
      updatedAt: new Date(),
    },
  });
}

/** The case, locked for this transaction; created (OPEN) when it is new. */
export async function lockOrCreateCase(
  tx: Tx,
  input: { employerId: string; dossierId: string; connectorId: string; sourceCaseId: string },
): Promise<{ id: string; dossierId: string; created: boolean }> {
  const created = await tx.$executeRaw`
    INSERT INTO absence_cases (id, employer_id, dossier_id, connector_id, source_case_id, status)
    VALUES (${randomUUID()}::uuid, ${input.employerId}, ${input.dossierId}::uuid, ${input.connectorId}, ${input.sourceCaseId}, 'OPEN')
    ON CONFLICT (employer_id, connector_id, source_case_id) DO NOTHING`;
  const rows = await tx.$queryRaw<{ id: string; dossier_id: string }[]>`
    SELECT id::text AS id, dossier_id::text AS dossier_id FROM absence_cases
    WHERE employer_id = ${input.employerId} AND connector_id = ${input.connectorId} AND source_case_id = ${input.sourceCaseId}
    FOR UPDATE`;
  const row = rows[0];
  if (row === undefined) throw new Error('case vanished inside its own transaction');
  return { id: row.id, dossierId: row.dossier_id, created: created === 1 };
}

export async function addCaseEvent(
  tx: Tx,
  input: {
    caseId: string;
    eventId: string;
    type: AbsenceEventType;
    sequence: number | null;
    occurredAt: Date;
    facts: AbsenceFacts;
  },
): Promise<void> {
  await tx.absenceCaseEvent.create({
    data: {
      eventId: input.eventId,
      caseId: input.caseId,
      type: input.type,
      sequence: input.sequence,
      occurredAt: input.occurredAt,
      facts: input.facts as Prisma.InputJsonValue,
    },
  });
}

export async function loadCaseEvents(tx: Tx, caseId: string): Promise<CaseEventRecord[]> {
  const rows = await tx.absenceCaseEvent.findMany({ where: { caseId } });
  return rows.map((row) => ({
    eventId: row.eventId,
    type: row.type as AbsenceEventType,
    sequence: row.sequence,
    occurredAt: row.occurredAt.toISOString(),
    facts: row.facts as AbsenceFacts,
  }));
}

const day = (value: string | undefined): Date | null =>
  value === undefined ? null : new Date(`${value}T00:00:00Z`);

export async function writeCaseState(tx: Tx, caseId: string, state: CaseState): Promise<void> {
  await tx.absenceCase.update({
    where: { id: caseId },
    data: {
      status: state.status,
      reportReceived: state.reportReceived,
      startDate: day(state.startDate),
      reportedOn: day(state.reportedOn),
      expectedReturnDate: day(state.expectedReturnDate),
      lastSickDay: day(state.lastSickDay),
      recoveryDate: day(state.recoveryDate),
      workRelatedAccident: state.workRelatedAccident ?? null,
      thirdPartyLiable: state.thirdPartyLiable ?? null,
      safetyNet: state.safetyNet ?? null,
      updatedAt: new Date(),
    },
  });
  await tx.incapacityStep.deleteMany({ where: { caseId } });
  if (state.steps.length > 0) {
    await tx.incapacityStep.createMany({
      data: state.steps.map((step) => ({
        caseId,
        fromDate: day(step.from) ?? new Date(0),
        percentage: step.percentage,
      })),
    });
  }
}

/**
 * Whether a case of the dossier waits for its report (any case that is not withdrawn, while the
 * dossier was not shared because of absence): kept on the dossier row so the placement rule sees it.
 * The row is written only when the answer changes.
 */
export async function refreshAbsencePending(tx: Tx, dossierId: string): Promise<void> {
  await tx.$executeRaw`
    UPDATE dossiers d SET absence_pending = p.pending, updated_at = now()
    FROM (SELECT EXISTS (SELECT 1 FROM absence_cases c
                         WHERE c.dossier_id = ${dossierId}::uuid AND c.status <> 'WITHDRAWN') AS pending) p
    WHERE d.id = ${dossierId}::uuid AND d.absence_pending IS DISTINCT FROM p.pending`;
}

/** Who and what an audit entry is about; `action` and the rest are added per entry. */
export type AuditBase = Omit<AuditInput, 'action' | 'reason' | 'details'>;

export interface AuditInput {
  employerId: string;
  dossierId?: string;
  actorType: 'connector' | 'system' | 'user';
  actorId: string;
  action: string;
  reason?: string;
  correlationId?: string;
  eventId?: string;
  details?: Record<string, string | number | boolean>;
}

/** Appends to the audit trail. `details` holds references and codes only, never personal data. */
export async function appendAudit(tx: Tx, entry: AuditInput): Promise<void> {
  await tx.auditEntry.create({
    data: {
      employerId: entry.employerId,
      dossierId: entry.dossierId ?? null,
      actorType: entry.actorType,
      actorId: entry.actorId,
      action: entry.action,
      reason: entry.reason ?? null,
      correlationId: entry.correlationId ?? null,
      eventId: entry.eventId ?? null,
      ...(entry.details === undefined ? {} : { details: entry.details }),
    },
  });
}

export async function enqueueOutbox(
  tx: Tx,
  message: {
    id: string;
    exchange: string;
    routingKey: string;
    payload: Record<string, unknown>;
    correlationId?: string;
  },
): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO outbox (id, exchange, routing_key, payload, correlation_id)
    VALUES (${message.id}::uuid, ${message.exchange}, ${message.routingKey}, ${JSON.stringify(message.payload)}::jsonb, ${message.correlationId ?? null})
    ON CONFLICT (id) DO NOTHING`;
}
