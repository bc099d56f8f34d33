/**
 * Delivers one queued event to one subscription (batch size 1, FIFO: a message that fails holds
 * back its group, that subscription's later events of the meeting) with the shared delivery step
 * (shared/webhooks/attempt-delivery.ts).
 */
import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { subscriptionDeps } from '../../shared/composition.js';
import { required } from '../../shared/config.js';
import { logger } from '../../shared/logger.js';
import { attemptDelivery } from '../../shared/webhooks/attempt-delivery.js';
import { retryDelaySeconds, type DeliveryMessage } from '../../shared/webhooks/queue-messages.js';

const queueUrl = required(process.env, 'DELIVERY_QUEUE_URL', 'the webhook delivery queue');
const sqs = new SQSClient({});
const deps = subscriptionDeps();

export const handler = async ({ Records }: SQSEvent): Promise<SQSBatchResponse> => {
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of Records) {
    const { subscriptionId, event } = JSON.parse(record.body) as DeliveryMessage;
    const attempt = await attemptDelivery(deps, subscriptionId, event);
    if (attempt.outcome !== 'failed') continue;
    // The retry decision lives here, not in shared/: SQS counts the receives, the visibility
    // timeout is the backoff, and after DELIVERY_MAX_RECEIVES the queue's redrive policy moves the
    // message to the dead-letter queue (the local runner times its own retries instead).
    const receives = Number(record.attributes.ApproximateReceiveCount);
    logger.warn('webhook delivery failed', { subscriptionId, eventId: event.id, reason: attempt.reason, receives });
    await sqs
      .send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: record.receiptHandle,
          VisibilityTimeout: retryDelaySeconds(receives),
        }),
      )
      .catch((error: unknown) => logger.warn('could not back off the message', { error: error as Error }));
    failures.push({ itemIdentifier: record.messageId });
  }
  return { batchItemFailures: failures };
};
