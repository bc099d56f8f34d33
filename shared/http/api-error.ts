/**
 * The HTTP edge's error: a status and a house error body. Codes, statuses and messages come from
 * the one catalog generated from the OpenAPI document (ErrorCode, x-error-catalog); only the
 * descriptions and items here are particular to a situation.
 */
import type { components } from '../generated/api-types.js';
import { ERROR_CATALOG, type ErrorCode } from '../generated/error-catalog.js';

export type { ErrorCode };
export type ItemErrorCode = 'VALUE_REQUIRED' | 'INVALID_TYPE' | 'BAD_REQUEST_BODY';

type Schemas = components['schemas'];

/** The document's ErrorItem, with the codes an item may carry. */
export type ErrorItem = Omit<Schemas['ErrorItem'], 'errorCode'> & { errorCode: ItemErrorCode | 'INVALID_STATUS' };

/** The document's Error body. */
export type ErrorBody = Omit<Schemas['Error'], 'errors'> & { errors?: ErrorItem[] };

/** The house body of a code: the catalog's message, plus a description and items when given. */
export function errorBody(
  errorCode: ErrorCode,
  details: { description?: string; errors?: ErrorItem[] } = {},
): ErrorBody {
  return {
    errorCode,
    message: ERROR_CATALOG[errorCode].message,
    ...(details.description ? { description: details.description } : {}),
    ...(details.errors?.length ? { errors: details.errors } : {}),
  };
}

export class ApiError extends Error {
  readonly status: number;

  constructor(
    readonly errorCode: ErrorCode,
    readonly details: { description?: string; errors?: ErrorItem[] } = {},
    /** Extra response headers (Retry-After). */
    readonly headers: Record<string, string> = {},
  ) {
    super(ERROR_CATALOG[errorCode].message);
    this.name = 'ApiError';
    this.status = ERROR_CATALOG[errorCode].status;
  }

  get errors(): ErrorItem[] {
    return this.details.errors ?? [];
  }

  toBody(): ErrorBody {
    return errorBody(this.errorCode, this.details);
  }
}

/** Why a valid token is refused an operation (the gateway's ACCESS_DENIED answer says the same). */
export const TOKEN_LACKS_SCOPE = 'The token does not allow this operation.';

export const badRequestParameters = (errors: ErrorItem[]) =>
  new ApiError('BAD_REQUEST_PARAMETERS', {
    description: 'Request parameters are missing or have invalid type.',
    errors,
  });

export const badRequestBody = (errors: ErrorItem[]) =>
  new ApiError('BAD_REQUEST_BODY', {
    description: 'Request body is missing, is not valid JSON or has invalid fields.',
    errors,
  });

export const invalidStatus = (errors: ErrorItem[]) =>
  new ApiError('INVALID_STATUS', {
    description: 'Unable to perform the request operation due to the state of the meeting.',
    errors,
  });

export const invalidId = () => new ApiError('INVALID_ID');

export const gone = () => new ApiError('GONE');

export const changesTokenExpired = () =>
  new ApiError('GONE', {
    description:
      'The since token is older than the 30 days deletions are kept; rebuild your copy from empty, following the feed without since.',
  });

export const idempotencyKeyReused = (why: 'another body' | 'erased') =>
  new ApiError('IDEMPOTENCY_KEY_REUSED', {
    description:
      why === 'erased'
        ? "This Idempotency-Key created a meeting that was erased at a data subject's request: use a new key for a new meeting."
        : 'This Idempotency-Key was used with another request body: use a new key for a new meeting.',
  });

export const preconditionFailed = () =>
  new ApiError('PRECONDITION_FAILED', {
    description: 'The meeting was written since the entity tag in If-Match was read: read it again.',
  });

export const unsupportedMediaType = () =>
  new ApiError('UNSUPPORTED_MEDIA_TYPE', { description: 'The request body must be application/json.' });

export const unauthorized = () => new ApiError('UNAUTHORIZED');

export const forbidden = () => new ApiError('FORBIDDEN', { description: TOKEN_LACKS_SCOPE });

export const technicalError = () => new ApiError('TECHNICAL_ERROR');

export const RETRY_AFTER_SECONDS = 1;
export const serviceUnavailable = () =>
  new ApiError(
    'SERVICE_UNAVAILABLE',
    { description: 'Storage is busy; retry after the given seconds.' },
    { 'Retry-After': String(RETRY_AFTER_SECONDS) },
  );
