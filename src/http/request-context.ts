import { randomUUID } from 'node:crypto';

import type { NextFunction, Request, Response } from 'express';

import type { Logger } from '../shared/logger';

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface RequestContext {
  correlationId: string;
  log: Logger;
  startedAt: number;
}

/** Correlation id from `X-Correlation-Id` (when well-formed) or a new one; echoed in the response. */
export function requestContext(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const given = req.get('x-correlation-id');
    const correlationId = given !== undefined && CORRELATION_ID.test(given) ? given : randomUUID();
    res.setHeader('X-Correlation-Id', correlationId);
    const context: RequestContext = {
      correlationId,
      log: logger.child({ correlationId }),
      startedAt: Date.now(),
    };
    res.locals.context = context;
    next();
  };
}

export function contextOf(res: Response): RequestContext {
  return res.locals.context as RequestContext;
}
