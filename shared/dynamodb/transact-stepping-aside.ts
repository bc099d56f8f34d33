import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  TransactWriteCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { StorageUnavailableError } from '../domain/meeting-repository.js';
import { sleep } from './table-reader.js';
import { callStore } from './unavailability.js';

export type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;

/** Tries of a transaction that keeps meeting another on the same item (a count everyone updates). */
const MAX_CONFLICT_ATTEMPTS = 10;
const MAX_CONFLICT_BACKOFF_MS = 1000;

/**
 * One transaction; while another transaction holds one of its items (DynamoDB cancels with
 * TransactionConflict), it steps aside briefly and tries again. A cancellation for a condition
 * goes to the caller, which reads its reasons.
 */
export async function transactSteppingAside(
  client: DynamoDBDocumentClient,
  items: TransactItems,
  /** Runs before each new try: it may throw to give up instead (say, once a count it would raise is full). */
  beforeRetry?: () => Promise<void>,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await callStore(() => client.send(new TransactWriteCommand({ TransactItems: items })));
      return;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const codes = (error.CancellationReasons ?? []).map((reason) => reason.Code);
      if (codes.includes('ThrottlingError') || codes.includes('ProvisionedThroughputExceeded'))
        throw new StorageUnavailableError(error);
      if (!codes.includes('TransactionConflict') || codes.includes('ConditionalCheckFailed')) throw error;
      if (attempt === MAX_CONFLICT_ATTEMPTS) throw new StorageUnavailableError(error);
      // Exponential backoff with full jitter: a crowd on one item spreads out instead of meeting again.
      await sleep(Math.random() * Math.min(MAX_CONFLICT_BACKOFF_MS, 10 * 2 ** attempt));
      await beforeRetry?.();
    }
  }
}
