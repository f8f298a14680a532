// Reading dossiers for a user. Every function takes the viewer and applies the visibility policy
// inside the query; there is no way to read a dossier for a user without it.
import type { Principal } from '../access/principal';
import { worksFor } from '../access/principal';
import type { Database } from '../db/prisma-client';
import type { Prisma } from '../generated/prisma/client';
import { notFound } from './vault-refusal';
import { visibleDossiers, visibleStates } from './visibility';

export interface DossierSummary {
  id: string;
  externalId: string;
  initials: string | null;
  givenName: string | null;
  familyNamePrefix: string | null;
  familyName: string | null;
  vaultState: 'IN_VAULT' | 'OUTSIDE_VAULT' | 'SHARED';
  sharedBecauseOfAbsence: boolean;
  sharedAt: string | null;
}

export interface DossierDetail extends DossierSummary {
  bsn: string | null;
  birthDate: string | null;
  email: string | null;
  shares: {
    id: string;
    reason: 'ABSENCE' | 'MANUAL';
    purpose: string | null;
    connectorId: string | null;
    userId: string | null;
    createdAt: string;
    endedAt: string | null;
  }[];
  cases: {
    id: string;
    connectorId: string;
    sourceCaseId: string;
    status: 'OPEN' | 'RECOVERED' | 'WITHDRAWN';
    startDate: string | null;
    expectedReturnDate: string | null;
    recoveryDate: string | null;
    incapacity: { from: string; percentage: number }[];
  }[];
}

export interface DossierFilter {
  /** An employee number (exact) or part of a name (case-insensitive). */
  search?: string;
  vaultState?: DossierSummary['vaultState'];
  limit: number;
  /** The last id of the previous page. */
  after?: string;
}

const SUMMARY_SELECT = {
  id: true,
  externalId: true,
  initials: true,
  givenName: true,
  familyNamePrefix: true,
  familyName: true,
  vaultState: true,
  absenceShared: true,
  sharedAt: true,
} as const;

type SummaryRow = Prisma.DossierGetPayload<{ select: typeof SUMMARY_SELECT }>;

const isoDay = (value: Date | null): string | null =>
  value === null ? null : value.toISOString().slice(0, 10);

function toSummary(row: SummaryRow): DossierSummary {
  return {
    id: row.id,
    externalId: row.externalId,
    initials: row.initials,
    givenName: row.givenName,
    familyNamePrefix: row.familyNamePrefix,
    familyName: row.familyName,
    vaultState: row.vaultState,
    sharedBecauseOfAbsence: row.absenceShared,
    sharedAt: row.sharedAt?.toISOString() ?? null,
  };
}

/** `%`, `_` and `\\` are wildcards in LIKE: a search is for the text as typed. */
const literal = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Every word of the search must match: an employee number exactly, or part of a name (case
 * insensitive), so "Jan de Vries" finds Jan de Vries.
 */
function searchFilter(search: string | undefined): Prisma.DossierWhereInput {
  const words = (search ?? '').split(/\s+/).filter((word) => word !== '');
  return {
    AND: words.map((word) => ({
      OR: [
        { externalId: word },
        { initials: { contains: literal(word), mode: 'insensitive' as const } },
        { givenName: { contains: literal(word), mode: 'insensitive' as const } },
        { familyNamePrefix: { contains: literal(word), mode: 'insensitive' as const } },
        { familyName: { contains: literal(word), mode: 'insensitive' as const } },
      ],
    })),
  };
}

/**
 * The policy's filter; NOT_FOUND for an employer the viewer does not work for (as if it did not
 * exist), null for a viewer who works for it but may see no dossiers (support staff: an empty list).
 */
function visibleTo(viewer: Principal, employerId: string): Prisma.DossierWhereInput | null {
  if (!worksFor(viewer, employerId)) throw notFound();
  return visibleDossiers(viewer, employerId);
}

export class DossierQueries {
  constructor(private readonly db: Database) {}

