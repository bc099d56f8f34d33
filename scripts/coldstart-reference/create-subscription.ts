/**
 * Reference POST /subscriptions: the tenant's subscriptions counted (one QueryCommand, Select
 * COUNT) against the limit of 25, then one PutCommand of the subscription under a new id (keys as
 * in shared/dynamodb/keys.ts). No validation, no URL check.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

const client = new DynamoDBClient({});
const docClient = DynamoDBDocumentClient.from(client);

export const handler = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  const tenantId = event.requestContext.authorizer?.tenantId as string;
  const subscriptionId = randomUUID();
  const body = JSON.parse(event.body ?? '{}');
  const subscription = { subscriptionId, ...body, secret: randomBytes(32).toString('base64url') };
  const pk = `TENANT#${tenantId}#SUBSCRIPTIONS`;
  const { Count } = await docClient.send(
    new QueryCommand({
      TableName: process.env.TABLE_NAME,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :subscription)',
      ExpressionAttributeValues: { ':pk': pk, ':subscription': 'SUBSCRIPTION#' },
      Select: 'COUNT',
    }),
  );
  if ((Count ?? 0) >= 25) return { statusCode: 400, body: JSON.stringify({ message: 'too many subscriptions' }) };
  await docClient.send(
    new PutCommand({
      TableName: process.env.TABLE_NAME,
      Item: { pk, sk: `SUBSCRIPTION#${subscriptionId}`, ...subscription },
    }),
  );
  return { statusCode: 201, body: JSON.stringify(subscription) };
};
