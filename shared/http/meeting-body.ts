import type { APIGatewayProxyEvent } from 'aws-lambda';
import { validate as validateMeetingRequest } from '../generated/validators/MeetingRequest.cjs';
import type { MeetingInput } from '../domain/meeting.js';
import { badRequestBody, unsupportedMediaType } from '../errors.js';
import { headerOf } from './request-parsing.js';
import { toErrorItems } from './validation-errors.js';

export const MAX_BODY_BYTES = 64 * 1024;

/** Content-Type, size, JSON syntax, then the schema of the OpenAPI document, then nothing else. */
export function parseMeetingBody(event: Pick<APIGatewayProxyEvent, 'headers' | 'body' | 'isBase64Encoded'>): MeetingInput {
  const mediaType = headerOf(event, 'Content-Type')?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') throw unsupportedMediaType();
  const raw = event.isBase64Encoded && event.body ? Buffer.from(event.body, 'base64') : Buffer.from(event.body ?? '', 'utf8');
  if (raw.length === 0) throw badRequestBody([{ target: 'body', errorCode: 'VALUE_REQUIRED', message: 'Request body is missing' }]);
  if (raw.length > MAX_BODY_BYTES) {
    throw badRequestBody([{ target: 'body', errorCode: 'BAD_REQUEST_BODY', message: `Request body is larger than ${MAX_BODY_BYTES} bytes` }]);
  }
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw badRequestBody([{ target: 'body', errorCode: 'BAD_REQUEST_BODY', message: 'Request body is not valid JSON' }]);
  }
  if (!validateMeetingRequest(body)) throw badRequestBody(toErrorItems(validateMeetingRequest.errors ?? []));
  return body as MeetingInput;
}
