/**
 * The query string of GET /privacy/exports, and the cursors it hands out: the last meetingId a page
 * held, sealed for the tenant and the party (page-tokens.ts).
 */
import { isUuid } from '../domain/identifiers.js';
import { exportParameters } from '../generated/contract.js';
import { validate as validateExportQuery } from '../generated/validators/ExportQuery.cjs';
import { openToken, readPageRequest, sealToken } from './page-tokens.js';
import type { QueryEvent } from './query-parameters.js';

const VERSION = 'x1';

export function encodeExportCursor(tenantId: string, partyId: string, afterMeetingId: string): string {
  return sealToken([tenantId, partyId], `${VERSION}.${afterMeetingId}`);
}

/** The meetingId a cursor this service issued for this party's export continues after, else undefined. */
export function decodeExportCursor(tenantId: string, partyId: string, cursor: string): string | undefined {
  const [version, meetingId, ...rest] = openToken([tenantId, partyId], cursor)?.split('.') ?? [];
  return version === VERSION && rest.length === 0 && isUuid(meetingId) ? meetingId : undefined;
}

/** `partyId` (lowercase), `cursor` (decoded for this party) and `size`, validated against the document. */
export function parseExportRequest(
  event: QueryEvent,
  tenantId: string,
): { partyId: string; afterMeetingId: string | undefined; size: number } {
  const partyId = (event.queryStringParameters?.partyId ?? '').toLowerCase();
  const { position, size } = readPageRequest(event, {
    parameters: exportParameters,
    validate: validateExportQuery,
    tokenName: 'cursor',
    decode: (token) => decodeExportCursor(tenantId, partyId, token),
    refusal: "cursor must be a nextCursor this service returned for this party's export",
  });
  return { partyId, afterMeetingId: position, size };
}
