/**
 * npm run -s privacy:replay -- [--stack NAME] [--meetings-table NAME]
 *
 * Applies every erasure of the erasure ledger again: after a point-in-time restore (or any other
 * restore) of the meetings table, the meetings brought back name parties that were erased since
 * the restore point; this erases them again (contract-history-privacy.md, "Backups"). The ledger
 * is a table of its own, which the restore of the meetings table does not touch.
 *
 * Without --stack, on the local runner's tables (TABLE_NAME, default "meetings"): in DynamoDB Local
 * at DYNAMODB_ENDPOINT, or else started on the data folder (stop npm start first). With --stack,
 * on that deployed stack's tables (its TableName and ErasureLedgerTableName outputs; AWS
 * credentials and region from the environment); --meetings-table names another meetings table
 * (the restored one, before it is put in service).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { exitOnError, UsageError } from '../scripts/ops/command-line.js';
import { StackOutputs } from '../scripts/ops/stack-outputs.js';
import { readFeedConfig, readStoreConnection } from '../shared/config.js';
import { createDocumentClient } from '../shared/dynamodb/document-client.js';
import { DynamoDbErasureRepository } from '../shared/dynamodb/dynamodb-erasure-repository.js';
import { DynamoDbMeetingRepository } from '../shared/dynamodb/dynamodb-meeting-repository.js';
import { DEFAULT_TABLE_NAME, erasureLedgerTableName } from '../shared/dynamodb/table-definition.js';
import { STACK_OUTPUTS } from '../shared/stack-outputs.js';
import { replayErasures } from '../shared/use-cases/privacy-use-cases.js';
import { dataDirectory } from './data-dir.js';
import { startDynamoDbLocal, type RunningDynamoDb } from './dynamodb-local.js';
import { localSettings } from './runtime/local-values.js';

const USAGE = 'usage: npm run -s privacy:replay -- [--stack NAME] [--meetings-table NAME]\n';

interface Target {
  meetingsTable: string;
  ledgerTable: string;
  client: DynamoDBDocumentClient;
  /** What the stack's functions read (the changes feed's write deadline): locally the runner's setting. */
  settleEnv: Record<string, string | undefined>;
}

async function stackTables(stackName: string): Promise<{ meetings: string; ledger: string; region: string }> {
  const outputs = await StackOutputs.read(stackName);
  const why = 'is it a Meeting API stack?';
  return {
    meetings: outputs.require(STACK_OUTPUTS.tableName, why),
    ledger: outputs.require(STACK_OUTPUTS.erasureLedgerTableName, why),
    region: outputs.region,
  };
}

let dynamoDb: RunningDynamoDb | undefined;

async function target(values: { stack?: string; 'meetings-table'?: string }): Promise<Target> {
  if (values.stack) {
    const tables = await stackTables(values.stack);
    return {
      meetingsTable: values['meetings-table'] ?? tables.meetings,
      ledgerTable: tables.ledger,
      client: createDocumentClient({ region: tables.region, operatorCredentials: true }),
      settleEnv: {},
    };
  }
  const meetingsTable = process.env.TABLE_NAME?.trim() || DEFAULT_TABLE_NAME;
  let endpoint = process.env.DYNAMODB_ENDPOINT?.trim();
  if (!endpoint) {
    const dbPath = resolve(dataDirectory(), 'dynamodb');
    if (!existsSync(dbPath))
      throw new Error(`no local data in ${dbPath}: run npm start once first, or set DATA_DIR or DYNAMODB_ENDPOINT`);
    dynamoDb = await startDynamoDbLocal({ dbPath });
    endpoint = dynamoDb.endpoint;
  }
  return {
    meetingsTable: values['meetings-table'] ?? meetingsTable,
    ledgerTable: erasureLedgerTableName(meetingsTable),
    client: createDocumentClient(readStoreConnection({ ...process.env, DYNAMODB_ENDPOINT: endpoint })),
    settleEnv: localSettings({ dynamoDbEndpoint: endpoint, tokenIssuer: {} }),
  };
}

try {
  const { values } = parseArgs({
    options: { stack: { type: 'string' }, 'meetings-table': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  if (values.stack !== undefined && !values.stack.trim()) throw new UsageError('--stack needs a stack name');
  const where = await target(values);
  const { client } = where;
  const { writeDeadlineMs, settleDelayMs } = readFeedConfig(where.settleEnv);
  const replayed = await replayErasures({
    repository: new DynamoDbMeetingRepository(client, where.meetingsTable, { writeDeadlineMs }),
    settleDelayMs,
    erasures: new DynamoDbErasureRepository(client, where.ledgerTable),
  });
  client.destroy();
  process.stdout.write(
    `replayed ${replayed.erasures} erasures on ${where.meetingsTable}: ${replayed.meetingsErased} meetings erased, ${replayed.meetingsRedacted} redacted\n`,
  );
  await dynamoDb?.stop();
} catch (error) {
  await dynamoDb?.stop();
  if (error instanceof ResourceNotFoundException)
    (error as Error).message =
      `no such table (${(error as Error).message}): check TABLE_NAME, --stack or --meetings-table`;
  exitOnError('privacy:replay', USAGE, error);
}
