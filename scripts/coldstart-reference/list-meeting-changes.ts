/**
 * Reference GET /meetings/changes: one QueryCommand on the tenant's modification index
 * (byTenantModificationTime, the order our feed reads; see shared/dynamodb/table-definition.ts).
 * The tenant's index partitions are sharded (shared/dynamodb/keys.ts): it reads the first shard,
 * a partition that holds meetings.
 */
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
      IndexName: 'byTenantModificationTime',
      KeyConditionExpression: 'tenantKey = :tenantKey',
      ExpressionAttributeValues: { ':tenantKey': `TENANT#${tenantId}#SHARD#0` },
      Limit: 101,
    }),
  );
  return { statusCode: 200, body: JSON.stringify({ changes: result.Items ?? [] }) };
};
