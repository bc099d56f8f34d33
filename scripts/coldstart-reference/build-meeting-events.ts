/**
 * Reference enrichment of the stream -> event bus pipe: each DynamoDB stream record the pipe
 * passes becomes an event of its new image (@aws-sdk/util-dynamodb's unmarshall), as in AWS's
 * EventBridge Pipes enrichment examples. No AWS call: the pipe puts the answer on the bus.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';

export const handler = async (records: DynamoDBRecord[]) =>
  Promise.resolve(
    records.map((record) => ({
      id: record.eventID,
      type: record.eventName === 'INSERT' ? 'meeting.created' : 'meeting.updated',
      time: new Date().toISOString(),
      data: unmarshall(record.dynamodb!.NewImage as Record<string, AttributeValue>),
    })),
  );
