/** Erasures are items of the meetings table, one partition per tenant, outside every index. */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Erasure, ErasureRepository } from '../domain/erasure-repository.js';
import { erasureKey } from './keys.js';
import { callStore } from './unavailability.js';

/** The erasure with its fields in the document's order (storage keeps maps unordered). */
const canonicalErasure = (erasure: Erasure): Erasure => ({
  erasureId: erasure.erasureId,
  partyId: erasure.partyId,
  status: erasure.status,
  requestedAt: erasure.requestedAt,
  ...(erasure.completedAt !== undefined ? { completedAt: erasure.completedAt } : {}),
  ...(erasure.meetingsErased !== undefined ? { meetingsErased: erasure.meetingsErased } : {}),
  ...(erasure.meetingsRedacted !== undefined ? { meetingsRedacted: erasure.meetingsRedacted } : {}),
});

export class DynamoDbErasureRepository implements ErasureRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(tenantId: string, erasure: Erasure): Promise<void> {
    await this.put(tenantId, erasure, 'attribute_not_exists(pk)');
  }

  async complete(tenantId: string, erasure: Erasure & { status: 'COMPLETED' }): Promise<void> {
    await this.put(tenantId, erasure, 'attribute_exists(pk)');
  }

  async get(tenantId: string, erasureId: string): Promise<Erasure | undefined> {
    const { Item } = await callStore(() =>
      this.client.send(
        new GetCommand({ TableName: this.tableName, Key: erasureKey(tenantId, erasureId), ConsistentRead: true }),
      ),
    );
    return Item ? canonicalErasure(Item.erasure as Erasure) : undefined;
  }

  private async put(tenantId: string, erasure: Erasure, condition: string): Promise<void> {
    await callStore(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...erasureKey(tenantId, erasure.erasureId), erasure },
          ConditionExpression: condition,
        }),
      ),
    );
  }
}
