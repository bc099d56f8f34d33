/**
 * Reference worker fed by the erasure ledger's stream (DynamoDB Streams event source, batch
 * size 1): for each queued erasure, the party's meetings from its index (one QueryCommand), each
 * read (GetCommand) and written back without the party (PutCommand), then the erasure marked
 * completed (UpdateCommand), with the partial batch response AWS documents for stream sources.
 * No history, no traces, no conditions.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';

const docClient = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const TableName = process.env.TABLE_NAME!;

async function eraseParty(tenantId: string, partyId: string): Promise<void> {
  const links = await docClient.send(
    new QueryCommand({
      TableName,
      IndexName: 'byPartyVisitTime',
      KeyConditionExpression: 'partyKey = :partyKey',
      ExpressionAttributeValues: { ':partyKey': `TENANT#${tenantId}#PARTY#${partyId}` },
    }),
  );
  for (const pk of new Set((links.Items ?? []).map((link) => link.pk as string))) {
    const { Item } = await docClient.send(new GetCommand({ TableName, Key: { pk, sk: 'MEETING' } }));
    if (!Item) continue;
    const meeting = Item.meeting as { parties: Array<{ partyId: string }> };
    const parties = meeting.parties.filter((party) => party.partyId !== partyId);
    await docClient.send(new PutCommand({ TableName, Item: { ...Item, meeting: { ...meeting, parties } } }));
  }
}

export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  for (const record of event.Records) {
    const item = unmarshall(record.dynamodb!.NewImage as Record<string, AttributeValue>);
    try {
      await eraseParty(item.tenantId as string, (item.erasure as { partyId: string }).partyId);
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
