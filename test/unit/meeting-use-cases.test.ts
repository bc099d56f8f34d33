/**
 * The use cases on the in-memory repository (held to the DynamoDB adapter's behaviour by the
 * repository contract suite): the domain errors they throw, what they store, and how a write that
 * loses a race is decided again. Time and ids come from deps, so every value is exact.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  IdempotencyKeyReused,
  MeetingGone,
  MeetingNotFound,
  MeetingRuleViolation,
  PreconditionFailed,
  StatusRuleViolation,
} from '../../shared/domain/errors.js';
import type { WriteOrigin } from '../../shared/domain/meeting-history.js';
import { ConcurrentModificationError, type MeetingRepository } from '../../shared/domain/meeting-repository.js';
import type { Meeting, MeetingInput, MeetingRecord, StoredMeeting } from '../../shared/domain/meeting.js';
import type { SearchCriteria, SearchEntry } from '../../shared/domain/search.js';
import { readMeetingHistory } from '../../shared/use-cases/history-use-cases.js';
import {
  createMeeting,
  deleteMeeting,
  getMeeting,
  readMeeting,
  searchMeetings,
  updateMeeting,
  type MeetingDeps,
} from '../../shared/use-cases/meeting-use-cases.js';
import { meetingInput, meetingOf, ORIGIN, searchCriteria, searchEntries } from '../../support/fixtures.js';
import { InMemoryMeetingRepository } from '../support/in-memory-meeting-repository.js';

const TENANT = 'tenant-a';
const T0 = '2026-05-01T12:00:00.000Z';
const at = (base: string, ms: number) => new Date(Date.parse(base) + ms).toISOString();

/** Use-case deps on a fresh in-memory repository, a clock the test sets, and ids counted from 1. */
function harness(repository: MeetingRepository = new InMemoryMeetingRepository()) {
  const clock = { now: T0 };
  let sequence = 0;
  const deps: MeetingDeps = {
    repository,
    now: () => new Date(clock.now),
    newId: () => `00000000-0000-4000-8000-${String(++sequence).padStart(12, '0')}`,
  };
  return { deps, clock };
}

async function stored(repository: MeetingRepository, meetingId: string): Promise<StoredMeeting> {
  const record = await repository.get(TENANT, meetingId);
  if (!record || 'deleted' in record) throw new Error(`expected meeting ${meetingId} stored`);
  return record;
}

const refusal = (run: Promise<unknown>): Promise<unknown> =>
  run.then(
    () => {
      throw new Error('expected a refusal');
    },
    (error: unknown) => error,
  );

/**
 * A repository in which other writers get in first: before each replace or delete (attempt 1, 2,
 * ...), `beforeWrite` may write through the inner repository, so that the write that follows
 * genuinely loses its condition, or throw itself.
 */
class RacedRepository implements MeetingRepository {
  attempts = 0;
  reads = 0;
  readonly deletedAt: string[] = [];

  constructor(
    readonly inner: MeetingRepository,
    private readonly beforeWrite: (attempt: number) => Promise<void>,
  ) {}

