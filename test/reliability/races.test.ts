/**
 * Races on DynamoDB Local: for each lock, 24 conflicting requests at once, over several rounds.
 * Every round's outcomes must be those of some serial order (test/support/serial-order.ts), and
 * afterwards every link item and index key must agree with its meeting.
 */
import { randomUUID } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { readStorageConfig } from '../../shared/config.js';
import { MeetingGone, StatusRuleViolation } from '../../shared/domain/errors.js';
import { searchableText, type Meeting, type MeetingInput, type StatusCode } from '../../shared/domain/meeting.js';
import { toSearchEntry } from '../../shared/domain/search.js';
import { createDocumentClient } from '../../shared/dynamodb/document-client.js';
import { DynamoDbMeetingRepository } from '../../shared/dynamodb/dynamodb-meeting-repository.js';
import {
  agentKey,
  meetingKey,
  officeKey,
  partyKey,
  shardOf,
  statusKey,
  tenantKey,
  visitKey,
} from '../../shared/dynamodb/keys.js';
import { toApiError } from '../../shared/http/error-mapping.js';
import { createMeeting, deleteMeeting, getMeeting, updateMeeting } from '../../shared/use-cases/meeting-use-cases.js';
import { meetingInput, meetingOf, ORIGIN, uniqueTenant } from '../../support/fixtures.js';
import { sdkDocumentClient } from '../support/sdk-client.js';
import { hasSerialOrder, type Operation, type State } from '../support/serial-order.js';

const config = readStorageConfig();
const sdk = sdkDocumentClient(config);
const deps = { repository: new DynamoDbMeetingRepository(createDocumentClient(config), config.tableName) };
const RACERS = 24;
const ROUNDS = 4;

const outcomeOf = async (run: () => Promise<unknown>): Promise<number> => {
  try {
    await run();
    return 204;
  } catch (error) {
    // The domain's refusals, as the HTTP edge answers them (anything else is a failure of the test).
    if (error instanceof StatusRuleViolation || error instanceof MeetingGone) return toApiError(error).status;
    throw error;
  }
};

async function currentState(tenant: string, id: string): Promise<State> {
  try {
    return await getMeeting(deps, tenant, id);
  } catch (error) {
    if (error instanceof MeetingGone) return 'deleted';
    throw error;
  }
}

/** The meeting's item collection agrees with the meeting: one link per party and agent, same entry, same keys. */
async function expectIndexesAgree(tenant: string, id: string) {
  const { Items = [] } = await sdk.send(
    new QueryCommand({
      TableName: config.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': meetingKey(tenant, id).pk },
      ConsistentRead: true,
    }),
  );
  const main = Items.find((item) => item.sk === 'MEETING')!;
  const links = Items.filter((item) => String(item.sk).startsWith('LINK#'));
  // One history entry per committed write, versions 1..n without a gap, the last the meeting's own.
  const history = Items.filter((item) => String(item.sk).startsWith('HISTORY#'));
  expect(history.map((item) => (item.entry as { version: number }).version)).toEqual(
    Array.from({ length: main.version as number }, (_, i) => i + 1),
  );
  expect(Items).toHaveLength(1 + links.length + history.length);
  if (main.deleted) {
    expect(links).toEqual([]);
    // Only in the change order (the changes feed), at its deletion time: no search index holds it.
    expect(main).toMatchObject({
      modifiedKey: `${main.deletedAt}#${id}`,
      tenantKey: tenantKey(tenant, shardOf(id)),
    });
    expect(main).not.toHaveProperty('visitKey');
    expect(main).not.toHaveProperty('officeKey');
    return;
  }
  const meeting = main.meeting as Meeting;
  const entry = toSearchEntry(meeting, searchableText(meeting));
  expect(main).toMatchObject({
    ...entry,
    officeKey: officeKey(tenant, meeting.agencyOfficeId),
    visitKey: visitKey(meeting.visitTime, id),
    tenantKey: tenantKey(tenant, shardOf(id)),
    statusKey: statusKey(tenant, meeting.statusCode, shardOf(id)),
  });
  const expectedKeys = [
    ...meeting.parties.map((p) => partyKey(tenant, p.partyId)),
    ...meeting.agents.map((a) => agentKey(tenant, a.agentId)),
  ].sort();
  expect(links.map((l) => (l.partyKey ?? l.agentKey) as string).sort()).toEqual(expectedKeys);
  // Link items carry the entry without its text (table-definition.ts, LINK_ENTRY_ATTRIBUTES).
  const { searchText: _text, ...linkEntry } = entry;
  for (const link of links) {
    expect(link).toMatchObject({ ...linkEntry, visitKey: visitKey(meeting.visitTime, id) });
    expect(link).not.toHaveProperty('searchText');
  }
}

interface Kind {
  kind: string;
  body?: (base: MeetingInput) => MeetingInput;
}

