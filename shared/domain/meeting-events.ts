/**
 * The change notification of one successful write: a CloudEvents 1.0 event in structured JSON
 * (contract-integration.md, "Change notifications"), built from what storage held before and after.
 */
import { createHash } from 'node:crypto';
import { isTombstone, type Meeting, type MeetingRecord, type StatusCode } from './meeting.js';
import type { MeetingEventType } from './subscriptions.js';

export interface MeetingCloudEvent {
  specversion: '1.0';
  /** The same on every redelivery: derived from the tenant, the meeting, the version written and its time. */
  id: string;
  source: '/meetings';
  type: MeetingEventType;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  tenantid: string;
  data: (Meeting & { previousStatusCode?: StatusCode }) | { meetingId: string; deletionTime: string };
}

// The time too: an Idempotency-Key reused after its meeting's tombstone expired makes the same
// meetingId at version 1 again, and that create must not repeat the first one's id.
const eventId = (tenantId: string, meetingId: string, version: number, time: string) =>
  createHash('sha256').update(`${tenantId}\n${meetingId}\n${version}\n${time}`).digest('hex').slice(0, 32);

/**
 * The event of a write that turned `before` into `after`, or undefined for a change that is no
 * write of the API (a tombstone expiring).
 */
export function meetingEventOf(
  tenantId: string,
  before: MeetingRecord | undefined,
  after: MeetingRecord | undefined,
): MeetingCloudEvent | undefined {
  if (!after) return undefined;
  const common = {
    specversion: '1.0',
    source: '/meetings',
    datacontenttype: 'application/json',
    tenantid: tenantId,
  } as const;
  if (isTombstone(after)) {
    if (!before || isTombstone(before)) return undefined;
    return {
      ...common,
      id: eventId(tenantId, after.meetingId, after.version, after.deletionTime),
      type: 'meeting.deleted',
      subject: after.meetingId,
      time: after.deletionTime,
      data: { meetingId: after.meetingId, deletionTime: after.deletionTime },
    };
  }
  const { meeting, version } = after;
  const previous = before && !isTombstone(before) ? before.meeting : undefined;
  const statusChanged = previous !== undefined && previous.statusCode !== meeting.statusCode;
  return {
    ...common,
    id: eventId(tenantId, meeting.meetingId, version, meeting.modificationTime),
    type: previous ? 'meeting.updated' : 'meeting.created',
    subject: meeting.meetingId,
    time: meeting.modificationTime,
    data: statusChanged ? { ...meeting, previousStatusCode: previous.statusCode } : meeting,
  };
}
