// Sharing by hand: an employer user who can see a dossier shares it with the service for a stated
// purpose, and may end that share while the employee has no absence (the nightly processing then
// returns the dossier to the vault). Reports and employee data entered by hand are in
// manual-entry.service.ts.
import { randomUUID } from 'node:crypto';

import type { Principal } from '../access/principal';
import type { Database } from '../db/prisma-client';
import { buildDossierSharedEvent } from './dossier-shared-event';
import { hasAbsenceHistory } from './placement.repository';
import { appendAudit, enqueueOutbox } from './vault.repository';
import type { Tx } from './vault.repository';
import { visibleDossiers } from './visibility';
import { notFound, VaultRefusal } from './vault-refusal';

export interface ManualShareResult {
  shareId: string;
  dossierId: string;
  /** False when an active manual share already existed (it is returned, nothing new happened). */
  created: boolean;
}

interface Context {
  correlationId?: string;
}

const auditContext = (context: Context) =>
  context.correlationId === undefined ? {} : { correlationId: context.correlationId };

export function requireEmployerUser(user: Principal, employerId: string): void {
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
  constructor(private readonly db: Database) {}

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
}
