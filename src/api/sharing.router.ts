// Sharing by hand and ending that share: employer users who can see the dossier.
import { Router } from 'express';

import { contextOf } from '../http/request-context';
import { principalOf } from './authenticate.middleware';
import { bodyAs, employerParam, uuidParam } from './request-input';
import type { VaultApiDeps } from './vault-api.deps';

export function createSharingRouter(deps: VaultApiDeps): Router {
  const router = Router();

  router.post('/v1/employers/:employerId/dossiers/:dossierId/shares', async (req, res) => {
    const employerId = employerParam(req);
    const dossierId = uuidParam(req, 'dossierId');
    const { purpose } = bodyAs<{ purpose: string }>(req, 'ShareRequest');
    const result = await deps.sharing.share(principalOf(res), employerId, dossierId, purpose, {
      correlationId: contextOf(res).correlationId,
    });
    res.status(result.created ? 201 : 200).json(result);
  });

  router.delete('/v1/employers/:employerId/dossiers/:dossierId/shares/manual', async (req, res) => {
    const result = await deps.sharing.endShare(
      principalOf(res),
      employerParam(req),
      uuidParam(req, 'dossierId'),
      { correlationId: contextOf(res).correlationId },
    );
    res.json(result);
  });

  return router;
}
