// The ingress HTTP app (no listen here: tests drive it directly).
import express from 'express';
import type { NextFunction, Request, Response } from 'express';

import type { Logger } from '../shared/logger';
import { errorFields } from '../shared/logger';
import { createMessagesRouter, ProblemError } from './messages.router';
import type { MessagesRouterDeps } from './messages.router';
import { problem, tooLarge } from './outcome-to-problem';
import type { Problem } from '../http/problem';
import { sendProblem } from '../http/problem';
import { contextOf, requestContext } from '../http/request-context';

export interface Readiness {
  ready: boolean;
  reason?: string;
}

export interface AppDeps extends MessagesRouterDeps {
  logger: Logger;
  /** Readiness: broker connected and topology present (and whatever else the process needs). */
  isReady: () => Readiness | Promise<Readiness>;
}

/** body-parser's errors carry a `type`; map the ones a sender can cause to our codes. */
function bodyParserProblem(error: unknown): Problem | undefined {
  const { type, limit, status } = error as { type?: unknown; limit?: unknown; status?: unknown };
  if (type === 'entity.too.large')
    return typeof limit === 'number' ? tooLarge(limit) : problem('PAYLOAD_TOO_LARGE');
  if (type === 'charset.unsupported') return problem('UNSUPPORTED_CHARSET');
  if (type === 'encoding.unsupported')
    return problem('UNSUPPORTED_MEDIA_TYPE', {
      detail: 'This Content-Encoding is not supported; send gzip, deflate or no encoding.',
    });
  if (type === 'request.aborted' || type === 'request.size.invalid')
    return problem('EMPTY_BODY', { detail: 'The body was not received completely.' });
  // Any other client error while reading the body (bytes that do not match their Content-Encoding).
  if (typeof status === 'number' && status >= 400 && status < 500)
    return problem('UNREADABLE_BODY');
  return undefined;
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(requestContext(deps.logger));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const readiness = await deps.isReady();
    res
      .status(readiness.ready ? 200 : 503)
      .json(
        readiness.ready ? { status: 'ready' } : { status: 'not-ready', reason: readiness.reason },
      );
  });
  app.use(createMessagesRouter(deps));
  app.use((_req: Request, res: Response) => {
    sendProblem(res, problem('NOT_FOUND'), contextOf(res).correlationId);
  });
  app.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const context = contextOf(res);
    const known = error instanceof ProblemError ? error.problem : bodyParserProblem(error);
    const answer = known ?? problem('INTERNAL_ERROR');
    const log =
      answer.status >= 500
        ? context.log.error.bind(context.log)
        : context.log.info.bind(context.log);
    log('request refused', {
      method: req.method,
      // The route, not the raw path: a path is the caller's text and can hold anything.
      route: (req.route as { path?: string } | undefined)?.path ?? 'unmatched',
      status: answer.status,
      code: answer.code,
      ...(known === undefined ? errorFields(error) : {}),
    });
    if (answer.status === 401)
      res.setHeader('WWW-Authenticate', 'Bearer realm="datakluis-gateway"');
    // The rest of a body refused before it was read is not worth receiving: end the connection.
    if (answer.status === 413) res.setHeader('Connection', 'close');
    sendProblem(res, answer, context.correlationId);
  });
  return app;
}
