import type { Authenticator } from '../access/authenticator';
import type { Logger } from '../shared/logger';
import type { DeadLetterOperations } from '../support/dead-letter.types';
import type { AgreementService } from '../vault/agreement.service';
import type { AuditQueries } from '../vault/audit-query.service';
import type { DossierQueries } from '../vault/dossier-query.repository';
import type { ManualEntryService } from '../vault/manual-entry.service';
import type { SharingService } from '../vault/sharing.service';
import type { VaultAdminService } from '../vault/vault-admin.service';

export interface Readiness {
  ready: boolean;
  reason?: string;
}

/** Everything the vault API needs, built in src/app (tests build their own). */
export interface VaultApiDeps {
  logger: Logger;
  authenticator: Authenticator;
  agreements: AgreementService;
  admin: VaultAdminService;
  dossiers: DossierQueries;
  sharing: SharingService;
  manualEntry: ManualEntryService;
  audit: AuditQueries;
  /** Dead letters for support staff (src/support/dead-letter.service.ts). */
  deadLetters: DeadLetterOperations;
  /** The display name of a user, for the agreement confirmation e-mail. */
  displayNameOf: (userId: string) => Promise<string>;
  isReady: () => Promise<Readiness>;
}
