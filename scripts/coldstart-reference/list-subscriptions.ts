/** Reference GET /subscriptions: one QueryCommand on the tenant's subscriptions partition (shared/dynamodb/keys.ts). */
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
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :subscription)',
      ExpressionAttributeValues: { ':pk': `TENANT#${tenantId}#SUBSCRIPTIONS`, ':subscription': 'SUBSCRIPTION#' },
    }),
  );
  return { statusCode: 200, body: JSON.stringify({ subscriptions: result.Items ?? [] }) };
};
