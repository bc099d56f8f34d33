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
  AUTHORIZER_FAILURE: response('TECHNICAL_ERROR'),
  DEFAULT_4XX: response('BAD_REQUEST_PARAMETERS'),
  DEFAULT_5XX: response('TECHNICAL_ERROR'),
} as const satisfies Record<string, GatewayResponseSpec>;

export type GatewayResponseType = keyof typeof GATEWAY_RESPONSES;
