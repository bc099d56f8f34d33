import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import {
  INDEXES,
  type TableRole,
  SEARCH_ENTRY_ATTRIBUTES,
  TABLE_KEY,
  STREAM_VIEW_TYPE,
  TIME_TO_LIVE_ATTRIBUTE,
} from '../../shared/dynamodb/table-definition.js';
import { stageOf } from '../stage.js';

/** Names the table's role for the local runner, which gives each role its DynamoDB Local table. */
export function markTableRole(table: dynamodb.TableV2, role: TableRole): void {
  (table.node.defaultChild as dynamodb.CfnGlobalTable).addMetadata('meeting-api:table', role);
}

const string = (name: string): dynamodb.Attribute => ({ type: dynamodb.AttributeType.STRING, name });

/** The single meetings table, keys and indexes from the shared definition; in prod kept on stack deletion. */
export class MeetingsTable extends dynamodb.TableV2 {
  constructor(scope: Construct, id: string) {
    const stage = stageOf(scope);
    super(scope, id, {
      partitionKey: string(TABLE_KEY.partitionKey),
      sortKey: string(TABLE_KEY.sortKey),
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: stage.tableDeletionProtection,
      removalPolicy: stage.removalPolicy,
      // Tombstones expire 30 days after the deletion (the changes feed keeps deletions that long).
      timeToLiveAttribute: TIME_TO_LIVE_ATTRIBUTE,
      // Change notifications are built from the stream: both images of every change.
      dynamoStream: dynamodb.StreamViewType[STREAM_VIEW_TYPE],
      globalSecondaryIndexes: Object.entries(INDEXES).map(([indexName, index]) => ({
        indexName,
        partitionKey: string(index.partitionKey),
        sortKey: string(index.sortKey),
        projectionType: dynamodb.ProjectionType.INCLUDE,
        nonKeyAttributes: [...SEARCH_ENTRY_ATTRIBUTES],
      })),
    });
    markTableRole(this, 'meetings');
  }
}
