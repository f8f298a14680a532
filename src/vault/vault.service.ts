// What a canonical event does to the vault: one transaction per event, idempotent by event id.
// An absence shares the employee's dossier with the service for good; master data lands in the
// vault when the employer's vault is active. Events arriving out of order end in the same state.
import type { CanonicalEvent } from '../canonical/generated/canonical-event';
import type { AbsenceEvent } from '../canonical/event-types';
import { isAbsenceEvent, shortEventType } from '../canonical/event-types';
import type { Database } from '../db/prisma-client';
import { GatewayError, PermanentError } from '../shared/errors';
import { foldCase, sharesDossier } from './case-fold';
import { classifyDatabaseError } from './database-errors';
import { buildDossierSharedEvent } from './dossier-shared-event';
import * as placement from './placement.repository';
import * as repo from './vault.repository';
import type { DossierState, Tx } from './vault.repository';

export type ApplyOutcome = 'applied' | 'duplicate';

export interface ApplyContext {
  correlationId?: string;
  /** Who entered the event when it did not come from a connector (a manual report in the API). */
  user?: { id: string };
}

/** Where a dossier that did not exist yet starts, when this event creates it. */
function initialPlacement(event: CanonicalEvent, vaultActive: boolean): DossierState {
  if (isAbsenceEvent(event) && sharesDossier(event.type)) return 'SHARED';
  return vaultActive ? 'IN_VAULT' : 'OUTSIDE_VAULT';
}

function connectorOf(event: CanonicalEvent): string {
  return event.source.replace(/^\/connectors\//, '');
}

export class VaultService {
  constructor(private readonly db: Database) {}

  /** Applies one event exactly once in effect. Throws TransientError or PermanentError. */
  async apply(event: CanonicalEvent, context: ApplyContext = {}): Promise<ApplyOutcome> {
    try {
      return await this.db.$transaction(async (tx) => {
        if (!(await repo.markProcessed(tx, event.id, event.type, event.employerid)))
          return 'duplicate';
        const employer = await repo.findEmployer(tx, event.employerid);
        if (employer === null)
          throw new PermanentError(
            'EMPLOYER_UNKNOWN',
            'the event names an employer the vault does not know',
          );
        const placement = initialPlacement(event, employer.vaultState === 'ACTIVE');
        const externalId = event.data.employee.externalId;
        const { dossier, created } = await repo.lockOrCreateDossier(
          tx,
          event.employerid,
          externalId,
          placement,
        );
        const audit: repo.AuditBase = {
          employerId: event.employerid,
          dossierId: dossier.id,
          ...(context.user === undefined
            ? { actorType: 'connector' as const, actorId: connectorOf(event) }
            : { actorType: 'user' as const, actorId: context.user.id }),
          eventId: event.id,
          ...(context.correlationId === undefined ? {} : { correlationId: context.correlationId }),
        };
        if (created)
          await repo.appendAudit(tx, {
            ...audit,
            action: 'dossier.created',
            details: { placement },
          });
        if (isAbsenceEvent(event)) await this.applyAbsence(tx, event, dossier, created, audit);
        else await this.applyMasterData(tx, event, dossier, audit);
        return 'applied';
      });
    } catch (error) {
      if (error instanceof GatewayError) throw error;
      throw classifyDatabaseError(error);
    }
  }

  private async applyAbsence(
    tx: Tx,
    event: AbsenceEvent,
    dossier: repo.DossierRow,
    created: boolean,
    audit: repo.AuditBase,
  ): Promise<void> {
    const connectorId = connectorOf(event);
    if (sharesDossier(event.type) && (created || !dossier.absence_shared)) {
      await repo.shareBecauseOfAbsence(tx, {
        dossierId: dossier.id,
        employerId: event.employerid,
        connectorId,
        eventId: event.id,
        ...(audit.actorType === 'user' ? { userId: audit.actorId } : {}),
      });
      await repo.appendAudit(tx, {
        ...audit,
        action: 'dossier.shared',
        reason: 'absence',
        details: { previousState: created ? 'NEW' : dossier.vault_state },
      });
      const shared = buildDossierSharedEvent({
        employerId: event.employerid,
        dossierId: dossier.id,
        reason: 'absence',
        connectorId,
        causedBy: event.id,
      });
      await repo.enqueueOutbox(tx, {
        id: shared.id,
        exchange: 'vault',
        routingKey: 'vault.dossier.shared',
        payload: { ...shared },
        ...(audit.correlationId === undefined ? {} : { correlationId: audit.correlationId }),
      });
    }
    const absenceCase = await repo.lockOrCreateCase(tx, {
      employerId: event.employerid,
      dossierId: dossier.id,
      connectorId,
      sourceCaseId: event.data.case.caseId,
    });
    if (absenceCase.dossierId !== dossier.id) {
      // A source case id names one employee's absence; another employee under the same id is a
      // mistake at the source, and applying it would rewrite someone else's case.
      throw new PermanentError(
        'CASE_OF_OTHER_EMPLOYEE',
        'the case id is already used for another employee of this employer',
      );
    }
    await repo.addCaseEvent(tx, {
      caseId: absenceCase.id,
      eventId: event.id,
      type: event.type,
      sequence: event.data.case.sequence ?? null,
      occurredAt: new Date(event.time),
      facts: event.data.absence,
    });
    const state = foldCase(await repo.loadCaseEvents(tx, absenceCase.id));
    await repo.writeCaseState(tx, absenceCase.id, state);
    await repo.refreshAbsencePending(tx, dossier.id);
    await repo.appendAudit(tx, {
      ...audit,
      action: shortEventType(event.type),
      details: { caseId: absenceCase.id, caseStatus: state.status },
    });
  }

  private async applyMasterData(
    tx: Tx,
    event: Extract<CanonicalEvent, { type: 'nl.datakluis.employee.upserted' }>,
    dossier: repo.DossierRow,
    audit: repo.AuditBase,
  ): Promise<void> {
    const time = new Date(event.time);
    // Data arriving for an employee outside an active vault puts the dossier in it at once, by the
    // nightly's rule (no absence, no running manual share), even when this copy is stale.
    if (
      dossier.vault_state === 'OUTSIDE_VAULT' &&
      (await placement.placeIfEligible(tx, dossier.id))
    )
      await repo.appendAudit(tx, {
        ...audit,
        action: 'dossier.placed',
        details: { previousState: 'OUTSIDE_VAULT' },
      });
    // An older copy of the master data never overwrites a newer one.
    if (dossier.master_data_time !== null && dossier.master_data_time > time) return;
    await repo.updateMasterData(tx, dossier.id, event.data.employee, time);
    await repo.appendAudit(tx, { ...audit, action: 'dossier.master-data-updated' });
  }
}
