/**
 * The one error taxonomy of the API. Everything a client can see as an error is an ApiError;
 * the error-mapper middleware (last in every chain) turns it into the house error body.
 */
export type ErrorCode =
  | 'BAD_REQUEST_PARAMETERS'
  | 'BAD_REQUEST_BODY'
  | 'VALUE_REQUIRED'
  | 'INVALID_TYPE'
  | 'INVALID_STATUS'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'INVALID_ID'
  | 'GONE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'TECHNICAL_ERROR'
  | 'SERVICE_UNAVAILABLE';

export type ItemErrorCode = 'VALUE_REQUIRED' | 'INVALID_TYPE' | 'BAD_REQUEST_BODY';

export interface ErrorItem {
  target: string;
  errorCode: ItemErrorCode | 'INVALID_STATUS';
  message: string;
}

export interface ErrorBody {
  errorCode: ErrorCode;
  message: string;
  description?: string;
  errors?: ErrorItem[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: ErrorCode,
    message: string,
    readonly description?: string,
    readonly errors: ErrorItem[] = [],
    /** Extra response headers (Retry-After). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toBody(): ErrorBody {
    return {
      errorCode: this.errorCode,
      message: this.message,
      ...(this.description ? { description: this.description } : {}),
      ...(this.errors.length ? { errors: this.errors } : {}),
    };
  }
}

export const badRequestParameters = (errors: ErrorItem[]) =>
  new ApiError(400, 'BAD_REQUEST_PARAMETERS', 'Invalid request parameters', 'Request parameters are missing or have invalid type.', errors);

export const badRequestBody = (errors: ErrorItem[]) =>
  new ApiError(400, 'BAD_REQUEST_BODY', 'Invalid request body', 'Request body is missing, is not valid JSON or has invalid fields.', errors);

export const invalidStatus = (errors: ErrorItem[]) =>
  new ApiError(400, 'INVALID_STATUS', 'Invalid status', 'Unable to perform the request operation due to the state of the meeting.', errors);

export const searchTooBroad = (cap: number) =>
  new ApiError(
    400,
    'BAD_REQUEST_PARAMETERS',
    'Invalid request parameters',
    `Search too broad: it would read more than ${cap} meetings (the cap of one search). Narrow it with partyId, agentId, agencyOfficeId or a visitTime window.`,
  );

export const invalidId = () => new ApiError(404, 'INVALID_ID', 'Missing or invalid identifier.');

export const gone = () => new ApiError(410, 'GONE', 'The requested resource is no longer available.');

export const unsupportedMediaType = () =>
  new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported media type.', 'The request body must be application/json.');

export const unauthorized = () => new ApiError(401, 'UNAUTHORIZED', 'Unauthorized request.');

export const forbidden = () => new ApiError(403, 'FORBIDDEN', 'The token does not allow this operation.');

export const technicalError = () => new ApiError(500, 'TECHNICAL_ERROR', 'A technical error has occurred.');

export const RETRY_AFTER_SECONDS = 1;
export const serviceUnavailable = () =>
  new ApiError(503, 'SERVICE_UNAVAILABLE', 'Service is unavailable.', 'Storage is busy; retry after the given seconds.', [], {
    'Retry-After': String(RETRY_AFTER_SECONDS),
  });

/** Thrown by storage adapters when the store is throttled or unreachable: the client may retry. */
export class StorageUnavailableError extends Error {
  constructor(cause: unknown) {
    super('storage unavailable', { cause });
    this.name = 'StorageUnavailableError';
  }
}