  create(tenantId: string, meeting: Meeting, origin: WriteOrigin) {
    return this.inner.create(tenantId, meeting, origin);
  }
  get(tenantId: string, meetingId: string): Promise<MeetingRecord | undefined> {
    this.reads++;
    return this.inner.get(tenantId, meetingId);
  }
  async replace(tenantId: string, current: StoredMeeting, next: Meeting, origin: WriteOrigin) {
    await this.beforeWrite(++this.attempts);
    return this.inner.replace(tenantId, current, next, origin);
  }
  async delete(tenantId: string, current: StoredMeeting, deletedAt: string, origin: WriteOrigin) {
    await this.beforeWrite(++this.attempts);
    this.deletedAt.push(deletedAt);
    return this.inner.delete(tenantId, current, deletedAt, origin);
  }
  visitSearchEntries(tenantId: string, criteria: SearchCriteria, visit: (entry: SearchEntry) => void) {
    return this.inner.visitSearchEntries(tenantId, criteria, visit);
  }
  getMany(tenantId: string, meetingIds: string[]) {
    return this.inner.getMany(tenantId, meetingIds);
  }
  findChanges(tenantId: string, range: Parameters<MeetingRepository['findChanges']>[1]) {
    return this.inner.findChanges(tenantId, range);
  }
  getRecords(tenantId: string, meetingIds: string[]) {
    return this.inner.getRecords(tenantId, meetingIds);
  }
  history(tenantId: string, meetingId: string, range: Parameters<MeetingRepository['history']>[2]) {
    return this.inner.history(tenantId, meetingId, range);
  }
  meetingsNamingParty(tenantId: string, partyId: string) {
    return this.inner.meetingsNamingParty(tenantId, partyId);
  }
  erase(...args: Parameters<MeetingRepository['erase']>) {
    return this.inner.erase(...args);
  }
  redact(...args: Parameters<MeetingRepository['redact']>) {
    return this.inner.redact(...args);
  }
  rewriteHistory(...args: Parameters<MeetingRepository['rewriteHistory']>) {
    return this.inner.rewriteHistory(...args);
  }
  lastErasure(...args: Parameters<MeetingRepository['lastErasure']>) {
    return this.inner.lastErasure(...args);
  }
  forgetPartyTrace(...args: Parameters<MeetingRepository['forgetPartyTrace']>) {
    return this.inner.forgetPartyTrace(...args);
  }
}

/** A meeting created through the use case by another writer's deps on the same store. */
async function seeded(inner: MeetingRepository, input: MeetingInput) {
  const other = harness(inner);
  other.deps.newId = randomUUID;
  const { meetingId } = await createMeeting(other.deps, TENANT, input, ORIGIN);
  return { meetingId, other };
}

describe('createMeeting', () => {
  it('stores the normalized input under a new lowercase id, created and modified now', async () => {
    const { deps } = harness();
    deps.newId = () => 'ABCDEF00-0000-4000-8000-000000000001';
    const input = meetingInput({
      parties: [{ partyId: 'AAAAAAAA-0000-4000-8000-000000000001', partyTypeCode: 'PERSON_PARTY' }],
      visitTime: '2026-06-01T10:00:00+03:00',
      // A body may leave the currency out (the schema's default): the type, made from the stored shape, says otherwise.
      priceEstimate: { minPrice: 100_000, maxPrice: 120_000 } as MeetingInput['priceEstimate'],
    });
    expect(await createMeeting(deps, TENANT, input, ORIGIN)).toEqual({
      meetingId: 'abcdef00-0000-4000-8000-000000000001',
      replayed: false,
    });
    const meeting = await getMeeting(deps, TENANT, 'abcdef00-0000-4000-8000-000000000001');
    expect(meeting).toEqual(meetingOf(input, { meetingId: 'abcdef00-0000-4000-8000-000000000001', creationTime: T0 }));
    expect(meeting).toMatchObject({
      parties: [{ partyId: 'aaaaaaaa-0000-4000-8000-000000000001' }],
      visitTime: '2026-06-01T07:00:00.000Z',
      priceEstimate: { currencyCode: 'EUR' },
      modificationTime: T0,
    });
  });

  it('refuses a meeting that breaks a rule across fields, and stores nothing', async () => {
    const { deps } = harness();
    const party = { partyId: 'aaaaaaaa-0000-4000-8000-000000000001', partyTypeCode: 'PERSON_PARTY' as const };
    const error = await refusal(
      createMeeting(
        deps,
        TENANT,
        meetingInput({
          parties: [party, { ...party, partyId: party.partyId.toUpperCase() }],
          priceEstimate: { minPrice: 2, maxPrice: 1, currencyCode: 'EUR' },
        }),
        ORIGIN,
      ),
    );
    expect(error).toBeInstanceOf(MeetingRuleViolation);
    expect((error as MeetingRuleViolation).violations.map((v) => v.field)).toEqual([
      'parties[1].partyId',
      'priceEstimate.minPrice',
    ]);
    expect(await searchEntries(deps.repository, TENANT, searchCriteria())).toEqual([]);
  });

  it('never overwrites a meeting when an id comes round again', async () => {
    const { deps } = harness();
    deps.newId = () => '00000000-0000-4000-8000-00000000000a';
    await createMeeting(deps, TENANT, meetingInput({ notes: 'first' }), ORIGIN);
    await expect(createMeeting(deps, TENANT, meetingInput({ notes: 'second' }), ORIGIN)).rejects.toBeInstanceOf(
      ConcurrentModificationError,
    );
    expect((await getMeeting(deps, TENANT, '00000000-0000-4000-8000-00000000000a')).notes).toBe('first');
  });
});

