/**
 * Reference GET /calendars/{calendarFile}: one GetCommand on the feed's address, the key its
 * token's SHA-256 gives (shared/dynamodb/keys.ts), answered as text/calendar. No authorizer.
 */
import { createHash } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

const client = new DynamoDBClient({});
const docClient = DynamoDBDocumentClient.from(client);

export const handler = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  const token = (event.pathParameters?.calendarFile ?? '').replace(/\.ics$/, '');
  const tokenHash = createHash('sha256').update(token).digest('hex');
  const result = await docClient.send(
    new GetCommand({ TableName: process.env.TABLE_NAME, Key: { pk: `CALENDARTOKEN#${tokenHash}`, sk: 'TOKEN' } }),
  );
  if (!result.Item) return { statusCode: 404, body: '' };
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'text/calendar; charset=utf-8' },
    body: `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//reference//EN\r\nX-WR-CALNAME:${result.Item.agentId}\r\nEND:VCALENDAR\r\n`,
  };
};
