/**
 * The query string of GET /meetings/changes, and the `since` tokens it hands out. A token is the
 * feed cursor (shared/domain/changes-feed.ts) in a compact form with a check bound to the tenant,
 * base64url-encoded: opaque to clients, and a token this service did not issue for this tenant
 * (edited, truncated, another tenant's) is refused as malformed. The check is not keyed with a
 * secret, so a client that reverse-engineers the format can forge a token for its own tenant; the
 * tenant comes from the bearer token, so a forged token can only mislead that client itself (a
 * forged knownSince could spare it a 410 it needed). A keyed check would need a secret kept across
 * deployments.
 */
import { createHash } from 'node:crypto';
import type { FeedCursor } from '../domain/changes-feed.js';
import { isUuid } from '../domain/identifiers.js';
import { changesParameters } from '../generated/contract.js';
import { validate as validateChangesQuery } from '../generated/validators/ChangesQuery.cjs';
import { badRequestParameters } from './api-error.js';
import { defaultOf, readQuery, type QueryEvent } from './query-parameters.js';

const VERSION = '1';
/** Epoch ms of 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z: the instants the service stores. */
const MIN_MS = -62_167_219_200_000;
const MAX_MS = 253_402_300_799_999;

const checkOf = (tenantId: string, payload: string) =>
  createHash('sha256').update(`${tenantId}\n${payload}`).digest('base64url').slice(0, 12);

export function encodeSince(tenantId: string, cursor: FeedCursor): string {
  const payload = [VERSION, Date.parse(cursor.position.time), cursor.position.meetingId ?? '', cursor.knownSince].join(
    '.',
  );
  return Buffer.from(`${payload}.${checkOf(tenantId, payload)}`).toString('base64url');
}

const epochMs = (text: string | undefined): number | undefined => {
  if (text === undefined || !/^-?\d{1,15}$/.test(text)) return undefined;
  const ms = Number(text);
  return ms >= MIN_MS && ms <= MAX_MS ? ms : undefined;
};

/** The cursor of a token this service issued to this tenant, else undefined. */
export function decodeSince(tenantId: string, token: string): FeedCursor | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  const parts = Buffer.from(token, 'base64url').toString('utf8').split('.');
  if (parts.length !== 5 || parts[0] !== VERSION) return undefined;
  const [, time, meetingId, knownSince, check] = parts;
  if (check !== checkOf(tenantId, parts.slice(0, 4).join('.'))) return undefined;
  const timeMs = epochMs(time);
  const knownSinceMs = epochMs(knownSince);
  if (timeMs === undefined || knownSinceMs === undefined) return undefined;
  if (meetingId !== '' && !(isUuid(meetingId) && meetingId === meetingId.toLowerCase())) return undefined;
  return {
    position: { time: new Date(timeMs).toISOString(), ...(meetingId ? { meetingId } : {}) },
    knownSince: knownSinceMs,
  };
}

/** `since` (decoded for this tenant) and `size`, validated against the document. */
export function parseChangesRequest(
  event: QueryEvent,
  tenantId: string,
): { cursor: FeedCursor | undefined; size: number } {
  const { raw, errors } = readQuery(event, changesParameters, validateChangesQuery);
  let cursor: FeedCursor | undefined;
  // Checked whatever else is wrong, so that one answer names every bad parameter.
  if (typeof raw.since === 'string' && raw.since.length <= 200) {
    cursor = decodeSince(tenantId, raw.since);
    if (!cursor)
      errors.push({
        target: 'since',
        errorCode: 'INVALID_TYPE',
        message: 'since must be a nextSince this service returned to this tenant',
      });
  }
  if (errors.length) throw badRequestParameters(errors);
  return { cursor, size: (raw.size as number | undefined) ?? (defaultOf(changesParameters, 'size') as number) };
}
