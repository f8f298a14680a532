// Reading the audit trail. Employer-wide: the employer's vault admins and the support staff who
// serve the employer. Per employee: whoever may see that dossier (and the same admins and support).
// Entries hold references and codes, never personal data, so no redaction is needed here.
import type { Principal } from '../access/principal';
import { isVaultAdmin, worksFor } from '../access/principal';
import type { Database } from '../db/prisma-client';
import type { Prisma } from '../generated/prisma/client';
import { visibleDossiers } from './visibility';
import { notFound, VaultRefusal } from './vault-refusal';

export interface AuditFilter {
  dossierId?: string;
  action?: string;
  from?: Date;
  to?: Date;
  limit: number;
  /** The id of the last entry of the previous page (entries come newest first). */
  before?: bigint;
}

export interface AuditView {
  id: string;
  at: string;
  actorType: string;
  actorId: string;
  action: string;
  reason: string | null;
  dossierId: string | null;
  eventId: string | null;
  correlationId: string | null;
  details: unknown;
}

const seesWholeTrail = (user: Principal, employerId: string): boolean =>
  isVaultAdmin(user, employerId) ||
  (user.kind === 'SUPPORT_STAFF' && user.servedEmployers.includes(employerId));

export class AuditQueries {
  constructor(private readonly db: Database) {}

  /** The employer's trail (vault admins, support staff), optionally filtered to one dossier. */
  async list(
    user: Principal,
    employerId: string,
    filter: AuditFilter,
  ): Promise<{ items: AuditView[]; nextBefore: string | null }> {
    if (!worksFor(user, employerId)) throw notFound();
    if (!seesWholeTrail(user, employerId)) {
      if (filter.dossierId === undefined && user.kind !== 'EMPLOYER_USER')
        throw new VaultRefusal(
          'ROLE_NOT_ALLOWED',
          'Service staff read the audit trail per shared dossier.',
        );
      if (filter.dossierId === undefined)
        throw new VaultRefusal(
          'VAULT_ADMIN_REQUIRED',
          'The employer’s whole audit trail is for its vault admins; ask per dossier.',
        );
      await this.requireVisibleDossier(user, employerId, filter.dossierId);
    }
    return this.page(employerId, filter);
  }

  /** One dossier's trail: NOT_FOUND unless the dossier is this employer's and the user may see it. */
  async forDossier(
    user: Principal,
    employerId: string,
    dossierId: string,
    filter: Omit<AuditFilter, 'dossierId'>,
  ): Promise<{ items: AuditView[]; nextBefore: string | null }> {
    if (!worksFor(user, employerId)) throw notFound();
    if (seesWholeTrail(user, employerId)) {
      const exists = await this.db.dossier.findFirst({
        where: { id: dossierId, employerId },
        select: { id: true },
      });
      if (exists === null) throw notFound();
    } else await this.requireVisibleDossier(user, employerId, dossierId);
    return this.page(employerId, { ...filter, dossierId });
  }

  private async page(
    employerId: string,
    filter: AuditFilter,
  ): Promise<{ items: AuditView[]; nextBefore: string | null }> {
    const where: Prisma.AuditEntryWhereInput = {
      employerId,
      ...(filter.dossierId === undefined ? {} : { dossierId: filter.dossierId }),
      ...(filter.action === undefined ? {} : { action: filter.action }),
      ...(filter.before === undefined ? {} : { id: { lt: filter.before } }),
      createdAt: {
        ...(filter.from === undefined ? {} : { gte: filter.from }),
        ...(filter.to === undefined ? {} : { lt: filter.to }),
      },
    };
    const rows = await this.db.auditEntry.findMany({
      where,
      orderBy: { id: 'desc' },
      take: filter.limit + 1,
    });
    const page = rows.slice(0, filter.limit);
    const last = page.at(-1);
    return {
      items: page.map((row) => ({
        id: row.id.toString(),
        at: row.createdAt.toISOString(),
        actorType: row.actorType,
        actorId: row.actorId,
        action: row.action,
        reason: row.reason,
        dossierId: row.dossierId,
        eventId: row.eventId,
        correlationId: row.correlationId,
        details: row.details ?? null,
      })),
      nextBefore: rows.length > filter.limit && last !== undefined ? last.id.toString() : null,
    };
  }

  private async requireVisibleDossier(
    user: Principal,
    employerId: string,
    dossierId: string,
  ): Promise<void> {
    const visible = visibleDossiers(user, employerId);
    const found =
      visible === null
        ? null
        : await this.db.dossier.findFirst({
            where: { AND: [visible, { id: dossierId }] },
            select: { id: true },
          });
    if (found === null) throw notFound();
  }
}
