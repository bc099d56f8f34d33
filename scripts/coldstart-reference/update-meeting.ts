/** Reference PUT /meetings/{meetingId}: one PutCommand replacing the meeting item (keys as in shared/dynamodb/keys.ts). */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

const client = new DynamoDBClient({});
const docClient = DynamoDBDocumentClient.from(client);

export const handler = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  const tenantId = event.requestContext.authorizer?.tenantId as string;
  const meetingId = event.pathParameters?.meetingId;
  const body = JSON.parse(event.body ?? '{}');
  await docClient.send(
    new PutCommand({
      TableName: process.env.TABLE_NAME,
      Item: {
        pk: `TENANT#${tenantId}#MEETING#${meetingId}`,
        sk: 'MEETING',
        tenantKey: `TENANT#${tenantId}`,
        visitKey: `${body.visitTime}#${meetingId}`,
        meetingId,
        ...body,
      },
    }),
  );
  return { statusCode: 204, body: '' };
};
