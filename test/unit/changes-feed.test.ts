import { describe, expect, it } from 'vitest';
import { DELETION_RETENTION_MS, type FeedCursor } from '../../shared/domain/changes-feed.js';
import { FeedPositionExpired } from '../../shared/domain/errors.js';
import { CHANGES_ANSWER_BUDGET } from '../../shared/http/answer-budget.js';
import { ApiError } from '../../shared/http/api-error.js';
import { decodeSince, encodeSince, parseChangesRequest } from '../../shared/http/changes-parameters.js';
import {
  createMeeting,
  deleteMeeting,
  listChanges,
  updateMeeting,
  type MeetingDeps,
} from '../../shared/use-cases/meeting-use-cases.js';
import { meetingInput, ORIGIN } from '../../support/fixtures.js';
import { InMemoryMeetingRepository } from '../support/in-memory-meeting-repository.js';

const TENANT = 'tenant-a';
const T0 = Date.parse('2026-05-01T12:00:00.000Z');
const SETTLE_MS = 30_000;

/** An in-memory store whose change order can be frozen, as a lagging index would answer. */
class LaggingIndex extends InMemoryMeetingRepository {
  frozen?: Awaited<ReturnType<InMemoryMeetingRepository['findChanges']>>;
  override findChanges(...args: Parameters<InMemoryMeetingRepository['findChanges']>) {
    return this.frozen ? Promise.resolve(this.frozen) : super.findChanges(...args);
  }
}

function harness() {
  const clock = { now: T0 };
  let sequence = 0;
  const deps: MeetingDeps = {
    repository: new InMemoryMeetingRepository(),
    now: () => new Date(clock.now),
    newId: () => `00000000-0000-4000-8000-${String(++sequence).padStart(12, '0')}`,
    settleDelayMs: SETTLE_MS,
  };
  /** Follows the feed to its end as a client does, applying every answer to a copy. */
  async function follow(copy: Map<string, unknown>, cursor?: FeedCursor, size = 100) {
    let answers = 0;
    for (;;) {
      const page = await listChanges(deps, TENANT, { cursor, size });
      answers++;
      for (const change of page.changes) {
        if (change.changeType === 'CHANGED') copy.set(change.meetingId, change.meeting);
        else copy.delete(change.meetingId);
      }
      cursor = page.next;
      if (!page.hasMore) return { cursor, answers };
    }
  }
  return { deps, clock, follow };
}

