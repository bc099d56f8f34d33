import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SubscriptionRepository } from '../domain/subscription-repository.js';
import type { MeetingEventType, StoredSubscription } from '../domain/subscriptions.js';
import { subscriptionKey, subscriptionsPartition } from './keys.js';
import { TableReader } from './table-reader.js';
import { callStore } from './unavailability.js';

/** Subscriptions are items of the meetings table (one partition per tenant), outside every index. */
export class DynamoDbSubscriptionRepository implements SubscriptionRepository {
  private readonly reader: TableReader;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.reader = new TableReader(client, tableName);
  }

  async create(tenantId: string, subscription: StoredSubscription): Promise<void> {
    await callStore(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...subscriptionKey(tenantId, subscription.subscriptionId), ...subscription },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
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
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': subscriptionsPartition(tenantId) },
      ConsistentRead: true,
    }))
      for (const item of items) subscriptions.push(toSubscription(item));
    return subscriptions.sort(
      (a, b) => a.creationTime.localeCompare(b.creationTime) || a.subscriptionId.localeCompare(b.subscriptionId),
    );
  }

  async delete(tenantId: string, subscriptionId: string): Promise<boolean> {
    const { Attributes } = await callStore(() =>
      this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: subscriptionKey(tenantId, subscriptionId),
          ReturnValues: 'ALL_OLD',
        }),
      ),
    );
    return Attributes !== undefined;
  }
}

const toSubscription = (item: Record<string, unknown>): StoredSubscription => ({
  subscriptionId: item.subscriptionId as string,
  url: item.url as string,
  eventTypes: item.eventTypes as MeetingEventType[],
  creationTime: item.creationTime as string,
  secret: item.secret as string,
});
