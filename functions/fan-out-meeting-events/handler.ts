/**
 * Reads the table's stream records in order per meeting (a FIFO queue the delivery pipe fills,
 * one message group per meeting) and queues the event's fan-out plan (shared/webhooks/fan-out.ts)
 * on the FIFO delivery queue.
 */
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { subscriptionDeps } from '../../shared/composition.js';
import { readDeliveryQueueUrl, readFeedConfig } from '../../shared/config.js';
import { eventOfStreamChange, type StreamChange } from '../../shared/dynamodb/stream-events.js';
import { logger } from '../../shared/logger.js';
import { batchesOf, MAX_BATCH_ENTRIES, planFanOutFrom, type PlannedDelivery } from '../../shared/webhooks/fan-out.js';

const queueUrl = readDeliveryQueueUrl();
const sqs = new SQSClient({});
const { repository } = subscriptionDeps();
const { writeDeadlineMs } = readFeedConfig();

async function queue(plan: PlannedDelivery[]): Promise<void> {
  for (const batch of batchesOf(plan, MAX_BATCH_ENTRIES)) {
    const { Failed = [] } = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: batch.map((delivery) => ({
          Id: delivery.subscriptionId,
          MessageBody: JSON.stringify(delivery.message),
          MessageGroupId: delivery.groupId,
          MessageDeduplicationId: delivery.deduplicationId,
        })),
      }),
    );
    if (Failed.length) throw new Error(`queueing failed for ${Failed.length} subscriptions`);
  }
}

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
      if (event) await queue(await planFanOutFrom(repository, event, writeDeadlineMs));
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