describe('getMeeting', () => {
  it('says MeetingNotFound for an unknown id and for another tenant, MeetingGone once deleted', async () => {
    const { deps } = harness();
    const { meetingId } = await createMeeting(deps, TENANT, meetingInput(), ORIGIN);
    await expect(getMeeting(deps, TENANT, '00000000-0000-4000-8000-0000000000ff')).rejects.toEqual(
      new MeetingNotFound('00000000-0000-4000-8000-0000000000ff'),
    );
    await expect(getMeeting(deps, 'tenant-b', meetingId)).rejects.toBeInstanceOf(MeetingNotFound);
    await deleteMeeting(deps, TENANT, meetingId, ORIGIN);
    await expect(getMeeting(deps, TENANT, meetingId)).rejects.toEqual(new MeetingGone(meetingId));
  });
});

describe('updateMeeting', () => {
  it('replaces every field but the read-only ones: what the body leaves out is gone', async () => {
    const { deps, clock } = harness();
    const { meetingId } = await createMeeting(deps, TENANT, meetingInput({ notes: 'will be dropped' }), ORIGIN);
    clock.now = at(T0, 60_000);
    const body = meetingInput({ statusCode: 'WON', agents: [{ agentId: 'BBBBBBBB-0000-4000-8000-000000000001' }] });
    const withReadOnly = {
      ...body,
      meetingId: 'ffffffff-0000-4000-8000-000000000000',
      creationTime: '2000-01-01T00:00:00Z',
    } as MeetingInput;
    await updateMeeting(deps, TENANT, meetingId, withReadOnly, ORIGIN);
    expect(await stored(deps.repository, meetingId)).toEqual({
      meeting: meetingOf(body, { meetingId, creationTime: T0, modificationTime: clock.now }),
      version: 2,
    });
  });

  it('tells the status change it wrote (for the status-transition metric), and none when the status stays', async () => {
    const { deps } = harness();
    const { meetingId } = await createMeeting(deps, TENANT, meetingInput({ statusCode: 'WAITING' }), ORIGIN);
    const same = await updateMeeting(
      deps,
      TENANT,
      meetingId,
      meetingInput({ statusCode: 'WAITING', notes: 'x' }),
      ORIGIN,
    );
    expect(same.statusChange).toBeUndefined();
    const won = await updateMeeting(deps, TENANT, meetingId, meetingInput({ statusCode: 'WON' }), ORIGIN);
    expect(won).toEqual({ entityTag: expect.any(String) as string, statusChange: { from: 'WAITING', to: 'WON' } });
  });

  it('refuses what the status rules forbid, naming every field, and changes nothing', async () => {
    const { deps } = harness();
    const input = meetingInput({ statusCode: 'WON' });
    const { meetingId } = await createMeeting(deps, TENANT, input, ORIGIN);
    const error = await refusal(
      updateMeeting(
        deps,
        TENANT,
        meetingId,
        {
          ...input,
          statusCode: 'WAITING',
          visitTime: '2027-01-01T00:00:00Z',
          parties: [],
        },
        ORIGIN,
      ),
    );
    expect(error).toBeInstanceOf(StatusRuleViolation);
    expect((error as StatusRuleViolation).violations.map((v) => v.field)).toEqual([
      'statusCode',
      'parties',
      'visitTime',
    ]);
    expect(await stored(deps.repository, meetingId)).toMatchObject({ version: 1, meeting: { statusCode: 'WON' } });
  });

  it('refuses a rule-breaking body before reading storage', async () => {
    const inner = new InMemoryMeetingRepository();
    const raced = new RacedRepository(inner, async () => {});
    const { deps } = harness(raced);
    const error = await refusal(
      updateMeeting(
        deps,
        TENANT,
        '00000000-0000-4000-8000-000000000001',
        meetingInput({ priceEstimate: { currencyCode: 'EUR' } }),
        ORIGIN,
      ),
    );
    expect(error).toBeInstanceOf(MeetingRuleViolation);
    expect(raced.reads).toBe(0);
  });

  it("says MeetingNotFound for an unknown id, another tenant's, and MeetingGone for a deleted one", async () => {
    const { deps } = harness();
    const { meetingId } = await createMeeting(deps, TENANT, meetingInput(), ORIGIN);
    await expect(
      updateMeeting(deps, TENANT, '00000000-0000-4000-8000-0000000000ff', meetingInput(), ORIGIN),
    ).rejects.toBeInstanceOf(MeetingNotFound);
    await expect(updateMeeting(deps, 'tenant-b', meetingId, meetingInput(), ORIGIN)).rejects.toBeInstanceOf(
      MeetingNotFound,
    );
    await deleteMeeting(deps, TENANT, meetingId, ORIGIN);
    await expect(updateMeeting(deps, TENANT, meetingId, meetingInput(), ORIGIN)).rejects.toEqual(
      new MeetingGone(meetingId),
    );
  });
});

