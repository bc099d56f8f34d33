/**
 * GET /meetings/{meetingId}/history and no-op writes, black-box against the functions as deployed
 * (contract-history-privacy.md, "No-op writes" and "History").
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeHistoryCursor } from '../../shared/http/history-parameters.js';
import { meetingInput, uniqueTenant } from '../../support/fixtures.js';
import { tokenFor, useApi } from '../support/api-client.js';

const tenant = uniqueTenant();
const api = useApi(tenant);

const historyOf = async (id: string, query = '') => {
  const response = await api.call('GET', `/meetings/${id}/history${query}`);
  expect(response.status).toBe(200);
  return response.body as { entries: Array<Record<string, any>>; nextCursor?: string };
};

/** Every entry, following nextCursor page by page. */
async function allEntries(id: string, size = 100) {
  const entries: Array<Record<string, any>> = [];
  let cursor: string | undefined;
  do {
    const page = await historyOf(id, `?size=${size}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    entries.push(...page.entries);
    cursor = page.nextCursor;
  } while (cursor);
  return entries;
}

describe('history: who changed what', () => {
  it('records each write with its actor, Request-ID, time and field changes, oldest first', async () => {
    const anna = tokenFor({ tenant, subject: 'agent-anna', clientId: 'crm-1' });
    const bert = tokenFor({ tenant, subject: 'agent-bert' });
    const input = meetingInput({ notes: 'first visit' });
    const createId = randomUUID();
    const created = await api.call('POST', '/meetings', { token: anna, requestId: createId, body: input });
    expect(created.status).toBe(201);
    const id = created.body.meetingId as string;
    const createdAt = (await api.call('GET', `/meetings/${id}`)).body.modificationTime;

    const updateId = randomUUID();
    const lost = { ...input, statusCode: 'LOST', notes: undefined };
    const updated = await api.call('PUT', `/meetings/${id}`, { token: bert, requestId: updateId, body: lost });
    expect(updated.status).toBe(204);
    const updatedAt = (await api.call('GET', `/meetings/${id}`)).body.modificationTime;

    const { entries, nextCursor } = await historyOf(id);
    expect(nextCursor).toBeUndefined();
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({
      version: 1,
      changeType: 'CREATED',
      time: createdAt,
      actor: { subject: 'agent-anna', clientId: 'crm-1' },
      requestId: createId,
    });
    expect(entries[0]!.changes).toContainEqual({ field: 'notes', to: 'first visit' });
    expect(entries[0]!.changes).toContainEqual({ field: 'parties', to: input.parties });
    expect(entries[1]).toEqual({
      version: 2,
      changeType: 'UPDATED',
      time: updatedAt,
      actor: { subject: 'agent-bert' },
      requestId: updateId,
      changes: [
        { field: 'statusCode', from: 'WAITING', to: 'LOST' },
        { field: 'notes', from: 'first visit' },
      ],
    });
    // A read-only token reads it (read scope).
    const readOnly = tokenFor({ tenant, readOnly: true });
    expect((await api.call('GET', `/meetings/${id}/history`, { token: readOnly })).status).toBe(200);
  });

  it('a refused write leaves no entry; a deleted meeting keeps its history; other tenants and unknown ids get 404', async () => {
    const input = meetingInput();
    const id = await api.create(input);
    const won = await api.call('PUT', `/meetings/${id}`, { body: { ...input, statusCode: 'WON' } });
    expect(won.status).toBe(204);
    const refusals = [
      await api.call('PUT', `/meetings/${id}`, { body: { ...input, statusCode: 'CANCELLED' } }),
      await api.call('PUT', `/meetings/${id}`, {
        body: { ...input, statusCode: 'LOST' },
        headers: { 'If-Match': '"stale"' },
      }),
      await api.call('PUT', `/meetings/${id}`, { body: { ...input, typeCode: 'NOT_A_TYPE' } }),
      await api.call('DELETE', `/meetings/${id}`),
    ];
    expect(refusals.map((r) => r.status)).toEqual([400, 412, 400, 400]);
    expect((await allEntries(id)).map((e) => e.version)).toEqual([1, 2]);

    const doomed = await api.create(meetingInput());
    expect((await api.call('DELETE', `/meetings/${doomed}`)).status).toBe(204);
    expect((await api.call('GET', `/meetings/${doomed}`)).status).toBe(410);
    const entries = await allEntries(doomed);
    expect(entries.map((e) => [e.version, e.changeType])).toEqual([
      [1, 'CREATED'],
      [2, 'DELETED'],
    ]);
    expect(entries[1]!.changes).toEqual([]);

    const stranger = await api.call('GET', `/meetings/${id}/history`, { token: tokenFor({ tenant: uniqueTenant() }) });
    expect([stranger.status, stranger.body.errorCode]).toEqual([404, 'INVALID_ID']);
    expect((await api.call('GET', `/meetings/${randomUUID()}/history`)).status).toBe(404);
    // A cursor, however made, does not turn an unknown meeting into an empty history.
    const unknown = randomUUID();
    const forged = encodeHistoryCursor(tenant, unknown, 1);
    expect((await api.call('GET', `/meetings/${unknown}/history?cursor=${forged}`)).status).toBe(404);
    expect((await api.call('GET', '/meetings/not-a-uuid/history')).body.errorCode).toBe('INVALID_ID');
  });

  it('24 concurrent PUTs: as many entries as 204s, versions without a gap', async () => {
    const input = meetingInput();
    const id = await api.create(input);
    const answers = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        api.call('PUT', `/meetings/${id}`, { body: { ...input, notes: `racer ${i}` } }),
      ),
    );
    const written = answers.filter((a) => a.status === 204).length;
    expect(answers.every((a) => a.status === 204 || a.status === 503)).toBe(true);
    const entries = await allEntries(id, 7);
    expect(entries).toHaveLength(1 + written);
    expect(entries.map((e) => e.version)).toEqual(Array.from({ length: 1 + written }, (_, i) => i + 1));
    // Each entry's `from` is the note the previous entry wrote: one chain, no write lost.
    for (let i = 2; i < entries.length; i++) {
      const note = (entry: Record<string, any>) => entry.changes.find((c: { field: string }) => c.field === 'notes');
      expect(note(entries[i]!)?.from).toBe(note(entries[i - 1]!)?.to);
    }
  });

  it('pages with size and an opaque cursor bound to the meeting; bad parameters are 400', async () => {
    const input = meetingInput();
    const id = await api.create(input);
    for (let i = 0; i < 4; i++)
      expect((await api.call('PUT', `/meetings/${id}`, { body: { ...input, notes: `edit ${i}` } })).status).toBe(204);
    const first = await historyOf(id, '?size=2');
    expect(first.entries.map((e) => e.version)).toEqual([1, 2]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await historyOf(id, `?size=2&cursor=${first.nextCursor}`);
    expect(second.entries.map((e) => e.version)).toEqual([3, 4]);
    const last = await historyOf(id, `?size=2&cursor=${second.nextCursor}`);
    expect([last.entries.map((e) => e.version), last.nextCursor]).toEqual([[5], undefined]);

    const other = await api.create(meetingInput());
    const bad = async (query: string) => {
      const response = await api.call('GET', `/meetings/${other}/history${query}`);
      return [response.status, response.body.errorCode, response.body.errors?.map((e: { target: string }) => e.target)];
    };
    expect(await bad(`?cursor=${first.nextCursor}`)).toEqual([400, 'BAD_REQUEST_PARAMETERS', ['cursor']]);
    expect(await bad('?cursor=bm90LWEtY3Vyc29y')).toEqual([400, 'BAD_REQUEST_PARAMETERS', ['cursor']]);
    expect(await bad('?size=0')).toEqual([400, 'BAD_REQUEST_PARAMETERS', ['size']]);
    expect(await bad('?size=101')).toEqual([400, 'BAD_REQUEST_PARAMETERS', ['size']]);
    expect(await bad('?size=ten&colour=blue')).toEqual([400, 'BAD_REQUEST_PARAMETERS', ['colour', 'size']]);
  });

  it('a create through Idempotency-Key writes one entry; its replays none', async () => {
    const input = meetingInput();
    const key = randomUUID();
    const headers = { 'Idempotency-Key': key };
    const first = await api.call('POST', '/meetings', { body: input, headers });
    const replay = await api.call('POST', '/meetings', { body: input, headers });
    expect([first.status, replay.status, replay.body.meetingId]).toEqual([201, 201, first.body.meetingId]);
    expect((await allEntries(first.body.meetingId)).map((e) => e.changeType)).toEqual(['CREATED']);
  });
});

describe('no-op writes', () => {
  it('a PUT equal to the stored meeting after normalization writes nothing: 204, same ETag and modificationTime, no entry', async () => {
    const input = meetingInput({ statusCode: 'CANCELLED', notes: 'unchanged' });
    const id = await api.create(input);
    const before = await api.call('GET', `/meetings/${id}`);
    const etag = before.headers.get('etag')!;
    await new Promise((resolve) => setTimeout(resolve, 5));
    // Another spelling of the same meeting: ids in upper case, the visitTime in another offset.
    const respelled = {
      ...input,
      agencyOfficeId: input.agencyOfficeId.toUpperCase(),
      visitTime: new Date(Date.parse(input.visitTime) + 2 * 3_600_000).toISOString().replace('Z', '+02:00'),
      modificationTime: '2000-01-01T00:00:00Z',
    };
    const put = await api.call('PUT', `/meetings/${id}`, { body: respelled, headers: { 'If-Match': etag } });
    expect([put.status, put.headers.get('etag')]).toEqual([204, etag]);
    const after = await api.call('GET', `/meetings/${id}`);
    expect([after.body, after.headers.get('etag')]).toEqual([before.body, etag]);
    expect((await allEntries(id)).map((e) => e.version)).toEqual([1]);
    // If-Match is still checked first.
    const stale = await api.call('PUT', `/meetings/${id}`, { body: input, headers: { 'If-Match': '"not-the-tag"' } });
    expect(stale.status).toBe(412);
  });
});
