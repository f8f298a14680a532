// The audit trail, per employer (vault admins, support staff) and per dossier (whoever sees it).
import { Router } from 'express';
import type { Request } from 'express';

import type { AuditFilter } from '../vault/audit-query.service';
import { principalOf } from './authenticate.middleware';
import { employerParam, QueryReader, uuidParam } from './request-input';
import type { VaultApiDeps } from './vault-api.deps';

function auditFilter(req: Request, dossierId: string | undefined): AuditFilter {
  const query = new QueryReader(req);
  const limit = query.integer('limit', 1, 200, 50);
  const before = query.rowId('before');
  const action = query.string('action', 64);
  const from = query.instant('from');
  const to = query.instant('to');
  query.done();
  return {
    limit,
    ...(dossierId === undefined ? {} : { dossierId }),
    ...(before === undefined ? {} : { before }),
    ...(action === undefined ? {} : { action }),
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
  };
}

export function createAuditRouter(deps: VaultApiDeps): Router {
  const router = Router();
  router.get('/v1/employers/:employerId/audit', async (req, res) => {
    const query = new QueryReader(req);
    const dossierId = query.uuid('dossierId');
    query.done();
    res.json(
      await deps.audit.list(principalOf(res), employerParam(req), auditFilter(req, dossierId)),
    );
  });

  router.get('/v1/employers/:employerId/dossiers/:dossierId/audit', async (req, res) => {
    const employerId = employerParam(req);
    const dossierId = uuidParam(req, 'dossierId');
    res.json(
      await deps.audit.forDossier(
        principalOf(res),
        employerId,
        dossierId,
        auditFilter(req, undefined),
      ),
    );
  });

  return router;
}
