import { Router } from 'express';

import { principalOf } from './authenticate.middleware';
import type { VaultApiDeps } from './vault-api.deps';

/** Who the caller is; for employer users also whether the agreement waits (their "first login"). */
export function createMeRouter(deps: VaultApiDeps): Router {
  const router = Router();
  router.get('/v1/me', async (_req, res) => {
    const user = principalOf(res);
    const agreement =
      user.employerId === null ? null : await deps.agreements.status(user.employerId);
    res.json({
      userId: user.userId,
      kind: user.kind,
      employerId: user.employerId,
      vaultRole: user.vaultRole,
      servedEmployers: user.servedEmployers,
      supportElevated: user.supportElevated,
      ...(agreement === null ? {} : { agreement }),
    });
  });
  return router;
}
