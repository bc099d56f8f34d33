import { readStorageConfig } from '../../shared/config.js';
import { createDocumentClient } from '../../shared/dynamodb/document-client.js';
import { DynamoDbMeetingRepository } from '../../shared/dynamodb/dynamodb-meeting-repository.js';
import { describeMeetingRepositoryContract } from '../support/meeting-repository-contract.js';

const config = readStorageConfig();
const client = createDocumentClient(config);

describeMeetingRepositoryContract(
  'DynamoDB (DynamoDB Local)',
  (limits) => new DynamoDbMeetingRepository(client, config.tableName, limits),
);
