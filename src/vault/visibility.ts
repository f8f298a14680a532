// THE visibility policy: which dossiers a user may see. Every read of dossiers for a user (list,
// read, search, count) goes through `visibleDossiers`, in the database query itself, so a dossier
// a user may not see never leaves PostgreSQL — not its name, not its id, not in a count.
import type { Principal } from '../access/principal';
import type { Prisma } from '../generated/prisma/client';

/**
 * The filter on dossiers of `employerId` that `viewer` may see, or null when they may see none:
 * - employer users: their employer's dossiers outside the vault (shared or not);
 * - vault access and vault admins: also those inside their employer's vault;
 * - service staff: only dossiers shared with the service, of employers they serve;
 * - support staff: no dossier contents at all;
 * - anyone, for an employer they do not work for: nothing.
 */
export function visibleDossiers(
  viewer: Principal,
  employerId: string,
): Prisma.DossierWhereInput | null {
  switch (viewer.kind) {
    case 'EMPLOYER_USER':
      if (viewer.employerId !== employerId) return null;
      return viewer.vaultRole === 'NONE'
        ? { employerId, vaultState: { in: ['OUTSIDE_VAULT', 'SHARED'] } }
        : { employerId };
    case 'SERVICE_STAFF':
      return viewer.servedEmployers.includes(employerId)
        ? { employerId, vaultState: 'SHARED' }
        : null;
    case 'SUPPORT_STAFF':
      return null;
  }
}

/** The vault states whose dossiers `viewer` may see at an employer they work for. */
export function visibleStates(viewer: Principal): ('IN_VAULT' | 'OUTSIDE_VAULT' | 'SHARED')[] {
  switch (viewer.kind) {
    case 'EMPLOYER_USER':
      return viewer.vaultRole === 'NONE'
        ? ['OUTSIDE_VAULT', 'SHARED']
        : ['IN_VAULT', 'OUTSIDE_VAULT', 'SHARED'];
    case 'SERVICE_STAFF':
      return ['SHARED'];
    case 'SUPPORT_STAFF':
      return [];
  }
}
