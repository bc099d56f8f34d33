/**
 * The local REST gateway: what API Gateway does in front of the functions, on loopback, read from
 * the synthesized template: its resources and methods, which methods have the authorizer, the
 * authorizer's identity sources and result TTL, whether a method requires a partner key, and the
 * gateway responses. Functions run through a FunctionHost (as deployed, or in process for tests
 * that inject faults into the runtime's own client); the payload and timeout limits are API
 * Gateway's documented ones.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type {
  APIGatewayAuthorizerResult,
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  APIGatewayRequestAuthorizerEvent,
} from 'aws-lambda';
import { AUTHORIZER_UNAUTHORIZED } from '../shared/auth/access-policy.js';
import { USAGE_PLANS, type UsagePlan } from '../shared/auth/api-keys.js';
import { headerOf } from '../shared/http/headers.js';
import { logger } from '../shared/logger.js';
import { routeMatcher } from '../shared/routes.js';
import { apiKeyFileIn, LocalApiKeyStore } from './api-key-store.js';
import { dataDirectory } from './data-dir.js';
import { serveDocs } from './docs.js';
import { gatewayResponses, policyAllows } from './gateway-responses.js';
import {
  answerOnSocket,
  MISSING_HOST_DESCRIPTION,
  PARSER_ERROR_DESCRIPTIONS,
  PARSER_ERROR_FALLBACK,
  requestIdInRawPacket,
} from './http-parser-errors.js';
import type { FunctionHost, InvocationResult } from './runtime/function-host.js';
import type { DeployedStack } from './runtime/stack-template.js';
import { UsageMeter } from './usage-meter.js';

/** API Gateway's quotas for a REST API: a 10 MB payload, a 29 s integration timeout. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
const INTEGRATION_TIMEOUT_MS = 29_000;
/** How long the rest of a body over the limit is read and dropped before the answer. */
const OVERSIZED_BODY_DRAIN_MS = 5_000;

type Denial =
  'UNAUTHORIZED' | 'AUTHORIZER_FAILURE' | 'ACCESS_DENIED' | 'INVALID_API_KEY' | 'QUOTA_EXCEEDED' | 'THROTTLED';

function send(res: ServerResponse, result: APIGatewayProxyResult): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) headers[name] = values.map(String);
  res.writeHead(result.statusCode, headers);
  res.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
}

/** The answer, then the connection closed: the client must not send its next request on it. */
const sendAndClose = (res: ServerResponse, result: APIGatewayProxyResult) =>
  send(res, { ...result, headers: { ...result.headers, Connection: 'close' } });

