import type { WireResponse } from '../../shared/dynamodb/dynamodb-client.js';

/** An error answer as DynamoDB sends it over its JSON protocol, for injecting below the client's retries. */
export const dynamoDbErrorAnswer = (statusCode: number, type: string, fields: Record<string, unknown> = { message: 'injected' }): WireResponse => ({
  statusCode,
  body: JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, ...fields }),
});
