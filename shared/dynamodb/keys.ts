/**
 * Key builders: pure functions, the only place that knows how keys are spelled. Every key starts
 * with the tenant, so no key of one tenant can address another tenant's items.
 */
import { SHARD_COUNT } from './table-definition.js';

/** The sort key of a meeting item (its links and tombstone have others); the stack's stream filters name it too. */
export const MEETING_SK = 'MEETING';

/** A meeting and its link items share one partition (item collection). */
export const meetingKey = (tenantId: string, meetingId: string) => ({
  pk: `TENANT#${tenantId}#MEETING#${meetingId}`,
  sk: MEETING_SK,
});

/** The tenant and meeting of a meeting item's key, or undefined for any other item (links, subscriptions). */
export function parseMeetingKey(key: {
  pk?: unknown;
  sk?: unknown;
}): { tenantId: string; meetingId: string } | undefined {
  if (key.sk !== MEETING_SK || typeof key.pk !== 'string') return undefined;
  const match = /^TENANT#(.+)#MEETING#([^#]+)$/.exec(key.pk);
  return match ? { tenantId: match[1]!, meetingId: match[2]! } : undefined;
}

export type LinkKind = 'PARTY' | 'AGENT';

/**
 * Link items sit in numbered slots (one per party or agent), so an update rewrites at most
 * max(old, new) slots: 1 + 50 + 20 items, inside DynamoDB's 100-item transaction limit.
 */
export const linkKey = (tenantId: string, meetingId: string, kind: LinkKind, slot: number) => ({
  pk: meetingKey(tenantId, meetingId).pk,
  sk: `LINK#${kind}#${String(slot).padStart(2, '0')}`,
});

/**
 * A meeting's history entries live in its partition, after no other item of it ('HISTORY#' sorts
 * before 'LINK#' and 'MEETING'), numbered by the version they record: the partition's Query reads
 * them oldest first. They stay when the meeting becomes a tombstone, and after that expires.
 */
const HISTORY_SK_PREFIX = 'HISTORY#';
const VERSION_DIGITS = 10;
export const historyKey = (tenantId: string, meetingId: string, version: number) => ({
  pk: meetingKey(tenantId, meetingId).pk,
  sk: `${HISTORY_SK_PREFIX}${String(version).padStart(VERSION_DIGITS, '0')}`,
});
/** The sort keys of the entries after `afterVersion` (all of them without it): a BETWEEN range. */
export const historyRange = (afterVersion: number | undefined) => ({
  from: `${HISTORY_SK_PREFIX}${String((afterVersion ?? 0) + 1).padStart(VERSION_DIGITS, '0')}`,
  to: `${HISTORY_SK_PREFIX}${'9'.repeat(VERSION_DIGITS)}`,
});

/** The shard of a meeting in the tenant-wide indexes: from the random tail of its id, so spread evenly. */
export const shardOf = (meetingId: string): number => Number.parseInt(meetingId.slice(-8), 16) % SHARD_COUNT;

/** The shards of a tenant-wide index, to read them all. */
export const SHARDS: readonly number[] = Array.from({ length: SHARD_COUNT }, (_, shard) => shard);

/** One shard of the tenant's partitions in the visitTime and modification indexes. */
export const tenantKey = (tenantId: string, shard: number) => `TENANT#${tenantId}#SHARD#${shard}`;
/** One shard of the tenant's partition of one status (the status index). */
export const statusKey = (tenantId: string, statusCode: string, shard: number) =>
  `TENANT#${tenantId}#STATUS#${statusCode}#SHARD#${shard}`;
export const officeKey = (tenantId: string, officeId: string) => `TENANT#${tenantId}#OFFICE#${officeId}`;
export const agentKey = (tenantId: string, agentId: string) => `TENANT#${tenantId}#AGENT#${agentId}`;
export const partyKey = (tenantId: string, partyId: string) => `TENANT#${tenantId}#PARTY#${partyId}`;

/** Sort keys: canonical ISO instants sort as strings; the meetingId makes them unique. */
export const visitKey = (visitTime: string, meetingId: string) => `${visitTime}#${meetingId}`;
export const modifiedKey = (modificationTime: string, meetingId: string) => `${modificationTime}#${meetingId}`;

/**
 * Bounds for "instant strictly after / before T" on a `${instant}#${meetingId}` sort key: '~' sorts
 * after every uuid character and '#' before every digit, so no stored key equals a bound.
 */
export const afterInstant = (instant: string) => `${instant}#~`;
export const beforeInstant = (instant: string) => `${instant}#`;

/**
 * The least sort key after a changes-feed position: keys have a fixed length, so appending '!'
 * (below every key character) gives a bound just past the position's own key, and no key equals it.
 */
export const changeAfter = (position: { time: string; meetingId?: string }) =>
  position.meetingId === undefined ? afterInstant(position.time) : `${modifiedKey(position.time, position.meetingId)}!`;

/**
 * A party's traces: one item per meeting the party has left (or that was deleted), written before
 * the write that takes it out, so that a data subject's erasure finds every meeting whose history
 * holds the party, not only those that list it now.
 */
export const partyTracesPartition = (tenantId: string, partyId: string) => `TENANT#${tenantId}#PARTYTRACE#${partyId}`;
export const partyTraceKey = (tenantId: string, partyId: string, meetingId: string) => ({
  pk: partyTracesPartition(tenantId, partyId),
  sk: `${MEETING_SK}#${meetingId}`,
});

/** A tenant's erasures share one partition of the erasure ledger. */
export const erasuresPartition = (tenantId: string) => `TENANT#${tenantId}#ERASURES`;
export const erasureKey = (tenantId: string, erasureId: string) => ({
  pk: erasuresPartition(tenantId),
  sk: `ERASURE#${erasureId}`,
});

/**
 * A tenant's webhook subscriptions share one partition, with their count (the limit is a condition
 * on it): listing them is one consistent Query.
 */
export const subscriptionKey = (tenantId: string, subscriptionId: string) => ({
  pk: subscriptionsPartition(tenantId),
  sk: `${SUBSCRIPTION_SORT_PREFIX}${subscriptionId}`,
});
export const SUBSCRIPTION_SORT_PREFIX = 'SUBSCRIPTION#';
export const subscriptionCountKey = (tenantId: string) => ({ pk: subscriptionsPartition(tenantId), sk: 'COUNT' });
export const subscriptionsPartition = (tenantId: string) => `TENANT#${tenantId}#SUBSCRIPTIONS`;

/** A tenant's calendar feeds share one partition, with their counts (the limits are conditions on them). */
export const calendarFeedsPartition = (tenantId: string) => `TENANT#${tenantId}#CALENDARFEEDS`;
export const calendarFeedKey = (tenantId: string, feedId: string) => ({
  pk: calendarFeedsPartition(tenantId),
  sk: `FEED#${feedId}`,
});
/** The count of the tenant's feeds (no agent) or of one agent's. */
export const calendarFeedCountKey = (tenantId: string, agentId?: string) => ({
  pk: calendarFeedsPartition(tenantId),
  sk: agentId === undefined ? 'COUNT' : `COUNT#AGENT#${agentId}`,
});
/**
 * A feed's secret address, by the hash of its token: the one key that does not start with the
 * tenant, since a calendar app's request names nothing else; the item names the tenant.
 */
export const calendarTokensPrefix = 'CALENDARTOKEN#';
export const calendarTokenKey = (tokenHash: string) => ({ pk: `${calendarTokensPrefix}${tokenHash}`, sk: 'TOKEN' });
