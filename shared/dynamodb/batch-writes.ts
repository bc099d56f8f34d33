/** Unconditional puts and deletes in BatchWriteItem calls of 25, unprocessed requests retried with backoff. */
import { BatchWriteCommand, type BatchWriteCommandOutput } from '@aws-sdk/lib-dynamodb';
import { StorageUnavailableError } from '../domain/meeting-repository.js';
import type { Item } from './meeting-items.js';
import { sleep, type TableReader } from './table-reader.js';

/** BatchWriteItem takes at most this many requests. */
const BATCH_WRITE_LIMIT = 25;

type WriteRequest = NonNullable<BatchWriteCommandOutput['UnprocessedItems']>[string][number];

export const putRequest = (item: Item): WriteRequest => ({ PutRequest: { Item: item } });

export async function batchWrite(reader: TableReader, requests: readonly WriteRequest[]): Promise<void> {
  for (let start = 0; start < requests.length; start += BATCH_WRITE_LIMIT) {
    let pending: WriteRequest[] | undefined = requests.slice(start, start + BATCH_WRITE_LIMIT);
    for (let attempt = 0; pending?.length; attempt++) {
      if (attempt > 8) throw new StorageUnavailableError(new Error('BatchWriteItem kept returning unprocessed items'));
      if (attempt > 0) await sleep(Math.min(1000, 20 * 2 ** attempt));
      const batch = pending;
      const result: BatchWriteCommandOutput = await reader.call((client) =>
        client.send(new BatchWriteCommand({ RequestItems: { [reader.tableName]: batch } })),
      );
      pending = result.UnprocessedItems?.[reader.tableName];
    }
  }
}
