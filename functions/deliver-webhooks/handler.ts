/**
 * Delivers one queued event to one subscription (batch size 1, FIFO: a message that fails holds
 * back its group, that subscription's later events of the meeting) with the shared delivery step
 * (shared/webhooks/attempt-delivery.ts).
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { deliveryDeps } from '../../shared/composition.js';
import { readDeliveryQueueUrl } from '../../shared/config.js';
import { logger } from '../../shared/logger.js';
import { attemptDelivery } from '../../shared/webhooks/attempt-delivery.js';
import { nextDeliveryStep, type DeliveryMessage } from '../../shared/webhooks/queue-messages.js';

const queueUrl = readDeliveryQueueUrl();
const deps = deliveryDeps();

/** Loaded on the first failed delivery: one that succeeds never needs the SQS client. */
const messageVisibility = () => import('./message-visibility.js');

export const handler = async ({ Records }: SQSEvent): Promise<SQSBatchResponse> => {
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of Records) {
    const { subscriptionId, event } = JSON.parse(record.body) as DeliveryMessage;
    const attempt = await attemptDelivery(deps, subscriptionId, event);
    if (attempt.outcome !== 'failed') continue;
    // SQS counts the attempts (receives) and waits out the visibility timeout; once the schedule
    // gives up, the message becomes visible at once and the queue's redrive moves it to the
    // dead-letter queue at its next receive.
    const receives = Number(record.attributes.ApproximateReceiveCount);
    const step = nextDeliveryStep(receives);
    logger.warn('webhook delivery failed', { subscriptionId, eventId: event.id, reason: attempt.reason, receives });
    await messageVisibility()
      .then(({ changeMessageVisibility }) =>
        changeMessageVisibility(queueUrl, record.receiptHandle, 'retryInMs' in step ? step.retryInMs / 1000 : 0),
      )
      .catch((error: unknown) => logger.warn('could not back off the message', { error: error as Error }));
    failures.push({ itemIdentifier: record.messageId });
  }
  return { batchItemFailures: failures };
};
