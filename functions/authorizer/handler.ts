import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { accessPolicy, AUTHORIZER_UNAUTHORIZED, grantedScopes } from '../../shared/auth/access-policy.js';
import { API_KEY_HEADER, apiKeyBelongsTo, NO_VALID_API_KEY } from '../../shared/auth/api-keys.js';
import { createTokenVerifier, InvalidTokenError, type TokenRejectionReason } from '../../shared/auth/token-verifier.js';
import { readApiKeyConfig, readAuthConfig } from '../../shared/config.js';
import { headerOf } from '../../shared/http/headers.js';
import type { RejectionReason } from '../../shared/metrics.js';

const config = readAuthConfig();
const verify = createTokenVerifier(config);
const apiKeys = readApiKeyConfig();
/** Loaded on the first refusal (refusals.ts): an allowed request needs neither logger nor metrics. */
const refusals = () => import('./refusals.js');

const bearerToken = (event: APIGatewayRequestAuthorizerEvent): string | undefined =>
  headerOf({ headers: event.headers ?? {} }, 'Authorization')?.match(/^Bearer ([A-Za-z0-9_.~+/=-]+)$/i)?.[1];

/**
 * The partner key API Gateway meters the request by (apiKeySource AUTHORIZER). A missing key, or
 * one of another tenant, becomes a key that was never issued: the gateway then answers 404
 * INVALID_API_KEY, as it does for an unknown or revoked key.
 */
async function usageKeyOf(event: APIGatewayRequestAuthorizerEvent, tenantId: string): Promise<string> {
  const key = headerOf({ headers: event.headers ?? {} }, API_KEY_HEADER)?.trim();
  if (key && apiKeyBelongsTo(key, tenantId)) return key;
  await refused(event, 'api key refused', 'api-key', key ? "not a key of the token's tenant" : 'no x-api-key header');
  return NO_VALID_API_KEY;
}

/** A refusal, counted by its bounded reason and logged with it, the request's ids and what was seen. */
async function refused(
  event: APIGatewayRequestAuthorizerEvent,
  message: string,
  reason: RejectionReason,
  detail: string,
) {
  (await refusals()).recordRefusal(event, message, reason, detail);
}

/** Refuses the request: API Gateway answers 401. */
const reject = async (
  event: APIGatewayRequestAuthorizerEvent,
  reason: TokenRejectionReason,
  detail: string,
): Promise<never> => {
  await refused(event, 'token rejected', reason, detail);
  throw new Error(AUTHORIZER_UNAUTHORIZED);
};

export const handler = async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
  const token = bearerToken(event);
  if (!token) return reject(event, 'missing', 'no bearer token');
  try {
    const { tenantId, subject, clientId, scopes, validUntil } = await verify(token);
    const actor = { subject, ...(clientId ? { clientId } : {}) };
    const policy = accessPolicy(event.methodArn, { tenantId, actor }, grantedScopes(scopes, config), validUntil);
    return apiKeys.required ? { ...policy, usageIdentifierKey: await usageKeyOf(event, tenantId) } : policy;
  } catch (error) {
    if (error instanceof InvalidTokenError) return reject(event, error.reason, error.message);
    throw error;
  }
};
