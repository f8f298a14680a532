// Sharing by hand and absence reports entered by hand: employer users only.
import { Router } from 'express';

import { contextOf } from '../http/request-context';
import type { ManualAbsenceReport } from '../vault/sharing.service';
import { VaultRefusal } from '../vault/vault-refusal';
import { principalOf } from './authenticate.middleware';
import { bodyAs, employerParam, uuidParam } from './request-input';
import type { VaultApiDeps } from './vault-api.deps';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,128}$/;

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

  router.post('/v1/employers/:employerId/absences', async (req, res) => {
    const employerId = employerParam(req);
    const key = req.get('idempotency-key');
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key))
      throw new VaultRefusal('VALIDATION_FAILED', 'Invalid Idempotency-Key.', [
        {
          code: 'INVALID_HEADER',
          path: 'header:Idempotency-Key',
          detail: 'use 1 to 128 of A-Z a-z 0-9 . _ : -',
        },
      ]);
    const report = bodyAs<ManualAbsenceReport>(req, 'AbsenceReportRequest');
    const result = await deps.sharing.reportAbsence(principalOf(res), employerId, report, {
      correlationId: contextOf(res).correlationId,
      ...(key === undefined ? {} : { idempotencyKey: key }),
    });
    res.status(result.outcome === 'applied' ? 201 : 200).json(result);
  });

  return router;
}
