/**
 * Delivers one queued event to one subscription (batch size 1, FIFO: a message that fails holds
 * back its group, that subscription's later events of the meeting). A failure backs off through
 * the message's visibility timeout; after DELIVERY_MAX_RECEIVES receives the queue moves it to
 * the dead-letter queue.
 */
import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { subscriptionDeps } from '../../shared/composition.js';
import { required } from '../../shared/config.js';
import { logger } from '../../shared/logger.js';
import { deliverEvent } from '../../shared/webhooks/deliver.js';
import { retryDelaySeconds, type DeliveryMessage } from '../../shared/webhooks/queue-messages.js';

const queueUrl = required(process.env, 'DELIVERY_QUEUE_URL', 'the webhook delivery queue');
const sqs = new SQSClient({});
const deps = subscriptionDeps();

export const handler = async ({ Records }: SQSEvent): Promise<SQSBatchResponse> => {
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of Records) {
    const { subscriptionId, event } = JSON.parse(record.body) as DeliveryMessage;
    let reason: string;
    try {
      // A subscription deleted since gets nothing more.
      const subscription = await deps.repository.get(event.tenantid, subscriptionId);
      if (!subscription) continue;
      const outcome = await deliverEvent(deps, subscription, event);
      if (outcome.delivered) continue;
      reason = outcome.reason;
    } catch (error) {
      // Storage or DNS trouble: backed off like a refused delivery, not retried at once.
      reason = (error as Error).message;
    }
    const receives = Number(record.attributes.ApproximateReceiveCount);
    logger.warn('webhook delivery failed', { subscriptionId, eventId: event.id, reason, receives });
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
