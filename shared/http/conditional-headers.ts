/**
 * If-Match and If-None-Match (RFC 9110): `*` or a comma-separated list of entity tags, each
 * `"..."` or weak `W/"..."`. A malformed header is 400 BAD_REQUEST_PARAMETERS naming it.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { EntityTagCondition } from '../domain/entity-tag.js';
import { badRequestParameters } from './api-error.js';
import { listHeaderOf } from './headers.js';

/** One entity tag at a position: optional W/, then a quoted run of visible characters other than `"`. */
const ENTITY_TAG = /(W\/)?"([\x21\x23-\x7e]*)"/y;
const LIST_GAP = /[ \t]*(?:,[ \t]*)*/y;

/** The tags of an RFC 9110 list (`#entity-tag`: empty elements allowed, a tag may hold a comma), or null. */
function entityTags(value: string): Array<{ tag: string; weak: boolean }> | null {
  const tags: Array<{ tag: string; weak: boolean }> = [];
  let at = 0;
  for (;;) {
    LIST_GAP.lastIndex = at;
    const gap = LIST_GAP.exec(value)![0];
    at = LIST_GAP.lastIndex;
    if (at === value.length) return tags.length ? tags : null;
    if (tags.length && !gap.includes(',')) return null; // two tags need a comma between them
    ENTITY_TAG.lastIndex = at;
    const match = ENTITY_TAG.exec(value);
    if (!match) return null;
    tags.push({ tag: match[2]!, weak: match[1] !== undefined });
    at = ENTITY_TAG.lastIndex;
  }
}

/** An If-None-Match or If-Match value read leniently: its condition, or undefined when absent or malformed. */
export function entityTagsOf(value: string | undefined): EntityTagCondition | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '*') return { any: true };
  const tags = entityTags(value.trim());
  return tags ? { tags } : undefined;
}

/** The header's condition, its lines read as one list; a malformed one is 400 naming it. */
export function parseEntityTagCondition(
  event: Pick<APIGatewayProxyEvent, 'headers'> & Partial<Pick<APIGatewayProxyEvent, 'multiValueHeaders'>>,
  name: 'If-Match' | 'If-None-Match',
): EntityTagCondition | undefined {
  const value = listHeaderOf(event, name);
  const condition = entityTagsOf(value);
  if (value !== undefined && !condition) {
    throw badRequestParameters([
      {
        target: name,
        errorCode: 'INVALID_TYPE',
        message: `${name} must be * or a comma-separated list of "entity-tags"`,
      },
    ]);
  }
  return condition;
}

/** The ETag header of a tag (quoted, as a strong tag). */
export const etagHeader = (entityTag: string) => ({ ETag: `"${entityTag}"` });
