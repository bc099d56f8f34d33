/**
 * Calendar feeds are items of the meetings table: each feed and the counts that bound them in
 * their tenant's partition, each feed's address (its token's hash) in a partition of its own.
 * A create or a revocation writes the feed, its address and both counts in one transaction, so
 * the limits hold whatever runs at the same time.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type {
  AgentVisit,
  CalendarFeed,
  CalendarFeedRepository,
  FeedAddress,
} from '../domain/calendar-feed-repository.js';
import { CalendarFeedLimitReached } from '../domain/errors.js';
import {
  afterInstant,
  agentKey,
  beforeInstant,
  calendarFeedCountKey,
  calendarFeedKey,
  calendarFeedsPartition,
  calendarTokenKey,
} from './keys.js';
import type { IndexName } from './table-definition.js';
import { TableReader } from './table-reader.js';
import { transactSteppingAside } from './transact-stepping-aside.js';
import { callStore } from './unavailability.js';

const FEED_PREFIX = 'FEED#';
/** An agent's meetings by visitTime. */
const AGENT_INDEX: IndexName = 'byAgentVisitTime';

/** A count's update: by `delta`, on condition that an increase stays within `limit`. */
const countUpdate = (tableName: string, key: { pk: string; sk: string }, delta: 1 | -1, limit?: number) => ({
  Update: {
    TableName: tableName,
    Key: key,
    UpdateExpression: 'ADD feeds :delta',
    ...(limit === undefined
      ? { ExpressionAttributeValues: { ':delta': delta } }
      : {
          ConditionExpression: 'attribute_not_exists(feeds) OR feeds < :limit',
          ExpressionAttributeValues: { ':delta': delta, ':limit': limit },
        }),
  },
});

const feedOf = (item: Record<string, unknown>): CalendarFeed => ({
  feedId: item.feedId as string,
  agentId: item.agentId as string,
  detail: item.detail as CalendarFeed['detail'],
  createdAt: item.createdAt as string,
});

export class DynamoDbCalendarFeedRepository implements CalendarFeedRepository {
  private readonly reader: TableReader;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.reader = new TableReader(client, tableName);
  }

  async create(
    tenantId: string,
    feed: CalendarFeed,
    tokenHash: string,
    limits: { agent: number; tenant: number },
  ): Promise<void> {
    const address: FeedAddress = { tenantId, feedId: feed.feedId, agentId: feed.agentId, detail: feed.detail };
    try {
      await transactSteppingAside(this.client, [
        {
          Put: {
            TableName: this.tableName,
            Item: { ...calendarFeedKey(tenantId, feed.feedId), ...feed, tokenHash },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Put: {
            TableName: this.tableName,
            Item: { ...calendarTokenKey(tokenHash), ...address },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        countUpdate(this.tableName, calendarFeedCountKey(tenantId), 1, limits.tenant),
        countUpdate(this.tableName, calendarFeedCountKey(tenantId, feed.agentId), 1, limits.agent),
      ]);
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const failed = (index: number) => error.CancellationReasons?.[index]?.Code === 'ConditionalCheckFailed';
      if (failed(3)) throw new CalendarFeedLimitReached('agent', limits.agent);
      if (failed(2)) throw new CalendarFeedLimitReached('tenant', limits.tenant);
      throw error;
    }
  }

  async list(tenantId: string): Promise<CalendarFeed[]> {
    const feeds: CalendarFeed[] = [];
    for await (const items of this.reader.queryPages({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :feed)',
      ExpressionAttributeValues: { ':pk': calendarFeedsPartition(tenantId), ':feed': FEED_PREFIX },
      ConsistentRead: true,
    }))
      feeds.push(...items.map(feedOf));
    return feeds.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.feedId.localeCompare(b.feedId));
  }

  async revoke(tenantId: string, feedId: string): Promise<boolean> {
    const { Item } = await callStore(() =>
      this.client.send(
        new GetCommand({ TableName: this.tableName, Key: calendarFeedKey(tenantId, feedId), ConsistentRead: true }),
      ),
    );
    if (!Item) return false;
    try {
      await transactSteppingAside(this.client, [
        {
          Delete: {
            TableName: this.tableName,
            Key: calendarFeedKey(tenantId, feedId),
            ConditionExpression: 'attribute_exists(pk)',
          },
        },
        { Delete: { TableName: this.tableName, Key: calendarTokenKey(Item.tokenHash as string) } },
        countUpdate(this.tableName, calendarFeedCountKey(tenantId), -1),
        countUpdate(this.tableName, calendarFeedCountKey(tenantId, Item.agentId as string), -1),
      ]);
      return true;
    } catch (error) {
      // Revoked by a concurrent request in between: this one did nothing.
      if (
        error instanceof TransactionCanceledException &&
        error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
      )
        return false;
      throw error;
    }
  }

  async addressOf(tokenHash: string): Promise<FeedAddress | undefined> {
    const { Item } = await callStore(() =>
      this.client.send(new GetCommand({ TableName: this.tableName, Key: calendarTokenKey(tokenHash) })),
    );
    if (!Item) return undefined;
    return {
      tenantId: Item.tenantId as string,
      feedId: Item.feedId as string,
      agentId: Item.agentId as string,
      detail: Item.detail as FeedAddress['detail'],
    };
  }

  async agentVisits(tenantId: string, agentId: string, window: { from: string; to: string }): Promise<AgentVisit[]> {
    const visits: AgentVisit[] = [];
    for await (const items of this.reader.queryPages({
      IndexName: AGENT_INDEX,
      KeyConditionExpression: 'agentKey = :agent AND visitKey BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':agent': agentKey(tenantId, agentId),
        ':from': beforeInstant(window.from),
        ':to': afterInstant(window.to),
      },
      ProjectionExpression: 'meetingId, visitTime, statusCode',
    }))
      visits.push(...(items as AgentVisit[]));
    return visits;
  }
}
