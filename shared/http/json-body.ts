/** Reading a JSON request body at the HTTP edge, the same way for every operation that takes one. */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { badRequestBody, unsupportedMediaType } from './api-error.js';
import { headerOf } from './headers.js';
import { toErrorItems } from './validation-errors.js';

export const MAX_BODY_BYTES = 64 * 1024;

interface BodyValidator {
  (data: unknown): boolean;
  errors?: Parameters<typeof toErrorItems>[0] | null;
}

/** The size message of a body (or a batch item's meeting) over `maxBytes`. */
export const tooLarge = (target: string, maxBytes: number) =>
  badRequestBody([{ target, errorCode: 'BAD_REQUEST_BODY', message: `Request body is larger than ${maxBytes} bytes` }]);

/** A JSON request body: Content-Type (415), presence and size, JSON syntax, then the document's schema (400). */
export function readJsonBody(
  event: Pick<APIGatewayProxyEvent, 'headers' | 'body' | 'isBase64Encoded'>,
  validate: BodyValidator,
  maxBytes = MAX_BODY_BYTES,
): unknown {
  const mediaType = headerOf(event, 'Content-Type')?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') throw unsupportedMediaType();
  const raw =
    event.isBase64Encoded && event.body ? Buffer.from(event.body, 'base64') : Buffer.from(event.body ?? '', 'utf8');
  if (raw.length === 0)
    throw badRequestBody([{ target: 'body', errorCode: 'VALUE_REQUIRED', message: 'Request body is missing' }]);
  if (raw.length > maxBytes) throw tooLarge('body', maxBytes);
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw badRequestBody([
      { target: 'body', errorCode: 'BAD_REQUEST_BODY', message: 'Request body is not valid JSON' },
    ]);
  }
  if (!validate(body)) throw badRequestBody(toErrorItems(validate.errors ?? []));
  return body;
}
