import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { meetingEventOf, type MeetingCloudEvent } from '../domain/meeting-events.js';
import { parseMeetingKey } from './keys.js';
import { toRecord } from './meeting-items.js';

/** The parts of a DynamoDB stream record the events are built from (Lambda's, Pipes' and the Streams API's shape). */
export interface StreamChange {
  dynamodb?: {
    Keys?: Record<string, AttributeValue>;
    NewImage?: Record<string, AttributeValue>;
    OldImage?: Record<string, AttributeValue>;
  };
}

const image = (value: Record<string, AttributeValue> | undefined) => (value ? toRecord(unmarshall(value)) : undefined);

/** The CloudEvent of a stream record of a meeting item; undefined for link and subscription items and expiries. */
export function eventOfStreamChange(change: StreamChange): MeetingCloudEvent | undefined {
  const keys = change.dynamodb?.Keys;
  const meeting = keys && parseMeetingKey(unmarshall(keys));
  if (!meeting) return undefined;
  return meetingEventOf(meeting.tenantId, image(change.dynamodb?.OldImage), image(change.dynamodb?.NewImage));
}
