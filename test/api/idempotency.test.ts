/**
 * Retry-safe create (contract-integration.md, section 1): Idempotency-Key on POST /meetings.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { meetingInput, uniqueTenant } from '../../support/fixtures.js';
import { useApi } from '../support/api-client.js';

const tenant = uniqueTenant();
const api = useApi(tenant);
const post = (body: unknown, key: string | undefined) =>
  api.call('POST', '/meetings', { body, headers: key === undefined ? {} : { 'Idempotency-Key': key } });
const count = async (notes: string) =>
  (await api.call('GET', `/meetings?freeTextSearch=${notes}`)).body.totalCount as number;

describe('Idempotency-Key', () => {
  it('answers a retry with the first answer and Idempotent-Replayed, creating nothing more', async () => {
    const key = `order-${randomUUID()}`;
    const notes = `idem-${randomUUID().slice(0, 8)}`;
    const input = meetingInput({ notes });
    const first = await post(input, key);
    expect([first.status, first.headers.get('idempotent-replayed')]).toEqual([201, null]);
    const { meetingId } = first.body;
    // Equal as parsed JSON: another key order and whitespace are the same body.
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(input).reverse()), null, 2);
    const retry = await api.call('POST', '/meetings', {
      rawBody: reordered,
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key },
    });
    expect([retry.status, retry.body, retry.headers.get('location'), retry.headers.get('idempotent-replayed')]).toEqual(
      [201, { meetingId }, `/meetings/${meetingId}`, 'true'],
    );
    expect(await count(notes)).toBe(1);
  });

  it('still replays after the meeting was updated or deleted', async () => {
    const key = randomUUID();
    const input = meetingInput();
    const { meetingId } = (await post(input, key)).body;
    expect((await api.call('PUT', `/meetings/${meetingId}`, { body: { ...input, notes: 'edited' } })).status).toBe(204);
    expect((await post(input, key)).body.meetingId).toBe(meetingId);
    expect((await api.call('DELETE', `/meetings/${meetingId}`)).status).toBe(204);
    const replay = await post(input, key);
    expect([replay.status, replay.body.meetingId, replay.headers.get('idempotent-replayed')]).toEqual([
      201,
      meetingId,
      'true',
    ]);
    expect((await api.call('GET', `/meetings/${meetingId}`)).status).toBe(410);
  });

  it('refuses the same key with another body: 422 IDEMPOTENCY_KEY_REUSED, nothing written', async () => {
    const key = randomUUID();
    const notes = `reuse-${randomUUID().slice(0, 8)}`;
    await post(meetingInput({ notes }), key);
    const reused = await post(meetingInput({ notes }), key); // fresh ids: another body
    expect([reused.status, reused.body.errorCode]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    expect(await count(notes)).toBe(1);
  });

  it('scopes keys to the tenant', async () => {
    const key = randomUUID();
    const input = meetingInput();
    const mine = (await post(input, key)).body.meetingId;
    const other = useApiOtherTenant();
    const theirs = await other(input, key);
    expect(theirs.status).toBe(201);
    expect(theirs.body.meetingId).not.toBe(mine);
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();
  });

  it('checks the key format right after Request-ID, and stores nothing for a refused request', async () => {
    for (const key of ['', 'a'.repeat(256), 'with space', 'tab\tkey', 'ä-non-ascii']) {
      const response = await post(meetingInput(), key);
      expect([JSON.stringify(key), response.status, response.body.errors?.[0]?.target]).toEqual([
        JSON.stringify(key),
        400,
        'Idempotency-Key',
      ]);
    }
    expect((await post(meetingInput(), 'k'.repeat(255))).status).toBe(201);
    // A valid key with an invalid body: the body's 400, and the key stays unused.
    const key = randomUUID();
    const input = meetingInput();
    const invalid = await post({ ...input, statusCode: 'NOPE' }, key);
    expect([invalid.status, invalid.body.errorCode]).toEqual([400, 'BAD_REQUEST_BODY']);
    const later = await post(input, key);
    expect([later.status, later.headers.get('idempotent-replayed')]).toEqual([201, null]);
  });

  it('24 concurrent POSTs with one key and body: one meeting, 24 answers with its id', async () => {
    const key = randomUUID();
    const notes = `race-${randomUUID().slice(0, 8)}`;
    const input = meetingInput({ notes });
    const answers = await Promise.all(Array.from({ length: 24 }, () => post(input, key)));
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 24 }, () => 201));
    expect(new Set(answers.map((a) => a.body.meetingId)).size).toBe(1);
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') !== 'true')).toHaveLength(1);
    expect(await count(notes)).toBe(1);
  });
});

const otherApi = useApi(uniqueTenant());
function useApiOtherTenant() {
  return (body: unknown, key: string) =>
    otherApi.call('POST', '/meetings', { body, headers: { 'Idempotency-Key': key } });
}