describe('listChanges', () => {
  it('holds every change back until it has settled; a later write moves the meeting on in the order', async () => {
    const { deps, clock, follow } = harness();
    const { meetingId } = await createMeeting(deps, TENANT, meetingInput(), ORIGIN);
    const copy = new Map<string, unknown>();
    let { cursor } = await follow(copy);
    expect(copy.size).toBe(0); // written just now: not settled yet

    clock.now += SETTLE_MS - 1;
    ({ cursor } = await follow(copy, cursor));
    expect(copy.size).toBe(0);
    clock.now += 1;
    // Settled now, but updated first: the create's place in the order is taken by the update's.
    await updateMeeting(deps, TENANT, meetingId, meetingInput({ notes: 'latest' }), ORIGIN);
    expect((await listChanges(deps, TENANT, { cursor, size: 100 })).changes).toEqual([]);
    clock.now += SETTLE_MS;
    const page = await listChanges(deps, TENANT, { cursor, size: 100 });
    expect(page.changes).toEqual([
      { meetingId, changeType: 'CHANGED', meeting: expect.objectContaining({ notes: 'latest' }) },
    ]);
    expect(page.hasMore).toBe(false);
  });

  it('gives each listed meeting as storage holds it when answering, even when the order read lags behind it', async () => {
    const { deps, clock } = harness();
    const repository = new LaggingIndex();
    deps.repository = repository;
    const { meetingId } = await createMeeting(deps, TENANT, meetingInput(), ORIGIN);
    clock.now += SETTLE_MS;
    // An index that still lists the create after the update was written (eventual consistency).
    repository.frozen = await repository.findChanges(TENANT, { upTo: new Date(clock.now).toISOString(), limit: 10 });
    await updateMeeting(deps, TENANT, meetingId, meetingInput({ notes: 'latest' }), ORIGIN);
    const page = await listChanges(deps, TENANT, { size: 100 });
    expect(page.changes).toEqual([
      { meetingId, changeType: 'CHANGED', meeting: expect.objectContaining({ notes: 'latest' }) },
    ]);
  });

  it('lists a deletion with its time, and a client following it ends with exactly the live meetings', async () => {
    const { deps, clock, follow } = harness();
    const kept = (await createMeeting(deps, TENANT, meetingInput(), ORIGIN)).meetingId;
    const gone = (await createMeeting(deps, TENANT, meetingInput(), ORIGIN)).meetingId;
    clock.now += SETTLE_MS;
    const copy = new Map<string, unknown>();
    const { cursor } = await follow(copy);
    expect([...copy.keys()].sort()).toEqual([kept, gone].sort());

    clock.now += 1_000;
    const deletionTime = new Date(clock.now).toISOString();
    await deleteMeeting(deps, TENANT, gone, ORIGIN);
    clock.now += SETTLE_MS;
    const page = await listChanges(deps, TENANT, { cursor, size: 100 });
    expect(page.changes).toEqual([{ meetingId: gone, changeType: 'DELETED', deletionTime }]);
    await follow(copy, cursor);
    expect([...copy.keys()]).toEqual([kept]);
  });

  it('pages by size with hasMore, each meeting once, and resumes exactly where it stopped', async () => {
    const { deps, clock, follow } = harness();
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      ids.push((await createMeeting(deps, TENANT, meetingInput(), ORIGIN)).meetingId);
      clock.now += 1; // every create at its own millisecond
    }
    clock.now += SETTLE_MS;
    const first = await listChanges(deps, TENANT, { size: 3 });
    expect(first.changes.map((c) => c.meetingId)).toEqual(ids.slice(0, 3));
    expect(first.hasMore).toBe(true);
    const second = await listChanges(deps, TENANT, { cursor: first.next, size: 3 });
    expect(second.changes.map((c) => c.meetingId)).toEqual(ids.slice(3, 6));
    const copy = new Map<string, unknown>();
    const { answers } = await follow(copy, undefined, 3);
    expect(answers).toBe(3);
    expect([...copy.keys()]).toEqual(ids);
  });

  it('stays under the byte budget: fewer changes with hasMore, never none', async () => {
    const { deps, clock } = harness();
    for (let i = 0; i < 3; i++) await createMeeting(deps, TENANT, meetingInput({ notes: 'x'.repeat(2_000) }), ORIGIN);
    clock.now += SETTLE_MS;
    const page = await listChanges(deps, TENANT, { size: 100, budget: { ...CHANGES_ANSWER_BUDGET, maxBytes: 6_000 } });
    expect(page.changes).toHaveLength(2);
    expect(page.hasMore).toBe(true);
    const tiny = await listChanges(deps, TENANT, { size: 100, budget: { ...CHANGES_ANSWER_BUDGET, maxBytes: 10 } });
    expect(tiny.changes).toHaveLength(1);
    const rest = await listChanges(deps, TENANT, {
      cursor: page.next,
      size: 100,
      budget: { ...CHANGES_ANSWER_BUDGET, maxBytes: 6_000 },
    });
    expect(rest.changes).toHaveLength(1);
    expect(rest.hasMore).toBe(false);
  });

  it("keeps an answer within Lambda's 6 MB payload as the runtime serializes it, reading meetings only until the budget is spent", async () => {
    const { deps, clock } = harness();
    const counted = new LaggingIndex();
    deps.repository = counted;
    const read: number[] = [];
    const getRecords = counted.getRecords.bind(counted);
    counted.getRecords = (tenantId, ids) => (read.push(ids.length), getRecords(tenantId, ids));
    // Notes of quotes and backslashes: every character doubles when the body string is serialized again.
    for (let i = 0; i < 400; i++)
      await createMeeting(deps, TENANT, meetingInput({ notes: '"\\'.repeat(5_000) }), ORIGIN);
    clock.now += SETTLE_MS;
    const page = await listChanges(deps, TENANT, { size: 1000, budget: CHANGES_ANSWER_BUDGET });
    expect(page.hasMore).toBe(true);
    const body = JSON.stringify({ changes: page.changes, nextSince: 'x'.repeat(100), hasMore: true });
    const lambdaPayload = JSON.stringify({ statusCode: 200, headers: { 'Content-Type': 'application/json' }, body });
    expect(Buffer.byteLength(lambdaPayload)).toBeLessThan(6_291_556);
    expect(page.changes.length).toBeGreaterThan(100);
    // In batches of 100, and no further than the budget reached.
    expect(read.every((n) => n <= 100)).toBe(true);
    expect(read.reduce((a, b) => a + b, 0)).toBeLessThan(page.changes.length + 100);
  });

  it('refuses a position older than the deletions kept (FeedPositionExpired), counting from where the client stands', async () => {
    const { deps, clock, follow } = harness();
    await createMeeting(deps, TENANT, meetingInput(), ORIGIN);
    clock.now += SETTLE_MS;
    const { cursor } = await follow(new Map());
    clock.now += DELETION_RETENTION_MS - SETTLE_MS;
    await expect(listChanges(deps, TENANT, { cursor, size: 1 })).resolves.toBeDefined();
    clock.now += 1;
    await expect(listChanges(deps, TENANT, { cursor, size: 1 })).rejects.toBeInstanceOf(FeedPositionExpired);
  });

  it('keeps a client that began recently valid while it pages through old meetings (knownSince)', async () => {
    const { deps, clock } = harness();
    await createMeeting(deps, TENANT, meetingInput(), ORIGIN);
    clock.now += 1;
    await createMeeting(deps, TENANT, meetingInput(), ORIGIN);
    clock.now += DELETION_RETENTION_MS * 2; // the meetings are two retention periods old
    const first = await listChanges(deps, TENANT, { size: 1 });
    expect(first.hasMore).toBe(true);
    clock.now += 60_000;
    await expect(listChanges(deps, TENANT, { cursor: first.next, size: 1 })).resolves.toMatchObject({ hasMore: false });
  });

  it('answers nothing after a position past its own horizon (a token from a clock ahead), and keeps the position', async () => {
    const { deps } = harness();
    const ahead: FeedCursor = { position: { time: new Date(T0 + 5_000).toISOString() }, knownSince: T0 };
    expect(await listChanges(deps, TENANT, { cursor: ahead, size: 10 })).toEqual({
      changes: [],
      next: ahead,
      hasMore: false,
    });
  });
});

