import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { ERASURE_LEDGER } from '../../shared/dynamodb/table-definition.js';
import { stageOf } from '../stage.js';
import { markTableRole } from './meetings-table.js';

const string = (name: string): dynamodb.Attribute => ({ type: dynamodb.AttributeType.STRING, name });

/**
 * The erasure ledger (shared/dynamodb/table-definition.ts): a table apart from the meetings table,
 * so that restoring that one to a point in time leaves every erasure recorded; kept on stack
 * deletion where the meetings table is (prod). Its stream feeds the erasure worker.
 */
export class ErasureLedgerTable extends dynamodb.TableV2 {
  constructor(scope: Construct, id: string) {
    const stage = stageOf(scope);
    super(scope, id, {
      partitionKey: string(ERASURE_LEDGER.key.partitionKey),
      sortKey: string(ERASURE_LEDGER.key.sortKey),
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: stage.tableDeletionProtection,
      removalPolicy: stage.removalPolicy,
      dynamoStream: dynamodb.StreamViewType[ERASURE_LEDGER.streamViewType],
    });
    markTableRole(this, 'erasure-ledger');
  }
}
