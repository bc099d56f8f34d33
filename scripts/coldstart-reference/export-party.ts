/**
 * Reference GET /privacy/exports?partyId=: the party's meetings with their histories, as plainly
 * as the SDK allows: one QueryCommand on the party's index (byPartyVisitTime; see
 * shared/dynamodb/table-definition.ts) for the meeting ids, then one BatchGetCommand for the
 * meetings, then one QueryCommand per meeting for its history (all at once).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

const client = new DynamoDBClient({});
const docClient = DynamoDBDocumentClient.from(client);
const TableName = process.env.TABLE_NAME!;

export const handler = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  const tenantId = event.requestContext.authorizer?.tenantId as string;
  const partyId = event.queryStringParameters?.partyId;
  const links = await docClient.send(
    new QueryCommand({
      TableName,
      IndexName: 'byPartyVisitTime',
      KeyConditionExpression: 'partyKey = :partyKey',
      ExpressionAttributeValues: { ':partyKey': `TENANT#${tenantId}#PARTY#${partyId}` },
    }),
  );
  const partitions = [...new Set((links.Items ?? []).map((item) => item.pk as string))].slice(0, 100);
  if (partitions.length === 0) return { statusCode: 200, body: JSON.stringify({ partyId, meetings: [] }) };
  const meetings = await docClient.send(
    new BatchGetCommand({ RequestItems: { [TableName]: { Keys: partitions.map((pk) => ({ pk, sk: 'MEETING' })) } } }),
  );
  const body = await Promise.all(
    (meetings.Responses?.[TableName] ?? []).map(async (meeting) => {
      const history = await docClient.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :history)',
          ExpressionAttributeValues: { ':pk': meeting.pk, ':history': 'HISTORY#' },
        }),
      );
      return { meeting, history: history.Items ?? [] };
    }),
  );
  return { statusCode: 200, body: JSON.stringify({ partyId, meetings: body }) };
};
