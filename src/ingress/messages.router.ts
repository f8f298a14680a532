// POST /v1/connectors/:connectorId/messages — an HR system delivers one message in its own format.
// authenticate → connector → content type → size → decode → translate + validate → publish
// (confirmed) → 202 with the event ids. Every failure is a problem+json answer and nothing of the
// message is accepted.
import express from 'express';
import type { NextFunction, Request, Response, Router } from 'express';

import type { CanonicalEvent } from '../canonical/generated/canonical-event';
import { shortEventType } from '../canonical/event-types';
import type { InboundMessage } from '../connector-sdk/types';
import type { ConnectorRegistry, RegisteredConnector } from '../connector-runtime/registry';
import { runTranslate } from '../connector-runtime/run-translate';
import type { CredentialVerifier, VerifiedCredential } from '../credentials/connector-credentials';
import { HEADER } from '../messaging/headers';
import { deliver } from '../messaging/durable-delivery';
import type { DeliveryResult, IngressOutbox } from '../messaging/durable-delivery';
import { orderKeyOf } from '../messaging/order-key';
import type { EventPublisher, OutgoingMessage } from '../messaging/publisher';
import { errorCode, isRetryable } from '../shared/errors';
import { errorFields } from '../shared/logger';
import type { Logger } from '../shared/logger';
import {
  acceptedCharsets,
  decodeBodyText,
  parseContentType,
  requestCharset,
} from './body-encoding';
import type { Charset } from './body-encoding';
import { problem, problemForRun, tooLarge } from './outcome-to-problem';
import type { Problem } from '../http/problem';
import { contextOf } from '../http/request-context';

export interface MessagesRouterDeps {
  registry: ConnectorRegistry;
  credentials: CredentialVerifier;
  publisher: EventPublisher;
  /** Where accepted events wait when the broker cannot confirm them (none: answer 503 instead). */
  outbox?: IngressOutbox;
  /** Name of the exchange canonical events are published to. */
  exchange: string;
  retryAfterSeconds: number;
}

class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.code);
  }
}

async function authenticate(req: Request, deps: MessagesRouterDeps): Promise<VerifiedCredential> {
  const header = req.get('authorization') ?? '';
  const token = /^Bearer (\S+)$/i.exec(header)?.[1];
  let credential: VerifiedCredential | null;
  try {
    credential = token === undefined ? null : await deps.credentials.verify(token);
  } catch {
    throw new ProblemError(
      problem('TEMPORARILY_UNAVAILABLE', { retryAfterSeconds: deps.retryAfterSeconds }),
    );
  }
  if (credential === null) throw new ProblemError(problem('UNAUTHENTICATED'));
  return credential;
}

function resolveConnector(
  req: Request,
  deps: MessagesRouterDeps,
  credential: VerifiedCredential,
): RegisteredConnector {
  const connector = deps.registry.get(String(req.params.connectorId));
  if (connector === undefined) throw new ProblemError(problem('UNKNOWN_CONNECTOR'));
  if (credential.connectorId !== connector.id)
    throw new ProblemError(problem('CREDENTIAL_NOT_FOR_CONNECTOR'));
  const claimed = req.get('x-datakluis-employer');
  if (claimed !== undefined && claimed !== credential.employerId)
    throw new ProblemError(problem('EMPLOYER_MISMATCH'));
  return connector;
}

/** What `checkContentType` admitted: the media type and the charset Content-Type names, if any. */
interface AdmittedType {
  mediaType: string;
  charset: Charset | undefined;
}

function checkContentType(req: Request, connector: RegisteredConnector): AdmittedType {
  const { mediaType, charsets } = parseContentType(req.get('content-type'));
  const accepted = connector.manifest.ingress.contentTypes;
  if (!accepted.includes(mediaType)) {
    throw new ProblemError(
      problem('UNSUPPORTED_MEDIA_TYPE', {
        detail: `This connector accepts ${accepted.join(', ')}.`,
      }),
    );
  }
  const charset = requestCharset(charsets, acceptedCharsets(connector.manifest.ingress.charsets));
  if (!charset.ok) throw new ProblemError(problem(charset.code, { detail: charset.detail }));
  const length = Number(req.get('content-length') ?? 0);
  if (length > connector.manifest.ingress.maxBodyBytes)
    throw new ProblemError(tooLarge(connector.manifest.ingress.maxBodyBytes));
  return { mediaType, charset: charset.value };
}

/** The body as text in the charset it names (UTF-8 when none), without its byte-order mark. */
function decodeBody(body: unknown, type: AdmittedType, connector: RegisteredConnector): string {
  if (!Buffer.isBuffer(body) || body.length === 0) throw new ProblemError(problem('EMPTY_BODY'));
  const decoded = decodeBodyText(body, {
    ...type,
    accepted: acceptedCharsets(connector.manifest.ingress.charsets),
  });
  if (!decoded.ok) throw new ProblemError(problem(decoded.code, { detail: decoded.detail }));
  return decoded.value;
}

