import {
  calendarFeedsPartition,
  calendarTokensPrefix,
  meetingKey,
  subscriptionsPartition,
} from '../shared/dynamodb/keys.js';
import { INDEXES, type IndexName } from '../shared/dynamodb/table-definition.js';
import type { OperationId } from '../shared/routes.js';

/**
 * What each operation's function does to the table, so that its IAM policy can grant exactly
 * that. The adapter's writes are TransactWriteItems, whose IAM actions are the item actions inside.
 */
export interface TableAccess {
  table: string[];
  indexes: Partial<Record<IndexName, string[]>>;
  /** Only items whose partition key matches these patterns (dynamodb:LeadingKeys). */
  leadingKeys?: string[];
}

/** Every tenant's subscriptions partition, and nothing else: no meeting, no index. */
export const SUBSCRIPTION_PARTITIONS = [subscriptionsPartition('*')];

/** Every tenant's calendar feeds partition, and every feed's address (by its token's hash). */
export const CALENDAR_FEED_PARTITIONS = [calendarFeedsPartition('*'), `${calendarTokensPrefix}*`];

/** Every meeting's partition (the meeting, its links, its history), and nothing else. */
export const MEETING_PARTITIONS = [meetingKey('*', '*').pk];

/**
 * Carrying out a data subject's erasure: finds the party's meetings (party traces and the party
 * index), erases or redacts each (a transaction of puts and deletes), rewrites their history
 * entries (BatchWriteItem), drops the traces. The API function does it for a party in few
 * meetings, the erasure worker for the others.
 */
export const ERASURE_WORK: TableAccess = {
  table: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Query', 'dynamodb:BatchWriteItem'],
  indexes: { byPartyVisitTime: ['dynamodb:Query'] },
};

/** What each operation's function does to the meetings table (none: no grant and no TABLE_NAME). */
export const TABLE_ACCESS: Record<OperationId, TableAccess | undefined> = {
  // A create that loses a race with no item handed back (a transaction conflict) reads what holds the id.
  createMeeting: { table: ['dynamodb:PutItem', 'dynamodb:GetItem'], indexes: {} },
  // Each item is a keyed create.
  createMeetingsBatch: { table: ['dynamodb:PutItem', 'dynamodb:GetItem'], indexes: {} },
  getMeeting: { table: ['dynamodb:GetItem'], indexes: {} },
  // The history range of the meeting's partition; a meeting without entries is looked up to tell 200 from 404.
  getMeetingHistory: {
    table: ['dynamodb:Query', 'dynamodb:GetItem'],
    indexes: {},
    leadingKeys: MEETING_PARTITIONS,
  },
  // Reads, then writes conditioned on the version read; a lost condition returns the item (ALL_OLD).
  // A write that takes parties out of a meeting traces them first (BatchWriteItem, party-traces.ts).
  updateMeeting: {
    table: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
    indexes: {},
  },
  deleteMeeting: {
    table: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
    indexes: {},
  },
  // The change order from the modification index, then each meeting's latest state (consistent).
  listMeetingChanges: { table: ['dynamodb:BatchGetItem'], indexes: { byTenantModificationTime: ['dynamodb:Query'] } },
  // Subscriptions: items of the table in one partition per tenant, outside every index, with their
  // count. A create or delete writes the subscription and the count in one transaction; a tenant's
  // first change after the count was introduced counts its subscriptions (Query) and puts the count.
  // A create that met another on the count reads it (GetItem) before trying again.
  createSubscription: {
    table: ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
    indexes: {},
    leadingKeys: SUBSCRIPTION_PARTITIONS,
  },
  listSubscriptions: { table: ['dynamodb:Query'], indexes: {}, leadingKeys: SUBSCRIPTION_PARTITIONS },
  deleteSubscription: {
    table: ['dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:UpdateItem'],
    indexes: {},
    leadingKeys: SUBSCRIPTION_PARTITIONS,
  },
  // Finds the party's meetings, and erases the party from them when they are few (ERASURE_WORK).
  createErasure: ERASURE_WORK,
  // The erasure record only: the ledger (ERASURE_LEDGER_ACCESS).
  getErasure: undefined,
  // The party's meetings (traces, party index), each meeting (BatchGetItem) and its history (Query).
  exportParty: {
    table: ['dynamodb:Query', 'dynamodb:BatchGetItem'],
    indexes: { byPartyVisitTime: ['dynamodb:Query'] },
  },
  // Calendar feeds: a create writes the feed, its address and two counts in one transaction (puts
  // and updates); a revocation reads the feed, then deletes it and its address and updates the
  // counts; the list is a Query of the tenant's feeds partition.
  createCalendarFeed: {
    table: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
    indexes: {},
    leadingKeys: CALENDAR_FEED_PARTITIONS,
  },
  listCalendarFeeds: { table: ['dynamodb:Query'], indexes: {}, leadingKeys: [calendarFeedsPartition('*')] },
  deleteCalendarFeed: {
    table: ['dynamodb:GetItem', 'dynamodb:DeleteItem', 'dynamodb:UpdateItem'],
    indexes: {},
    leadingKeys: CALENDAR_FEED_PARTITIONS,
  },
  // A calendar app's read: the address by its token's hash, the agent index, the meetings it lists.
  getCalendar: {
    table: ['dynamodb:GetItem', 'dynamodb:BatchGetItem'],
    indexes: { byAgentVisitTime: ['dynamodb:Query'] },
    leadingKeys: [`${calendarTokensPrefix}*`, ...MEETING_PARTITIONS],
  },
  searchMeetings: {
    table: ['dynamodb:BatchGetItem'],
    // The planner may drive a search from any index (shared/dynamodb/search-planner.ts).
    indexes: Object.fromEntries(Object.keys(INDEXES).map((name) => [name, ['dynamodb:Query']])),
  },
};

/**
 * What touches the erasure ledger, a table of its own: a request records the erasure (and marks
 * it completed when it carried it out itself); the worker reads a queued one, hands the rest of a
 * long one on to its next run, and marks it completed.
 */
export const ERASURE_LEDGER_ACCESS = {
  createErasure: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
  getErasure: ['dynamodb:GetItem'],
  worker: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
} as const;
