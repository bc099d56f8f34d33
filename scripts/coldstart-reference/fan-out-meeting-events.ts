/**
 * Reference fan-out (SQS event source on a FIFO queue): the batch's records forwarded to the
 * delivery queue in one SendMessageBatchCommand, each in its message group, with the partial batch
 * response AWS documents. No subscription lookup.
 */
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';

const sqs = new SQSClient({});

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const { Failed = [] } = await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: process.env.DELIVERY_QUEUE_URL,
      Entries: event.Records.map((record) => ({
        Id: record.messageId,
        MessageBody: record.body,
        MessageGroupId: record.attributes.MessageGroupId,
        MessageDeduplicationId: record.attributes.MessageDeduplicationId,
      })),
    }),
  );
  return { batchItemFailures: Failed.map((failed) => ({ itemIdentifier: failed.Id! })) };
};
