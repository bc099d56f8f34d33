import { ERROR_CATALOG } from '../generated/error-catalog.js';
import { errorBody, RETRY_AFTER_SECONDS, TOKEN_LACKS_SCOPE, type ErrorBody } from './api-error.js';

/**
 * What API Gateway itself answers (before or instead of a handler), in the house error body. The
 * CDK stack configures these gateway responses and the local gateway answers the same; codes,
 * statuses and messages come from the error catalog, descriptions say what the gateway saw.
 */
export interface GatewayResponseSpec {
  status: number;
  body: ErrorBody;
  /** Extra response headers (none but Retry-After). */
  headers: Record<string, string>;
}

/** A gateway response's headers are fixed: an hour, not the (unknown) time to the quota's renewal. */
const QUOTA_RETRY_AFTER_SECONDS = 3600;

const response = (
  errorCode: keyof typeof ERROR_CATALOG,
  description?: string,
  headers: Record<string, string> = {},
): GatewayResponseSpec => ({
  status: ERROR_CATALOG[errorCode].status,
  body: errorBody(errorCode, { description }),
  headers,
});

export const GATEWAY_RESPONSES = {
  UNAUTHORIZED: response('UNAUTHORIZED'),
  ACCESS_DENIED: response('FORBIDDEN', TOKEN_LACKS_SCOPE),
  MISSING_AUTHENTICATION_TOKEN: response('INVALID_ID', 'No resource at this path.'),
  REQUEST_TOO_LARGE: response('BAD_REQUEST_BODY', 'Request body is too large.'),
  THROTTLED: response('SERVICE_UNAVAILABLE', 'Too many requests; retry later.', {
    'Retry-After': String(RETRY_AFTER_SECONDS),
  }),
  // Partner keys (when required): a missing, unknown, revoked or foreign key; a spent daily quota.
  INVALID_API_KEY: response('INVALID_API_KEY', 'Send x-api-key with a valid partner key of your tenant.'),
  QUOTA_EXCEEDED: response('SERVICE_UNAVAILABLE', "The partner key's daily quota is spent; it renews at 00:00 UTC.", {
    'Retry-After': String(QUOTA_RETRY_AFTER_SECONDS),
  }),
  AUTHORIZER_FAILURE: response('TECHNICAL_ERROR'),
  DEFAULT_4XX: response('BAD_REQUEST_PARAMETERS'),
  DEFAULT_5XX: response('TECHNICAL_ERROR'),
} as const satisfies Record<string, GatewayResponseSpec>;

export type GatewayResponseType = keyof typeof GATEWAY_RESPONSES;
