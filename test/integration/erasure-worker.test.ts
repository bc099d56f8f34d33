/**
 * The erasure worker's runs and the replay of the erasure ledger, on DynamoDB Local: a run that
 * nears its end hands the rest on and the next completes with both runs' counts; a record that
 * is not the job's latest does nothing; `npm run -s privacy:replay` erases again what a restore
 * of the meetings table brought back.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { BatchWriteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { ensureTable } from '../../local/dynamodb-local.js';
import { forEachConcurrently } from '../../shared/concurrency.js';
import { readStorageConfig } from '../../shared/config.js';
import type { Erasure } from '../../shared/domain/erasure-repository.js';
import { isTombstone } from '../../shared/domain/meeting.js';
import { createDocumentClient } from '../../shared/dynamodb/document-client.js';
import { DynamoDbErasureRepository } from '../../shared/dynamodb/dynamodb-erasure-repository.js';
import { DynamoDbMeetingRepository } from '../../shared/dynamodb/dynamodb-meeting-repository.js';
import { erasureLedgerTableName } from '../../shared/dynamodb/table-definition.js';
import { createMeeting } from '../../shared/use-cases/meeting-use-cases.js';
import {
  continueErasure,
  HAND_ON_MARGIN_MS,
  requestErasure,
  type PrivacyDeps,
} from '../../shared/use-cases/privacy-use-cases.js';
import { meetingInput, ORIGIN, uniqueTenant } from '../../support/fixtures.js';

const config = readStorageConfig();
const client = createDocumentClient(config);
const depsOn = (tableName: string): PrivacyDeps => ({
  repository: new DynamoDbMeetingRepository(client, tableName),
  erasures: new DynamoDbErasureRepository(client, erasureLedgerTableName(tableName)),
});
const person = (partyId = randomUUID()) => ({ partyId, partyTypeCode: 'PERSON_PARTY' as const });

async function createMeetings(deps: PrivacyDeps, tenant: string, count: number, parties: () => unknown[]) {
  const ids: string[] = [];
  await forEachConcurrently(
    Array.from({ length: count }, (_, i) => i),
    8,
    async () => {
      const input = meetingInput({ parties: parties() as never, notes: 'private' });
      ids.push((await createMeeting(deps, tenant, input, ORIGIN)).meetingId);
    },
  );
  return ids;
}

describe('the erasure worker', () => {
  it('hands the rest on when its run nears the end; the next run completes with both counts', async () => {
    const deps = depsOn(config.tableName);
    const tenant = uniqueTenant();
    const subject = person();
    await createMeetings(deps, tenant, 12, () => [subject]);
    await createMeetings(deps, tenant, 2, () => [subject, person()]);
    const erasure: Erasure = {
      erasureId: randomUUID(),
      partyId: subject.partyId,
      status: 'PENDING',
      requestedAt: new Date().toISOString(),
    };
    await deps.erasures.record(tenant, erasure, { origin: ORIGIN, queued: true });

    // Time for three meetings, then the run is near its end.
    let meetingsWithTime = 3;
    const timeLeft = () => (meetingsWithTime-- > 0 ? 10 * 60_000 : HAND_ON_MARGIN_MS - 1);
    expect(await continueErasure(deps, tenant, erasure.erasureId, 0, timeLeft)).toBe('handed on');
    const handedOn = await deps.erasures.job(tenant, erasure.erasureId);
    expect(handedOn).toMatchObject({ queued: true, handoffs: 1, erasure: { status: 'PENDING' } });
    expect(handedOn!.progress.meetingsErased + handedOn!.progress.meetingsRedacted).toBe(3);

    // The record that fed the first run, read again: no longer the job's latest.
    expect(await continueErasure(deps, tenant, erasure.erasureId, 0, () => 10 * 60_000)).toBe('nothing to do');
    expect(await continueErasure(deps, tenant, erasure.erasureId, 1, () => 10 * 60_000)).toBe('completed');
    const done = await deps.erasures.job(tenant, erasure.erasureId);
    expect(done).toMatchObject({
      queued: false,
      erasure: { status: 'COMPLETED', meetingsErased: 12, meetingsRedacted: 2 },
    });
    expect(await continueErasure(deps, tenant, erasure.erasureId, 1, () => 10 * 60_000)).toBe('nothing to do');
    expect(await deps.repository.meetingsNamingParty(tenant, subject.partyId)).toEqual([]);
  });
});

describe('npm run -s privacy:replay', () => {
  it('erases again what a restore of the meetings table brought back', { timeout: 120_000 }, async () => {
    const tableName = `replay-${randomUUID()}`;
    await ensureTable(config.endpoint!, tableName);
    const deps = depsOn(tableName);
    const tenant = uniqueTenant();
    const subject = person();
    const other = person();
    const [alone] = await createMeetings(deps, tenant, 1, () => [subject]);
    const [shared] = await createMeetings(deps, tenant, 1, () => [subject, other]);
    const backup = (await client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }))).Items!;

    const erasure = await requestErasure(deps, tenant, subject.partyId, ORIGIN);
    expect(erasure).toMatchObject({ status: 'COMPLETED', meetingsErased: 1, meetingsRedacted: 1 });

    // The restore: the table as it was before the erasure (the ledger, a table apart, keeps it).
    const now = (await client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }))).Items!;
    for (const requests of [
      now.map(({ pk, sk }) => ({ DeleteRequest: { Key: { pk, sk } } })),
      backup.map((item) => ({ PutRequest: { Item: item } })),
    ])
      for (let i = 0; i < requests.length; i += 25)
        await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests.slice(i, i + 25) } }));
    const restored = await deps.repository.get(tenant, alone!);
    expect(restored && !isTombstone(restored) && restored.meeting.parties).toEqual([subject]);

    const { stdout } = await promisify(execFile)('npm', ['run', '-s', 'privacy:replay'], {
      env: { ...process.env, TABLE_NAME: tableName },
    });
    expect(stdout.trim()).toBe(`replayed 1 erasures on ${tableName}: 1 meetings erased, 1 redacted`);
    const erased = await deps.repository.get(tenant, alone!);
    expect(erased && isTombstone(erased) && erased.erased).toBe(true);
    const redacted = await deps.repository.get(tenant, shared!);
    expect(redacted && !isTombstone(redacted) && redacted.meeting.parties).toEqual([other]);
    expect(await deps.repository.meetingsNamingParty(tenant, subject.partyId)).toEqual([]);
  });
});
