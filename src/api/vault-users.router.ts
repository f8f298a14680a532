// Vault administration: who of the employer's users sees inside the vault, and who manages that.
import { Router } from 'express';

import type { VaultRole } from '../access/principal';
import { contextOf } from '../http/request-context';
import { principalOf } from './authenticate.middleware';
import { bodyAs, employerParam, uuidParam } from './request-input';
import type { VaultApiDeps } from './vault-api.deps';

export function createVaultUsersRouter(deps: VaultApiDeps): Router {
  const router = Router();

  router.get('/v1/employers/:employerId/users', async (req, res) => {
    const items = await deps.admin.colleagues(principalOf(res), employerParam(req));
    res.json({ items });
  });

  router.put('/v1/employers/:employerId/users/:userId/vault-role', async (req, res) => {
    const employerId = employerParam(req);
    const userId = uuidParam(req, 'userId');
    const { role } = bodyAs<{ role: VaultRole }>(req, 'VaultRoleRequest');
    const result = await deps.admin.setVaultRole(principalOf(res), employerId, userId, role, {
      correlationId: contextOf(res).correlationId,
    });
    res.json(result);
  });

  return router;
}
