/**
 * For the tests of an SQS-fed function from source: its cold start with and without its queue
 * setting, and the SQS records its event source hands it.
 */
import { randomUUID } from 'node:crypto';
import type { SQSRecord } from 'aws-lambda';
import { vi } from 'vitest';

/**
 * Imports the handler module once without DELIVERY_QUEUE_URL (its cold start must refuse) and once
 * with it: the function reads its configuration at cold start.
 */
export async function loadWithQueueUrl<M>(load: () => Promise<M>, queueUrl: string) {
  delete process.env.DELIVERY_QUEUE_URL;
  const coldStartError = await load().then(
    () => undefined,
    (error: unknown) => error,
  );
  vi.resetModules();
  process.env.DELIVERY_QUEUE_URL = queueUrl;
  return { module: await load(), coldStartError };
}

/** One SQS record of a FIFO queue, received `receives` times. */
export function sqsRecord(body: string, messageGroupId: string, queueName: string, receives = 1): SQSRecord {
  return {
    messageId: randomUUID(),
    receiptHandle: `handle-${randomUUID()}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(receives),
      SentTimestamp: '0',
      SenderId: 'sender',
      ApproximateFirstReceiveTimestamp: '0',
      MessageGroupId: messageGroupId,
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:eu-north-1:123456789012:${queueName}`,
    awsRegion: 'eu-north-1',
  };
}