describe('deleteMeeting', () => {
  it('deletes a WAITING meeting into a tombstone; a second delete says MeetingGone', async () => {
    const { deps, clock } = harness();
    const { meetingId } = await createMeeting(deps, TENANT, meetingInput(), ORIGIN);
    clock.now = at(T0, 5_000);
    await deleteMeeting(deps, TENANT, meetingId, ORIGIN);
    expect(await deps.repository.get(TENANT, meetingId)).toEqual({
      deleted: true,
      meetingId,
      version: 2,
      deletionTime: clock.now,
    });
    await expect(deleteMeeting(deps, TENANT, meetingId, ORIGIN)).rejects.toEqual(new MeetingGone(meetingId));
  });

  it.each(['WON', 'LOST', 'CANCELLED'] as const)('refuses to delete a %s meeting, and keeps it', async (statusCode) => {
    const { deps } = harness();
    const { meetingId } = await createMeeting(deps, TENANT, meetingInput({ statusCode }), ORIGIN);
    const error = await refusal(deleteMeeting(deps, TENANT, meetingId, ORIGIN));
    expect(error).toBeInstanceOf(StatusRuleViolation);
    expect((error as StatusRuleViolation).violations.map((v) => v.field)).toEqual(['statusCode']);
    expect((await getMeeting(deps, TENANT, meetingId)).statusCode).toBe(statusCode);
  });

  it("says MeetingNotFound for an unknown id and for another tenant's", async () => {
    const { deps } = harness();
    const { meetingId } = await createMeeting(deps, TENANT, meetingInput(), ORIGIN);
    await expect(deleteMeeting(deps, TENANT, '00000000-0000-4000-8000-0000000000ff', ORIGIN)).rejects.toBeInstanceOf(
      MeetingNotFound,
    );
    await expect(deleteMeeting(deps, 'tenant-b', meetingId, ORIGIN)).rejects.toBeInstanceOf(MeetingNotFound);
    expect(await stored(deps.repository, meetingId)).toMatchObject({ version: 1 });
  });
});

