/**
 * The changes feed's reads: a tenant's change order from the modification index, shard by shard,
 * merged.
 */
import { forEachConcurrently } from '../concurrency.js';
import type { ChangeEntry, FeedPosition } from '../domain/changes-feed.js';
import { afterInstant, changeAfter, SHARDS, tenantKey } from './keys.js';
import { QUERY_CONCURRENCY, type TableReader } from './table-reader.js';

export interface ChangeRange {
  after?: FeedPosition;
  upTo: string;
  limit: number;
}

/**
 * Each shard's first `limit + 1` distinct meetings after the position, merged in order: the
 * first `limit + 1` of the tenant are among them.
 */
export async function findChanges(
  reader: TableReader,
  tenantId: string,
  range: ChangeRange,
): Promise<{ entries: ChangeEntry[]; more: boolean }> {
  const perShard: Array<{ key: string; entry: ChangeEntry }[]> = [];
  await forEachConcurrently(SHARDS, QUERY_CONCURRENCY, async (shard) => {
    perShard.push(await changesOfShard(reader, tenantId, shard, range));
  });
  const merged = perShard.flat().sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { entries: merged.slice(0, range.limit).map(({ entry }) => entry), more: merged.length > range.limit };
}

async function changesOfShard(
  reader: TableReader,
  tenantId: string,
  shard: number,
  range: ChangeRange,
): Promise<{ key: string; entry: ChangeEntry }[]> {
  const found: { key: string; entry: ChangeEntry }[] = [];
  const seen = new Set<string>();
  const pages = reader.queryPages({
    IndexName: 'byTenantModificationTime',
    KeyConditionExpression: range.after
      ? 'tenantKey = :tenant AND modifiedKey BETWEEN :from AND :to'
      : 'tenantKey = :tenant AND modifiedKey <= :to',
    ExpressionAttributeValues: {
      ':tenant': tenantKey(tenantId, shard),
      ':to': afterInstant(range.upTo),
      ...(range.after ? { ':from': changeAfter(range.after) } : {}),
    },
    ProjectionExpression: 'meetingId, modifiedKey',
    Limit: range.limit + 1,
  });
  for await (const items of pages) {
    for (const item of items) {
      const meetingId = item.meetingId as string;
      // An index that lags may still list a meeting's earlier write: its first entry is kept.
      if (seen.has(meetingId)) continue;
      seen.add(meetingId);
      const key = item.modifiedKey as string;
      found.push({ key, entry: { meetingId, time: key.split('#')[0]! } });
      if (found.length > range.limit) return found;
    }
  }
  return found;
}
