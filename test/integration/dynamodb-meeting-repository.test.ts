import { randomUUID } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { readStorageConfig } from '../../shared/config.js';
import { ConcurrentModificationError, SearchTooBroadError } from '../../shared/domain/meeting-repository.js';
import { normalizeInput, type Meeting, type StoredMeeting } from '../../shared/domain/meeting.js';
import { DEFAULT_SORT } from '../../shared/domain/search.js';
import { createDocumentClient } from '../../shared/dynamodb/document-client.js';
import { DynamoDbMeetingRepository } from '../../shared/dynamodb/dynamodb-meeting-repository.js';
import { agentKey, partyKey } from '../../shared/dynamodb/keys.js';
import { INDEXES } from '../../shared/dynamodb/table-definition.js';
import { meetingInput, uniqueTenant } from '../support/fixtures.js';
import { sdkDocumentClient } from '../support/sdk-client.js';

const config = readStorageConfig();
const client = createDocumentClient(config);
const sdk = sdkDocumentClient(config);
const repository = new DynamoDbMeetingRepository(client, config.tableName);
const criteria = { startIndex: 0, size: 50, sort: DEFAULT_SORT };

const newMeeting = (overrides = {}): Meeting => ({
  meetingId: randomUUID(),
  ...normalizeInput(meetingInput(overrides)),
  creationTime: '2026-01-01T00:00:00.000Z',
  modificationTime: '2026-01-01T00:00:00.000Z',
});

async function stored(tenant: string, meetingId: string): Promise<StoredMeeting> {
  const record = await repository.get(tenant, meetingId);
  if (!record || 'deleted' in record) throw new Error('expected a stored meeting');
  return record;
}

/** Meeting ids an index lists under a partition key (what search by agent or party will read). */
async function indexed(index: 'byAgentVisitTime' | 'byPartyVisitTime', key: string): Promise<string[]> {
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

describe('DynamoDB meeting repository (DynamoDB Local)', () => {
  it('stores and reads back a meeting with version 1; create never overwrites', async () => {
    const tenant = uniqueTenant();
    const meeting = newMeeting({ notes: 'Kävijä' });
    await repository.create(tenant, meeting);
    expect(await repository.get(tenant, meeting.meetingId)).toEqual({ meeting, version: 1 });
    await expect(repository.create(tenant, { ...meeting, notes: 'overwritten' })).rejects.toThrow();
    expect((await stored(tenant, meeting.meetingId)).meeting.notes).toBe('Kävijä');
  });

  it('keeps tenants apart: the same id under another tenant is not found', async () => {
    const meeting = newMeeting();
    const tenant = uniqueTenant();
    await repository.create(tenant, meeting);
    expect(await repository.get(uniqueTenant(), meeting.meetingId)).toBeUndefined();
    expect(await repository.findSearchEntries(uniqueTenant(), criteria)).toEqual([]);
  });

  it('replaces only the version it was decided on, handing back the current record when it lost', async () => {
    const tenant = uniqueTenant();
    const meeting = newMeeting();
    await repository.create(tenant, meeting);
    const v1 = await stored(tenant, meeting.meetingId);
    await repository.replace(tenant, v1, { ...meeting, notes: 'first', modificationTime: '2026-01-01T00:00:00.001Z' });
    const lost = await repository.replace(tenant, v1, { ...meeting, notes: 'stale' }).catch((error) => error);
    expect(lost).toBeInstanceOf(ConcurrentModificationError);
    expect(lost.current).toMatchObject({ version: 2, meeting: { notes: 'first' } });
    expect((await stored(tenant, meeting.meetingId)).meeting.notes).toBe('first');
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
    await repository.create(tenant, meeting);
    expect(await indexed('byAgentVisitTime', agentKey(tenant, a2))).toEqual([meeting.meetingId]);
    expect(await indexed('byPartyVisitTime', partyKey(tenant, p2))).toEqual([meeting.meetingId]);

    await repository.replace(tenant, await stored(tenant, meeting.meetingId), {
      ...meeting,
      agents: [{ agentId: a3 }],
      parties: [{ partyId: p2, partyTypeCode: 'ESTATE_PARTY' }],
      modificationTime: '2026-01-02T00:00:00.000Z',
    });
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
    await repository.create(tenant, meeting);
    const v1 = await stored(tenant, meeting.meetingId);
    await repository.replace(tenant, v1, { ...meeting, notes: 'v2' });
    await expect(repository.delete(tenant, v1, '2026-01-03T00:00:00.000Z')).rejects.toBeInstanceOf(ConcurrentModificationError);

    await repository.delete(tenant, await stored(tenant, meeting.meetingId), '2026-01-03T00:00:00.000Z');
    expect(await repository.get(tenant, meeting.meetingId)).toEqual({ deleted: true, meetingId: meeting.meetingId, version: 3 });
    expect(await repository.findSearchEntries(tenant, criteria)).toEqual([]);
    expect(await indexed('byAgentVisitTime', agentKey(tenant, agent))).toEqual([]);
    expect(await repository.getMany(tenant, [meeting.meetingId])).toEqual([]);
  });

  it('finds search entries inside a strict visitTime window and fetches pages in order', async () => {
    const tenant = uniqueTenant();
    const times = ['2026-03-01T10:00:00Z', '2026-03-02T10:00:00Z', '2026-03-03T10:00:00Z'];
    const meetings = times.map((visitTime) => newMeeting({ visitTime }));
    for (const m of meetings) await repository.create(tenant, m);
    const ids = (entries: { meetingId: string }[]) => entries.map((e) => e.meetingId).sort();
    const window = await repository.findSearchEntries(tenant, {
      ...criteria,
      visitTimeAfter: '2026-03-01T10:00:00.000Z',
      visitTimeBefore: '2026-03-03T10:00:00.000Z',
    });
    expect(ids(window)).toEqual([meetings[1]!.meetingId]);
    expect(await repository.findSearchEntries(tenant, { ...criteria, visitTimeAfter: '2026-03-03T00:00:00.000Z', visitTimeBefore: '2026-03-02T00:00:00.000Z' })).toEqual([]);
    expect(ids(await repository.findSearchEntries(tenant, { ...criteria, modifiedAfter: '2025-12-31T00:00:00.000Z' }))).toEqual(ids(meetings));
    const page = await repository.getMany(tenant, [meetings[2]!.meetingId, meetings[0]!.meetingId]);
    expect(page.map((m) => m.meetingId)).toEqual([meetings[2]!.meetingId, meetings[0]!.meetingId]);
  });
});

describe('search work cap', () => {
  it('refuses a search that would read more index entries than the cap', async () => {
    const capped = new DynamoDbMeetingRepository(client, config.tableName, { maxSearchEntries: 2 });
    const tenant = uniqueTenant();
    const office = randomUUID();
    for (let i = 0; i < 3; i++) await capped.create(tenant, newMeeting({ agencyOfficeId: office }));
    await expect(capped.findSearchEntries(tenant, { ...criteria })).rejects.toBeInstanceOf(SearchTooBroadError);
    await expect(capped.findSearchEntries(tenant, { ...criteria, agencyOfficeId: [randomUUID()] })).resolves.toEqual([]);
  });
});
