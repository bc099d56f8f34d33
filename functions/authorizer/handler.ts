import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { accessPolicy, AUTHORIZER_UNAUTHORIZED, grantedScopes } from '../../shared/auth/access-policy.js';
import { API_KEY_HEADER, apiKeyBelongsTo, NO_VALID_API_KEY } from '../../shared/auth/api-keys.js';
import { createTokenVerifier, InvalidTokenError, type TokenRejectionReason } from '../../shared/auth/token-verifier.js';
import { readApiKeyConfig, readAuthConfig } from '../../shared/config.js';
import { echoableRequestId, headerOf } from '../../shared/http/request-parsing.js';
import { logger } from '../../shared/logger.js';
import { AUTHORIZER_OPERATION, OperationMetrics, type RejectionReason } from '../../shared/metrics.js';

const config = readAuthConfig();
const verify = createTokenVerifier(config);
const apiKeys = readApiKeyConfig();
/**
 * Refusals only: the authorizer writes no ColdStart. Writing it cost +0.09x on the authorizer's cold
 * request (bench:coldstart), which runs before every cold API call; Lambda's own REPORT line gives
 * its Init Duration.
 */
const metrics = new OperationMetrics(AUTHORIZER_OPERATION);

const bearerToken = (event: APIGatewayRequestAuthorizerEvent): string | undefined =>
  headerOf({ headers: event.headers ?? {} }, 'Authorization')?.match(/^Bearer ([A-Za-z0-9_.~+/=-]+)$/i)?.[1];

/**
 * The partner key API Gateway meters the request by (apiKeySource AUTHORIZER). A missing key, or
 * one of another tenant, becomes a key that was never issued: the gateway then answers 404
 * INVALID_API_KEY, as it does for an unknown or revoked key.
 */
function usageKeyOf(event: APIGatewayRequestAuthorizerEvent, tenantId: string): string {
  const key = headerOf({ headers: event.headers ?? {} }, API_KEY_HEADER)?.trim();
  if (key && apiKeyBelongsTo(key, tenantId)) return key;
  refused(event, 'api key refused', 'api-key', key ? "not a key of the token's tenant" : 'no x-api-key header');
  return NO_VALID_API_KEY;
}

/** A refusal, counted by its bounded reason and logged with it, the request's ids and what was seen. */
function refused(event: APIGatewayRequestAuthorizerEvent, message: string, reason: RejectionReason, detail: string) {
  metrics.authorizerRejection(reason);
  logger.info(message, {
    requestId: echoableRequestId({ headers: event.headers ?? {} }) ?? 'none',
    gatewayRequestId: event.requestContext?.requestId,
    reason,
    detail,
  });
}

/** Refuses the request: API Gateway answers 401. */
const reject = (event: APIGatewayRequestAuthorizerEvent, reason: TokenRejectionReason, detail: string): never => {
  refused(event, 'token rejected', reason, detail);
  throw new Error(AUTHORIZER_UNAUTHORIZED);
};

export const handler = async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
  const token = bearerToken(event);
  if (!token) return reject(event, 'missing', 'no bearer token');
  try {
    const { tenantId, subject, clientId, scopes, validUntil } = await verify(token);
    const actor = { subject, ...(clientId ? { clientId } : {}) };
    const policy = accessPolicy(event.methodArn, { tenantId, actor }, grantedScopes(scopes, config), validUntil);
    return apiKeys.required ? { ...policy, usageIdentifierKey: usageKeyOf(event, tenantId) } : policy;
  } catch (error) {
    if (error instanceof InvalidTokenError) return reject(event, error.reason, error.message);
    throw error;
  }
};
