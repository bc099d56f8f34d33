/**
 * Bulk create, black-box against the functions as deployed (contract-calendar-import.md, "Bulk
 * create"): each item exactly a keyed POST /meetings, results in item order, items independent,
 * and an envelope of the wrong shape refused whole with nothing written.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { meetingInput, uniqueTenant } from '../../support/fixtures.js';
import { tokenFor, useApi } from '../support/api-client.js';

const tenant = uniqueTenant();
const api = useApi(tenant);

interface Result {
  index: number;
  status: number;
  meetingId?: string;
  replayed?: boolean;
  error?: { errorCode: string; message: string; errors?: unknown[] };
}

const batch = async (items: unknown) => api.call('POST', '/meetings/batch', { body: { items } });
const results = async (items: unknown): Promise<Result[]> => {
  const response = await batch(items);
  expect(response.status).toBe(200);
  return (response.body as { results: Result[] }).results;
};
const post = (body: unknown, key: string) =>
  api.call('POST', '/meetings', { body, headers: { 'Idempotency-Key': key } });

describe('POST /meetings/batch', () => {
  it('answers each item as its keyed POST /meetings would, in item order, one item failing alone', async () => {
    const earlier = { key: randomUUID(), meeting: meetingInput() };
    const earlierId = (await post(earlier.meeting, earlier.key)).body.meetingId as string;
    const fresh = { idempotencyKey: randomUUID(), meeting: meetingInput({ notes: 'Rivi yksi;\nrivi kaksi' }) };
    const { typeCode: _typeCode, ...withoutType } = meetingInput();
    const invalid = { idempotencyKey: randomUUID(), meeting: withoutType };
    const tooLarge = { idempotencyKey: randomUUID(), meeting: meetingInput({ notes: 'ä'.repeat(40_000) }) };
    const items = [
      fresh,
      { idempotencyKey: earlier.key, meeting: earlier.meeting },
      { idempotencyKey: earlier.key, meeting: meetingInput() },
      invalid,
      tooLarge,
    ];
    const answered = await results(items);
    expect(answered.map((result) => [result.index, result.status, result.replayed])).toEqual([
      [0, 201, false],
      [1, 201, true],
      [2, 422, undefined],
      [3, 400, undefined],
      [4, 400, undefined],
    ]);
    expect(answered[1]!.meetingId).toBe(earlierId);
    // The errors are the very bodies POST /meetings answers for the same key and meeting.
    for (const index of [2, 3, 4]) {
      const alone = await post(items[index]!.meeting, items[index]!.idempotencyKey);
      expect(answered[index]!.error).toEqual(alone.body);
    }
    const created = await api.call('GET', `/meetings/${answered[0]!.meetingId}`);
    expect(created.status).toBe(200);
    const { notes, parties, agents } = fresh.meeting;
    expect(created.body).toMatchObject({ notes, parties, agents });
    const history = await api.call('GET', `/meetings/${answered[0]!.meetingId}/history`);
    expect(history.body.entries).toHaveLength(1);
    // A failed item created nothing: its key is still free for its own meeting.
    expect((await post(invalid.meeting, invalid.idempotencyKey)).status).toBe(400);
  });

  it('answers the same batch again with the same meetings, replayed, and creates none', async () => {
    const notes = `batch${randomUUID().slice(0, 8)}`;
    const items = Array.from({ length: 30 }, () => ({
      idempotencyKey: randomUUID(),
      meeting: meetingInput({ notes }),
    }));
    const first = await results(items);
    expect(first.every((result) => result.status === 201 && result.replayed === false)).toBe(true);
    const again = await results(items);
    expect(again.map((result) => [result.meetingId, result.replayed])).toEqual(
      first.map((result) => [result.meetingId, true]),
    );
    expect(new Set(first.map((result) => result.meetingId)).size).toBe(30);
    const search = await api.call('GET', `/meetings?freeTextSearch=${notes}&size=100`);
    expect(search.body.totalCount).toBe(30);
  });

  it('refuses an envelope of the wrong shape whole, writing nothing', async () => {
    const valid = () => ({ idempotencyKey: randomUUID(), meeting: meetingInput() });
    const kept = valid();
    const envelopes: unknown[] = [
      [],
      { items: [] },
      { items: Array.from({ length: 101 }, valid) },
      { items: [kept, { meeting: meetingInput() }] },
      { items: [kept, { idempotencyKey: 'with space', meeting: meetingInput() }] },
      { items: [kept, { idempotencyKey: randomUUID(), meeting: [meetingInput()] }] },
      { items: [kept, { idempotencyKey: randomUUID(), meeting: meetingInput(), extra: 1 }] },
      { items: [kept], extra: true },
      { notItems: [kept] },
    ];
    for (const body of envelopes) {
      const response = await api.call('POST', '/meetings/batch', { body });
      expect([response.status, response.body.errorCode]).toEqual([400, 'BAD_REQUEST_BODY']);
    }
    // None of those wrote the item they carried: its first create is still to come.
    const [first] = await results([kept]);
    expect([first!.status, first!.replayed]).toEqual([201, false]);
  });

  it('needs the write scope', async () => {
    const response = await api.call('POST', '/meetings/batch', {
      body: { items: [{ idempotencyKey: randomUUID(), meeting: meetingInput() }] },
      token: tokenFor({ tenant, readOnly: true }),
    });
    expect(response.status).toBe(403);
  });
});
