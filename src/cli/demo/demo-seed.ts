// The demo's employer: Testbedrijf Zonnebloem B.V. with its vault active and every employee in it,
// the fictitious cast of the sample messages plus two colleagues who stay healthy.
import type { Database } from '../../db/prisma-client';

export const DEMO_EMPLOYER = { id: 'zonnebloem', name: 'Testbedrijf Zonnebloem B.V.' };

export const DEMO_EMPLOYEES = [
  {
    externalId: '1042',
    initials: 'J',
    givenName: 'Jan',
    familyNamePrefix: 'de',
    familyName: 'Vries',
  },
  {
    externalId: '1077',
    initials: 'Z',
    givenName: 'Zoë',
    familyNamePrefix: 'van den',
    familyName: 'Berg-IJsselmuiden',
  },
  { externalId: '2003', initials: 'J', givenName: 'Jürgen', familyName: 'Öztürk' },
  { externalId: '0815', initials: 'S', givenName: 'Sanne', familyName: 'Jansen' },
  { externalId: '3001', initials: 'P', givenName: 'Pieter', familyName: 'Bakker' },
  { externalId: '3002', initials: 'F', givenName: 'Fatima', familyName: 'El Amrani' },
];

export async function seedDemo(db: Database): Promise<void> {
  await db.employer.create({
    data: { ...DEMO_EMPLOYER, vaultState: 'ACTIVE', vaultActivatedAt: new Date() },
  });
  await db.dossier.createMany({
    data: DEMO_EMPLOYEES.map((employee) => ({
      id: crypto.randomUUID(),
      employerId: DEMO_EMPLOYER.id,
      vaultState: 'IN_VAULT' as const,
      ...employee,
    })),
  });
}
