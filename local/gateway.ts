/**
 * The local REST gateway: what API Gateway does in front of the functions, on loopback. It reads
 * the same route table as the CDK stack, runs the same authorizer and handler modules with REST API
 * (v1) proxy events, caches authorizer decisions per token like API Gateway, and answers the same
 * gateway responses.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type {
  APIGatewayAuthorizerResult,
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  APIGatewayRequestAuthorizerEvent,
  Context,
} from 'aws-lambda';
import { echoableRequestId } from '../shared/http/middlewares.js';
import { serveDocs } from './docs.js';
import { GATEWAY_RESPONSES, type GatewayResponseType } from '../shared/http/gateway-responses.js';
import { AUTHORIZER_RESULT_TTL_SECONDS, routes, type Route } from '../shared/routes.js';

type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
type AuthorizerHandler = (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;

const API_ARN = 'arn:aws:execute-api:local:000000000000:local-api';
const STAGE = 'local';
/** API Gateway's own payload limit; the handlers enforce the API's 64 KiB body limit. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

/** Handler modules are imported on first use, after the caller has set the environment they read. */
const moduleCache = new Map<string, Promise<{ handler: unknown }>>();
const load = <T>(functionName: string): Promise<T> => {
  if (!moduleCache.has(functionName)) moduleCache.set(functionName, import(`../functions/${functionName}/handler.ts`));
  return moduleCache.get(functionName)!.then((m) => m.handler as T);
};

function matchRoute(method: string, path: string): { route: Route; pathParameters: Record<string, string> } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    const names: string[] = [];
    const pattern = new RegExp(`^${route.path.replace(/\{([^}]+)\}/g, (_, name: string) => (names.push(name), '([^/]+)'))}$`);
    const match = pattern.exec(path);
    if (match) {
      let pathParameters: Record<string, string>;
      try {
        pathParameters = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1]!)]));
      } catch {
        pathParameters = Object.fromEntries(names.map((name, i) => [name, match[i + 1]!]));
      }
      return { route, pathParameters };
    }
  }
  return undefined;
}

const policyAllows = (result: APIGatewayAuthorizerResult, methodArn: string): boolean => {
  const matchesArn = (resource: string) =>
    new RegExp(`^${resource.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(methodArn);
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
    headers: { 'Content-Type': 'application/json', ...('headers' in spec ? spec.headers : {}), ...(requestId ? { 'Request-ID': requestId } : {}) },
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

export function createLocalGateway(): Server {
  const authorizerCache = new Map<string, { result: APIGatewayAuthorizerResult; expires: number }>();

  async function authorize(headers: Record<string, string>, methodArn: string, event: Omit<APIGatewayRequestAuthorizerEvent, 'type' | 'methodArn'>) {
    const identity = Object.entries(headers).find(([name]) => name.toLowerCase() === 'authorization')?.[1];
    // An empty identity source: API Gateway answers 401 without calling the authorizer.
    if (!identity) return { denied: 'UNAUTHORIZED' as const };
    const cached = authorizerCache.get(identity);
    let result = cached && cached.expires > Date.now() ? cached.result : undefined;
    if (!result) {
      try {
        result = await (await load<AuthorizerHandler>('authorizer'))({ ...event, type: 'REQUEST', methodArn });
      } catch (error) {
        return { denied: (error as Error).message === 'Unauthorized' ? ('UNAUTHORIZED' as const) : ('AUTHORIZER_FAILURE' as const) };
      }
      authorizerCache.set(identity, { result, expires: Date.now() + AUTHORIZER_RESULT_TTL_SECONDS * 1000 });
    }
    if (!policyAllows(result, methodArn)) return { denied: 'ACCESS_DENIED' as const };
    return { authorizer: { principalId: result.principalId, ...(result.context ?? {}) } };
  }

  return createServer(async (req, res) => {
    // Null-prototype maps: a header or parameter named __proto__ must be a plain entry, as in
    // the JSON-built events of API Gateway.
    const headers: Record<string, string> = Object.create(null);
    const multiValueHeaders: Record<string, string[]> = Object.create(null);
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i]!;
      const value = req.rawHeaders[i + 1]!;
      headers[name] = value;
      (multiValueHeaders[name] ??= []).push(value);
    }
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const method = (req.method ?? 'GET').toUpperCase();
      if (serveDocs(req, res, url.pathname)) return;
      const matched = matchRoute(method, url.pathname);
      if (!matched) return send(res, gatewayResponse('MISSING_AUTHENTICATION_TOKEN', headers));
      const body = await readBody(req);
      if (!body) return send(res, gatewayResponse('REQUEST_TOO_LARGE', headers));

      const query: Record<string, string> = Object.create(null);
      const multiQuery: Record<string, string[]> = Object.create(null);
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
      const context = { awsRequestId: requestContext.requestId, functionName: route.functionName, getRemainingTimeInMillis: () => 10_000 } as Context;
      send(res, await (await load<ProxyHandler>(route.functionName))(event, context));
    } catch {
      // A handler that throws past its middleware is a Lambda error: API Gateway answers DEFAULT_5XX.
      send(res, gatewayResponse('DEFAULT_5XX', headers));
    }
  });
}
