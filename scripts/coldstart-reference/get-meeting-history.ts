/** Reference GET /meetings/{meetingId}/history: one QueryCommand on the meeting's history entries (sort keys HISTORY#..., shared/dynamodb/keys.ts). */
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
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :history)',
      ExpressionAttributeValues: {
        ':pk': `TENANT#${tenantId}#MEETING#${event.pathParameters?.meetingId}`,
        ':history': 'HISTORY#',
      },
    }),
  );
  return { statusCode: 200, body: JSON.stringify({ entries: result.Items ?? [] }) };
};
