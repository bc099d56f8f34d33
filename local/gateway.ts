/**
 * The local REST gateway: what API Gateway does in front of the functions, on loopback. It reads
 * the same route table as the CDK stack, runs the same authorizer and handler modules with REST API
 * (v1) proxy events, caches authorizer decisions per token like API Gateway, and answers the same
 * gateway responses.
 */
import { randomUUID } from 'node:crypto';
import {
  createServer,
  maxHeaderSize,
  STATUS_CODES,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Duplex } from 'node:stream';
import type {
  APIGatewayAuthorizerResult,
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  APIGatewayRequestAuthorizerEvent,
  Context,
} from 'aws-lambda';
import { USAGE_PLANS, type UsagePlan } from '../shared/auth/api-keys.js';
import { readApiKeyConfig } from '../shared/config.js';
import { isUuid } from '../shared/domain/identifiers.js';
import { GATEWAY_RESPONSES, type GatewayResponseType } from '../shared/http/gateway-responses.js';
import { echoableRequestId } from '../shared/http/request-parsing.js';
import { logger } from '../shared/logger.js';
import { authorizerResultTtlSeconds, matchRoute } from '../shared/routes.js';
import { apiKeyFileIn, LocalApiKeyStore } from './api-key-store.js';
import { serveDocs } from './docs.js';
import { UsageMeter } from './usage-meter.js';

type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
type AuthorizerHandler = (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;

const API_ARN = 'arn:aws:execute-api:local:000000000000:local-api';
const STAGE = 'local';
/** API Gateway's own payload limit; the handlers enforce the API's 64 KiB body limit. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

/** Handler modules are imported on first use, after the caller has set the environment they read. */
const moduleCache = new Map<string, Promise<{ handler: unknown }>>();
const load = <T>(functionName: string): Promise<T> => {
  if (!moduleCache.has(functionName))
    moduleCache.set(functionName, import(`../functions/${functionName}/handler.ts`) as Promise<{ handler: unknown }>);
  return moduleCache.get(functionName)!.then((m) => m.handler as T);
};

const policyAllows = (result: APIGatewayAuthorizerResult, methodArn: string): boolean => {
  const matchesArn = (resource: string) =>
    new RegExp(
      `^${resource
        .split('*')
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    ).test(methodArn);
  let allowed = false;
  for (const statement of result.policyDocument.Statement as Array<{ Effect: string; Resource?: string | string[] }>) {
    const resources = ([] as string[]).concat(statement.Resource ?? []);
    if (!resources.some(matchesArn)) continue;
    if (statement.Effect === 'Deny') return false; // an explicit deny always wins
    if (statement.Effect === 'Allow') allowed = true;
  }
  return allowed;
};

function send(res: ServerResponse, result: APIGatewayProxyResult): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) headers[name] = values.map(String);
  res.writeHead(result.statusCode, headers);
  res.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
}

function gatewayResponse(type: GatewayResponseType, requestHeaders: Record<string, string>): APIGatewayProxyResult {
  const spec = GATEWAY_RESPONSES[type];
  const requestId = echoableRequestId({ headers: requestHeaders });
  return {
    statusCode: spec.status,
    headers: {
      'Content-Type': 'application/json',
      ...('headers' in spec ? spec.headers : {}),
      ...(requestId ? { 'Request-ID': requestId } : {}),
    },
    body: JSON.stringify(spec.body),
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_PAYLOAD_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Plain-words descriptions for requests Node's HTTP parser rejects before any handler runs. The
 * house error table has no 431/408/413, so all of them are 400 in the DEFAULT_4XX body.
 */
const PARSER_ERROR_DESCRIPTIONS: Record<string, string> = {
  HPE_HEADER_OVERFLOW: `The request headers are larger than ${maxHeaderSize / 1024} KiB.`,
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 'The chunk extensions of the request body are too large.',
  ERR_HTTP_REQUEST_TIMEOUT: 'The request was not received in full in time.',
  HPE_INVALID_EOF_STATE: 'The connection ended before the request was complete.',
  HPE_INVALID_METHOD: 'The request could not be parsed as HTTP: the request line does not start with a known method.',
  HPE_INVALID_URL:
    'The request could not be parsed as HTTP: the request target contains a character that is not allowed (non-ASCII must be percent-encoded).',
  HPE_INVALID_HEADER_TOKEN:
    'The request could not be parsed as HTTP: a header contains a character that is not allowed.',
  HPE_CR_EXPECTED: 'The request could not be parsed as HTTP: a line is not terminated by CRLF.',
  HPE_LF_EXPECTED:
    'The request could not be parsed as HTTP: a line is not terminated by CRLF (a bare CR is not allowed).',
  HPE_INVALID_CONTENT_LENGTH: 'The request could not be parsed as HTTP: the Content-Length header is invalid.',
  HPE_UNEXPECTED_CONTENT_LENGTH:
    'The request could not be parsed as HTTP: Content-Length and Transfer-Encoding are both present.',
  HPE_INVALID_TRANSFER_ENCODING: 'The request could not be parsed as HTTP: the Transfer-Encoding header is invalid.',
  HPE_INVALID_CHUNK_SIZE: 'The request could not be parsed as HTTP: the chunked body is malformed.',
  HPE_PAUSED_H2_UPGRADE: 'The request could not be parsed as HTTP: only HTTP/1.1 is served.',
};
const PARSER_ERROR_FALLBACK = 'The request could not be parsed as HTTP: it is malformed.';
const MISSING_HOST_DESCRIPTION = 'The request has no Host header.';
/** How long a rejected connection may keep sending after our answer, so the client can read it before the close. */
const LINGER_MS = 1000;

/**
 * A gateway-level 400 before any route runs. Unlike the handlers' answers it always carries a
 * Request-ID: the client's when it is a uuid, otherwise a fresh one.
 */
function badRequestResponse(description: string, requestId: string | undefined): APIGatewayProxyResult {
  const spec = GATEWAY_RESPONSES.DEFAULT_4XX;
  return {
    statusCode: spec.status,
    headers: { 'Content-Type': 'application/json', 'Request-ID': isUuid(requestId) ? requestId : randomUUID() },
    body: JSON.stringify({ ...spec.body, description }),
  };
}

/** The last Request-ID header line in the bytes the parser had read (header name case-insensitive). */
function requestIdInRawPacket(rawPacket: unknown): string | undefined {
  if (!Buffer.isBuffer(rawPacket)) return undefined;
  let found: string | undefined;
  for (const line of rawPacket.toString('latin1').split('\n')) {
    const match = /^request-id:[ \t]*(.*?)[ \t]*\r?$/i.exec(line);
    if (match) found = match[1];
  }
  return found;
}

/** Answers on a socket the HTTP layer has let go of, then closes it once the client has had time to read. */
function answerOnSocket(socket: Duplex, result: APIGatewayProxyResult): void {
  const body = Buffer.from(result.body, 'utf8');
  const headers = {
    ...result.headers,
    'Content-Length': body.length,
    Connection: 'close',
    Date: new Date().toUTCString(),
  };
  const head = [
    `HTTP/1.1 ${result.statusCode} ${STATUS_CODES[result.statusCode]}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  // end() instead of destroy(): closing with unread request bytes would send a RST that can drop the answer.
  socket.end(Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), body]));
  socket.resume();
  // A socket handed over by the HTTP layer (CONNECT) has no error listener left; a reset must not crash the gateway.
  socket.on('error', () => socket.destroy());
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

