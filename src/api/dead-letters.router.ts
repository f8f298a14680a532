// Dead letters for support staff: list and group, show (redacted), reveal (elevated, with a
// reason), replay, edit-and-replay, bulk replay and discard. Who may do what, redaction and the
// audit entries are the dead-letter service's work; this reads and checks the request against the
// contract and hands it over. Nothing of a request's body or of a payload is logged here.
import { Router } from 'express';
import type { Request, Response } from 'express';

import { contextOf } from '../http/request-context';
import type { ProblemIssue } from '../http/problem';
import type {
  DeadLetterFilter,
  DeadLetterStatus,
  SupportContext,
} from '../support/dead-letter.types';
import { VaultRefusal } from '../vault/vault-refusal';
import { principalOf } from './authenticate.middleware';
import { bodyAs, QueryReader, uuidParam } from './request-input';
import type { VaultApiDeps } from './vault-api.deps';

const BASE = '/v1/support/dead-letters';
const STATUSES: readonly DeadLetterStatus[] = ['OPEN', 'REPLAYED', 'DISCARDED'];
/** The same patterns as the contract's query parameters (openapi/vault-api.v1.json). */
const PATTERNS = {
  employerId: /^[a-z0-9][a-z0-9-]{1,62}$/,
  connectorId: /^[a-z0-9][a-z0-9-]{1,62}$/,
  errorCode: /^[A-Z][A-Z0-9_]{0,63}$/,
  eventType: /^[a-z][a-z0-9.-]{0,127}$/,
} as const;
const DEFAULT_RATE_PER_SECOND = 20;

interface FilterBody {
  employerId?: string;
  connectorId?: string;
  errorCode?: string;
  eventType?: string;
  status?: DeadLetterStatus;
  from?: string;
  to?: string;
}

interface BulkReplayBody {
  filter: FilterBody;
  dryRun: boolean;
  ratePerSecond?: number;
}

/** The filter in the query string; every problem of the query in one VALIDATION_FAILED. */
function filterFromQuery(req: Request): {
  filter: DeadLetterFilter;
  limit: number;
  after: string | undefined;
} {
  const query = new QueryReader(req);
  const issues: ProblemIssue[] = [];
  const matching = (name: keyof typeof PATTERNS): string | undefined => {
    const value = query.string(name, 128);
    if (value === undefined || PATTERNS[name].test(value)) return value;
    issues.push({ code: 'INVALID_PARAMETER', path: `query:${name}`, detail: 'not a valid value' });
    return undefined;
  };
  const employerId = matching('employerId');
  const connectorId = matching('connectorId');
  const errorCode = matching('errorCode');
  const eventType = matching('eventType');
  const status = query.oneOf('status', STATUSES);
  const from = query.instant('from');
  const to = query.instant('to');
  const limit = query.integer('limit', 1, 200, 50);
  const after = query.string('after', 200);
  try {
    query.done();
  } catch (error) {
    if (error instanceof VaultRefusal && error.issues !== undefined)
      issues.unshift(...error.issues);
    else throw error;
  }
  if (issues.length > 0)
    throw new VaultRefusal('VALIDATION_FAILED', 'Invalid query parameters.', issues);
  return {
    filter: compact({ employerId, connectorId, errorCode, eventType, status, from, to }),
    limit,
    after,
  };
}

/** The filter of a bulk replay body (already checked against the contract). */
function filterFromBody(body: FilterBody): DeadLetterFilter {
  return compact({
    ...body,
    from: body.from === undefined ? undefined : new Date(body.from),
    to: body.to === undefined ? undefined : new Date(body.to),
  });
}

/** Leaves out what is not given (exactOptionalPropertyTypes: absent, not undefined). */
function compact(filter: {
  [K in keyof DeadLetterFilter]?: DeadLetterFilter[K] | undefined;
}): DeadLetterFilter {
  return Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined));
}

function supportContext(res: Response): SupportContext {
  return { correlationId: contextOf(res).correlationId };
}

const deadLetterId = (req: Request): string => uuidParam(req, 'deadLetterId');

export function createDeadLettersRouter(deps: VaultApiDeps): Router {
  const router = Router();
  const service = deps.deadLetters;

  router.get(BASE, async (req, res) => {
    const { filter, limit, after } = filterFromQuery(req);
    const page = await service.list(
      principalOf(res),
      filter,
      after === undefined ? { limit } : { limit, after },
      supportContext(res),
    );
    res.json(page);
  });

  // Before /:deadLetterId, which would take "stats" for an id (and answer 404).
  router.get(`${BASE}/stats`, async (_req, res) => {
    res.json(await service.stats(principalOf(res)));
  });

  router.post(`${BASE}/bulk-replay`, async (req, res) => {
    const body = bodyAs<BulkReplayBody>(req, 'BulkReplayRequest');
    const ratePerSecond = body.ratePerSecond ?? DEFAULT_RATE_PER_SECOND;
    const context = contextOf(res);
    const result = await service.bulkReplay(
      principalOf(res),
      filterFromBody(body.filter),
      { dryRun: body.dryRun, ratePerSecond },
      supportContext(res),
    );
    context.log.info('dead letters bulk replay', {
      dryRun: result.dryRun,
      matched: result.matched,
      replayed: result.replayed,
      failed: result.failed,
      ratePerSecond,
    });
    res.json(result);
  });

  router.get(`${BASE}/:deadLetterId`, async (req, res) => {
    res.json(await service.show(principalOf(res), deadLetterId(req), supportContext(res)));
  });

  router.post(`${BASE}/:deadLetterId/reveal`, async (req, res) => {
    const id = deadLetterId(req);
    const { reason } = bodyAs<{ reason: string }>(req, 'RevealRequest');
    res.json(await service.reveal(principalOf(res), id, reason, supportContext(res)));
  });

  router.post(`${BASE}/:deadLetterId/replay`, async (req, res) => {
    res.json(await service.replay(principalOf(res), deadLetterId(req), supportContext(res)));
  });

  router.post(`${BASE}/:deadLetterId/edit`, async (req, res) => {
    const id = deadLetterId(req);
    const { event } = bodyAs<{ event: Record<string, unknown> }>(req, 'DeadLetterEditRequest');
    res.json(await service.editAndReplay(principalOf(res), id, event, supportContext(res)));
  });

  router.post(`${BASE}/:deadLetterId/discard`, async (req, res) => {
    const id = deadLetterId(req);
    const { reason } = bodyAs<{ reason: string }>(req, 'DiscardRequest');
    res.json(await service.discard(principalOf(res), id, reason, supportContext(res)));
  });

  return router;
}
