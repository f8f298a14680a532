// What employer users enter by hand: sick reports and employees' master data.
import { Router } from 'express';
import type { Request } from 'express';

import { contextOf } from '../http/request-context';
import type { ManualAbsenceReport, ManualEmployee } from '../vault/manual-entry.service';
import { VaultRefusal } from '../vault/vault-refusal';
import { principalOf } from './authenticate.middleware';
import { bodyAs, employerParam } from './request-input';
import type { VaultApiDeps } from './vault-api.deps';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,128}$/;

function idempotencyKey(req: Request): string | undefined {
  const key = req.get('idempotency-key');
  if (key !== undefined && !IDEMPOTENCY_KEY.test(key))
    throw new VaultRefusal('VALIDATION_FAILED', 'Invalid Idempotency-Key.', [
      {
        code: 'INVALID_HEADER',
        path: 'header:Idempotency-Key',
        detail: 'use 1 to 128 of A-Z a-z 0-9 . _ : -',
      },
    ]);
  return key;
}

export function createManualEntryRouter(deps: VaultApiDeps): Router {
  const router = Router();

  router.post('/v1/employers/:employerId/absences', async (req, res) => {
    const employerId = employerParam(req);
    const key = idempotencyKey(req);
    const report = bodyAs<ManualAbsenceReport>(req, 'AbsenceReportRequest');
    const result = await deps.manualEntry.reportAbsence(principalOf(res), employerId, report, {
      correlationId: contextOf(res).correlationId,
      ...(key === undefined ? {} : { idempotencyKey: key }),
    });
    res.status(result.outcome === 'applied' ? 201 : 200).json(result);
  });

  router.post('/v1/employers/:employerId/employees', async (req, res) => {
    const employerId = employerParam(req);
    const key = idempotencyKey(req);
    const employee = bodyAs<ManualEmployee>(req, 'EmployeeRequest');
    const result = await deps.manualEntry.registerEmployee(principalOf(res), employerId, employee, {
      correlationId: contextOf(res).correlationId,
      ...(key === undefined ? {} : { idempotencyKey: key }),
    });
    res.status(result.outcome === 'applied' ? 201 : 200).json(result);
  });

  return router;
}
