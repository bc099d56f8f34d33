import type { APIGatewayProxyEvent } from 'aws-lambda';
import { READ_ONLY_FIELDS, type MeetingInput } from '../domain/meeting.js';
import {
  isStorableInstant,
  isStorableNumber,
  isWellFormedText,
  SMALLEST_STORABLE_MAGNITUDE,
} from '../domain/storable-values.js';
import { validate as validateMeetingRequest } from '../generated/validators/MeetingRequest.cjs';
import { badRequestBody, type ErrorItem } from './api-error.js';
import { MAX_BODY_BYTES, readJsonBody, tooLarge } from './json-body.js';
import { toErrorItems } from './validation-errors.js';

/**
 * What the schema cannot say of a schema-valid body: every value must be one the service can store
 * and return as sent (shared/domain/storable-values.ts). Read-only fields are ignored, so not checked.
 */
function unstorableValues(body: MeetingInput): ErrorItem[] {
  const errors: ErrorItem[] = [];
  const visit = (value: unknown, path: string): void => {
    if (typeof value === 'string' && !isWellFormedText(value)) {
      errors.push({
        target: path,
        errorCode: 'INVALID_TYPE',
        message: `${path} is not well-formed Unicode (a lone surrogate)`,
      });
    } else if (typeof value === 'number' && !isStorableNumber(value)) {
      errors.push({
        target: path,
        errorCode: 'INVALID_TYPE',
        message: `${path} must be 0 or at least ${SMALLEST_STORABLE_MAGNITUDE}`,
      });
    } else if (Array.isArray(value)) value.forEach((item, index) => visit(item, `${path}[${index}]`));
    else if (value !== null && typeof value === 'object')
      for (const [key, item] of Object.entries(value)) visit(item, path ? `${path}.${key}` : key);
  };
  const readOnly = new Set<string>(READ_ONLY_FIELDS);
  for (const [key, value] of Object.entries(body)) if (!readOnly.has(key)) visit(value, key);
  if (isWellFormedText(body.visitTime) && !isStorableInstant(body.visitTime)) {
    errors.push({
      target: 'visitTime',
      errorCode: 'INVALID_TYPE',
      message: 'visitTime must be an instant in the years 0000-9999 (UTC)',
    });
  }
  return errors;
}

function storable(body: MeetingInput): MeetingInput {
  const unstorable = unstorableValues(body);
  if (unstorable.length) throw badRequestBody(unstorable);
  return body;
}

/** Content-Type, size, JSON syntax, the schema of the OpenAPI document, then storable values. */
export function parseMeetingBody(
  event: Pick<APIGatewayProxyEvent, 'headers' | 'body' | 'isBase64Encoded'>,
): MeetingInput {
  return storable(readJsonBody(event, validateMeetingRequest) as MeetingInput);
}

/**
 * A meeting already parsed from JSON (a batch item's): checked as POST /meetings checks its body,
 * its size as JSON included, with the same errors.
 */
export function parseMeetingValue(value: unknown): MeetingInput {
  if (Buffer.byteLength(JSON.stringify(value)) > MAX_BODY_BYTES) throw tooLarge('body', MAX_BODY_BYTES);
  if (!validateMeetingRequest(value)) throw badRequestBody(toErrorItems(validateMeetingRequest.errors ?? []));
  return storable(value as MeetingInput);
}
