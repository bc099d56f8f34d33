/**
 * The template's Lambda event source mappings on a table's stream, run locally as Lambda runs
 * them: the stream read with the function's own role (through the IAM enforcement point), the
 * mapping's filter criteria and starting position, the function invoked with the records as a
 * DynamoDB stream event, and a failed record (an error, a timeout, or a batch item failure) tried
 * again until the mapping's retry attempts are spent. Records are handed over one at a time (the
 * mappings here take batches of one); a record given up is logged, where AWS would describe it
 * in the mapping's on-failure queue.
 */
import type { _Record as StreamRecord } from '@aws-sdk/client-dynamodb-streams';
import { logger } from '../../shared/logger.js';
import { followTableStream } from '../table-stream.js';
import type { FunctionHost } from './function-host.js';
import { localCredentialsOf } from './local-values.js';
import type { DeployedStack } from './stack-template.js';

/** Between the attempts at a failing record (Lambda retries a stream batch at once; a pause keeps the log readable). */
const RETRY_PAUSE_MS = 1_000;

export async function startStreamEventSources(
  stack: DeployedStack,
  functions: FunctionHost,
  endpoint: string,
): Promise<{ stop(): Promise<void> }> {
  const followers: Array<{ stop(): Promise<void> }> = [];
  for (const source of stack.streamSources) {
    if (source.batchSize !== 1)
      throw new Error(`event source of ${source.functionLogicalId}: the local runner hands over batches of one only`);
    const fn = stack.functions.get(source.functionLogicalId)!;
    const attempts = new Map<string, number>();
    const invoke = async (record: StreamRecord) => {
      const sequence = record.dynamodb?.SequenceNumber ?? '';
      const event = { Records: [{ ...record, eventSourceARN: source.streamArn }] };
      const result = await functions.invoke(source.functionLogicalId, event);
      const failed =
        !result.ok || (result.payload as { batchItemFailures?: unknown[] } | null)?.batchItemFailures?.length;
      if (!failed) {
        attempts.delete(sequence);
        return;
      }
      const attempt = (attempts.get(sequence) ?? 0) + 1;
      attempts.set(sequence, attempt);
      if (source.maximumRetryAttempts >= 0 && attempt > source.maximumRetryAttempts) {
        attempts.delete(sequence);
        logger.error('a stream record failed every attempt; given up (on AWS: the on-failure queue)', {
          function: fn.sourceName,
          sequenceNumber: sequence,
        });
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
      throw new Error(`${fn.sourceName} failed on a stream record (attempt ${attempt})`);
    };
    followers.push(
      await followTableStream({
        endpoint,
        region: stack.account.region,
        credentials: localCredentialsOf(fn.roleArn),
        streamArn: source.streamArn,
        filterPatterns: source.filterPatterns,
        startingPosition: source.startingPosition,
        onRecord: invoke,
      }),
    );
  }
  return {
    async stop() {
      await Promise.all(followers.map((follower) => follower.stop()));
    },
  };
}
