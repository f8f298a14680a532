// A request the vault refuses because of its rules (not because something broke). The API turns
// the code into an HTTP answer (src/api/api-problems.ts); docs/ERRORS.md lists every code.

export const VAULT_REFUSAL_CODES = [
  'NOT_FOUND',
  'AGREEMENT_REQUIRED',
  'AGREEMENT_VERSION_OUTDATED',
  'VAULT_ADMIN_REQUIRED',
  'ROLE_NOT_ALLOWED',
  'LAST_VAULT_ADMIN',
  'DOSSIER_HAS_ABSENCE',
  'NO_MANUAL_SHARE',
  'IDEMPOTENCY_KEY_REUSED',
  'VALIDATION_FAILED',
  'ELEVATION_REQUIRED',
  'REASON_REQUIRED',
  'DEAD_LETTER_NOT_OPEN',
  'PAYLOAD_PURGED',
] as const;

export type VaultRefusalCode = (typeof VAULT_REFUSAL_CODES)[number];

export interface RefusalIssue {
  code: string;
  path: string;
  detail: string;
}

export class VaultRefusal extends Error {
  constructor(
    readonly code: VaultRefusalCode,
    message: string,
    readonly issues?: RefusalIssue[],
  ) {
    super(message);
    this.name = 'VaultRefusal';
  }
}

/** The one answer for "you may not see this": the same whether it exists or not. */
export const notFound = (): VaultRefusal =>
  new VaultRefusal('NOT_FOUND', 'No such record, or not for you.');
