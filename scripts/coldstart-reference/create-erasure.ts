/** Reference POST /privacy/erasures: one PutCommand recording the erasure in the erasure ledger (keys as in shared/dynamodb/keys.ts). */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

const client = new DynamoDBClient({});
const docClient = DynamoDBDocumentClient.from(client);

export const handler = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  const tenantId = event.requestContext.authorizer?.tenantId as string;
  const { partyId } = JSON.parse(event.body ?? '{}');
  const erasure = { erasureId: randomUUID(), partyId, status: 'PENDING', requestedAt: new Date().toISOString() };
  await docClient.send(
    new PutCommand({
      TableName: process.env.ERASURE_LEDGER_TABLE_NAME,
      Item: { pk: `TENANT#${tenantId}#ERASURES`, sk: `ERASURE#${erasure.erasureId}`, tenantId, erasure, queued: true },
    }),
  );
  return { statusCode: 202, body: JSON.stringify(erasure) };
};
