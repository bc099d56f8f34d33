/**
 * If-Match and If-None-Match (RFC 9110): `*` or a comma-separated list of entity tags, each
 * `"..."` or weak `W/"..."`. A malformed header is 400 BAD_REQUEST_PARAMETERS naming it.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { EntityTagCondition } from '../domain/entity-tag.js';
import { badRequestParameters } from './api-error.js';
import { headerOf } from './request-parsing.js';

/** One entity tag: optional W/, then a quoted run of visible characters other than `"`. */
const ENTITY_TAG = /^(W\/)?"([\x21\x23-\x7e]*)"$/;

export function parseEntityTagCondition(
  event: Pick<APIGatewayProxyEvent, 'headers'>,
  name: 'If-Match' | 'If-None-Match',
): EntityTagCondition | undefined {
  const value = headerOf(event, name);
  if (value === undefined) return undefined;
  if (value.trim() === '*') return { any: true };
  const tags = value.split(',').map((part) => ENTITY_TAG.exec(part.trim()));
  if (value.trim() === '' || tags.some((tag) => tag === null)) {
    throw badRequestParameters([
      {
        target: name,
        errorCode: 'INVALID_TYPE',
        message: `${name} must be * or a comma-separated list of "entity-tags"`,
      },
    ]);
  }
  return { tags: tags.map((tag) => ({ tag: tag![2]!, weak: tag![1] !== undefined })) };
}

/** The ETag header of a tag (quoted, as a strong tag). */
export const etagHeader = (entityTag: string) => ({ ETag: `"${entityTag}"` });
