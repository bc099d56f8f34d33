/**
 * The erasure ledger's items (a table of its own: shared/dynamodb/table-definition.ts): one per
 * erasure, under its tenant's partition. A queued item carries `queued: true` until it completes;
 * its stream records are what the erasure worker is fed (QUEUED_ERASURE_RECORDS).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Erasure, ErasureCounts, ErasureJob, ErasureRepository } from '../domain/erasure-repository.js';
import type { WriteOrigin } from '../domain/meeting-history.js';
import { erasureKey } from './keys.js';
import { callStore } from './unavailability.js';

/**
 * The ledger's stream records the worker takes (the event source's filter criteria): an erasure
 * recorded as queued, and each handing-on of one; a completed one is no longer queued.
 */
export const QUEUED_ERASURE_RECORDS = [
  { eventName: ['INSERT', 'MODIFY'], dynamodb: { NewImage: { queued: { BOOL: [true] } } } },
];

interface LedgerItem {
  pk: string;
  sk: string;
  tenantId: string;
  erasure: Erasure;
  origin: WriteOrigin;
  queued?: boolean;
  progress?: ErasureCounts;
  handoffs?: number;
}

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

const jobOf = (item: LedgerItem): ErasureJob => ({
  tenantId: item.tenantId,
  erasure: canonicalErasure(item.erasure),
  origin: item.origin,
  queued: item.queued === true,
  progress: item.progress ?? { meetingsErased: 0, meetingsRedacted: 0 },
  handoffs: item.handoffs ?? 0,
});

export class DynamoDbErasureRepository implements ErasureRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(tenantId: string, erasure: Erasure, { origin, queued }: { origin: WriteOrigin; queued: boolean }) {
    const item: LedgerItem = {
      ...erasureKey(tenantId, erasure.erasureId),
      tenantId,
      erasure,
      origin,
      ...(queued ? { queued: true, handoffs: 0 } : {}),
    };
    await callStore(() =>
      this.client.send(
        new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
      ),
    );
  }

  async complete(tenantId: string, erasure: Erasure & { status: 'COMPLETED' }): Promise<void> {
    await callStore(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: erasureKey(tenantId, erasure.erasureId),
          UpdateExpression: 'SET erasure = :erasure REMOVE queued, progress',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':erasure': erasure },
        }),
      ),
    );
  }

  async get(tenantId: string, erasureId: string): Promise<Erasure | undefined> {
    return (await this.job(tenantId, erasureId))?.erasure;
  }

  async job(tenantId: string, erasureId: string): Promise<ErasureJob | undefined> {
    const { Item } = await callStore(() =>
      this.client.send(
        new GetCommand({ TableName: this.tableName, Key: erasureKey(tenantId, erasureId), ConsistentRead: true }),
      ),
    );
    return Item ? jobOf(Item as LedgerItem) : undefined;
  }

  async handOn(tenantId: string, erasureId: string, progress: ErasureCounts, handoffs: number): Promise<boolean> {
    try {
      await callStore(() =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: erasureKey(tenantId, erasureId),
            UpdateExpression: 'SET progress = :progress, handoffs = :next',
            ConditionExpression: 'queued = :queued AND handoffs = :handoffs',
            ExpressionAttributeValues: {
              ':progress': progress,
              ':next': handoffs + 1,
              ':handoffs': handoffs,
              ':queued': true,
            },
          }),
        ),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async all(): Promise<ErasureJob[]> {
    const jobs: ErasureJob[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await callStore(() =>
        this.client.send(new ScanCommand({ TableName: this.tableName, ConsistentRead: true, ExclusiveStartKey })),
      );
      jobs.push(...(page.Items ?? []).map((item) => jobOf(item as LedgerItem)));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return jobs.sort((a, b) => a.erasure.requestedAt.localeCompare(b.erasure.requestedAt));
  }
}
