/**
 * npm start: DynamoDB Local (unless DYNAMODB_ENDPOINT names one), the table, the dev issuer, the
 * dev stage as synthesized (cached), its functions as deployed behind the local IAM enforcement
 * point, change notifications, the erasure worker, and the local gateway on http://127.0.0.1:$PORT. SIGINT/SIGTERM
 * stop everything it started.
 */
import { resolve } from 'node:path';
import { readApiKeyConfig } from '../shared/config.js';
import { DEFAULT_TABLE_NAME } from '../shared/dynamodb/table-definition.js';
import { dataDirectory } from './data-dir.js';
import { devAuthEnvironment, ensureDevIssuer } from './dev-issuer.js';
import { ensureTable, JavaMissingError, startDynamoDbLocal, type RunningDynamoDb } from './dynamodb-local.js';
import { createLocalGateway } from './gateway.js';
import { startLocalEvents, type LocalEvents } from './local-events.js';
import { ownerOnlyDirectory } from './owner-only-files.js';
import { startLocalRuntime, type LocalRuntime } from './runtime/local-runtime.js';

const port = Number(process.env.PORT ?? 3000);
const dataDir = dataDirectory();
let dynamoDb: RunningDynamoDb | undefined;
let events: LocalEvents | undefined;
let runtime: LocalRuntime | undefined;

async function stopAll(exitCode: number): Promise<never> {
  await events?.stop();
  await runtime?.stop();
  await dynamoDb?.stop();
  process.exit(exitCode);
}

async function main() {
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, got "${process.env.PORT}"`);
  ownerOnlyDirectory(dataDir);
  let endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!endpoint) {
    dynamoDb = await startDynamoDbLocal({ dbPath: resolve(dataDir, 'dynamodb') });
    endpoint = dynamoDb.endpoint;
  }
  const tableName = process.env.TABLE_NAME ?? DEFAULT_TABLE_NAME;
  const table = await ensureTable(endpoint, tableName, process.env.AWS_REGION ?? 'local');

  const issuer = ensureDevIssuer(dataDir);
  const startedAt = Date.now();
  runtime = await startLocalRuntime({
    dynamoDbEndpoint: endpoint,
    tableName,
    requireApiKey: readApiKeyConfig().required,
    // Explicit JWT_* settings win (to try a real issuer locally); otherwise the dev issuer's tokens are accepted.
    devIssuer: devAuthEnvironment(issuer),
  });
  const { stack } = runtime;
  console.log(
    `${runtime.synthesis.synthesized ? 'Synthesized' : 'Reused the synthesized'} dev stage (${stack.functions.size} functions) in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
  );

  // Change notifications: the table's stream to webhook subscribers, as the stack does on AWS.
  events = await startLocalEvents(runtime.changeNotifications(dataDir));
  // The erasure worker, fed by the erasure ledger's stream as on AWS.
  await runtime.startStreamEventSources();
  // (Started before the gateway listens: no write can come before the streams are followed.)

  const server = createLocalGateway({ stack, functions: runtime.functions });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolveListen);
  });
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  console.log(
    [
      '',
      `Meeting API listening on ${url}`,
      `  Docs: ${url}/docs (the contract: ${url}/openapi.json)`,
      `  DynamoDB: ${endpoint}${dynamoDb ? ` (DynamoDB Local, pid ${dynamoDb.pid}, data in ${resolve(dataDir, 'dynamodb')})` : ''}, table "${tableName}" (${table})`,
      '',
      'Get a token (tenant "demo", read and write scopes, valid 1 hour):',
      // The token must come from this data folder's dev issuer.
      `  TOKEN=$(${process.env.DATA_DIR ? `DATA_DIR=${process.env.DATA_DIR} ` : ''}npm run -s token)`,
      'Try it:',
      `  curl -s -X POST ${url}/meetings -H "Authorization: Bearer $TOKEN" -H "Request-ID: $(node -e 'console.log(crypto.randomUUID())')" \\`,
      `    -H 'Content-Type: application/json' -d '{"typeCode":"SALES_MEETING","statusCode":"WAITING","parties":[{"partyId":"75596cf8-9372-4d20-a420-500b9eed403a","partyTypeCode":"PERSON_PARTY"}],"visitTime":"2026-12-31T10:00:00+02:00","agencyOfficeId":"123e4567-e89b-12d3-a456-426655440000","agents":[{"agentId":"6d648e58-edcc-47c2-93c1-6f5568bac85f"}],"sourceTypeCode":"ETUOVI","meetingRealty":{"categoryCode":"SALE"}}'`,
      `  curl -s "${url}/meetings?statusCode=WAITING" -H "Authorization: Bearer $TOKEN" -H "Request-ID: $(node -e 'console.log(crypto.randomUUID())')"`,
      '',
      ...(readApiKeyConfig().required
        ? [
            "Partner keys are required (REQUIRE_API_KEY=true): send x-api-key with a key of the token's tenant:",
            `  KEY=$(${process.env.DATA_DIR ? `DATA_DIR=${process.env.DATA_DIR} ` : ''}npm run -s api-key -- --tenant demo)   # then -H "x-api-key: $KEY"`,
            '',
          ]
        : []),
      `Webhooks: subscribed listeners get meeting events within seconds (dead letters: ${events.deadLetterFile}).`,
      'Ctrl-C stops the API and DynamoDB Local.',
      '',
    ].join('\n'),
  );

  const shutdown = () => {
    server.close();
    server.closeAllConnections();
    void stopAll(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch(async (error) => {
  console.error(error instanceof JavaMissingError ? error.message : `npm start failed: ${(error as Error).message}`);
  await stopAll(1);
});
