/**
 * Reads the table's stream records in order per meeting (a FIFO queue the delivery pipe fills,
 * one message group per meeting) and queues each event once per subscription of its tenant and
 * type (message group: subscription + meeting), so that one failing receiver holds back only its
 * own events of that meeting.
 */
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { subscriptionDeps } from '../../shared/composition.js';
import { required } from '../../shared/config.js';
import { eventOfStreamChange, type StreamChange } from '../../shared/dynamodb/stream-events.js';
import { logger } from '../../shared/logger.js';
import { subscriptionsFor } from '../../shared/webhooks/fan-out.js';
import type { DeliveryMessage } from '../../shared/webhooks/queue-messages.js';

const queueUrl = required(process.env, 'DELIVERY_QUEUE_URL', 'the webhook delivery queue');
const sqs = new SQSClient({});
const { repository } = subscriptionDeps();

export const handler = async ({ Records }: SQSEvent): Promise<SQSBatchResponse> => {
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  const failed = new Set<string | undefined>();
  for (const record of Records) {
    if (failed.has(record.attributes.MessageGroupId)) {
      failures.push({ itemIdentifier: record.messageId });
      continue;
    }
    try {
      const event = eventOfStreamChange(JSON.parse(record.body) as StreamChange);
      if (!event) continue;
      const messages = (await subscriptionsFor(repository, event)).map((subscription) => ({
        Id: subscription.subscriptionId,
        MessageBody: JSON.stringify({ subscriptionId: subscription.subscriptionId, event } satisfies DeliveryMessage),
        MessageGroupId: `${subscription.subscriptionId}#${event.subject}`,
        MessageDeduplicationId: `${event.id}.${subscription.subscriptionId}`.slice(0, 128),
      }));
      for (let start = 0; start < messages.length; start += 10) {
        const { Failed = [] } = await sqs.send(
          new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: messages.slice(start, start + 10) }),
        );
        if (Failed.length) throw new Error(`queueing failed for ${Failed.length} subscriptions`);
      }
    } catch (error) {
      logger.error('fan-out failed; the record and the later ones of its meeting come again', {
        error: error as Error,
      });
      // FIFO: this record and the later ones of its group (its meeting) are retried, in order; the
      // other meetings' records go on (deduplication ids make a resend harmless).
      failed.add(record.attributes.MessageGroupId);
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
};
