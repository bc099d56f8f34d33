/**
 * What API Gateway answers by itself, as the template configures it: the gateway responses (a type
 * the template leaves out takes its DEFAULT_4XX/5XX body with API Gateway's own status for the
 * type), and whether an authorizer's policy allows a method.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayAuthorizerResult, APIGatewayProxyResult } from 'aws-lambda';
import { isUuid } from '../shared/domain/identifiers.js';
import { echoableHeader } from '../shared/http/headers.js';
import type { DeployedStack } from './runtime/stack-template.js';

/** API Gateway's own status of a gateway response type the template leaves to DEFAULT_4XX/5XX. */
const DEFAULT_STATUS: Record<string, number> = {
  INTEGRATION_TIMEOUT: 504,
  INTEGRATION_FAILURE: 504,
  REQUEST_TOO_LARGE: 413,
  AUTHORIZER_FAILURE: 500,
  UNAUTHORIZED: 401,
  ACCESS_DENIED: 403,
  MISSING_AUTHENTICATION_TOKEN: 403,
  INVALID_API_KEY: 403,
  QUOTA_EXCEEDED: 429,
  THROTTLED: 429,
};

export const policyAllows = (result: APIGatewayAuthorizerResult, methodArn: string): boolean => {
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

export function gatewayResponses(stack: Pick<DeployedStack, 'gatewayResponses'>) {
  /** A gateway response as the template configures it (types it leaves out: its DEFAULT_4XX/5XX body). */
  function gatewayResponse(
    type: string,
    requestHeaders: Record<string, string>,
    description?: string,
  ): APIGatewayProxyResult {
    const status = DEFAULT_STATUS[type] ?? (type === 'DEFAULT_5XX' ? 500 : 400);
    const configured =
      stack.gatewayResponses.get(type) ?? stack.gatewayResponses.get(status >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX');
    const headers: Record<string, string> = {};
    for (const [name, source] of Object.entries(configured?.headers ?? {})) {
      const value =
        'value' in source ? source.value : echoableHeader({ headers: requestHeaders }, source.requestHeader);
      if (value !== undefined) headers[name] = value;
    }
    const body = configured?.body ?? '{"message":null}';
    return {
      statusCode: stack.gatewayResponses.has(type) ? configured!.status : status,
      headers,
      body: description ? JSON.stringify({ ...(JSON.parse(body) as object), description }) : body,
    };
  }

  /** A gateway-level 400 before any route runs: always with a Request-ID, the client's uuid or a fresh one. */
  function badRequestResponse(description: string, requestId: string | undefined): APIGatewayProxyResult {
    const answer = gatewayResponse('DEFAULT_4XX', {}, description);
    return { ...answer, headers: { ...answer.headers, 'Request-ID': isUuid(requestId) ? requestId : randomUUID() } };
  }

  return { gatewayResponse, badRequestResponse };
}
