/** Reference GET /privacy/erasures/{erasureId}: one GetCommand on the erasure's key in the erasure ledger (shared/dynamodb/keys.ts). */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

const client = new DynamoDBClient({});
const docClient = DynamoDBDocumentClient.from(client);

export const handler = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  const tenantId = event.requestContext.authorizer?.tenantId as string;
  const result = await docClient.send(
    new GetCommand({
      TableName: process.env.ERASURE_LEDGER_TABLE_NAME,
      Key: { pk: `TENANT#${tenantId}#ERASURES`, sk: `ERASURE#${event.pathParameters?.erasureId}` },
    }),
  );
  if (!result.Item) return { statusCode: 404, body: JSON.stringify({ message: 'Not found' }) };
  return { statusCode: 200, body: JSON.stringify(result.Item.erasure) };
};
