/**
 * The one definition of the meetings table: the CDK stack, the local runner and the tests all
 * create the table from it. Plain data, no SDK or CDK imports.
 */
export const TABLE_KEY = { partitionKey: 'pk', sortKey: 'sk' } as const;

/** Attributes every index entry carries, so that search filters, sorts and counts from the index alone. */
export const SEARCH_ENTRY_ATTRIBUTES = [
  'meetingId',
  'statusCode',
  'typeCode',
  'sourceTypeCode',
  'agencyOfficeId',
  'visitTime',
  'modificationTime',
  'searchText',
  'partyIds',
  'agentIds',
] as const;

/**
 * What a party or agent link item carries: the search entry without its text. There are up to 70
 * link items per meeting, and a text of 10,000 characters repeated in each would pass DynamoDB's
 * 4 MB transaction limit; a free-text search driven by those indexes reads the text from the meeting.
 */
export const LINK_ENTRY_ATTRIBUTES = SEARCH_ENTRY_ATTRIBUTES.filter((name) => name !== 'searchText');

/**
 * Tenant-wide index partitions are write-sharded: each of a tenant's meetings lives in one of this
 * many partitions (by its id), so a busy tenant's writes spread over them and a broad read runs
 * over them in parallel. Changing it means rewriting every meeting's keys.
 */
export const SHARD_COUNT = 8;

/** Each global secondary index is named after the access pattern it serves. */
export const INDEXES = {
  /** a tenant's meetings in a visitTime window (SHARD_COUNT partitions) */
  byTenantVisitTime: { partitionKey: 'tenantKey', sortKey: 'visitKey' },
  /** a tenant's meetings of one status, in a visitTime window (SHARD_COUNT partitions per status) */
  byTenantStatusVisitTime: { partitionKey: 'statusKey', sortKey: 'visitKey' },
  /** a tenant's meetings modified after T; with the tombstones, the changes feed's order (SHARD_COUNT partitions) */
  byTenantModificationTime: { partitionKey: 'tenantKey', sortKey: 'modifiedKey' },
  /** meetings of an agency office, by visitTime */
  byOfficeVisitTime: { partitionKey: 'officeKey', sortKey: 'visitKey' },
  /** meetings of an agent, by visitTime (agent link items) */
  byAgentVisitTime: { partitionKey: 'agentKey', sortKey: 'visitKey' },
  /** meetings of a party, by visitTime (party link items) */
  byPartyVisitTime: { partitionKey: 'partyKey', sortKey: 'visitKey' },
} as const;

export type IndexName = keyof typeof INDEXES;

/** The table's stream (change notifications are built from it): both images of every change. */
export const STREAM_VIEW_TYPE = 'NEW_AND_OLD_IMAGES' as const;

/** DynamoDB's time to live: tombstones carry their expiry here (epoch seconds). */
export const TIME_TO_LIVE_ATTRIBUTE = 'expiresAt';

export const DEFAULT_TABLE_NAME = 'meetings';

/** CreateTable input for DynamoDB Local and tests (on-demand, like the deployed table). */
export function createTableInput(tableName: string) {
  const keyAttributes = new Set<string>([TABLE_KEY.partitionKey, TABLE_KEY.sortKey]);
  for (const index of Object.values(INDEXES)) {
    keyAttributes.add(index.partitionKey);
    keyAttributes.add(index.sortKey);
  }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    StreamSpecification: { StreamEnabled: true, StreamViewType: STREAM_VIEW_TYPE },
    AttributeDefinitions: [...keyAttributes].map((name) => ({ AttributeName: name, AttributeType: 'S' as const })),
    KeySchema: [
      { AttributeName: TABLE_KEY.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: TABLE_KEY.sortKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: Object.entries(INDEXES).map(([name, index]) => ({
      IndexName: name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...SEARCH_ENTRY_ATTRIBUTES] },
    })),
  };
}

/**
 * The erasure ledger: every erasure of a data subject (tenant, partyId, when), in a table of its
 * own so that a point-in-time restore of the meetings table leaves it as it is, and the erasures
 * made after the restore point can be applied again (npm run privacy:replay). Its stream hands a
 * large erasure to the worker that carries it out: recording the erasure is queueing it.
 */
export const ERASURE_LEDGER = { key: TABLE_KEY, streamViewType: 'NEW_IMAGE' } as const;

/** Which of the stack's tables a template resource is (its `meeting-api:table` metadata). */
export type TableRole = 'meetings' | 'erasure-ledger';

/** The ledger's local name, next to the meetings table it belongs to (DynamoDB Local, tests). */
export const erasureLedgerTableName = (meetingsTableName: string) => `${meetingsTableName}-erasure-ledger`;

/** CreateTable input of the erasure ledger for DynamoDB Local and tests. */
export function createErasureLedgerInput(tableName: string) {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    StreamSpecification: { StreamEnabled: true, StreamViewType: ERASURE_LEDGER.streamViewType },
    AttributeDefinitions: [ERASURE_LEDGER.key.partitionKey, ERASURE_LEDGER.key.sortKey].map((name) => ({
      AttributeName: name,
      AttributeType: 'S' as const,
    })),
    KeySchema: [
      { AttributeName: ERASURE_LEDGER.key.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: ERASURE_LEDGER.key.sortKey, KeyType: 'RANGE' as const },
    ],
  };
}
