/**
 * The query string of GET /meetings/{meetingId}/history, and the cursors it hands out: the last
 * version a page held, sealed for the tenant and the meeting (page-tokens.ts). A forged cursor can
 * only skip entries of a meeting its client may read anyway.
 */
import { historyParameters } from '../generated/contract.js';
import { validate as validateHistoryQuery } from '../generated/validators/HistoryQuery.cjs';
import { openToken, readPageRequest, sealToken } from './page-tokens.js';
import type { QueryEvent } from './query-parameters.js';

const VERSION = 'h1';
const PAYLOAD = new RegExp(`^${VERSION}\\.([1-9]\\d{0,9})$`);

export function encodeHistoryCursor(tenantId: string, meetingId: string, afterVersion: number): string {
  return sealToken([tenantId, meetingId], `${VERSION}.${afterVersion}`);
}

/** The version a cursor this service issued for this meeting continues after, else undefined. */
export function decodeHistoryCursor(tenantId: string, meetingId: string, cursor: string): number | undefined {
  const match = PAYLOAD.exec(openToken([tenantId, meetingId], cursor) ?? '');
  return match ? Number(match[1]) : undefined;
}

/** `cursor` (decoded for this meeting) and `size`, validated against the document. */
export function parseHistoryRequest(
  event: QueryEvent,
  tenantId: string,
  meetingId: string,
): { afterVersion: number | undefined; size: number } {
  const { position, size } = readPageRequest(event, {
    parameters: historyParameters,
    validate: validateHistoryQuery,
    tokenName: 'cursor',
    decode: (token) => decodeHistoryCursor(tenantId, meetingId, token),
    refusal: "cursor must be a nextCursor this service returned for this meeting's history",
  });
  return { afterVersion: position, size };
}
