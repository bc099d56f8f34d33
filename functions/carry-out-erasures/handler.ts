/**
 * The erasure worker (lib/constructs/erasure-worker.ts): fed the erasure ledger's records of
 * queued erasures, one at a time, it carries each out for as long as its run allows and hands
 * the rest on to its next run (shared/use-cases/privacy-use-cases.ts, continueErasure).
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { privacyDeps } from '../../shared/composition.js';
import { logger } from '../../shared/logger.js';
import { continueErasure } from '../../shared/use-cases/privacy-use-cases.js';

const deps = privacyDeps();

interface QueuedErasureImage {
  tenantId: string;
  erasure: { erasureId: string };
  handoffs?: number;
}

export const handler = async ({ Records }: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
  for (const record of Records) {
    const image = unmarshall(record.dynamodb!.NewImage as Record<string, AttributeValue>) as QueuedErasureImage;
    const { erasureId } = image.erasure;
    try {
      const outcome = await continueErasure(deps, image.tenantId, erasureId, image.handoffs ?? 0, () =>
        context.getRemainingTimeInMillis(),
      );
      logger.info('erasure run', { erasureId, outcome });
    } catch (error) {
      logger.error('erasure run failed; its record comes again', { erasureId, error: error as Error });
      return { batchItemFailures: [{ itemIdentifier: record.dynamodb!.SequenceNumber! }] };
    }
  }
  return { batchItemFailures: [] };
};
