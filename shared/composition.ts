import { readStorageConfig } from './config.js';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from './dynamodb/client.js';
import { DynamoDbMeetingRepository } from './dynamodb/dynamodb-meeting-repository.js';
import type { UseCaseDeps } from './use-cases/meeting-use-cases.js';

let deps: UseCaseDeps | undefined;
let client: DynamoDBDocumentClient | undefined;

/** The one DynamoDB client of this runtime (tests add fault-injecting middleware to it). */
export function documentClient(): DynamoDBDocumentClient {
  return (client ??= createDocumentClient(readStorageConfig()));
}

/** The use cases' dependencies, built once per cold start from the environment (fails fast on bad config). */
export function useCaseDeps(): UseCaseDeps {
  if (!deps) {
    const config = readStorageConfig();
    deps = { repository: new DynamoDbMeetingRepository(documentClient(), config.tableName) };
  }
  return deps;
}
