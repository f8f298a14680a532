// Who is asking: the user behind an API request, with the roles and employers that decide what they
// may see and do. Built fresh for every request, so a revoked role takes effect at once.

export type UserKind = 'EMPLOYER_USER' | 'SERVICE_STAFF' | 'SUPPORT_STAFF';
export type VaultRole = 'NONE' | 'ACCESS' | 'ADMIN';

export interface Principal {
  userId: string;
  kind: UserKind;
  /** An employer user's one employer; null for service and support staff. */
  employerId: string | null;
  /** An employer user's place in the vault; always NONE for staff. */
  vaultRole: VaultRole;
  /** The employers a service or support staff member works for; empty for employer users. */
  servedEmployers: readonly string[];
  /** Support staff who may reveal redacted personal data (with a reason, audited). */
  supportElevated: boolean;
}

/** True when the principal works for (employer users: belongs to) this employer. */
export function worksFor(principal: Principal, employerId: string): boolean {
  return principal.kind === 'EMPLOYER_USER'
    ? principal.employerId === employerId
    : principal.servedEmployers.includes(employerId);
}

/** Vault access and vault admins see inside their employer's vault. */
export function seesInsideVault(principal: Principal): boolean {
  return principal.kind === 'EMPLOYER_USER' && principal.vaultRole !== 'NONE';
}

export function isVaultAdmin(principal: Principal, employerId: string): boolean {
  return (
    principal.kind === 'EMPLOYER_USER' &&
    principal.employerId === employerId &&
    principal.vaultRole === 'ADMIN'
  );
}
