/**
 * Follows a DynamoDB stream from now (or from its oldest record), as an EventBridge pipe or a
 * Lambda event source mapping reads it: every open shard (and each new one from its beginning),
 * in order per shard, records past the filter criteria handed over one at a time; a shard's iterator moves on only once its records are handed over, so a
 * failure reads them again, and an expired iterator takes up after the last record handled.
 */
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import { logger } from '../shared/logger.js';
import { assertSupportedPattern, matchesPattern } from './runtime/event-pattern.js';

export interface TableStreamOptions {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  streamArn: string;
  /** The pipe's filter criteria: a record passes when it matches one of them (all pass without any). */
  filterPatterns: unknown[];
  onRecord: (record: StreamRecord) => Promise<void>;
  /** The time between polls while records keep coming; empty polls stretch it up to IDLE_POLL_INTERVAL_MS. */
  pollIntervalMs?: number;
  /** Where reading starts in the shards open at start: after the newest record (default), or at the oldest. */
  startingPosition?: 'LATEST' | 'TRIM_HORIZON';
}

/** How often new shards are looked for. */
const DISCOVERY_INTERVAL_MS = 2_000;
/** Lambda's event source mappings poll a shard four times a second. */
const POLL_INTERVAL_MS = 250;
/**
 * The longest time between polls of a quiet stream. DynamoDB Local's GetRecords grows dearer with
 * the stream records it holds, even when it returns none: polled at full rate after a large import,
 * idle streams alone kept it busy, and the API's own requests timed out behind them.
 */
const IDLE_POLL_INTERVAL_MS = 1_000;

export async function followTableStream(options: TableStreamOptions): Promise<{ stop(): Promise<void> }> {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  for (const pattern of options.filterPatterns) assertSupportedPattern(pattern);
  const passesFilter = (record: unknown) =>
    options.filterPatterns.length === 0 || options.filterPatterns.some((pattern) => matchesPattern(record, pattern));
  const { streamArn } = options;
  const streams = new DynamoDBStreamsClient({
    endpoint: options.endpoint,
    region: options.region,
    credentials: options.credentials,
  });

  /** Open shards and their iterators; shards found after start are read from their beginning. */
  const iterators = new Map<string, string | undefined>();
  const seenShards = new Set<string>();
  const lastSequence = new Map<string, string>();
  const discover = async (initial: boolean) => {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shard of StreamDescription?.Shards ?? []) {
      const shardId = shard.ShardId!;
      if (seenShards.has(shardId)) continue;
      seenShards.add(shardId);
      // Closed before we started (read from the oldest record, a closed shard's records still count).
      if (initial && options.startingPosition !== 'TRIM_HORIZON' && shard.SequenceNumberRange?.EndingSequenceNumber)
        continue;
      const { ShardIterator } = await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shardId,
          ShardIteratorType: initial ? (options.startingPosition ?? 'LATEST') : 'TRIM_HORIZON',
        }),
      );
      iterators.set(shardId, ShardIterator);
    }
  };
  await discover(true);

  const pollIntervalMs = options.pollIntervalMs ?? POLL_INTERVAL_MS;
  const idlePollIntervalMs = Math.max(pollIntervalMs, IDLE_POLL_INTERVAL_MS);
  let nextPollMs = pollIntervalMs;
  let lastDiscovery = Date.now();
  const poll = async (): Promise<void> => {
    if (stopped) return;
    let received = false;
    try {
      if (Date.now() - lastDiscovery > DISCOVERY_INTERVAL_MS) {
        lastDiscovery = Date.now();
        await discover(false);
      }
      for (const [shardId, iterator] of iterators) {
        if (!iterator) {
          iterators.delete(shardId);
          continue;
        }
        let answer;
        try {
          answer = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
        } catch (error) {
          // An expired (or trimmed) iterator: take up again right after the last record handled, or
          // where reading started when none was handled yet.
          const after = lastSequence.get(shardId);
          const { ShardIterator } = await streams.send(
            new GetShardIteratorCommand({
              StreamArn: streamArn,
              ShardId: shardId,
              ...(after
                ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }
                : { ShardIteratorType: options.startingPosition ?? 'LATEST' }),
            }),
          );
          iterators.set(shardId, ShardIterator);
          // DynamoDB Local answers a shard's first read after its first record so at times: the
          // new iterator reads it next time, nothing to report.
          if (error instanceof TrimmedDataAccessException) continue;
          throw error;
        }
        // The iterator moves on only once every record is handed over: a failure reads them again.
        if (answer.Records?.length) received = true;
        for (const record of answer.Records ?? []) {
          if (passesFilter(record)) await options.onRecord(record);
          if (record.dynamodb?.SequenceNumber) lastSequence.set(shardId, record.dynamodb.SequenceNumber);
        }
        iterators.set(shardId, answer.NextShardIterator);
      }
    } catch (error) {
      logger.warn('reading the table stream failed; trying again', { error: error as Error });
    }
    // Back to full rate as soon as records come; each empty round waits twice as long, up to the idle interval.
    nextPollMs = received ? pollIntervalMs : Math.min(idlePollIntervalMs, nextPollMs * 2);
    if (!stopped) timer = setTimeout(() => void poll(), nextPollMs);
  };
  void poll();

  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      streams.destroy();
      return Promise.resolve();
    },
  };
}