describe('createMeeting with an Idempotency-Key', () => {
  it('replays on the same body, refuses another body, and keeps replaying after a delete', async () => {
    const { deps } = harness();
    const input = meetingInput();
    const first = await createMeeting(deps, TENANT, input, ORIGIN, 'key-1');
    expect(first.replayed).toBe(false);
    expect(await createMeeting(deps, TENANT, structuredClone(input), ORIGIN, 'key-1')).toEqual({
      ...first,
      replayed: true,
    });
    expect(await refusal(createMeeting(deps, TENANT, meetingInput(), ORIGIN, 'key-1'))).toBeInstanceOf(
      IdempotencyKeyReused,
    );
    await deleteMeeting(deps, TENANT, first.meetingId, ORIGIN);
    expect(await createMeeting(deps, TENANT, input, ORIGIN, 'key-1')).toEqual({ ...first, replayed: true });
    // Another tenant's key space is its own.
    expect((await createMeeting(deps, 'tenant-b', input, ORIGIN, 'key-1')).meetingId).not.toBe(first.meetingId);
  });
});

describe('entity tags and If-Match', () => {
  it('a tag names one version: the update answers the next one, a stale tag is PreconditionFailed before any rule', async () => {
    const { deps } = harness();
    const { meetingId } = await createMeeting(deps, TENANT, meetingInput({ statusCode: 'WON' }), ORIGIN);
    const { entityTag: first } = await readMeeting(deps, TENANT, meetingId);
    const input = meetingInput({ statusCode: 'LOST' });
    const { entityTag: second } = await updateMeeting(
      deps,
      TENANT,
      meetingId,
      {
        ...input,
        parties: (await getMeeting(deps, TENANT, meetingId)).parties,
        visitTime: (await getMeeting(deps, TENANT, meetingId)).visitTime,
      },
      ORIGIN,
      { tags: [{ tag: first, weak: false }] },
    );
    expect(second).not.toBe(first);
    expect((await readMeeting(deps, TENANT, meetingId)).entityTag).toBe(second);
    // Stale tag and a body the status rules refuse: the precondition is what answers.
    const stale = await refusal(
      updateMeeting(deps, TENANT, meetingId, meetingInput({ statusCode: 'CANCELLED' }), ORIGIN, {
        tags: [{ tag: first, weak: false }],
      }),
    );
    expect(stale).toBeInstanceOf(PreconditionFailed);
    expect(
      await refusal(deleteMeeting(deps, TENANT, meetingId, ORIGIN, { tags: [{ tag: second, weak: true }] })),
    ).toBeInstanceOf(PreconditionFailed);
    // Existence comes first.
    expect(
      await refusal(updateMeeting(deps, TENANT, randomUUID(), meetingInput(), ORIGIN, { any: true })),
    ).toBeInstanceOf(MeetingNotFound);
  });
});

describe('modificationTime', () => {
  it('is now, but always strictly after the previous one, whatever the clock does', async () => {
    const raced = new RacedRepository(new InMemoryMeetingRepository(), async () => {});
    const { deps, clock } = harness(raced);
    const { meetingId } = await createMeeting(deps, TENANT, meetingInput(), ORIGIN);
    const modified = async () => (await getMeeting(deps, TENANT, meetingId)).modificationTime;

    await updateMeeting(deps, TENANT, meetingId, meetingInput({ notes: 'clock stood still' }), ORIGIN);
    expect(await modified()).toBe(at(T0, 1));
    clock.now = at(T0, -3_600_000);
    await updateMeeting(deps, TENANT, meetingId, meetingInput({ notes: 'clock went back' }), ORIGIN);
    expect(await modified()).toBe(at(T0, 2));
    clock.now = at(T0, 3_600_000);
    await updateMeeting(deps, TENANT, meetingId, meetingInput({ notes: 'clock went on' }), ORIGIN);
    expect(await modified()).toBe(clock.now);
    await deleteMeeting(deps, TENANT, meetingId, ORIGIN);
    expect(raced.deletedAt).toEqual([at(clock.now, 1)]);
  });
});

