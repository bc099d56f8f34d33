import type { APIGatewayProxyEvent } from 'aws-lambda';
import { isUuid } from '../domain/identifiers.js';
import { badRequestParameters, invalidId } from './api-error.js';
import { headerOf } from './headers.js';

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
