import { readStorageConfig, type StorageConfig } from './config.js';
import { DynamoDbClient } from './dynamodb/dynamodb-client.js';
import { DynamoDbMeetingRepository } from './dynamodb/dynamodb-meeting-repository.js';
import type { UseCaseDeps } from './use-cases/meeting-use-cases.js';

let config: StorageConfig | undefined;
let client: DynamoDbClient | undefined;
let deps: UseCaseDeps | undefined;

/** Read once per cold start; fails fast on bad config. */
const storageConfig = (): StorageConfig => (config ??= readStorageConfig());

/** The one DynamoDB client of this runtime (tests wrap its transport to inject faults). */
export function dynamoDbClient(): DynamoDbClient {
  return (client ??= new DynamoDbClient(storageConfig()));
}

/** The use cases' dependencies, built once per cold start from the environment. */
export function useCaseDeps(): UseCaseDeps {
  return (deps ??= { repository: new DynamoDbMeetingRepository(dynamoDbClient(), storageConfig().tableName) });
}