  /** One page of the dossiers the viewer may see, and how many match in all. */
  async list(
    viewer: Principal,
    employerId: string,
    filter: DossierFilter,
  ): Promise<{ items: DossierSummary[]; total: number; nextAfter: string | null }> {
    const visible = visibleTo(viewer, employerId);
    if (visible === null) return { items: [], total: 0, nextAfter: null };
    const where: Prisma.DossierWhereInput = {
      AND: [
        visible,
        searchFilter(filter.search),
        filter.vaultState === undefined ? {} : { vaultState: filter.vaultState },
      ],
    };
    // Ordered by employee number; the cursor is the last dossier's id (never the number itself,
    // which is personal data and would end up in URLs and access logs).
    const after =
      filter.after === undefined
        ? undefined
        : await this.db.dossier.findFirst({
            where: { AND: [visible, { id: filter.after }] },
            select: { externalId: true },
          });
    const page: Prisma.DossierWhereInput =
      after === undefined || after === null
        ? where
        : { AND: [where, { externalId: { gt: after.externalId } }] };
    const [rows, total] = await Promise.all([
      this.db.dossier.findMany({
        where: page,
        orderBy: { externalId: 'asc' },
        take: filter.limit + 1,
        select: SUMMARY_SELECT,
      }),
      this.db.dossier.count({ where }),
    ]);
    const items = rows.slice(0, filter.limit);
    const last = items.at(-1);
    return {
      items: items.map(toSummary),
      total,
      nextAfter: rows.length > filter.limit && last !== undefined ? last.id : null,
    };
  }

  /** How many dossiers the viewer may see (per vault state, where they may see that state). */
  async count(viewer: Principal, employerId: string): Promise<Record<string, number>> {
    const visible = visibleTo(viewer, employerId);
    if (visible === null) return {};
    const groups = await this.db.dossier.groupBy({
      by: ['vaultState'],
      where: visible,
      _count: { _all: true },
    });
    // Every state the viewer may see is named, also when it holds none; the others never are.
    const counts: Record<string, number> = Object.fromEntries(
      visibleStates(viewer).map((state) => [state, 0]),
    );
    for (const group of groups) counts[group.vaultState] = group._count._all;
    return counts;
  }

  /** One dossier with its shares and cases, or null when it does not exist for this viewer. */
  async get(
    viewer: Principal,
    employerId: string,
    dossierId: string,
  ): Promise<DossierDetail | null> {
    const visible = visibleDossiers(viewer, employerId);
    if (visible === null) return null;
    const row = await this.db.dossier.findFirst({
      where: { AND: [visible, { id: dossierId }] },
      select: {
        ...SUMMARY_SELECT,
        bsn: true,
        birthDate: true,
        email: true,
        shares: { orderBy: { createdAt: 'asc' } },
        cases: {
          orderBy: { createdAt: 'asc' },
          include: { steps: { orderBy: { fromDate: 'asc' } } },
        },
      },
    });
    if (row === null) return null;
    return {
      ...toSummary(row),
      bsn: row.bsn,
      birthDate: isoDay(row.birthDate),
      email: row.email,
      shares: row.shares.map((share) => ({
        id: share.id,
        reason: share.reason,
        purpose: share.purpose,
        connectorId: share.connectorId,
        userId: share.userId,
        createdAt: share.createdAt.toISOString(),
        endedAt: share.endedAt?.toISOString() ?? null,
      })),
      cases: row.cases.map((absenceCase) => ({
        id: absenceCase.id,
        connectorId: absenceCase.connectorId,
        sourceCaseId: absenceCase.sourceCaseId,
        status: absenceCase.status,
        startDate: isoDay(absenceCase.startDate),
        expectedReturnDate: isoDay(absenceCase.expectedReturnDate),
        recoveryDate: isoDay(absenceCase.recoveryDate),
        incapacity: absenceCase.steps.map((step) => ({
          from: isoDay(step.fromDate) ?? '',
          percentage: step.percentage.toNumber(),
        })),
      })),
    };
  }
}
