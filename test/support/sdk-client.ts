import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StorageConfig } from '../../shared/config.js';

/**
 * A plain document client (SDK defaults) on the test table, separate from the runtime's tuned one:
 * tests read storage through it, so faults injected into the runtime's client never reach it.
 */
export function sdkDocumentClient(config: StorageConfig): DynamoDBDocumentClient {
  const { endpoint, region, localCredentials } = config;
  return DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint, region, credentials: localCredentials }));
}
