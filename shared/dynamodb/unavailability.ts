import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import { StorageUnavailableError } from '../domain/meeting-repository.js';

/**
 * Unavailability (503 with Retry-After), classified with the SDK's own functions: throttling and
 * transient failures (no answer, 500/502/503/504), which its retry strategy retries until its
 * attempts are spent, and other server faults (501, 505-599), which it does not retry.
 */
export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const sdkError = error as Parameters<typeof isTransientError>[0];
  return isThrottlingError(sdkError) || isTransientError(sdkError) || isServerError(sdkError);
}

/**
 * Runs one call to the store, turning unavailability into the port's StorageUnavailableError: the
 * one place both repositories classify store errors. A cancelled transaction is an answer (the
 * caller reads its reasons), not unavailability.
 */
export async function callStore<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof TransactionCanceledException) throw error;
    if (isUnavailable(error)) throw new StorageUnavailableError(error);
    throw error;
  }
}
