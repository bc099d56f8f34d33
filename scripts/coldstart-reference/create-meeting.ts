/**
 * Reference POST /meetings: PutCommand of the request body under a new id (keys spelled as in
 * shared/dynamodb/keys.ts, so the item is in the tenant index too). No validation.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

const client = new DynamoDBClient({});
const docClient = DynamoDBDocumentClient.from(client);

export const handler = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  const tenantId = event.requestContext.authorizer?.tenantId as string;
  const meetingId = randomUUID();
  const body = JSON.parse(event.body ?? '{}');
  const item = {
    pk: `TENANT#${tenantId}#MEETING#${meetingId}`,
    sk: 'MEETING',
    tenantKey: `TENANT#${tenantId}`,
    visitKey: `${body.visitTime}#${meetingId}`,
    meetingId,
    ...body,
  };
  await docClient.send(new PutCommand({ TableName: process.env.TABLE_NAME, Item: item }));
  return { statusCode: 201, body: JSON.stringify({ meetingId, ...body }) };
};
