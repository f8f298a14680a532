// Wires the vault API process: database, access, the vault's services and the HTTP app.
import type { Server } from 'node:http';

import { UserRepository } from '../access/user.repository';
import { UserTokenAuthenticator } from '../access/user-tokens';
import { createVaultApi } from '../api/create-vault-api';
import type { VaultApiDeps } from '../api/vault-api.deps';
import type { GatewayConfig } from '../config/env';
import type { Database } from '../db/prisma-client';
import { closeServer, listen } from '../http/close-server';
import type { Logger } from '../shared/logger';
import type { DeadLetterOperations } from '../support/dead-letter.types';
import { AgreementService } from '../vault/agreement.service';
import { AuditQueries } from '../vault/audit-query.service';
import { DossierQueries } from '../vault/dossier-query.repository';
import { ManualEntryService } from '../vault/manual-entry.service';
import { SharingService } from '../vault/sharing.service';
import { VaultAdminService } from '../vault/vault-admin.service';
import { VaultService } from '../vault/vault.service';
import { startDeadLetterReplays } from './dead-letter-worker';
import { databaseCheck, databaseFor } from './wiring';

export interface RunningVaultApi {
  url: string;
  server: Server;
  stop(): Promise<void>;
}

/** The API's dependencies on one database (tests use this with their own app). */
export function vaultApiDeps(
  db: Database,
  logger: Logger,
  deadLetters: DeadLetterOperations,
): VaultApiDeps {
  const users = new UserRepository(db);
  const databaseAnswers = databaseCheck(db);
  return {
    logger,
    authenticator: new UserTokenAuthenticator(db),
    agreements: new AgreementService(db),
    admin: new VaultAdminService(db),
    dossiers: new DossierQueries(db),
    sharing: new SharingService(db),
    manualEntry: new ManualEntryService(db, new VaultService(db)),
    audit: new AuditQueries(db),
    deadLetters,
    displayNameOf: async (userId) => (await users.findById(userId))?.displayName ?? userId,
    isReady: async () =>
      (await databaseAnswers())
        ? { ready: true }
        : { ready: false, reason: 'the database does not answer' },
  };
}

export async function startVaultApi(
  config: GatewayConfig,
  logger: Logger,
): Promise<RunningVaultApi> {
  const log = logger.child({ component: 'vault-api' });
  const db = databaseFor(config);
  // Replays from the support tooling publish through a connection of the API's own.
  const replays = startDeadLetterReplays(config, log, db);
  const app = createVaultApi(vaultApiDeps(db, log, replays.service));
  const { server, port } = await listen(app, config.apiPort, config.host).catch(
    async (error: unknown) => {
      await replays.stop();
      await db.$disconnect();
      throw error;
    },
  );
  log.info('vault API listening', { host: config.host, port });
  return {
    url: `http://${config.host}:${port}`,
    server,
    async stop() {
      await closeServer(server, 5000);
      await replays.stop();
      await db.$disconnect();
    },
  };
}