export interface LocalGatewayOptions {
  /** Where the keys are (default: api-keys.json in DATA_DIR, or .data). */
  apiKeyStore?: LocalApiKeyStore;
  /** The usage plans by name (default USAGE_PLANS: the stack's). */
  usagePlans?: Record<string, UsagePlan>;
}

export function createLocalGateway({
  apiKeyStore = new LocalApiKeyStore(apiKeyFileIn(process.env.DATA_DIR ?? '.data')),
  usagePlans = USAGE_PLANS,
}: LocalGatewayOptions = {}): Server {
  // From REQUIRE_API_KEY, as the authorizer reads it: the two always agree.
  const requireApiKey = readApiKeyConfig().required;
  const authorizerCache = new Map<string, { result: APIGatewayAuthorizerResult; expires: number }>();
  const cacheTtlMs = authorizerResultTtlSeconds(requireApiKey) * 1000;
  const meter = new UsageMeter();

  /**
   * API Gateway's part after an allowing authorizer when keys are required: the usage key must be
   * an issued, unrevoked key (404 INVALID_API_KEY) within its plan's rate and quota (503).
   */
  function meterUsage(usageKey: string | null | undefined) {
    const issued = usageKey ? apiKeyStore.find(usageKey) : undefined;
    const plan = issued && Object.hasOwn(usagePlans, issued.plan) ? usagePlans[issued.plan] : undefined;
    if (!issued || issued.revokedAt || !plan) return { denied: 'INVALID_API_KEY' as const };
    const verdict = meter.admit(usageKey!, plan);
    return verdict === 'admitted' ? {} : { denied: verdict };
  }

  async function authorize(
    headers: Record<string, string>,
    methodArn: string,
    event: Omit<APIGatewayRequestAuthorizerEvent, 'type' | 'methodArn'>,
  ) {
    const identity = Object.entries(headers).find(([name]) => name.toLowerCase() === 'authorization')?.[1];
    // An empty identity source: API Gateway answers 401 without calling the authorizer.
    if (!identity) return { denied: 'UNAUTHORIZED' as const };
    const cached = authorizerCache.get(identity);
    let result = cached && cached.expires > Date.now() ? cached.result : undefined;
    if (!result) {
      try {
        result = await (await load<AuthorizerHandler>('authorizer'))({ ...event, type: 'REQUEST', methodArn });
      } catch (error) {
        if ((error as Error).message === 'Unauthorized') return { denied: 'UNAUTHORIZED' as const };
        // As Lambda logs a failed invocation (a configuration error at load, too): never silently.
        logger.error('authorizer failed', { error: error as Error });
        return { denied: 'AUTHORIZER_FAILURE' as const };
      }
      if (cacheTtlMs > 0) authorizerCache.set(identity, { result, expires: Date.now() + cacheTtlMs });
    }
    if (!policyAllows(result, methodArn)) return { denied: 'ACCESS_DENIED' as const };
    if (requireApiKey) {
      const usage = meterUsage(result.usageIdentifierKey);
      if (usage.denied) return usage;
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
      const answer = badRequestResponse(MISSING_HOST_DESCRIPTION, req.headers['request-id'] as string | undefined);
      return send(res, { ...answer, headers: { ...answer.headers, Connection: 'close' } });
    }
    try {
      // The request target is a path: resolved against a base, `//x/meetings` would name host x.
      const target = req.url ?? '/';
      const url = new URL(`http://localhost${target.startsWith('/') ? target : `/${target}`}`);
      const method = (req.method ?? 'GET').toUpperCase();
      if (serveDocs(req, res, url.pathname)) return;
      const matched = matchRoute(method, url.pathname);
      if (!matched) return send(res, gatewayResponse('MISSING_AUTHENTICATION_TOKEN', headers));
      const body = await readBody(req);
      if (!body) return send(res, gatewayResponse('REQUEST_TOO_LARGE', headers));

      const query = Object.create(null) as Record<string, string>;
      const multiQuery = Object.create(null) as Record<string, string[]>;
      for (const [name, value] of url.searchParams) {
        query[name] = value;
        (multiQuery[name] ??= []).push(value);
      }
      const hasQuery = Object.keys(query).length > 0;
      const { route, pathParameters } = matched;
      const requestContext = {
        accountId: '000000000000',
        apiId: 'local-api',
        stage: STAGE,
        requestId: randomUUID(),
        resourcePath: route.path,
        httpMethod: method,
        path: `/${STAGE}${url.pathname}`,
        protocol: 'HTTP/1.1',
        requestTimeEpoch: Date.now(),
        resourceId: route.operationId,
        identity: { sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? null },
      } as unknown as APIGatewayProxyEvent['requestContext'];
      const common = {
        resource: route.path,
        path: url.pathname,
        httpMethod: method,
        headers,
        multiValueHeaders,
        queryStringParameters: hasQuery ? query : null,
        multiValueQueryStringParameters: hasQuery ? multiQuery : null,
        pathParameters: Object.keys(pathParameters).length ? pathParameters : null,
        stageVariables: null,
        requestContext,
      };
      const methodArn = `${API_ARN}/${STAGE}/${method}${url.pathname}`;
      const decision = await authorize(headers, methodArn, common as never);
      if ('denied' in decision) return send(res, gatewayResponse(decision.denied!, headers));

      const event: APIGatewayProxyEvent = {
        ...common,
        requestContext: { ...requestContext, authorizer: decision.authorizer },
        body: body.length ? body.toString('utf8') : null,
        isBase64Encoded: false,
      };
      const context = {
        awsRequestId: requestContext.requestId,
        functionName: route.functionName,
        getRemainingTimeInMillis: () => 10_000,
      } as Context;
      send(res, await (await load<ProxyHandler>(route.functionName))(event, context));
    } catch (error) {
      // A handler that throws past its middleware (or fails to load: a configuration error) is a
      // Lambda error, logged as Lambda logs it; API Gateway answers DEFAULT_5XX.
      logger.error('function failed', { error: error as Error });
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
