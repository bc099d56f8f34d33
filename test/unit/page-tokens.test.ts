import { describe, expect, it } from 'vitest';
import { decodeSince, encodeSince } from '../../shared/http/changes-parameters.js';
import { decodeHistoryCursor, encodeHistoryCursor } from '../../shared/http/history-parameters.js';

const MEETING = '9031d1c5-7d40-41dd-b2b8-7919a2fc4fe9';

describe('page tokens', () => {
  it('a since token issued by an earlier release still decodes to the same cursor (tokens outlive deployments)', () => {
    const cursor = {
      position: { time: '2026-12-02T10:00:00.123Z', meetingId: MEETING },
      knownSince: 1796205600123,
    };
    // Issued by 55b3fbd's encodeSince for tenant-a.
    const issued =
      'MS4xNzk2MjA1NjAwMTIzLjkwMzFkMWM1LTdkNDAtNDFkZC1iMmI4LTc5MTlhMmZjNGZlOS4xNzk2MjA1NjAwMTIzLmtsZmNDMUFTSlJQaw';
    expect(encodeSince('tenant-a', cursor)).toBe(issued);
    expect(decodeSince('tenant-a', issued)).toEqual(cursor);
    expect(decodeSince('tenant-b', issued)).toBeUndefined();
  });

  it('a history cursor opens only for its tenant and meeting, and only as issued', () => {
    const cursor = encodeHistoryCursor('tenant-a', MEETING, 42);
    expect(decodeHistoryCursor('tenant-a', MEETING, cursor)).toBe(42);
    expect(decodeHistoryCursor('tenant-b', MEETING, cursor)).toBeUndefined();
    expect(decodeHistoryCursor('tenant-a', MEETING.replace('9031', '9032'), cursor)).toBeUndefined();
    const edited = Buffer.from(Buffer.from(cursor, 'base64url').toString().replace('42', '43')).toString('base64url');
    expect(decodeHistoryCursor('tenant-a', MEETING, edited)).toBeUndefined();
    expect(decodeHistoryCursor('tenant-a', MEETING, cursor.slice(0, -2))).toBeUndefined();
    expect(decodeHistoryCursor('tenant-a', MEETING, 'not a token')).toBeUndefined();
    // A since token of the same tenant is no history cursor.
    const since = encodeSince('tenant-a', { position: { time: '2026-01-01T00:00:00.000Z' }, knownSince: 0 });
    expect(decodeHistoryCursor('tenant-a', MEETING, since)).toBeUndefined();
  });
});
