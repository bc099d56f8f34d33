import { randomUUID } from 'node:crypto';
import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { Actor, WriteOrigin } from '../domain/meeting-history.js';
import { logger } from '../logger.js';
import { OperationMetrics } from '../metrics.js';
import { routeOf, type OperationId } from '../routes.js';
import { forbidden, unauthorized } from './api-error.js';
import { toApiError } from './error-mapping.js';
import { echoableRequestId } from './headers.js';
import { parseRequestId } from './request-parsing.js';
import { json } from './responses.js';

type Event = APIGatewayProxyEvent;
type Result = APIGatewayProxyResult;

export interface RequestContext {
  requestId: string;
  tenantId: string;
  /** Who is asking (the token's subject and client) and with which Request-ID: what a write's history entry records. */
  origin: WriteOrigin;
  /** For the business metrics a handler learns of from its use case (status transitions). */
  metrics: OperationMetrics;
}

const withRequestId = (event: Event, result: Result): Result => {
  const requestId = echoableRequestId(event);
  return requestId ? { ...result, headers: { ...result.headers, 'Request-ID': requestId } } : result;
};

/** The one place errors become responses: every error, once, in the house error body; never internals. */
const errorMapper = (errorCodes: WeakMap<object, string>): MiddlewareObj<Event, Result> => ({
  onError: (request) => {
    const { error } = request;
    const apiError = toApiError(error);
    if (apiError.status >= 500) {
      logger.error('request failed', {
        requestId: echoableRequestId(request.event) ?? 'none',
        statusCode: apiError.status,
        error: error as Error,
      });
    }
    errorCodes.set(request.event, apiError.errorCode);
    request.response = json(apiError.status, apiError.toBody(), apiError.headers);
  },
});

/**
 * Request-ID on every log line and every response; one access log line and one set of metrics
 * (count, latency, errorCode) per request. The Request-ID goes into each line explicitly (not
 * logger-wide keys) and the start time is kept per request, because the local gateway runs
 * concurrent requests through one module instance.
 */
const requestObservation = (
  operationId: OperationId,
  metrics: OperationMetrics,
  errorCodes: WeakMap<object, string>,
): MiddlewareObj<Event, Result> => {
  const startedAt = new WeakMap<object, number>();
  const finish = (request: { event: Event; response: Result | null | undefined }) => {
    if (request.response) request.response = withRequestId(request.event, request.response);
    const durationMs = Date.now() - (startedAt.get(request.event) ?? Date.now());
    logger.info('request completed', {
      requestId: echoableRequestId(request.event) ?? 'none',
      // API Gateway's own id of the request, the one its access log shows: joins the two logs.
      gatewayRequestId: request.event.requestContext?.requestId,
      operationId,
      statusCode: request.response?.statusCode,
      durationMs,
    });
    metrics.request(durationMs, errorCodes.get(request.event));
  };
  return {
    before: (request) => {
      startedAt.set(request.event, Date.now());
    },
    after: (request) => finish(request),
    // middy runs onError hooks in reverse order of registration: the error mapper, registered
    // after this middleware, has already turned the error into a response here.
    onError: (request) => finish(request),
  };
};

/**
 * The tenant, caller and scopes the authorizer put in the request context. The gateway caches that
 * decision per token, possibly past the token's expiry: a token no longer valid is 401 here,
 * whatever the cache holds. A route whose scope is absent is 403.
 */
function authorizedCaller(event: Event, operationId: OperationId, now: number): { tenantId: string; actor: Actor } {
  const authorizer: Record<string, unknown> = { ...event.requestContext?.authorizer };
  const { tenantId, subject, clientId } = authorizer;
  if (typeof tenantId !== 'string' || tenantId === '') throw unauthorized();
  if (typeof subject !== 'string' || subject === '') throw unauthorized();
  // API Gateway passes context values as strings.
  const validUntil = Number(authorizer.tokenValidUntil);
  if (!Number.isFinite(validUntil) || now / 1000 > validUntil) throw unauthorized();
  const scopes = typeof authorizer.scopes === 'string' ? authorizer.scopes.split(' ') : [];
  if (!scopes.includes(routeOf(operationId).scope)) throw forbidden();
  return { tenantId, actor: { subject, ...(typeof clientId === 'string' && clientId ? { clientId } : {}) } };
}

/**
 * The handler chain of every operation. The order of checks follows the contract: token and scope
 * (authorizer, re-checked here), Request-ID, then whatever the handler parses (path id, media
 * type, body or parameters), then the use case.
 */
export function apiHandler(
  operationId: OperationId,
  handle: (event: Event, context: RequestContext) => Promise<Result>,
) {
  const metrics = new OperationMetrics(operationId);
  const errorCodes = new WeakMap<object, string>();
  return middy<Event, Result, Error, Context>()
    .use(requestObservation(operationId, metrics, errorCodes))
    .use(errorMapper(errorCodes))
    .handler(async (event) => {
      const { tenantId, actor } = authorizedCaller(event, operationId, Date.now());
      const requestId = parseRequestId(event);
      return handle(event, { requestId, tenantId, origin: { actor, requestId }, metrics });
    });
}

/**
 * The handler chain of the one route without the authorizer (a calendar app's feed, whose secret
 * address is its credential): no token and no Request-ID needed. A Request-ID sent is echoed as
 * on every route; without one, one is made, for the answer and the log line alike.
 */
export function publicHandler(operationId: OperationId, handle: (event: Event) => Promise<Result>) {
  const metrics = new OperationMetrics(operationId);
  const errorCodes = new WeakMap<object, string>();
  const madeRequestId: MiddlewareObj<Event, Result> = {
    before: (request) => {
      const event: Event = request.event;
      if (echoableRequestId(event)) return;
      const headers = Object.fromEntries(
        Object.entries(event.headers ?? {}).filter(([name]) => name.toLowerCase() !== 'request-id'),
      );
      event.headers = { ...headers, 'Request-ID': randomUUID() };
    },
  };
  return middy<Event, Result, Error, Context>()
    .use(madeRequestId)
    .use(requestObservation(operationId, metrics, errorCodes))
    .use(errorMapper(errorCodes))
    .handler((event: Event) => handle(event));
}