/**
 * The body, or undefined past the payload limit. Past it (or when Content-Length says so) the rest
 * is still read and dropped for a while, so that the answer reaches a client still sending
 * (closing on unread data resets the connection, which can discard the answer too); a client
 * still sending after that is answered and cut off.
 */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    const refuse = () => {
      tooLarge = true;
      chunks.length = 0;
      setTimeout(() => resolve(undefined), OVERSIZED_BODY_DRAIN_MS).unref();
    };
    if (Number(req.headers['content-length']) > MAX_PAYLOAD_BYTES) refuse();
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > MAX_PAYLOAD_BYTES) refuse();
      else chunks.push(chunk);
    });
    req.once('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

const withTimeout = (invocation: Promise<InvocationResult>, ms: number) =>
  new Promise<InvocationResult | 'timeout'>((resolveResult, reject) => {
    const timer = setTimeout(() => resolveResult('timeout'), ms);
    invocation.then(resolveResult, reject).finally(() => clearTimeout(timer));
  });

export interface LocalGatewayOptions {
  /** The synthesized stack: its API and its functions. */
  stack: DeployedStack;
  /** Runs the stack's functions. */
  functions: FunctionHost;
  /** Where the keys are (default: api-keys.json in DATA_DIR, or .data). */
  apiKeyStore?: LocalApiKeyStore;
  /** The usage plans by name (default USAGE_PLANS: the stack's). */
  usagePlans?: Record<string, UsagePlan>;
}

export function createLocalGateway({
  stack,
  functions,
  apiKeyStore = new LocalApiKeyStore(apiKeyFileIn(dataDirectory())),
  usagePlans = USAGE_PLANS,
}: LocalGatewayOptions): Server {
  const matchMethod = routeMatcher(stack.methods.map((method) => ({ ...method, method: method.httpMethod })));
  const apiArn = `arn:aws:execute-api:${stack.account.region}:${stack.account.accountId}:${stack.restApiId}`;
  const authorizerCache = new Map<string, { result: APIGatewayAuthorizerResult; expires: number }>();
  const meter = new UsageMeter();

  const { gatewayResponse, badRequestResponse } = gatewayResponses(stack);

  /** API Gateway's part after an allowing authorizer when the method requires a key: issued, unrevoked, within its plan. */
  function meterUsage(usageKey: string | null | undefined): { denied?: Denial } {
    const issued = usageKey ? apiKeyStore.find(usageKey) : undefined;
    const plan = issued && Object.hasOwn(usagePlans, issued.plan) ? usagePlans[issued.plan] : undefined;
    if (!issued || issued.revokedAt || !plan) return { denied: 'INVALID_API_KEY' };
    const verdict = meter.admit(usageKey!, plan);
    return verdict === 'admitted' ? {} : { denied: verdict };
  }

  async function authorize(
    method: DeployedStack['methods'][number],
    headers: Record<string, string>,
    methodArn: string,
    event: Omit<APIGatewayRequestAuthorizerEvent, 'type' | 'methodArn'>,
  ): Promise<{ denied: Denial } | { authorizer: Record<string, unknown> }> {
    if (!method.authorizerLogicalId) return { authorizer: {} };
    const authorizer = stack.authorizers.get(method.authorizerLogicalId)!;
    const identity = authorizer.identityHeaders.map((name) => headerOf({ headers }, name) ?? '');
    // An empty identity source: API Gateway answers 401 without calling the authorizer.
    if (identity.some((value) => value === '')) return { denied: 'UNAUTHORIZED' };
    const cacheKey = identity.join('\n');
    const cached = authorizerCache.get(cacheKey);
    let result = cached && cached.expires > Date.now() ? cached.result : undefined;
    if (!result) {
      const invocation = await functions.invoke(authorizer.functionLogicalId, {
        ...event,
        type: 'REQUEST',
        methodArn,
      });
      if (!invocation.ok) {
        if (invocation.errorMessage === AUTHORIZER_UNAUTHORIZED) return { denied: 'UNAUTHORIZED' };
        // As Lambda logs a failed invocation (a configuration error at load, too): never silently.
        logger.error('authorizer failed', { errorType: invocation.errorType, errorMessage: invocation.errorMessage });
        return { denied: 'AUTHORIZER_FAILURE' };
      }
      result = invocation.payload as APIGatewayAuthorizerResult;
      if (authorizer.resultTtlSeconds > 0)
        authorizerCache.set(cacheKey, { result, expires: Date.now() + authorizer.resultTtlSeconds * 1000 });
    }
    if (!policyAllows(result, methodArn)) return { denied: 'ACCESS_DENIED' };
    if (method.apiKeyRequired) {
      const usage = meterUsage(result.usageIdentifierKey);
      if (usage.denied) return { denied: usage.denied };
    }
    return { authorizer: { principalId: result.principalId, ...(result.context ?? {}) } };
  }

  const answered = new WeakSet<Duplex>();
  const server = createServer({ requireHostHeader: false }, (req, res) => void handle(req, res));
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Null-prototype maps: a header or parameter named __proto__ must be a plain entry, as in
    // the JSON-built events of API Gateway.
    const headers = Object.create(null) as Record<string, string>;
    const multiValueHeaders = Object.create(null) as Record<string, string[]>;
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i]!;
      const value = req.rawHeaders[i + 1]!;
      headers[name] = value;
      (multiValueHeaders[name] ??= []).push(value);
    }
    // Node's own answer to a missing Host is an empty 400.
    if (req.httpVersion === '1.1' && req.headers.host === undefined) {
      return sendAndClose(
        res,
        badRequestResponse(MISSING_HOST_DESCRIPTION, req.headers['request-id'] as string | undefined),
      );
    }
    try {
      // The request target is a path: resolved against a base, `//x/meetings` would name host x.
      const target = req.url ?? '/';
      const url = new URL(`http://localhost${target.startsWith('/') ? target : `/${target}`}`);
      const httpMethod = (req.method ?? 'GET').toUpperCase();
      if (serveDocs(req, res, url.pathname)) return;
      const matched = matchMethod(httpMethod, url.pathname);
      if (!matched) return send(res, gatewayResponse('MISSING_AUTHENTICATION_TOKEN', headers));
      const body = await readBody(req);
      if (!body) return sendAndClose(res, gatewayResponse('REQUEST_TOO_LARGE', headers));

      const query = Object.create(null) as Record<string, string>;
      const multiQuery = Object.create(null) as Record<string, string[]>;
      for (const [name, value] of url.searchParams) {
        query[name] = value;
        (multiQuery[name] ??= []).push(value);
      }
      const hasQuery = Object.keys(query).length > 0;
      const { route: method, pathParameters } = matched;
      const requestContext = {
        accountId: stack.account.accountId,
        apiId: stack.restApiId,
        stage: stack.stageName,
        requestId: randomUUID(),
        resourcePath: method.path,
        httpMethod,
        path: `/${stack.stageName}${url.pathname}`,
        protocol: 'HTTP/1.1',
        requestTimeEpoch: Date.now(),
        resourceId: method.operationName,
        identity: { sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? null },
      } as unknown as APIGatewayProxyEvent['requestContext'];
      const common = {
        resource: method.path,
        path: url.pathname,
        httpMethod,
        headers,
        multiValueHeaders,
        queryStringParameters: hasQuery ? query : null,
        multiValueQueryStringParameters: hasQuery ? multiQuery : null,
        pathParameters: Object.keys(pathParameters).length ? pathParameters : null,
        stageVariables: null,
        requestContext,
      };
      const methodArn = `${apiArn}/${stack.stageName}/${httpMethod}${url.pathname}`;
      const decision = await authorize(method, headers, methodArn, common as never);
      if ('denied' in decision) return send(res, gatewayResponse(decision.denied, headers));

      const event: APIGatewayProxyEvent = {
        ...common,
        requestContext: { ...requestContext, authorizer: decision.authorizer },
        body: body.length ? body.toString('utf8') : null,
        isBase64Encoded: false,
      };
      const invocation = await withTimeout(functions.invoke(method.functionLogicalId, event), INTEGRATION_TIMEOUT_MS);
      if (invocation === 'timeout') return send(res, gatewayResponse('INTEGRATION_TIMEOUT', headers));
      if (!invocation.ok) {
        // A function error (a throw past its middleware, a timeout, a response over Lambda's limit)
        // is logged as Lambda logs it; API Gateway answers its 5XX gateway response.
        logger.error('function failed', { errorType: invocation.errorType, errorMessage: invocation.errorMessage });
        return send(res, gatewayResponse('DEFAULT_5XX', headers));
      }
      send(res, invocation.payload as APIGatewayProxyResult);
    } catch (error) {
      logger.error('local gateway failed', { error: error as Error });
      send(res, gatewayResponse('DEFAULT_5XX', headers));
    }
  }

  // Node answers an Expect other than 100-continue with an empty 417; the request is served as without it.
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => server.emit('request', req, res));

  // Without a listener Node drops a CONNECT silently; no route has that method.
  server.on('connect', (req: IncomingMessage, socket: Duplex) => {
    const headers = Object.create(null) as Record<string, string>;
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers[req.rawHeaders[i]!] = req.rawHeaders[i + 1]!;
    answerOnSocket(socket, gatewayResponse('MISSING_AUTHENTICATION_TOKEN', headers));
  });

  // Parser-level errors: Node's defaults are bodiless 400/408/413/431 without a Request-ID.
  server.on('clientError', (error: NodeJS.ErrnoException & { rawPacket?: unknown }, socket: Duplex) => {
    // The parser keeps reporting while we linger; the first answer stands.
    if (answered.has(socket)) return;
    const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    answered.add(socket);
    const description = PARSER_ERROR_DESCRIPTIONS[error.code ?? ''] ?? PARSER_ERROR_FALLBACK;
    answerOnSocket(socket, badRequestResponse(description, requestIdInRawPacket(error.rawPacket)));
  });

  return server;
}
