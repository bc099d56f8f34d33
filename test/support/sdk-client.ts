import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StorageConfig } from '../../shared/config.js';

/**
 * The AWS SDK's document client on the test table. Tests read storage through it, not through the
 * service's own DynamoDB client, so that what the service wrote is checked by an independent reader.
 */
export function sdkDocumentClient(config: StorageConfig): DynamoDBDocumentClient {
  const { endpoint, region, credentials } = config;
  return DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint, region, credentials }));
}
