import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';

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
