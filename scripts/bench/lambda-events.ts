/**
 * API Gateway events as the gateway (local/gateway.ts) builds them, for invoking bundled functions
 * directly: the authorizer's REQUEST event and the operations' proxy events, carrying `token`.
 */
import { randomUUID } from 'node:crypto';

const requestContext = (method: string, resourcePath: string, path: string) => ({
  accountId: '111111111111',
  apiId: 'bench-api',
  stage: 'v1',
  requestId: randomUUID(),
  resourcePath,
  httpMethod: method,
  path: `/v1${path}`,
  protocol: 'HTTP/1.1',
  requestTimeEpoch: Date.now(),
  resourceId: 'bench',
  identity: { sourceIp: '127.0.0.1', userAgent: 'bench' },
});

export interface LambdaEvents {
  /** A request the authorizer has allowed for `tenantId`; `meetingId` selects /meetings/{meetingId}. */
  proxyEvent: (tenantId: string, method: string, meetingId?: string, body?: unknown, fixedPath?: string) => unknown;
  /** The authorizer's event for a GET /meetings. */
  authorizerEvent: () => unknown;
}

export function lambdaEvents(token: string): LambdaEvents {
  const headersOf = (body: boolean) => ({
    Authorization: `Bearer ${token}`,
    'Request-ID': randomUUID(),
    Accept: 'application/json',
    ...(body ? { 'Content-Type': 'application/json' } : {}),
  });
  const multiValue = (headers: Record<string, string>) =>
    Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]]));
  return {
    proxyEvent(tenantId, method, meetingId, body, fixedPath = '/meetings') {
      const resource = meetingId ? '/meetings/{meetingId}' : fixedPath;
      const path = meetingId ? `/meetings/${meetingId}` : fixedPath;
      const headers = headersOf(body !== undefined);
      return {
        resource,
        path,
        httpMethod: method,
        headers,
        multiValueHeaders: multiValue(headers),
        queryStringParameters: null,
        multiValueQueryStringParameters: null,
        pathParameters: meetingId ? { meetingId } : null,
        stageVariables: null,
        requestContext: {
          ...requestContext(method, resource, path),
          authorizer: {
            principalId: tenantId,
            tenantId,
            subject: `bench-client-${tenantId}`,
            scopes: 'read write',
            tokenValidUntil: String(Math.floor(Date.now() / 1000) + 3 * 3600),
          },
        },
        body: body === undefined ? null : JSON.stringify(body),
        isBase64Encoded: false,
      };
    },
    authorizerEvent() {
      const headers = headersOf(false);
      return {
        type: 'REQUEST',
        methodArn: 'arn:aws:execute-api:eu-north-1:111111111111:bench-api/v1/GET/meetings',
        resource: '/meetings',
        path: '/meetings',
        httpMethod: 'GET',
        headers,
        multiValueHeaders: multiValue(headers),
        queryStringParameters: null,
        multiValueQueryStringParameters: null,
        pathParameters: null,
        stageVariables: null,
        requestContext: requestContext('GET', '/meetings', '/meetings'),
      };
    },
  };
}
