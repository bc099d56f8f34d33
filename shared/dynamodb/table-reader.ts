/**
 * The adapter's reads of the table: every store call classified for unavailability in one place,
 * a Query's pages, meeting items by id in batches, and bounded concurrency for the parallel
 * queries of a search or a changes read.
 */
import {
  BatchGetCommand,
  QueryCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { forEachConcurrently } from '../concurrency.js';
import { StorageUnavailableError } from '../domain/meeting-repository.js';
import { meetingKey } from './keys.js';
import type { Item } from './meeting-items.js';
import { callStore } from './unavailability.js';

/** BatchGetItem takes at most this many keys. */
const BATCH_GET_LIMIT = 100;
/**
 * BatchGetItems of one read in flight at most: a feed of 2,000 events or an export page reads its
 * meetings in a few round trips instead of twenty, within the client's connection pool.
 */
const BATCH_GET_CONCURRENCY = 8;
/** Index queries of one search (or changes read) run at most this many at a time. */
export const QUERY_CONCURRENCY = 16;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class TableReader {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  /** Every store call goes through here, so that unavailability is classified in one place. */
  call<T>(operation: (client: DynamoDBDocumentClient) => Promise<T>): Promise<T> {
    return callStore(() => operation(this.client));
  }

  /** The pages of a Query, one request at a time (the caller may stop early). */
  async *queryPages(input: Omit<QueryCommandInput, 'ExclusiveStartKey' | 'TableName'>) {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page: QueryCommandOutput = await this.call((client) =>
        client.send(new QueryCommand({ ...input, TableName: this.tableName, ExclusiveStartKey })),
      );
      yield page.Items ?? [];
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }

  /**
   * Meeting items by id, 100 per BatchGetItem, BATCH_GET_CONCURRENCY of them at a time,
   * unprocessed keys retried with backoff.
   */
  async batchGet(
    tenantId: string,
    meetingIds: string[],
    options: { projection?: string; consistent: boolean },
    onItem: (item: Item) => void,
  ): Promise<void> {
    const batches: string[][] = [];
    for (let start = 0; start < meetingIds.length; start += BATCH_GET_LIMIT)
      batches.push(meetingIds.slice(start, start + BATCH_GET_LIMIT));
    await forEachConcurrently(batches, BATCH_GET_CONCURRENCY, async (batch) => {
      let keys: Record<string, unknown>[] | undefined = batch.map((id) => meetingKey(tenantId, id));
      for (let attempt = 0; keys?.length; attempt++) {
        if (attempt > 8) throw new StorageUnavailableError(new Error('BatchGetItem kept returning unprocessed keys'));
        if (attempt > 0) await sleep(Math.min(1000, 20 * 2 ** attempt));
        const requested: Record<string, unknown>[] = keys;
        const result: BatchGetCommandOutput = await this.call((client) =>
          client.send(
            new BatchGetCommand({
              RequestItems: {
                [this.tableName]: {
                  Keys: requested,
                  ConsistentRead: options.consistent,
                  ProjectionExpression: options.projection,
                },
              },
            }),
          ),
        );
        for (const item of result.Responses?.[this.tableName] ?? []) onItem(item);
        keys = result.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    });
  }
}
