/**
 * Once per test run: the dev stage synthesized (or from the cache), DynamoDB Local (in memory, free port) with the table made from the shared
 * table definition, a dev issuer in a temporary data folder, and the environment the handlers and
 * the authorizer read. Everything is stopped afterwards, DynamoDB Local's Java process included.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { devAuthEnvironment, ensureDevIssuer } from '../../local/dev-issuer.js';
import { ensureTable, startDynamoDbLocal } from '../../local/dynamodb-local.js';
import { synthesizeDevStage } from '../../local/runtime/synthesized-stack.js';

export default async function setup() {
  const dataDir = mkdtempSync(join(tmpdir(), 'meeting-api-test-'));
  // Both variants of the dev stage the API tests run (partner keys off and on), synthesized or
  // found in the cache before any test file starts: the files then only read them.
  const synthesis = Promise.all([false, true].map((requireApiKey) => synthesizeDevStage({ requireApiKey })));
  synthesis.catch(() => {}); // awaited below; a failure must not go unhandled while Java starts
  const dynamoDb = await startDynamoDbLocal();
  const tableName = 'meetings-test';
  try {
    await ensureTable(dynamoDb.endpoint, tableName);
    await synthesis;
  } catch (error) {
    await dynamoDb.stop(); // its Java process outlives a failed setup otherwise
    throw error;
  }
  Object.assign(process.env, {
    DATA_DIR: dataDir,
    TABLE_NAME: tableName,
    DYNAMODB_ENDPOINT: dynamoDb.endpoint,
    AWS_REGION: 'local',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    WEBHOOK_ALLOW_LOOPBACK: 'true',
    ...devAuthEnvironment(ensureDevIssuer(dataDir)),
  });
  return async () => {
    await dynamoDb.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
