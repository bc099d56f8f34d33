import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { meetingEventOf } from '../../shared/domain/meeting-events.js';
import { linkKey, meetingKey, subscriptionKey } from '../../shared/dynamodb/keys.js';
import { eventOfStreamChange } from '../../shared/dynamodb/stream-events.js';
import { newMeeting } from '../../support/fixtures.js';

const meeting = newMeeting();
const live = (version: number, statusCode = meeting.statusCode) => ({ meeting: { ...meeting, statusCode }, version });
const tombstone = {
  deleted: true as const,
  meetingId: meeting.meetingId,
  version: 3,
  deletionTime: '2026-02-01T00:00:00.000Z',
};

describe('meeting events', () => {
  it('names the write: created, updated (previousStatusCode only on a status change), deleted', () => {
    expect(meetingEventOf('t', undefined, live(1))).toMatchObject({
      type: 'meeting.created',
      subject: meeting.meetingId,
      tenantid: 't',
      data: meeting,
    });
    expect(meetingEventOf('t', live(1), live(2))!.data).not.toHaveProperty('previousStatusCode');
    expect(meetingEventOf('t', live(1), live(2, 'WON'))!.data).toMatchObject({
      statusCode: 'WON',
      previousStatusCode: 'WAITING',
    });
    expect(meetingEventOf('t', live(2), tombstone)).toMatchObject({
      type: 'meeting.deleted',
      time: tombstone.deletionTime,
      data: { meetingId: meeting.meetingId, deletionTime: tombstone.deletionTime },
    });
  });

  it('gives each write its own id, the same however often it is built, and none to a tombstone expiring', () => {
    const first = meetingEventOf('t', undefined, live(1))!;
    expect(meetingEventOf('t', undefined, live(1))!.id).toBe(first.id);
    expect(meetingEventOf('t', live(1), live(2))!.id).not.toBe(first.id);
    expect(meetingEventOf('other', undefined, live(1))!.id).not.toBe(first.id);
    expect(meetingEventOf('t', tombstone, undefined)).toBeUndefined();
  });

  it('reads stream records of meeting items only', () => {
    const item = { ...meetingKey('t', meeting.meetingId), meeting, version: 1 };
    const record = (keys: Record<string, unknown>, newImage?: Record<string, unknown>) => ({
      dynamodb: { Keys: marshall(keys), NewImage: newImage && marshall(newImage, { removeUndefinedValues: true }) },
    });
    expect(eventOfStreamChange(record(meetingKey('t', meeting.meetingId), item))).toMatchObject({
      type: 'meeting.created',
      tenantid: 't',
    });
    expect(
      eventOfStreamChange(
        record(linkKey('t', meeting.meetingId, 'PARTY', 0), { ...linkKey('t', meeting.meetingId, 'PARTY', 0) }),
      ),
    ).toBeUndefined();
    expect(
      eventOfStreamChange(record(subscriptionKey('t', 's'), { ...subscriptionKey('t', 's'), url: 'x' })),
    ).toBeUndefined();
  });
});
