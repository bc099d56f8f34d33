/**
 * The query string of GET /meetings/changes, and the `since` tokens it hands out: the feed cursor
 * (shared/domain/changes-feed.ts) in a compact form, sealed for the tenant (page-tokens.ts). A
 * forged token can only mislead its own client (a forged knownSince could spare it a 410 it needed).
 */
import type { FeedCursor } from '../domain/changes-feed.js';
import { isUuid } from '../domain/identifiers.js';
import { changesParameters } from '../generated/contract.js';
import { validate as validateChangesQuery } from '../generated/validators/ChangesQuery.cjs';
import { openToken, readPageRequest, sealToken } from './page-tokens.js';
import type { QueryEvent } from './query-parameters.js';

const VERSION = '1';
/** Epoch ms of 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z: the instants the service stores. */
const MIN_MS = -62_167_219_200_000;
const MAX_MS = 253_402_300_799_999;

export function encodeSince(tenantId: string, cursor: FeedCursor): string {
  const payload = [VERSION, Date.parse(cursor.position.time), cursor.position.meetingId ?? '', cursor.knownSince];
  return sealToken([tenantId], payload.join('.'));
}

const epochMs = (text: string | undefined): number | undefined => {
  if (text === undefined || !/^-?\d{1,15}$/.test(text)) return undefined;
  const ms = Number(text);
  return ms >= MIN_MS && ms <= MAX_MS ? ms : undefined;
};

/** The cursor of a token this service issued to this tenant, else undefined. */
export function decodeSince(tenantId: string, token: string): FeedCursor | undefined {
  const parts = openToken([tenantId], token)?.split('.');
  if (parts?.length !== 4 || parts[0] !== VERSION) return undefined;
  const [, time, meetingId, knownSince] = parts;
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
  const { position, size } = readPageRequest(event, {
    parameters: changesParameters,
    validate: validateChangesQuery,
    tokenName: 'since',
    decode: (token) => decodeSince(tenantId, token),
    refusal: 'since must be a nextSince this service returned to this tenant',
  });
  return { cursor: position, size };
}
