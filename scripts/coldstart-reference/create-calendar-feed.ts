/** Reference POST /calendar-feeds: one PutCommand of the feed under a new id (keys as in shared/dynamodb/keys.ts). No validation. */
import { randomBytes, randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

const client = new DynamoDBClient({});
const docClient = DynamoDBDocumentClient.from(client);

export const handler = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  const tenantId = event.requestContext.authorizer?.tenantId as string;
  const feedId = randomUUID();
  const token = randomBytes(32).toString('base64url');
  const body = JSON.parse(event.body ?? '{}');
  const feed = { feedId, ...body, creationTime: new Date().toISOString() };
  await docClient.send(
    new PutCommand({
      TableName: process.env.TABLE_NAME,
      Item: { pk: `TENANT#${tenantId}#CALENDARFEEDS`, sk: `FEED#${feedId}`, ...feed },
    }),
  );
  return { statusCode: 201, body: JSON.stringify({ ...feed, url: `/calendars/${token}.ics` }) };
};
