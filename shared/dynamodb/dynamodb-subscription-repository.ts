import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SubscriptionLimitReached } from '../domain/errors.js';
import type { SubscriptionRepository } from '../domain/subscription-repository.js';
import type { MeetingEventType, StoredSubscription } from '../domain/subscriptions.js';
import { SUBSCRIPTION_SORT_PREFIX, subscriptionCountKey, subscriptionKey, subscriptionsPartition } from './keys.js';
import { TableReader } from './table-reader.js';
import { transactSteppingAside, type TransactItems } from './transact-stepping-aside.js';
import { callStore } from './unavailability.js';

/** The reason of a cancelled transaction's item `index`, when that item's condition failed. */
const failedCondition = (error: TransactionCanceledException, index: number) => {
  const reason = error.CancellationReasons?.[index];
  return reason?.Code === 'ConditionalCheckFailed' ? reason : undefined;
};

/**
 * Subscriptions are items of the meetings table (one partition per tenant), outside every index.
 * Their count, in the same partition, changes in the transaction that adds or removes one: the
 * limit is a condition on it, so it holds however many creates run at once. A tenant whose
 * subscriptions predate the count gets it, counted once from its items, on its first change.
 */
export class DynamoDbSubscriptionRepository implements SubscriptionRepository {
  private readonly reader: TableReader;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.reader = new TableReader(client, tableName);
  }

  async create(tenantId: string, subscription: StoredSubscription, limit: number): Promise<void> {
    const items = [
      {
        Update: {
          TableName: this.tableName,
          Key: subscriptionCountKey(tenantId),
          UpdateExpression: 'ADD subscriptions :one',
          // False while the count does not exist yet, as well as at the limit: the old item tells which.
          ConditionExpression: 'subscriptions < :limit',
          ExpressionAttributeValues: { ':one': 1, ':limit': limit },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: { ...subscriptionKey(tenantId, subscription.subscriptionId), ...subscription },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ];
    // A crowd subscribing at once meets on the count: after each meeting, a look at the count
    // settles those the limit has no room for, so that they stop contending.
    const stillRoom = async () => {
      if ((await this.count(tenantId)) >= limit) throw new SubscriptionLimitReached(limit);
    };
    try {
      await this.transactCounted(tenantId, items, 0, stillRoom);
    } catch (error) {
      // The old item in DynamoDB's wire form (the document client leaves error details so): only its presence counts.
      if (error instanceof TransactionCanceledException && failedCondition(error, 0)?.Item?.subscriptions !== undefined)
        throw new SubscriptionLimitReached(limit);
      throw error;
    }
  }

  async get(tenantId: string, subscriptionId: string): Promise<StoredSubscription | undefined> {
    const { Item } = await callStore(() =>
      this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: subscriptionKey(tenantId, subscriptionId),
          ConsistentRead: true,
        }),
      ),
    );
    return Item ? toSubscription(Item) : undefined;
  }

  async list(tenantId: string): Promise<StoredSubscription[]> {
    const subscriptions: StoredSubscription[] = [];
    for await (const items of this.reader.queryPages({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :subscription)',
      ExpressionAttributeValues: { ':pk': subscriptionsPartition(tenantId), ':subscription': SUBSCRIPTION_SORT_PREFIX },
      ConsistentRead: true,
    }))
      for (const item of items) subscriptions.push(toSubscription(item));
    return subscriptions.sort(
      (a, b) => a.creationTime.localeCompare(b.creationTime) || a.subscriptionId.localeCompare(b.subscriptionId),
    );
  }

  async delete(tenantId: string, subscriptionId: string): Promise<boolean> {
    const items = [
      {
        Delete: {
          TableName: this.tableName,
          Key: subscriptionKey(tenantId, subscriptionId),
          ConditionExpression: 'attribute_exists(pk)',
        },
      },
      {
        Update: {
          TableName: this.tableName,
          Key: subscriptionCountKey(tenantId),
          UpdateExpression: 'ADD subscriptions :minusOne',
          ConditionExpression: 'attribute_exists(subscriptions)',
          ExpressionAttributeValues: { ':minusOne': -1 },
        },
      },
    ];
    try {
      await this.transactCounted(tenantId, items, 1);
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException && failedCondition(error, 0)) return false;
      throw error;
    }
  }

  /**
   * The transaction, which changes the tenant's count as its item `countIndex`. When that item's
   * condition alone failed because the count does not exist yet (a tenant from before it), the
   * count is started from the items and the transaction run once more; any other cancellation,
   * or the same one again, goes to the caller.
   */
  private async transactCounted(
    tenantId: string,
    items: TransactItems,
    countIndex: number,
    beforeRetry?: () => Promise<void>,
  ): Promise<void> {
    try {
      await transactSteppingAside(this.client, items, beforeRetry);
    } catch (error) {
      const countMissing =
        error instanceof TransactionCanceledException &&
        (error.CancellationReasons ?? []).every((reason, index) =>
          index === countIndex
            ? reason.Code === 'ConditionalCheckFailed' && reason.Item?.subscriptions === undefined
            : reason.Code !== 'ConditionalCheckFailed',
        );
      if (!countMissing) throw error;
      await this.startCount(tenantId);
      await transactSteppingAside(this.client, items, beforeRetry);
    }
  }

  /** The tenant's count as stored now (a consistent read); 0 before it exists. */
  private async count(tenantId: string): Promise<number> {
    const { Item } = await callStore(() =>
      this.client.send(
        new GetCommand({ TableName: this.tableName, Key: subscriptionCountKey(tenantId), ConsistentRead: true }),
      ),
    );
    return (Item?.subscriptions as number | undefined) ?? 0;
  }

  /**
   * The count of a tenant whose subscriptions predate it, from its items. While it does not exist
   * no create or delete of this code can change them, so the number is exact; a concurrent start
   * wins alike. (A version without the count, still running during the deploy that brings it, can
   * leave it off by one: deleting the count item has it counted again.) A transaction of one item,
   * so that meeting another transaction on the count steps aside and tries again.
   */
  private async startCount(tenantId: string): Promise<void> {
    const subscriptions = (await this.list(tenantId)).length;
    try {
      await transactSteppingAside(this.client, [
        {
          Put: {
            TableName: this.tableName,
            Item: { ...subscriptionCountKey(tenantId), subscriptions },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ]);
    } catch (error) {
      if (!(error instanceof TransactionCanceledException && failedCondition(error, 0))) throw error;
    }
  }
}

const toSubscription = (item: Record<string, unknown>): StoredSubscription => ({
  subscriptionId: item.subscriptionId as string,
  url: item.url as string,
  eventTypes: item.eventTypes as MeetingEventType[],
  creationTime: item.creationTime as string,
  secret: item.secret as string,
});
