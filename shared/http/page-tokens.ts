/**
 * The opaque tokens a paged answer hands out (the changes feed's `nextSince`, a history's
 * `nextCursor`), and the reading of a paged query string. A token is its payload with a check bound
 * to what it pages (the tenant; the meeting too for a history), base64url-encoded: opaque to
 * clients, and one this service did not issue for that binding (edited, truncated, another
 * tenant's or meeting's) is refused as malformed. The check is not keyed with a secret, so a
 * client that reverse-engineers the format can forge a token for what it may read anyway; a keyed
 * check would need a secret kept across deployments, and tokens stay valid across them.
 */
import { createHash } from 'node:crypto';
import type { QueryParameter } from '../generated/contract.js';
import { badRequestParameters } from './api-error.js';
import { defaultOf, readQuery, type QueryEvent } from './query-parameters.js';

/** A token's longest accepted length (the document's maxLength of every token parameter). */
const MAX_TOKEN_LENGTH = 200;

const checkOf = (binding: readonly string[], payload: string) =>
  createHash('sha256')
    .update([...binding, payload].join('\n'))
    .digest('base64url')
    .slice(0, 12);

export function sealToken(binding: readonly string[], payload: string): string {
  return Buffer.from(`${payload}.${checkOf(binding, payload)}`).toString('base64url');
}

/** The payload of a token sealed for this binding, else undefined. */
export function openToken(binding: readonly string[], token: string): string | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  const text = Buffer.from(token, 'base64url').toString('utf8');
  const dot = text.lastIndexOf('.');
  if (dot < 0) return undefined;
  const payload = text.slice(0, dot);
  return text.slice(dot + 1) === checkOf(binding, payload) ? payload : undefined;
}

/**
 * A paged operation's query string, validated against the document: its token parameter decoded
 * (a token that does not decode is one more error item, so that one answer names every bad
 * parameter) and its `size`, or the document's default.
 */
export function readPageRequest<T>(
  event: QueryEvent,
  query: {
    parameters: readonly QueryParameter[];
    validate: Parameters<typeof readQuery>[2];
    tokenName: string;
    decode: (token: string) => T | undefined;
    refusal: string;
  },
): { position: T | undefined; size: number } {
  const { raw, errors } = readQuery(event, query.parameters, query.validate);
  const token = raw[query.tokenName];
  let position: T | undefined;
  if (typeof token === 'string' && token.length <= MAX_TOKEN_LENGTH) {
    position = query.decode(token);
    if (position === undefined)
      errors.push({ target: query.tokenName, errorCode: 'INVALID_TYPE', message: query.refusal });
  }
  if (errors.length) throw badRequestParameters(errors);
  return { position, size: (raw.size as number | undefined) ?? (defaultOf(query.parameters, 'size') as number) };
}
