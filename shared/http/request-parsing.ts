import type { APIGatewayProxyEvent } from 'aws-lambda';
import { isUuid } from '../domain/identifiers.js';
import { badRequestParameters, invalidId } from './api-error.js';

/** Header lookup is case-insensitive (HTTP), whatever case the gateway hands us. */
export function headerOf(event: Pick<APIGatewayProxyEvent, 'headers'>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {}))
    if (key.toLowerCase() === wanted) return value ?? undefined;
  return undefined;
}

/**
 * A list header (RFC 9110 5.3): a field sent on several lines is one list, its lines joined by
 * commas in order. API Gateway (and the local gateway) give every line in multiValueHeaders, the
 * last one alone in headers.
 */
export function listHeaderOf(
  event: Pick<APIGatewayProxyEvent, 'headers'> & Partial<Pick<APIGatewayProxyEvent, 'multiValueHeaders'>>,
  name: string,
): string | undefined {
  const wanted = name.toLowerCase();
  const lines: string[] = [];
  for (const [key, values] of Object.entries(event.multiValueHeaders ?? {}))
    if (key.toLowerCase() === wanted) lines.push(...(values ?? []));
  return lines.length ? lines.join(', ') : headerOf(event, name);
}

/** A request header as given, if it is a sane value to echo in a response header. */
export const echoableHeader = (event: Pick<APIGatewayProxyEvent, 'headers'>, name: string): string | undefined => {
  const value = headerOf(event, name);
  return value !== undefined && value.length <= 128 && /^[\x21-\x7e]+$/.test(value) ? value : undefined;
};

/** Echo the client's Request-ID as given (if it is a sane header value), even when it is malformed. */
export const echoableRequestId = (event: Pick<APIGatewayProxyEvent, 'headers'>): string | undefined =>
  echoableHeader(event, 'Request-ID');

export function parseRequestId(event: Pick<APIGatewayProxyEvent, 'headers'>): string {
  const value = headerOf(event, 'Request-ID');
  if (value === undefined || value.trim() === '') {
    throw badRequestParameters([
      {
        target: 'Request-ID',
        errorCode: 'VALUE_REQUIRED',
        message: 'Mandatory request parameter Request-ID is missing',
      },
    ]);
  }
  if (!isUuid(value.trim())) {
    throw badRequestParameters([
      { target: 'Request-ID', errorCode: 'INVALID_TYPE', message: 'Request-ID must be a uuid' },
    ]);
  }
  return value.trim();
}

/** A uuid path parameter, lowercase; not a uuid is an unknown id (404). */
function uuidPathParameter(event: Pick<APIGatewayProxyEvent, 'pathParameters'>, name: string): string {
  const id = event.pathParameters?.[name];
  if (!isUuid(id)) throw invalidId();
  return id.toLowerCase();
}

/** The meeting id of the path, lowercase; not a uuid is an unknown id (404). */
export const parseMeetingId = (event: Pick<APIGatewayProxyEvent, 'pathParameters'>) =>
  uuidPathParameter(event, 'meetingId');

/** The subscription id of the path, lowercase; not a uuid is an unknown id (404). */
export const parseSubscriptionId = (event: Pick<APIGatewayProxyEvent, 'pathParameters'>) =>
  uuidPathParameter(event, 'subscriptionId');

/** The erasure id of the path, lowercase; not a uuid is an unknown id (404). */
export const parseErasureId = (event: Pick<APIGatewayProxyEvent, 'pathParameters'>) =>
  uuidPathParameter(event, 'erasureId');

/** The calendar feed id of the path, lowercase; not a uuid is an unknown id (404). */
export const parseCalendarFeedId = (event: Pick<APIGatewayProxyEvent, 'pathParameters'>) =>
  uuidPathParameter(event, 'feedId');

/** The token of a calendar path (`<token>.ics`); anything else is a token no feed has (404 from the use case). */
export const calendarTokenOf = (event: Pick<APIGatewayProxyEvent, 'pathParameters'>): string => {
  const file = event.pathParameters?.calendarFile ?? '';
  return file.endsWith('.ics') ? file.slice(0, -'.ics'.length) : '';
};

/** Idempotency-Key: 1..255 printable ASCII characters; absent is fine. */
export function parseIdempotencyKey(event: Pick<APIGatewayProxyEvent, 'headers'>): string | undefined {
  const value = headerOf(event, 'Idempotency-Key');
  if (value === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,255}$/.test(value)) {
    throw badRequestParameters([
      {
        target: 'Idempotency-Key',
        errorCode: 'INVALID_TYPE',
        message: 'Idempotency-Key must be 1 to 255 printable ASCII characters',
      },
    ]);
  }
  return value;
}
