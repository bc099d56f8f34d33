/**
 * npm run -s copy-meetings -- --from-table A (--to-stack B | --to-table B) [--tenant-map FILE] [--dry-run]
 *
 * Copies every item of an old meetings table into a new stack's table with conditional writes
 * (safe to run again: what is there already is left as it is), rewriting tenant ids where the map
 * (a JSON object, old tenant id to new) says; prints counts. On AWS: credentials and region from
 * the environment, as the AWS CLI finds them, both tables in that region. With DYNAMODB_ENDPOINT
 * set, both tables are on that endpoint (DynamoDB Local).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { readStoreConnection } from '../shared/config.js';
import { createDocumentClient } from '../shared/dynamodb/document-client.js';
import { STACK_OUTPUTS } from '../shared/stack-outputs.js';
import { exitOnError, UsageError } from './ops/command-line.js';
import { StackOutputs } from './ops/stack-outputs.js';
import { copyMeetingsTable, countsText, parseTenantMap } from './ops/table-copy.js';

const USAGE =
  'usage: npm run -s copy-meetings -- --from-table A (--to-stack B | --to-table B) [--tenant-map FILE] [--dry-run]\n';
/** Progress lines on stderr at most this often. */
const PROGRESS_MS = 10_000;

function parse() {
  const { values } = parseArgs({
    options: {
      'from-table': { type: 'string' },
      'to-stack': { type: 'string' },
      'to-table': { type: 'string' },
      'tenant-map': { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const fromTable = values['from-table']?.trim();
  if (!fromTable) throw new UsageError("give --from-table (the old stack's meetings table)");
  if (!values['to-stack'] === !values['to-table']) throw new UsageError('give one of --to-stack and --to-table');
  let tenantMap = new Map<string, string>();
  if (values['tenant-map'] !== undefined) {
    let text: string;
    try {
      text = readFileSync(values['tenant-map'], 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read ${values['tenant-map']}: ${(error as NodeJS.ErrnoException).code ?? ''}`);
    }
    tenantMap = parseTenantMap(text);
  }
  return { fromTable, toStack: values['to-stack'], toTable: values['to-table'], tenantMap, dryRun: values['dry-run'] };
}

try {
  const command = parse();
  const endpoint = process.env.DYNAMODB_ENDPOINT?.trim();
  let toTable = command.toTable;
  let region: string | undefined;
  if (command.toStack) {
    const outputs = await StackOutputs.read(command.toStack);
    toTable = outputs.require(STACK_OUTPUTS.tableName, 'is it a Meeting API stack?');
    region = outputs.region;
  }
  if (toTable === command.fromTable) throw new UsageError('the two tables are one');
  const client = endpoint
    ? createDocumentClient(readStoreConnection(process.env))
    : createDocumentClient({
        // The region the environment names, as the AWS CLI finds it.
        region: region ?? (await new DynamoDBClient({}).config.region()),
        operatorCredentials: true,
      });
  let last = Date.now();
  const counts = await copyMeetingsTable({
    client,
    fromTable: command.fromTable,
    toTable: toTable!,
    tenantMap: command.tenantMap,
    dryRun: command.dryRun,
    onProgress: ({ scanned }) => {
      if (Date.now() - last < PROGRESS_MS) return;
      last = Date.now();
      process.stderr.write(`copy-meetings: ${scanned} items scanned\n`);
    },
  });
  client.destroy();
  process.stdout.write(`${command.fromTable} -> ${toTable}\n${countsText(counts, command.dryRun)}`);
} catch (error) {
  exitOnError('copy-meetings', USAGE, error);
}
