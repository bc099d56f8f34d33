import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { accessPolicy, grantedScopes } from '../../shared/auth/access-policy.js';
import { createTokenVerifier, InvalidTokenError } from '../../shared/auth/token-verifier.js';
import { readAuthConfig } from '../../shared/config.js';
import { echoableRequestId } from '../../shared/http/request-parsing.js';
import { logger } from '../../shared/logger.js';

const config = readAuthConfig();
const verify = createTokenVerifier(config);

/** API Gateway answers its UNAUTHORIZED (401) gateway response when an authorizer throws exactly this. */
const UNAUTHORIZED = 'Unauthorized';

const bearerToken = (headers: Record<string, string | undefined> | null): string | undefined => {
  const value = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === 'authorization')?.[1];
  const match = value?.match(/^Bearer ([A-Za-z0-9_.~+/=-]+)$/i);
  return match?.[1];
};

export const handler = async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
  const token = bearerToken(event.headers);
  if (!token) throw new Error(UNAUTHORIZED);
  try {
    const { tenantId, scopes, validUntil } = await verify(token);
    return accessPolicy(event.methodArn, tenantId, tenantId, grantedScopes(scopes, config), validUntil);
  } catch (error) {
    if (error instanceof InvalidTokenError) {
      logger.info('token rejected', {
        requestId: echoableRequestId({ headers: event.headers ?? {} }) ?? 'none',
        reason: error.message,
      });
      throw new Error(UNAUTHORIZED);
    }
    throw error;
  }
};