describe('a write that loses a race is decided again on what storage holds now', () => {
  it('an update that lost to another update is applied on top of it', async () => {
    const inner = new InMemoryMeetingRepository();
    const { meetingId, other } = await seeded(inner, meetingInput({ notes: 'initial' }));
    const raced = new RacedRepository(inner, async (attempt) => {
      if (attempt === 1) {
        other.clock.now = at(T0, 60_000);
        await updateMeeting(other.deps, TENANT, meetingId, meetingInput({ notes: 'the other writer' }), ORIGIN);
      }
    });
    const { deps } = harness(raced);
    await updateMeeting(deps, TENANT, meetingId, meetingInput({ notes: 'mine' }), ORIGIN);
    const after = await stored(inner, meetingId);
    expect(raced.attempts).toBe(2);
    expect(after).toMatchObject({ version: 3, meeting: { notes: 'mine' } });
    // Decided on the other writer's version: its modificationTime, from a clock ahead of ours, is the floor.
    expect(after.meeting.modificationTime).toBe(at(T0, 60_001));
  });

  it('an update that lost to a win is decided again under the WON rules, and refused', async () => {
    const inner = new InMemoryMeetingRepository();
    const input = meetingInput();
    const { meetingId, other } = await seeded(inner, input);
    const raced = new RacedRepository(inner, async (attempt) => {
      if (attempt === 1) await updateMeeting(other.deps, TENANT, meetingId, { ...input, statusCode: 'WON' }, ORIGIN);
    });
    const error = await refusal(
      updateMeeting(harness(raced).deps, TENANT, meetingId, { ...input, visitTime: '2027-02-02T10:00:00Z' }, ORIGIN),
    );
    expect(error).toBeInstanceOf(StatusRuleViolation);
    expect((error as StatusRuleViolation).violations.map((v) => v.field)).toEqual(['statusCode', 'visitTime']);
    expect(await stored(inner, meetingId)).toMatchObject({ version: 2, meeting: { statusCode: 'WON' } });
  });

  it('a delete that lost to a win is refused; one that lost to a delete says MeetingGone', async () => {
    const inner = new InMemoryMeetingRepository();
    const input = meetingInput();
    const won = await seeded(inner, input);
    const afterWin = new RacedRepository(inner, async (attempt) => {
      if (attempt === 1)
        await updateMeeting(won.other.deps, TENANT, won.meetingId, { ...input, statusCode: 'WON' }, ORIGIN);
    });
    await expect(deleteMeeting(harness(afterWin).deps, TENANT, won.meetingId, ORIGIN)).rejects.toBeInstanceOf(
      StatusRuleViolation,
    );

    const gone = await seeded(inner, meetingInput());
    const afterDelete = new RacedRepository(inner, async (attempt) => {
      if (attempt === 1) await deleteMeeting(gone.other.deps, TENANT, gone.meetingId, ORIGIN);
    });
    await expect(deleteMeeting(harness(afterDelete).deps, TENANT, gone.meetingId, ORIGIN)).rejects.toEqual(
      new MeetingGone(gone.meetingId),
    );
    expect(afterDelete.attempts).toBe(1);
  });

  it('reads again when storage could not say what it holds (a transaction conflict)', async () => {
    const inner = new InMemoryMeetingRepository();
    const { meetingId } = await seeded(inner, meetingInput());
    const raced = new RacedRepository(inner, async (attempt) => {
      if (attempt === 1) throw new ConcurrentModificationError(undefined);
    });
    await updateMeeting(harness(raced).deps, TENANT, meetingId, meetingInput({ notes: 'after the conflict' }), ORIGIN);
    expect([raced.attempts, raced.reads]).toEqual([2, 2]);
    expect(await stored(inner, meetingId)).toMatchObject({ version: 2, meeting: { notes: 'after the conflict' } });
  });

  it('says MeetingNotFound when what storage holds now is nothing', async () => {
    const inner = new InMemoryMeetingRepository();
    const { meetingId } = await seeded(inner, meetingInput());
    const raced = new RacedRepository(inner, async () => {
      throw new ConcurrentModificationError(null);
    });
    await expect(updateMeeting(harness(raced).deps, TENANT, meetingId, meetingInput(), ORIGIN)).rejects.toEqual(
      new MeetingNotFound(meetingId),
    );
    expect(raced.attempts).toBe(1);
  });

  it('gives up with an unexpected error after 64 lost rounds in a row', async () => {
    const inner = new InMemoryMeetingRepository();
    const { meetingId, other } = await seeded(inner, meetingInput());
    const raced = new RacedRepository(inner, async (attempt) => {
      await updateMeeting(other.deps, TENANT, meetingId, meetingInput({ notes: `storm ${attempt}` }), ORIGIN);
    });
    await expect(
      updateMeeting(harness(raced).deps, TENANT, meetingId, meetingInput({ notes: 'never' }), ORIGIN),
    ).rejects.toThrow(/lost 64 write races in a row/);
    expect(raced.attempts).toBe(64);
    expect(await stored(inner, meetingId)).toMatchObject({ version: 65, meeting: { notes: 'storm 64' } });
  });
});