describe('since tokens', () => {
  const cursor: FeedCursor = {
    position: { time: '2026-05-01T12:00:00.123Z', meetingId: '00000000-0000-4000-8000-000000000001' },
    knownSince: T0,
  };

  it('round-trip for the tenant they were issued to, with or without a meeting in the position', () => {
    expect(decodeSince(TENANT, encodeSince(TENANT, cursor))).toEqual(cursor);
    const bare: FeedCursor = { position: { time: '0000-01-01T00:00:00.000Z' }, knownSince: -62_167_219_200_000 };
    expect(decodeSince(TENANT, encodeSince(TENANT, bare))).toEqual(bare);
    expect(encodeSince(TENANT, cursor)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it("are refused when edited, truncated, another tenant's, or not base64url", () => {
    const token = encodeSince(TENANT, cursor);
    const payload = Buffer.from(token, 'base64url').toString();
    const edited = Buffer.from(payload.replace('.1777', '.1778')).toString('base64url');
    expect(edited).not.toBe(token);
    for (const bad of [edited, token.slice(0, -4), 'abc', 'a+b/c=', '', Buffer.from('1.x.y.z.w').toString('base64url')])
      expect(decodeSince(TENANT, bad), bad).toBeUndefined();
    expect(decodeSince('tenant-b', token)).toBeUndefined();
  });

  it('parse with the other parameters: default size 100, 400 naming since or size', () => {
    expect(parseChangesRequest({ queryStringParameters: null, multiValueQueryStringParameters: null }, TENANT)).toEqual(
      { cursor: undefined, size: 100 },
    );
    const errorOf = (query: Record<string, string[]>) => {
      try {
        parseChangesRequest({ multiValueQueryStringParameters: query, queryStringParameters: null }, TENANT);
      } catch (error) {
        expect(error).toBeInstanceOf(ApiError);
        return (error as ApiError).toBody();
      }
      throw new Error('expected a refusal');
    };
    expect(errorOf({ since: ['nope'] }).errors).toEqual([
      expect.objectContaining({ target: 'since', errorCode: 'INVALID_TYPE' }),
    ]);
    expect(errorOf({ size: ['0'] }).errors).toEqual([expect.objectContaining({ target: 'size' })]);
    expect(errorOf({ size: ['1001'] }).errors).toEqual([expect.objectContaining({ target: 'size' })]);
    expect(errorOf({ since: [''] }).errors).toEqual([
      expect.objectContaining({ target: 'since', errorCode: 'VALUE_REQUIRED' }),
    ]);
    expect(errorOf({ modifiedAfter: ['2026-01-01T00:00:00Z'] }).errors).toEqual([
      expect.objectContaining({ target: 'modifiedAfter', errorCode: 'INVALID_TYPE' }),
    ]);
  });
});
