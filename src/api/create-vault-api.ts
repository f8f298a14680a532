// The vault API's HTTP app (no listen here: tests drive it directly). Everything under /v1 is
// authenticated; employer-scoped calls of employer users pass the agreement gate, except reading
// and accepting the agreement; every answer that is not a success is problem+json.
import express from 'express';
import type { NextFunction, Request, Response } from 'express';

import type { Problem } from '../http/problem';
import { sendProblem } from '../http/problem';
import { contextOf, requestContext } from '../http/request-context';
import { errorFields } from '../shared/logger';
import { GatewayError } from '../shared/errors';
import { classifyDatabaseError } from '../vault/database-errors';
import { VaultRefusal } from '../vault/vault-refusal';
import { agreementGate } from './agreement-gate.middleware';
import { createAgreementRouter } from './agreement.router';
import { ApiProblemError } from './api-error';
import { apiProblem } from './api-problems';
import { createAuditRouter } from './audit.router';
import { authenticate } from './authenticate.middleware';
import { VAULT_API_DOCUMENT } from './contract';
import { createDeadLettersRouter } from './dead-letters.router';
import { createDossiersRouter } from './dossiers.router';
import { createManualEntryRouter } from './manual-entry.router';
import { createMeRouter } from './me.router';
import { createSharingRouter } from './sharing.router';
import { createSupportPageRouter } from './support-page';
import type { VaultApiDeps } from './vault-api.deps';
import { createVaultUsersRouter } from './vault-users.router';

/** Personal data must not linger in caches or be framed or sniffed into something else. */
function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
  next();
}

/** body-parser's refusals (they carry a 4xx `status`): never a 5xx for the caller's bytes. */
function bodyProblem(error: unknown): Problem | undefined {
  const { type, status } = error as { type?: unknown; status?: unknown };
  if (type === 'entity.too.large' || status === 413) return apiProblem('PAYLOAD_TOO_LARGE');
  if (type === 'charset.unsupported' || type === 'encoding.unsupported' || status === 415)
    return apiProblem('UNSUPPORTED_MEDIA_TYPE');
  if (typeof status === 'number' && status >= 400 && status < 500)
    return apiProblem('INVALID_JSON');
  return undefined;
}

/** Bodies are JSON: anything else is refused before it is read; GET bodies are not read at all. */
function jsonBodies(): (req: Request, res: Response, next: NextFunction) => void {
  const parse = express.json({ limit: '64kb', strict: true, type: () => true });
  return (req, res, next) => {
    if (!['POST', 'PUT', 'PATCH'].includes(req.method)) {
      next();
      return;
    }
    const hasBody =
      req.get('transfer-encoding') !== undefined || Number(req.get('content-length') ?? 0) > 0;
    if (hasBody && req.is('application/json') !== 'application/json') {
      next(new ApiProblemError('UNSUPPORTED_MEDIA_TYPE'));
      return;
    }
    parse(req, res, next);
  };
}

/** What went wrong, as the caller should see it. Unknown errors say nothing about themselves. */
export function toProblem(error: unknown): { problem: Problem; expected: boolean } {
  if (error instanceof ApiProblemError) return { problem: apiProblem(error.code), expected: true };
  if (error instanceof VaultRefusal)
    return {
      problem: apiProblem(error.code, {
        detail: error.message,
        ...(error.issues === undefined ? {} : { issues: error.issues }),
      }),
      expected: true,
    };
  // A malformed escape in the path (%E0%A4%A): no such record, like any other path that is wrong.
  if (error instanceof URIError) return { problem: apiProblem('NOT_FOUND'), expected: true };
  const clientError = bodyProblem(error);
  if (clientError !== undefined) return { problem: clientError, expected: true };
  const gateway = error instanceof GatewayError ? error : classifyDatabaseError(error);
  if (gateway.code === 'CASE_OF_OTHER_EMPLOYEE')
    return { problem: apiProblem('CASE_OF_OTHER_EMPLOYEE'), expected: true };
  if (gateway.code === 'EMPLOYER_UNKNOWN')
    return { problem: apiProblem('NOT_FOUND'), expected: true };
  if (gateway.retryable)
    return {
      problem: apiProblem('SERVICE_UNAVAILABLE', { retryAfterSeconds: 5 }),
      expected: false,
    };
  return { problem: apiProblem('INTERNAL_ERROR'), expected: false };
}

export function createVaultApi(deps: VaultApiDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(requestContext(deps.logger));
  app.use(securityHeaders);
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const readiness = await deps.isReady();
    res.status(readiness.ready ? 200 : 503).json({
      status: readiness.ready ? 'ready' : 'not-ready',
      ...(readiness.reason === undefined ? {} : { reason: readiness.reason }),
    });
  });
  app.get('/openapi.json', (_req, res) => {
    res.json(VAULT_API_DOCUMENT);
  });
  app.use(createSupportPageRouter());
  app.use('/v1', authenticate(deps.authenticator));
  app.use('/v1', jsonBodies());
  app.use(createMeRouter(deps));
  app.use(createAgreementRouter(deps));
  app.use('/v1/employers/:employerId', agreementGate(deps.agreements));
  app.use(createVaultUsersRouter(deps));
  app.use(createDossiersRouter(deps));
  app.use(createSharingRouter(deps));
  app.use(createManualEntryRouter(deps));
  app.use(createAuditRouter(deps));
  app.use(createDeadLettersRouter(deps));
  app.use((_req: Request, res: Response) => {
    sendProblem(
      res,
      apiProblem('NOT_FOUND', { detail: 'No such endpoint.' }),
      contextOf(res).correlationId,
    );
  });
  app.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const context = contextOf(res);
    const { problem, expected } = toProblem(error);
    const fields = {
      method: req.method,
      // The route, not the raw path: a path can hold an employee number.
      route: (req.route as { path?: string } | undefined)?.path ?? 'unmatched',
      status: problem.status,
      code: problem.code,
    };
    if (expected) context.log.info('request refused', fields);
    else context.log.error('request failed', { ...fields, ...errorFields(error) });
    if (problem.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="datakluis-vault"');
    sendProblem(res, problem, context.correlationId);
  });
  return app;
}