describe('searchMeetings', () => {
  it('filters, sorts and pages what storage hands back, counting every match; deleted meetings and other tenants are not found', async () => {
    const { deps, clock } = harness();
    const office = 'cccccccc-0000-4000-8000-000000000001';
    const create = async (visitTime: string, overrides: Partial<MeetingInput> = {}) =>
      (await createMeeting(deps, TENANT, meetingInput({ agencyOfficeId: office, visitTime, ...overrides }), ORIGIN))
        .meetingId;
    const march = await create('2026-03-01T10:00:00Z');
    const may = await create('2026-05-01T10:00:00Z');
    const april = await create('2026-04-01T10:00:00Z');
    await create('2026-02-01T10:00:00Z', { statusCode: 'WON' });
    await create('2026-06-01T10:00:00Z', { agencyOfficeId: 'cccccccc-0000-4000-8000-000000000002' });
    const deleted = await create('2026-01-01T10:00:00Z');
    await deleteMeeting(deps, TENANT, deleted, ORIGIN);
    clock.now = at(T0, 1000);
    await createMeeting(deps, 'tenant-b', meetingInput({ agencyOfficeId: office }), ORIGIN);

    const criteria = searchCriteria({ agencyOfficeId: [office], statusCode: ['WAITING'] });
    const ids = (result: { meetings: Meeting[] }) => result.meetings.map((m) => m.meetingId);
    const all = await searchMeetings(deps, TENANT, criteria);
    expect([ids(all), all.totalCount]).toEqual([[march, april, may], 3]);
    const page = await searchMeetings(deps, TENANT, {
      ...criteria,
      sort: [{ field: 'visitTime', direction: 'desc' }],
      startIndex: 1,
      size: 1,
    });
    expect([ids(page), page.totalCount]).toEqual([[april], 3]);
    expect(page.meetings[0]).toEqual(await getMeeting(deps, TENANT, april));
    const beyond = await searchMeetings(deps, TENANT, { ...criteria, startIndex: 3 });
    expect(beyond).toEqual({ meetings: [], totalCount: 3 });
    expect((await searchMeetings(deps, 'tenant-b', searchCriteria({ agencyOfficeId: [office] }))).totalCount).toBe(1);
  });
});