/** What a PUT of `body` leaves stored: the read-only fields kept, every other field from the body. */
const replacement = ({ meetingId, creationTime, modificationTime }: Meeting, body: MeetingInput): Meeting =>
  meetingOf(body, { meetingId, creationTime, modificationTime });

async function raceRound(tenant: string, initialInput: MeetingInput, kinds: Kind[]) {
  const id = (await createMeeting(deps, tenant, initialInput, ORIGIN)).meetingId;
  const initial = await getMeeting(deps, tenant, id);
  const ops = Array.from({ length: RACERS }, (_, i) => kinds[i % kinds.length]!).sort(() => Math.random() - 0.5);
  const outcomes = await Promise.all(
    ops.map((k) =>
      outcomeOf(() =>
        k.body
          ? updateMeeting(deps, tenant, id, k.body(initialInput), ORIGIN)
          : deleteMeeting(deps, tenant, id, ORIGIN),
      ),
    ),
  );
  const final = await currentState(tenant, id);
  const observed = ops.map((k, i): { op: Operation; outcome: number } => ({
    op: k.body
      ? { kind: k.kind, type: 'update', next: replacement(initial, k.body(initialInput)) }
      : { kind: k.kind, type: 'delete' },
    outcome: outcomes[i]!,
  }));
  expect(hasSerialOrder(initial, observed, final), JSON.stringify(observed.map((o) => [o.op.kind, o.outcome]))).toBe(
    true,
  );
  await expectIndexesAgree(tenant, id);
  return { outcomes, final };
}

const newVisit = (hour: number) => `2027-03-0${1 + (hour % 8)}T${String(hour % 24).padStart(2, '0')}:00:00Z`;
const withStatus =
  (statusCode: StatusCode, extra: Partial<MeetingInput> = {}) =>
  (base: MeetingInput) => ({ ...base, statusCode, ...extra });

describe('races on each lock (24 concurrent requests per round)', () => {
  it('from WAITING: cancels, wins and losses with new visitTimes, note edits and deletes', async () => {
    const tenant = uniqueTenant();
    for (let round = 0; round < ROUNDS; round++) {
      const { outcomes } = await raceRound(tenant, meetingInput(), [
        { kind: 'cancel-at-1', body: withStatus('CANCELLED', { visitTime: newVisit(1) }) },
        { kind: 'win-at-2', body: withStatus('WON', { visitTime: newVisit(2) }) },
        { kind: 'lose-at-3', body: withStatus('LOST', { visitTime: newVisit(3) }) },
        { kind: 'edit-notes', body: withStatus('WAITING', { notes: 'edited' }) },
        { kind: 'delete' },
      ]);
      expect(outcomes.filter((o) => o === 204).length).toBeGreaterThanOrEqual(1);
    }
  });

  for (const locked of ['WON', 'LOST'] as const) {
    it(`in ${locked}: flips between WON and LOST race with refused cancels, parties, visitTime changes and deletes`, async () => {
      const tenant = uniqueTenant();
      for (let round = 0; round < ROUNDS; round++) {
        await raceRound(tenant, meetingInput({ statusCode: locked }), [
          { kind: 'won', body: withStatus('WON', { notes: 'won' }) },
          { kind: 'lost', body: withStatus('LOST', { notes: 'lost' }) },
          { kind: 'cancel', body: withStatus('CANCELLED') },
          { kind: 'move', body: withStatus(locked, { visitTime: newVisit(round) }) },
          {
            kind: 'new-party',
            body: (base) => ({
              ...base,
              parties: [{ partyId: '00000000-0000-4000-8000-000000000001', partyTypeCode: 'PERSON_PARTY' }],
            }),
          },
          { kind: 'delete' },
        ]);
      }
    });
  }

  it('in CANCELLED: only same-status edits pass, whatever the interleaving', async () => {
    const tenant = uniqueTenant();
    for (let round = 0; round < ROUNDS; round++) {
      const { outcomes } = await raceRound(tenant, meetingInput({ statusCode: 'CANCELLED' }), [
        { kind: 'notes', body: withStatus('CANCELLED', { notes: `n${round}` }) },
        { kind: 'reopen', body: withStatus('WAITING') },
        { kind: 'win', body: withStatus('WON') },
        { kind: 'move', body: withStatus('CANCELLED', { visitTime: newVisit(round) }) },
        { kind: 'delete' },
      ]);
      expect(outcomes.filter((o) => o === 204)).toHaveLength(Math.ceil(RACERS / 5)); // the notes edits, and nothing else
    }
  });

  it('delete only while WAITING: deletes race with wins and edits', async () => {
    const tenant = uniqueTenant();
    for (let round = 0; round < ROUNDS; round++) {
      await raceRound(tenant, meetingInput(), [
        { kind: 'delete' },
        { kind: 'win', body: withStatus('WON') },
        {
          kind: 'edit',
          body: withStatus('WAITING', {
            notes: `round ${round}`,
            agents: [{ agentId: randomUUID() }, { agentId: randomUUID() }],
          }),
        },
      ]);
    }
  });
});
