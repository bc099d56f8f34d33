/**
 * Reference worker fed by the erasure ledger's stream (DynamoDB Streams event source, batch
 * size 1): for each record, one UpdateCommand marking its erasure completed, with the partial
 * batch response AWS documents for stream sources.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';

const client = new DynamoDBClient({});
const docClient = DynamoDBDocumentClient.from(client);

export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  for (const record of event.Records) {
    const item = unmarshall(record.dynamodb!.NewImage as Record<string, AttributeValue>);
    try {
      await docClient.send(
        new UpdateCommand({
          TableName: process.env.ERASURE_LEDGER_TABLE_NAME,
          Key: { pk: item.pk, sk: item.sk },
          UpdateExpression: 'SET erasure.#status = :completed, erasure.completedAt = :now REMOVE queued',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':completed': 'COMPLETED', ':now': new Date().toISOString() },
        }),
      );
    } catch {
      return { batchItemFailures: [{ itemIdentifier: record.dynamodb!.SequenceNumber! }] };
    }
  }
  return { batchItemFailures: [] };
};
