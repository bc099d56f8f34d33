/**
 * What only the DynamoDB adapter has: link items and index keys, read straight from the table. The
 * port's promises (versions, tombstones, tenants, search, getMany, the change order) are checked on it by
 * the repository contract suite (dynamodb-meeting-repository-contract.test.ts).
 */
import { randomUUID } from 'node:crypto';
import { DeleteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { readStorageConfig } from '../../shared/config.js';
import { ConcurrentModificationError } from '../../shared/domain/meeting-repository.js';
import type { StoredMeeting } from '../../shared/domain/meeting.js';
import { createDocumentClient } from '../../shared/dynamodb/document-client.js';
import { DynamoDbMeetingRepository, NO_WRITE_DEADLINE } from '../../shared/dynamodb/dynamodb-meeting-repository.js';
import { agentKey, meetingKey, partyKey, shardOf, statusKey, tenantKey } from '../../shared/dynamodb/keys.js';
import { INDEXES, SHARD_COUNT, type IndexName } from '../../shared/dynamodb/table-definition.js';
import { createMeeting, deleteMeeting } from '../../shared/use-cases/meeting-use-cases.js';
import {
  meetingInput,
  newMeeting,
  ORIGIN,
  searchCriteria,
  searchEntries,
  uniqueTenant,
} from '../../support/fixtures.js';
import { sdkDocumentClient } from '../support/sdk-client.js';

const config = readStorageConfig();
const sdk = sdkDocumentClient(config);
// These tests write meetings with fixed past modification times: no write deadline.
const repository = new DynamoDbMeetingRepository(createDocumentClient(config), config.tableName, NO_WRITE_DEADLINE);
const criteria = searchCriteria();

async function stored(tenant: string, meetingId: string): Promise<StoredMeeting> {
  const record = await repository.get(tenant, meetingId);
  if (!record || 'deleted' in record) throw new Error('expected a stored meeting');
  return record;
}

/** Meeting ids an index lists under a partition key (what search by agent or party will read). */
async function indexed(index: IndexName, key: string): Promise<string[]> {
  const { Items = [] } = await sdk.send(
    new QueryCommand({
      TableName: config.tableName,
      IndexName: index,
      KeyConditionExpression: `${INDEXES[index].partitionKey} = :key`,
      ExpressionAttributeValues: { ':key': key },
    }),
  );
  return Items.map((item) => item.meetingId as string);
}

describe('DynamoDB meeting repository: items and indexes (DynamoDB Local)', () => {
  it('spreads a tenant over write shards, and moves a meeting between status partitions in its own write', async () => {
    const tenant = uniqueTenant();
    const meetings = Array.from({ length: 24 }, () => newMeeting());
    for (const m of meetings) await repository.create(tenant, m, ORIGIN);
    const shards = new Set(meetings.map((m) => shardOf(m.meetingId)));
    expect(shards.size).toBeGreaterThan(SHARD_COUNT / 2);
    const [first] = meetings as [(typeof meetings)[number]];
    const shard = shardOf(first.meetingId);
    expect(await indexed('byTenantVisitTime', tenantKey(tenant, shard))).toContain(first.meetingId);
    expect(await indexed('byTenantStatusVisitTime', statusKey(tenant, 'WAITING', shard))).toContain(first.meetingId);

    await repository.replace(
      tenant,
      await stored(tenant, first.meetingId),
      {
        ...first,
        statusCode: 'WON',
        modificationTime: '2026-01-02T00:00:00.000Z',
      },
      ORIGIN,
    );
    expect(await indexed('byTenantStatusVisitTime', statusKey(tenant, 'WAITING', shard))).not.toContain(
      first.meetingId,
    );
    expect(await indexed('byTenantStatusVisitTime', statusKey(tenant, 'WON', shard))).toEqual([first.meetingId]);
    // Every meeting is found by a search of its status, whatever its shard.
    const waiting = await searchEntries(repository, tenant, searchCriteria({ statusCode: ['WAITING'] }));
    expect(waiting.map((e) => e.meetingId).sort()).toEqual(
      meetings
        .slice(1)
        .map((m) => m.meetingId)
        .sort(),
    );
  });

  it('moves link items with the meeting: added, removed and re-timed agents and parties', async () => {
    const tenant = uniqueTenant();
    const [a1, a2, a3] = [randomUUID(), randomUUID(), randomUUID()];
    const [p1, p2] = [randomUUID(), randomUUID()];
    const meeting = newMeeting({
      agents: [{ agentId: a1 }, { agentId: a2 }],
      parties: [
        { partyId: p1, partyTypeCode: 'PERSON_PARTY' },
        { partyId: p2, partyTypeCode: 'ESTATE_PARTY' },
      ],
    });
    await repository.create(tenant, meeting, ORIGIN);
    expect(await indexed('byAgentVisitTime', agentKey(tenant, a2))).toEqual([meeting.meetingId]);
    expect(await indexed('byPartyVisitTime', partyKey(tenant, p2))).toEqual([meeting.meetingId]);

    await repository.replace(
      tenant,
      await stored(tenant, meeting.meetingId),
      {
        ...meeting,
        agents: [{ agentId: a3 }],
        parties: [{ partyId: p2, partyTypeCode: 'ESTATE_PARTY' }],
        modificationTime: '2026-01-02T00:00:00.000Z',
      },
      ORIGIN,
    );
    expect(await indexed('byAgentVisitTime', agentKey(tenant, a1))).toEqual([]);
    expect(await indexed('byAgentVisitTime', agentKey(tenant, a2))).toEqual([]);
    expect(await indexed('byAgentVisitTime', agentKey(tenant, a3))).toEqual([meeting.meetingId]);
    expect(await indexed('byPartyVisitTime', partyKey(tenant, p1))).toEqual([]);
    expect(await indexed('byPartyVisitTime', partyKey(tenant, p2))).toEqual([meeting.meetingId]);
  });

  it('deletes into a tombstone that leaves every index, and only from the expected version', async () => {
    const tenant = uniqueTenant();
    const agent = randomUUID();
    const meeting = newMeeting({ agents: [{ agentId: agent }] });
    await repository.create(tenant, meeting, ORIGIN);
    const v1 = await stored(tenant, meeting.meetingId);
    await repository.replace(tenant, v1, { ...meeting, notes: 'v2' }, ORIGIN);
    await expect(repository.delete(tenant, v1, '2026-01-03T00:00:00.000Z', ORIGIN)).rejects.toBeInstanceOf(
      ConcurrentModificationError,
    );

    await repository.delete(tenant, await stored(tenant, meeting.meetingId), '2026-01-03T00:00:00.000Z', ORIGIN);
    expect(await repository.get(tenant, meeting.meetingId)).toEqual({
      deleted: true,
      meetingId: meeting.meetingId,
      version: 3,
      deletionTime: '2026-01-03T00:00:00.000Z',
    });
    expect(await searchEntries(repository, tenant, criteria)).toEqual([]);
    expect(await indexed('byAgentVisitTime', agentKey(tenant, agent))).toEqual([]);
    expect(await repository.getMany(tenant, [meeting.meetingId])).toEqual([]);
  });

  // The contract allows a superset; the key condition applies these bounds itself, so the index reads no more.
  it('reads exactly the strict visitTime window and the modifiedAfter range from the index', async () => {
    const tenant = uniqueTenant();
    const times = ['2026-03-01T10:00:00Z', '2026-03-02T10:00:00Z', '2026-03-03T10:00:00Z'];
    const meetings = times.map((visitTime) => newMeeting({ visitTime }));
    for (const m of meetings) await repository.create(tenant, m, ORIGIN);
    const ids = (entries: { meetingId: string }[]) => entries.map((e) => e.meetingId).sort();
    const window = await searchEntries(repository, tenant, {
      ...criteria,
      visitTimeAfter: '2026-03-01T10:00:00.000Z',
      visitTimeBefore: '2026-03-03T10:00:00.000Z',
    });
    expect(ids(window)).toEqual([meetings[1]!.meetingId]);
    expect(
      await searchEntries(repository, tenant, {
        ...criteria,
        visitTimeAfter: '2026-03-03T00:00:00.000Z',
        visitTimeBefore: '2026-03-02T00:00:00.000Z',
      }),
    ).toEqual([]);
    expect(
      ids(await searchEntries(repository, tenant, { ...criteria, modifiedAfter: '2025-12-31T00:00:00.000Z' })),
    ).toEqual(ids(meetings));
  });

  it('an Idempotency-Key reused after its tombstone expired creates again, continuing the history it left', async () => {
    const tenant = uniqueTenant();
    const deps = { repository: new DynamoDbMeetingRepository(createDocumentClient(config), config.tableName) };
    const input = meetingInput();
    const key = randomUUID();
    const { meetingId } = await createMeeting(deps, tenant, input, ORIGIN, key);
    await deleteMeeting(deps, tenant, meetingId, ORIGIN);
    // What the tombstone's time to live does after 30 days (DynamoDB Local runs no TTL); its history stays.
    await sdk.send(new DeleteCommand({ TableName: config.tableName, Key: meetingKey(tenant, meetingId) }));
    expect(await createMeeting(deps, tenant, input, ORIGIN, key)).toEqual({ meetingId, replayed: false });
    expect(await repository.get(tenant, meetingId)).toMatchObject({ version: 3 });
    const { entries } = await repository.history(tenant, meetingId, { limit: 10 });
    expect(entries.map((e) => [e.version, e.changeType])).toEqual([
      [1, 'CREATED'],
      [2, 'DELETED'],
      [3, 'CREATED'],
    ]);
  });
});