function toOutgoing(
  event: CanonicalEvent,
  connectorId: string,
  exchange: string,
  correlationId: string,
): OutgoingMessage {
  return {
    exchange,
    routingKey: `${connectorId}.${shortEventType(event.type)}`,
    body: Buffer.from(JSON.stringify(event)),
    messageId: event.id,
    type: event.type,
    correlationId,
    headers: {
      [HEADER.connector]: connectorId,
      [HEADER.employer]: event.employerid,
      [HEADER.schemaVersion]: '1',
    },
    orderKey: orderKeyOf(event),
  };
}

function lowerCaseHeaders(req: Request): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string' && name !== 'authorization') headers[name.toLowerCase()] = value;
  }
  return headers;
}

/** Hands the events to the broker or the outbox; a 503 problem when neither can take them. */
async function deliverOrRefuse(
  deps: MessagesRouterDeps,
  outgoing: OutgoingMessage[],
  log: Logger,
  connectorId: string,
): Promise<DeliveryResult> {
  try {
    return await deliver(outgoing, deps.publisher, deps.outbox);
  } catch (error) {
    log.warn('message could not be stored; answering 503', {
      connectorId,
      ...errorFields(error),
    });
    const code = isRetryable(error) ? errorCode(error) : 'INTERNAL_ERROR';
    throw new ProblemError(
      problem('BROKER_UNAVAILABLE', {
        retryAfterSeconds: deps.retryAfterSeconds,
        detail: `${problem('BROKER_UNAVAILABLE').detail} Cause: ${code}.`,
      }),
    );
  }
}

/** Translates, validates and delivers an admitted message; 202 only once the broker confirmed or the outbox stored it. */
async function acceptMessage(deps: MessagesRouterDeps, req: Request, res: Response): Promise<void> {
  const context = contextOf(res);
  const connector = res.locals.connector as RegisteredConnector;
  const credential = res.locals.credential as VerifiedCredential;
  const message: InboundMessage = {
    connectorId: connector.id,
    employerId: credential.employerId,
    receivedAt: new Date().toISOString(),
    contentType: (res.locals.type as AdmittedType).mediaType,
    body: decodeBody(req.body, res.locals.type as AdmittedType, connector),
    headers: lowerCaseHeaders(req),
  };
  const result = runTranslate(connector, message);
  const failure = problemForRun(result);
  if (failure !== undefined) throw new ProblemError(failure);
  if (result.outcome !== 'translated' && result.outcome !== 'ignored')
    throw new Error('unreachable');
  const events = result.outcome === 'translated' ? result.events : [];
  const outgoing = events.map((event) =>
    toOutgoing(event, connector.id, deps.exchange, context.correlationId),
  );
  const delivery = await deliverOrRefuse(deps, outgoing, context.log, connector.id);
  if (delivery.via === 'outbox')
    context.log.warn('broker unavailable; message kept in the outbox', {
      connectorId: connector.id,
      cause: delivery.cause,
      events: events.length,
    });
  res.status(202).json({
    status: result.outcome === 'translated' ? 'accepted' : 'ignored',
    correlationId: context.correlationId,
    connectorId: connector.id,
    employerId: credential.employerId,
    delivery: delivery.via,
    events: events.map((event) => ({ id: event.id, type: event.type })),
    warnings: result.warnings,
    ...(result.outcome === 'ignored' ? { ignoredReason: result.reason } : {}),
  });
  context.log.info('message accepted', {
    connectorId: connector.id,
    employerId: credential.employerId,
    delivery: delivery.via,
    events: events.length,
    warnings: result.warnings.length,
  });
}

export function createMessagesRouter(deps: MessagesRouterDeps): Router {
  const router = express.Router();
  // Reads the raw bytes up to the connector's own limit (checked again while streaming).
  const rawBody = (req: Request, res: Response, next: NextFunction): void => {
    const connector = res.locals.connector as RegisteredConnector;
    express.raw({ type: () => true, limit: connector.manifest.ingress.maxBodyBytes })(
      req,
      res,
      next,
    );
  };
  const admit = async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const credential = await authenticate(req, deps);
    const connector = resolveConnector(req, deps, credential);
    res.locals.credential = credential;
    res.locals.connector = connector;
    res.locals.type = checkContentType(req, connector);
    next();
  };
  router.post(
    '/v1/connectors/:connectorId/messages',
    admit,
    rawBody,
    (req: Request, res: Response) => acceptMessage(deps, req, res),
  );
  return router;
}

export { ProblemError };
