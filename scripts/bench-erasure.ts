/**
 * npm run bench:erasure [-- --meetings N]: how fast the erasure worker erases a party, on
 * DynamoDB Local: N meetings (default 2,000) naming one party alone, erased by one run of the
 * worker's use case (continueErasure, ERASURE_CONCURRENCY meetings at a time); prints the rate,
 * the calls per meeting, and what 10,000 meetings (the contract's hour) take at that rate.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { readStorageConfig } from '../shared/config.js';
import { createDocumentClient } from '../shared/dynamodb/document-client.js';
import { DynamoDbErasureRepository } from '../shared/dynamodb/dynamodb-erasure-repository.js';
import { DynamoDbMeetingRepository } from '../shared/dynamodb/dynamodb-meeting-repository.js';
import { erasureLedgerTableName } from '../shared/dynamodb/table-definition.js';
import { continueErasure, ERASURE_CONCURRENCY, type PrivacyDeps } from '../shared/use-cases/privacy-use-cases.js';
import { meetingInput, ORIGIN } from '../support/fixtures.js';
import { createMeetings, startLocalTable } from './bench/seed.js';

const CONTRACT_MEETINGS = 10_000;
const { values } = parseArgs({ options: { meetings: { type: 'string', default: '2000' } } });
const count = Number(values.meetings);
if (!Number.isInteger(count) || count < 1) throw new Error('--meetings must be a whole number');

const tableName = 'bench-erasure';
const db = await startLocalTable(tableName);
try {
  const client = createDocumentClient(readStorageConfig({ TABLE_NAME: tableName, DYNAMODB_ENDPOINT: db.endpoint }));
  let calls = 0;
  client.middlewareStack.add(
    (next) => (args) => {
      calls++;
      return next(args);
    },
    { step: 'initialize', name: 'countCalls' },
  );
  const deps: PrivacyDeps = {
    repository: new DynamoDbMeetingRepository(client, tableName),
    erasures: new DynamoDbErasureRepository(client, erasureLedgerTableName(tableName)),
  };
  const tenant = 'bench-erasure';
  const party = { partyId: randomUUID(), partyTypeCode: 'PERSON_PARTY' as const };
  await createMeetings(deps, tenant, count, () =>
    meetingInput({ parties: [party], notes: 'a note that names the party' }),
  );
  const erasureId = randomUUID();
  await deps.erasures.record(
    tenant,
    { erasureId, partyId: party.partyId, status: 'PENDING', requestedAt: new Date().toISOString() },
    { origin: ORIGIN, queued: true },
  );
  calls = 0;
  const started = performance.now();
  const outcome = await continueErasure(deps, tenant, erasureId, 0, () => 15 * 60_000);
  const seconds = (performance.now() - started) / 1000;
  const erasure = await deps.erasures.get(tenant, erasureId);
  if (outcome !== 'completed' || erasure?.meetingsErased !== count)
    throw new Error(`the run did not erase every meeting: ${outcome}, ${JSON.stringify(erasure)}`);
  const rate = count / seconds;
  console.log(
    `erased ${count} meetings in ${seconds.toFixed(1)} s: ${rate.toFixed(0)} meetings/s, ${(calls / count).toFixed(1)} DynamoDB calls per meeting (DynamoDB Local, ${ERASURE_CONCURRENCY} at a time)`,
  );
  const minutes = CONTRACT_MEETINGS / rate / 60;
  console.log(
    `${CONTRACT_MEETINGS} meetings at this rate: ${minutes.toFixed(1)} min (${Math.ceil(minutes / 13)} worker run(s)); goal <= 60 min: ${minutes <= 60 ? 'PASS' : 'FAIL'}`,
  );
  client.destroy();
} finally {
  await db.stop();
}
