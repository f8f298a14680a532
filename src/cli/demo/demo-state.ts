// Reads what the demo reports: per employee the dossier state and its absence cases.
import type { Database } from '../../db/prisma-client';

export interface EmployeeState {
  externalId: string;
  vaultState: string;
  absenceShared: boolean;
  cases: {
    connectorId: string;
    caseId: string;
    status: string;
    startDate: string | null;
    recoveryDate: string | null;
    expectedReturnDate: string | null;
    timeline: string;
  }[];
}

const day = (d: Date | null): string | null => (d === null ? null : d.toISOString().slice(0, 10));

export async function readEmployeeStates(
  db: Database,
  employerId: string,
): Promise<Map<string, EmployeeState>> {
  const dossiers = await db.dossier.findMany({
    where: { employerId },
    orderBy: { externalId: 'asc' },
    include: {
      cases: {
        include: { steps: { orderBy: { fromDate: 'asc' } } },
        orderBy: [{ connectorId: 'asc' }, { sourceCaseId: 'asc' }],
      },
    },
  });
  const states = new Map<string, EmployeeState>();
  for (const d of dossiers) {
    states.set(d.externalId, {
      externalId: d.externalId,
      vaultState: d.vaultState,
      absenceShared: d.absenceShared,
      cases: d.cases.map((c) => ({
        connectorId: c.connectorId,
        caseId: c.sourceCaseId,
        status: c.status,
        startDate: day(c.startDate),
        recoveryDate: day(c.recoveryDate),
        expectedReturnDate: day(c.expectedReturnDate),
        timeline: c.steps.map((s) => `${day(s.fromDate)} ${Number(s.percentage)}%`).join(' → '),
      })),
    });
  }
  return states;
}
