import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import type { AuthConfig } from '../config.js';
import type { Actor } from '../domain/meeting-history.js';
import { resourcePattern, routes, type Route } from '../routes.js';

/** API Gateway answers its UNAUTHORIZED (401) gateway response when an authorizer fails with exactly this message. */
export const AUTHORIZER_UNAUTHORIZED = 'Unauthorized';

/** The operation scopes (read, write, privacy) that the token's OAuth scopes grant: each only its own. */
export const grantedScopes = (tokenScopes: string[], config: Pick<AuthConfig, 'scopes'>): Route['scope'][] =>
  (['read', 'write', 'privacy'] as const).filter((scope) => tokenScopes.includes(config.scopes[scope]));

/**
 * One policy for every route, not just the one called: API Gateway caches the decision per token
 * and reuses it for the token's next calls. Routes outside the granted scopes stay denied (403).
 */
export function accessPolicy(
  methodArn: string,
  caller: { tenantId: string; actor: Actor },
  granted: Route['scope'][],
  tokenValidUntil: number,
): APIGatewayAuthorizerResult {
  const { tenantId, actor } = caller;
  // arn:aws:execute-api:region:account:apiId/stage/METHOD/path...
  const [apiArn, stage] = methodArn.split('/');
  const allowed = routes.filter((route) => granted.includes(route.scope));
  return {
    principalId: tenantId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [
        allowed.length
          ? {
              Action: 'execute-api:Invoke',
              Effect: 'Allow',
              Resource: allowed.map((route) => `${apiArn}/${stage}/${resourcePattern(route)}`),
            }
          : { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: `${apiArn}/${stage}/*` },
      ],
    },
    // The decision is cached (per token, up to the cache TTL) beyond the token's exp: the handlers
    // check tokenValidUntil on every request.
    // Who called goes to the functions too: each write's history entry names its actor.
    context: {
      tenantId,
      subject: actor.subject,
      ...(actor.clientId ? { clientId: actor.clientId } : {}),
      scopes: granted.join(' '),
      tokenValidUntil,
    },
  };
}
