/** Reference GET /calendar-feeds: one QueryCommand on the tenant's feeds partition (shared/dynamodb/keys.ts). */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

const client = new DynamoDBClient({});
const docClient = DynamoDBDocumentClient.from(client);

export const handler = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  const tenantId = event.requestContext.authorizer?.tenantId as string;
  const result = await docClient.send(
    new QueryCommand({
      TableName: process.env.TABLE_NAME,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :feed)',
      ExpressionAttributeValues: { ':pk': `TENANT#${tenantId}#CALENDARFEEDS`, ':feed': 'FEED#' },
    }),
  );
  return { statusCode: 200, body: JSON.stringify({ feeds: result.Items ?? [] }) };
};
