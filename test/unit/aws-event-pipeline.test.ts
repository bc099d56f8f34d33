import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { handler as buildMeetingEvents } from '../../functions/build-meeting-events/handler.js';
import { linkKey, meetingKey } from '../../shared/dynamodb/keys.js';
import { DELIVERY_MAX_RECEIVES, retryDelaySeconds } from '../../shared/webhooks/queue-messages.js';
import { newMeeting } from '../../support/fixtures.js';

describe('the AWS event pipeline', () => {
  it("the pipe's enrichment turns meeting records into CloudEvents and drops the rest", async () => {
    const meeting = newMeeting();
    const record = (keys: Record<string, unknown>, item?: Record<string, unknown>) => ({
      dynamodb: { Keys: marshall(keys), NewImage: item && marshall(item, { removeUndefinedValues: true }) },
    });
    const events = await buildMeetingEvents([
      record(meetingKey('t1', meeting.meetingId), { ...meetingKey('t1', meeting.meetingId), meeting, version: 1 }),
      record(linkKey('t1', meeting.meetingId, 'AGENT', 0), linkKey('t1', meeting.meetingId, 'AGENT', 0)),
    ]);
    expect(events).toEqual([
      expect.objectContaining({ type: 'meeting.created', tenantid: 't1', subject: meeting.meetingId }),
    ]);
  });

  it('retries a failing delivery for more than 24 hours before the dead-letter queue, backing off to 2 hours', () => {
    const delays = Array.from({ length: DELIVERY_MAX_RECEIVES - 1 }, (_, i) => retryDelaySeconds(i + 1));
    expect(delays[0]).toBe(30);
    expect(Math.max(...delays)).toBe(7_200);
    expect(delays.reduce((a, b) => a + b, 0)).toBeGreaterThan(24 * 3600);
    // SQS allows at most 12 hours of visibility timeout.
    expect(delays.every((d) => d <= 12 * 3600)).toBe(true);
  });
});
