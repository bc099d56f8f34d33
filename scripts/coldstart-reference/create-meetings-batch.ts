/** Reference POST /meetings/batch: one BatchWriteCommand putting each item's meeting under a new id (keys as in shared/dynamodb/keys.ts). No validation. */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

const client = new DynamoDBClient({});
const docClient = DynamoDBDocumentClient.from(client);

export const handler = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  const tenantId = event.requestContext.authorizer?.tenantId as string;
  const { items } = JSON.parse(event.body ?? '{}') as { items: Array<{ meeting: Record<string, unknown> }> };
  const meetings = items.map(({ meeting }) => ({ meetingId: randomUUID(), ...meeting }));
  await docClient.send(
    new BatchWriteCommand({
      RequestItems: {
        [process.env.TABLE_NAME!]: meetings.map((meeting) => ({
          PutRequest: {
            Item: { pk: `TENANT#${tenantId}#MEETING#${meeting.meetingId}`, sk: 'MEETING', ...meeting },
          },
        })),
      },
    }),
  );
  const results = meetings.map(({ meetingId }, index) => ({ index, status: 201, meetingId }));
  return { statusCode: 200, body: JSON.stringify({ results }) };
};
