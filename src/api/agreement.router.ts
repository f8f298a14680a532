// Reading and accepting the processing agreement: the only calls an employer user may make before
// the agreement is accepted.
import { Router } from 'express';

import { contextOf } from '../http/request-context';
import type { Acceptance } from '../vault/agreement.service';
import { notFound } from '../vault/vault-refusal';
import { worksFor } from '../access/principal';
import { principalOf } from './authenticate.middleware';
import { bodyAs, employerParam } from './request-input';
import type { VaultApiDeps } from './vault-api.deps';

interface AcceptanceRequest {
  version: number;
  representative: { name: string; email: string };
}

export function createAgreementRouter(deps: VaultApiDeps): Router {
  const router = Router();

  router.get('/v1/employers/:employerId/agreement', async (req, res) => {
    const employerId = employerParam(req);
    if (!worksFor(principalOf(res), employerId)) throw notFound();
    const [agreement, status] = await Promise.all([
      deps.agreements.current(),
      deps.agreements.status(employerId),
    ]);
    if (status === null) throw notFound();
    res.json({ ...agreement, status });
  });

  router.post('/v1/employers/:employerId/agreement/acceptances', async (req, res) => {
    const employerId = employerParam(req);
    const user = principalOf(res);
    if (!worksFor(user, employerId)) throw notFound();
    const body = bodyAs<AcceptanceRequest>(req, 'AcceptanceRequest');
    const acceptance: Acceptance = {
      version: body.version,
      representativeName: body.representative.name,
      representativeEmail: body.representative.email,
    };
    const result = await deps.agreements.accept(user, employerId, acceptance, {
      correlationId: contextOf(res).correlationId,
      userDisplayName: await deps.displayNameOf(user.userId),
    });
    res.status(result.accepted ? 201 : 200).json(result);
  });

  router.put('/v1/employers/:employerId/agreement/representative', async (req, res) => {
    const employerId = employerParam(req);
    const body = bodyAs<{ name: string; email: string }>(req, 'Representative');
    const result = await deps.agreements.changeRepresentative(principalOf(res), employerId, body, {
      correlationId: contextOf(res).correlationId,
    });
    res.json(result);
  });

  return router;
}
