import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { readFeedConfig, readStorageConfig, type StorageConfig } from './config.js';
import { writeDeadlineOf } from './domain/changes-feed.js';
import { createDocumentClient } from './dynamodb/document-client.js';
import { DynamoDbMeetingRepository } from './dynamodb/dynamodb-meeting-repository.js';
import type { UseCaseDeps } from './use-cases/meeting-use-cases.js';

let config: StorageConfig | undefined;
let client: DynamoDBDocumentClient | undefined;
let deps: UseCaseDeps | undefined;

/** Read once per cold start; fails fast on bad config. */
const storageConfig = (): StorageConfig => (config ??= readStorageConfig());

/** The one DynamoDB client of this runtime (tests add fault-injecting middleware to its stack). */
export function documentClient(): DynamoDBDocumentClient {
  return (client ??= createDocumentClient(storageConfig()));
}

/** The use cases' dependencies, built once per cold start from the environment. */
export function useCaseDeps(): UseCaseDeps {
  if (deps) return deps;
  const { settleDelayMs } = readFeedConfig();
  const repository = new DynamoDbMeetingRepository(documentClient(), storageConfig().tableName, {
    writeDeadlineMs: writeDeadlineOf(settleDelayMs),
  });
  return (deps = { repository, settleDelayMs });
}
