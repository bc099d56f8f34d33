/** Reference DELETE /calendar-feeds/{feedId}: one DeleteCommand on the feed's key (shared/dynamodb/keys.ts). */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

const client = new DynamoDBClient({});
const docClient = DynamoDBDocumentClient.from(client);

export const handler = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  const tenantId = event.requestContext.authorizer?.tenantId as string;
  await docClient.send(
    new DeleteCommand({
      TableName: process.env.TABLE_NAME,
      Key: { pk: `TENANT#${tenantId}#CALENDARFEEDS`, sk: `FEED#${event.pathParameters?.feedId}` },
    }),
  );
  return { statusCode: 204, body: '' };
};
