/**
 * Webhook subscriptions on DynamoDB Local: the limit is a condition of the write (a count in the
 * same transaction), so it holds under concurrency; a tenant whose subscriptions predate the count
 * gets it counted from its items on its first change, and is held to the limit from there.
 */
import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { readStorageConfig } from '../../shared/config.js';
import { SubscriptionLimitReached } from '../../shared/domain/errors.js';
import type { StoredSubscription } from '../../shared/domain/subscriptions.js';
import { createDocumentClient } from '../../shared/dynamodb/document-client.js';
import { DynamoDbSubscriptionRepository } from '../../shared/dynamodb/dynamodb-subscription-repository.js';
import { subscriptionKey } from '../../shared/dynamodb/keys.js';
import { uniqueTenant } from '../../support/fixtures.js';

const config = readStorageConfig();
const client = createDocumentClient(config);
const subscriptions = new DynamoDbSubscriptionRepository(client, config.tableName);
const LIMIT = 25;

const subscription = (): StoredSubscription => ({
  subscriptionId: randomUUID(),
  url: 'https://hooks.example.com/in',
  eventTypes: ['meeting.created'],
  creationTime: new Date().toISOString(),
  secret: 'a-secret',
});

/** Subscriptions written as before the count existed: the items alone. */
async function storedWithoutCount(tenant: string, count: number): Promise<StoredSubscription[]> {
  const stored = Array.from({ length: count }, subscription);
  for (const item of stored)
    await client.send(
      new PutCommand({
        TableName: config.tableName,
        Item: { ...subscriptionKey(tenant, item.subscriptionId), ...item },
      }),
    );
  return stored;
}

const settled = (outcomes: PromiseSettledResult<unknown>[]) => ({
  stored: outcomes.filter((o) => o.status === 'fulfilled').length,
  refused: outcomes.filter((o) => o.status === 'rejected' && o.reason instanceof SubscriptionLimitReached).length,
});

describe('subscriptions in storage', () => {
  it('holds the limit under 40 concurrent creates: exactly 25 stored, the rest refused', async () => {
    const tenant = uniqueTenant();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 40 }, () => subscriptions.create(tenant, subscription(), LIMIT)),
    );
    expect(settled(outcomes)).toEqual({ stored: 25, refused: 15 });
    expect(await subscriptions.list(tenant)).toHaveLength(25);
  });

  it('counts the subscriptions of a tenant from before the count, under concurrency too', async () => {
    const tenant = uniqueTenant();
    await storedWithoutCount(tenant, 10);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 30 }, () => subscriptions.create(tenant, subscription(), LIMIT)),
    );
    expect(settled(outcomes)).toEqual({ stored: 15, refused: 15 });
    expect(await subscriptions.list(tenant)).toHaveLength(25);
  });

  it('holds a tenant over the limit from before the count until deletions bring it under', async () => {
    const tenant = uniqueTenant();
    const stored = await storedWithoutCount(tenant, 27);
    await expect(subscriptions.create(tenant, subscription(), LIMIT)).rejects.toEqual(
      new SubscriptionLimitReached(LIMIT),
    );
    for (const { subscriptionId } of stored.slice(0, 2))
      expect(await subscriptions.delete(tenant, subscriptionId)).toBe(true);
    await expect(subscriptions.create(tenant, subscription(), LIMIT)).rejects.toBeInstanceOf(SubscriptionLimitReached);
    expect(await subscriptions.delete(tenant, stored[2]!.subscriptionId)).toBe(true);
    await subscriptions.create(tenant, subscription(), LIMIT);
    expect(await subscriptions.list(tenant)).toHaveLength(25);
  });

  it('counts from the items when the first change is a deletion, and a deletion frees one place once', async () => {
    const tenant = uniqueTenant();
    const [first] = await storedWithoutCount(tenant, 25);
    const deletions = await Promise.all([1, 2, 3].map(() => subscriptions.delete(tenant, first!.subscriptionId)));
    expect(deletions.filter(Boolean)).toHaveLength(1);
    const outcomes = await Promise.allSettled([1, 2, 3].map(() => subscriptions.create(tenant, subscription(), LIMIT)));
    expect(settled(outcomes)).toEqual({ stored: 1, refused: 2 });
    expect(await subscriptions.delete(tenant, randomUUID())).toBe(false);
  });

  it('lists only subscriptions, not their count', async () => {
    const tenant = uniqueTenant();
    const created = subscription();
    await subscriptions.create(tenant, created, LIMIT);
    expect(await subscriptions.list(tenant)).toEqual([created]);
  });
});
