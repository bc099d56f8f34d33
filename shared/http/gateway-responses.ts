import type { ErrorBody } from '../errors.js';

/**
 * What API Gateway itself answers (before or instead of a handler), in the house error body. The
 * CDK stack configures these gateway responses and the local gateway answers the same.
 */
export interface GatewayResponseSpec {
  status: number;
  body: ErrorBody;
  headers?: Record<string, string>;
}

export const GATEWAY_RESPONSES = {
  UNAUTHORIZED: { status: 401, body: { errorCode: 'UNAUTHORIZED', message: 'Unauthorized request.' } },
  ACCESS_DENIED: { status: 403, body: { errorCode: 'FORBIDDEN', message: 'The token does not allow this operation.' } },
  MISSING_AUTHENTICATION_TOKEN: { status: 404, body: { errorCode: 'INVALID_ID', message: 'No resource at this path.' } },
  REQUEST_TOO_LARGE: { status: 400, body: { errorCode: 'BAD_REQUEST_BODY', message: 'Invalid request body', description: 'Request body is too large.' } },
  THROTTLED: {
    status: 503,
    body: { errorCode: 'SERVICE_UNAVAILABLE', message: 'Service is unavailable.', description: 'Too many requests; retry later.' },
    headers: { 'Retry-After': '1' },
  },
  AUTHORIZER_FAILURE: { status: 500, body: { errorCode: 'TECHNICAL_ERROR', message: 'A technical error has occurred.' } },
  DEFAULT_4XX: { status: 400, body: { errorCode: 'BAD_REQUEST_PARAMETERS', message: 'Invalid request parameters' } },
  DEFAULT_5XX: { status: 500, body: { errorCode: 'TECHNICAL_ERROR', message: 'A technical error has occurred.' } },
} as const satisfies Record<string, GatewayResponseSpec>;

export type GatewayResponseType = keyof typeof GATEWAY_RESPONSES;
