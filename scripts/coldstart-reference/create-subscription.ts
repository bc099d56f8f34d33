/** Reference POST /subscriptions: one PutCommand of the subscription under a new id (keys as in shared/dynamodb/keys.ts). No validation. */
import { randomBytes, randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

const client = new DynamoDBClient({});
const docClient = DynamoDBDocumentClient.from(client);

export const handler = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  const tenantId = event.requestContext.authorizer?.tenantId as string;
  const subscriptionId = randomUUID();
  const body = JSON.parse(event.body ?? '{}');
  const subscription = { subscriptionId, ...body, secret: randomBytes(32).toString('base64url') };
  await docClient.send(
    new PutCommand({
      TableName: process.env.TABLE_NAME,
      Item: { pk: `TENANT#${tenantId}#SUBSCRIPTIONS`, sk: `SUBSCRIPTION#${subscriptionId}`, ...subscription },
    }),
  );
  return { statusCode: 201, body: JSON.stringify(subscription) };
};
