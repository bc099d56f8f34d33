import { readStorageConfig } from '../../shared/config.js';
import { createDocumentClient } from '../../shared/dynamodb/document-client.js';
import { DynamoDbMeetingRepository, NO_WRITE_DEADLINE } from '../../shared/dynamodb/dynamodb-meeting-repository.js';
import { describeMeetingRepositoryContract } from '../support/meeting-repository-contract.js';

const config = readStorageConfig();
const client = createDocumentClient(config);

describeMeetingRepositoryContract(
  'DynamoDB (DynamoDB Local)',
  // The suite writes meetings with fixed past modification times: no write deadline.
  () => new DynamoDbMeetingRepository(client, config.tableName, NO_WRITE_DEADLINE),
);