describe('no-op writes and history', () => {
  it('a PUT of what is stored writes nothing: same tag, version and modificationTime, no entry', async () => {
    const repository = new InMemoryMeetingRepository();
    const { deps, clock } = harness(repository);
    const input = meetingInput({ statusCode: 'CANCELLED', notes: 'kept' });
    const { meetingId } = await createMeeting(deps, TENANT, input, ORIGIN);
    const before = await readMeeting(deps, TENANT, meetingId);
    clock.now = at(T0, 5_000);
    // The same meeting in another spelling: upper-case ids and another offset normalize to what is stored.
    const respelled = {
      ...input,
      agencyOfficeId: input.agencyOfficeId.toUpperCase(),
      visitTime: new Date(Date.parse(input.visitTime)).toISOString().replace('Z', '+00:00'),
    };
    const { entityTag, statusChange } = await updateMeeting(deps, TENANT, meetingId, respelled, ORIGIN, {
      tags: [{ tag: before.entityTag, weak: false }],
    });
    expect(entityTag).toBe(before.entityTag);
    expect(statusChange).toBeUndefined();
    expect(await stored(repository, meetingId)).toMatchObject({ version: 1, meeting: before.meeting });
    expect((await readMeetingHistory(deps, TENANT, meetingId, { size: 50 })).entries).toHaveLength(1);
    // If-Match is still checked first: a stale tag is refused even when nothing would change.
    expect(
      await refusal(updateMeeting(deps, TENANT, meetingId, input, ORIGIN, { tags: [{ tag: '"stale"', weak: false }] })),
    ).toBeInstanceOf(PreconditionFailed);
  });

  it('a PUT that only reorders parties is a write whose entry lists no change', async () => {
    const repository = new InMemoryMeetingRepository();
    const { deps } = harness(repository);
    const parties = [
      { partyId: randomUUID(), partyTypeCode: 'PERSON_PARTY' as const },
      { partyId: randomUUID(), partyTypeCode: 'ESTATE_PARTY' as const },
    ];
    const input = meetingInput({ parties });
    const { meetingId } = await createMeeting(deps, TENANT, input, ORIGIN);
    await updateMeeting(deps, TENANT, meetingId, { ...input, parties: [...parties].reverse() }, ORIGIN);
    const { entries } = await readMeetingHistory(deps, TENANT, meetingId, { size: 50 });
    expect(entries.map((e) => [e.version, e.changeType, e.changes])).toEqual([
      [1, 'CREATED', expect.any(Array)],
      [2, 'UPDATED', []],
    ]);
  });

  it('pages the history within the answer budget, and tells an unknown meeting from a deleted one', async () => {
    const { deps, clock } = harness();
    const { meetingId } = await createMeeting(deps, TENANT, meetingInput(), ORIGIN);
    for (let i = 1; i <= 4; i++) {
      clock.now = at(T0, i * 1_000);
      await updateMeeting(deps, TENANT, meetingId, meetingInput({ notes: `note ${i}` }), ORIGIN);
    }
    clock.now = at(T0, 9_000);
    await updateMeeting(deps, TENANT, meetingId, meetingInput(), ORIGIN);
    await deleteMeeting(deps, TENANT, meetingId, ORIGIN);
    const page = await readMeetingHistory(deps, TENANT, meetingId, { size: 3 });
    expect(page.entries.map((e) => e.version)).toEqual([1, 2, 3]);
    expect(page.nextAfter).toBe(3);
    // A budget that holds one entry: each page holds one, however large `size` is.
    const one = { maxBytes: 1, bytesOf: () => 1 };
    const small = await readMeetingHistory(deps, TENANT, meetingId, { afterVersion: 3, size: 50, budget: one });
    expect([small.entries.map((e) => e.version), small.nextAfter]).toEqual([[4], 4]);
    const last = await readMeetingHistory(deps, TENANT, meetingId, { afterVersion: 4, size: 50 });
    expect(last.entries.map((e) => [e.version, e.changeType])).toEqual([
      [5, 'UPDATED'],
      [6, 'UPDATED'],
      [7, 'DELETED'],
    ]);
    expect(last.nextAfter).toBeUndefined();
    expect(await refusal(readMeetingHistory(deps, TENANT, randomUUID(), { size: 50 }))).toBeInstanceOf(MeetingNotFound);
    expect(await refusal(readMeetingHistory(deps, 'tenant-b', meetingId, { size: 50 }))).toBeInstanceOf(
      MeetingNotFound,
    );
  });
});
