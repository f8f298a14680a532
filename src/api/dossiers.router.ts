// Dossiers as the caller may see them: list, search, count, read. Who sees what is decided by the
// visibility policy inside the queries (src/vault/visibility.ts).
import { Router } from 'express';

import { notFound } from '../vault/vault-refusal';
import { principalOf } from './authenticate.middleware';
import { employerParam, QueryReader, uuidParam } from './request-input';
import type { VaultApiDeps } from './vault-api.deps';

const VAULT_STATES = ['IN_VAULT', 'OUTSIDE_VAULT', 'SHARED'] as const;

export function createDossiersRouter(deps: VaultApiDeps): Router {
  const router = Router();

  router.get('/v1/employers/:employerId/dossiers', async (req, res) => {
    const employerId = employerParam(req);
    const query = new QueryReader(req);
    const search = query.string('q', 100);
    const vaultState = query.oneOf('vaultState', VAULT_STATES);
    const limit = query.integer('limit', 1, 200, 50);
    const after = query.uuid('after');
    query.done();
    const page = await deps.dossiers.list(principalOf(res), employerId, {
      limit,
      ...(search === undefined ? {} : { search }),
      ...(vaultState === undefined ? {} : { vaultState }),
      ...(after === undefined ? {} : { after }),
    });
    res.json({ items: page.items, total: page.total, next: page.nextAfter });
  });

  router.get('/v1/employers/:employerId/dossiers/counts', async (req, res) => {
    const counts = await deps.dossiers.count(principalOf(res), employerParam(req));
    res.json({ counts });
  });

  router.get('/v1/employers/:employerId/dossiers/:dossierId', async (req, res) => {
    const dossier = await deps.dossiers.get(
      principalOf(res),
      employerParam(req),
      uuidParam(req, 'dossierId'),
    );
    if (dossier === null) throw notFound();
    res.json(dossier);
  });

  return router;
}
