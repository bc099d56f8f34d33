import { readStorageConfig } from './config.js';
import { createDocumentClient } from './dynamodb/client.js';
import { DynamoDbMeetingRepository } from './dynamodb/dynamodb-meeting-repository.js';
import type { UseCaseDeps } from './use-cases/meeting-use-cases.js';

let deps: UseCaseDeps | undefined;

/** The use cases' dependencies, built once per cold start from the environment (fails fast on bad config). */
export function useCaseDeps(): UseCaseDeps {
  if (!deps) {
    const config = readStorageConfig();
    deps = { repository: new DynamoDbMeetingRepository(createDocumentClient(config), config.tableName) };
  }
  return deps;
}
